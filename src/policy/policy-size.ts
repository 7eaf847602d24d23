// IAM's size quota for a role's inline policies: all of them together may hold at most 10,240
// characters, whitespace not counted; past it PutRolePolicy answers LimitExceeded.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
import type { PolicyDocument } from '../facts/policy-document.js';

export const ROLE_INLINE_POLICIES_MAX_CHARS = 10_240;
/** Warn from this share of the quota on: a publish policy only grows as log groups are added. */
export const ROLE_POLICY_SIZE_WARNING_SHARE = 0.8;

/** Characters IAM counts for a document: its JSON without any whitespace. */
export function policySize(document: PolicyDocument | string): number {
  const text = typeof document === 'string' ? document : JSON.stringify(document);
  return text.replace(/\s/g, '').length;
}

/** The quota's measure for a role: every inline policy's size, added up. */
export function inlinePoliciesSize(policies: Record<string, PolicyDocument | string>): number {
  return Object.values(policies).reduce((total, document) => total + policySize(document), 0);
}
