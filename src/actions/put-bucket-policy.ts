// s3:PutBucketPolicy on the central flow-log bucket (--log-archive-account): the current policy with
// flowfix's delivery statements added or brought up to date, every other statement as its owner wrote it.
import * as z from 'zod';

import { accountsGrantedBy, isFlowfixStatement, readPolicyText } from '../facts/bucket-policy.js';
import { accountId, bucketName } from '../facts/names.js';
import type { Inventory } from '../inventory/types.js';
import { plural } from '../util/plural.js';
import { defineActionKind, type Because, type CallScope, type LiveVerdict } from './action-kind.js';

export const bucketArn = (scope: Pick<CallScope, 'partition'>, bucket: string): string => `arn:${scope.partition}:s3:::${bucket}`;

/** The statements of a policy text other than flowfix's, as their exact text: what a put must keep. */
export const othersOf = (policy: string | null): string[] | undefined =>
  policy === null
    ? []
    : readPolicyText(policy)
        ?.statements.filter((s) => !isFlowfixStatement(s.statement))
        .map((s) => s.text);

/**
 * The live bucket policy against the one the action puts (or, `undefined` Policy, the deletion): done
 * when they are the same text, and never sent over statements someone changed since the plan was made.
 */
export function bucketPolicyVerdict(live: Inventory, input: { Bucket: string; Policy?: string }): LiveVerdict[] {
  const read = live.logArchive?.bucket === input.Bucket ? live.logArchive.read : undefined;
  if (!read || read.status !== 'found') return [{ status: 'skipped', detail: `bucket ${input.Bucket} was not read: left as is` }];
  const wanted = input.Policy ?? null;
  if (read.policy === wanted) return [{ status: 'already-done', detail: 'bucket policy already in place' }];
  const liveOthers = othersOf(read.policy);
  if (liveOthers === undefined || JSON.stringify(liveOthers) !== JSON.stringify(othersOf(wanted)))
    return [{ status: 'skipped', detail: 'the bucket policy changed since this plan was made (other statements differ): left as is; plan again' }];
  return [{ status: 'todo' }];
}

export const putBucketPolicy = defineActionKind({
  kind: 'put-bucket-policy',
  service: 's3',
  operation: 'PutBucketPolicy',
  global: true,
  counted: { noun: 'bucket policy', nouns: 'bucket policies', verb: 'set' },
  inputSchema: z.strictObject({
    Bucket: bucketName,
    ExpectedBucketOwner: accountId,
    Policy: z
      .string()
      .min(1)
      .max(20 * 1024),
  }),
  targets: (input) => [input.Bucket],
  describe: (input) => {
    const parsed = readPolicyText(input.Policy);
    if (!parsed) return `Put a bucket policy on ${input.Bucket} that is not a JSON policy`;
    const ours = parsed.statements.filter((s) => isFlowfixStatement(s.statement)).map((s) => s.statement);
    const others = parsed.statements.length - ours.length;
    const accounts = accountsGrantedBy(ours);
    return (
      `Put the bucket policy of ${input.Bucket}: let flow-log delivery in for ${plural(accounts.length, 'account')} (${accounts.join(', ')})` +
      (others > 0 ? `, keeping ${plural(others, 'other statement')} as ${others === 1 ? 'it is' : 'they are'}` : '')
    );
  },
  permissions: (input, scope) => [{ action: 's3:PutBucketPolicy', resource: bucketArn(scope, input.Bucket) }],
  reconcile: (action, live) => bucketPolicyVerdict(live, action.input),
  send: (clients, _region, input) => clients.s3().putBucketPolicy(input),
  tookEffect: async (clients, _region, input, targets) =>
    (await clients.s3().getBucketPolicy(input.Bucket, input.ExpectedBucketOwner)) === input.Policy ? targets : [],
  deniedHint: (input, _error, scope) =>
    `in account ${input.ExpectedBucketOwner}, grant s3:PutBucketPolicy on ${bucketArn(scope, input.Bucket)} (policies/operator-log-archive.json); a Deny in the bucket policy itself can refuse it too`,
  managedBy: () => false,
});

export const buildPutBucketPolicy = (bucket: string, owner: string, policy: string, because: Because[]) => ({
  kind: 'put-bucket-policy' as const,
  region: 'global',
  because,
  input: { Bucket: bucket, ExpectedBucketOwner: owner, Policy: policy },
});
