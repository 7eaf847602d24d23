// iam:PutRolePolicy: the delivery role's inline publish policy.
import * as z from 'zod';

import type { PolicyStatement } from '../facts/policy-document.js';
import { roleOf } from '../inventory/types.js';
import { decodePolicyText } from '../policy/decode.js';
import { templateStatementGroups } from '../policy/publish-policy.js';
import { loadPolicyTemplates } from '../policy/templates.js';
import { BLOCKER, defineActionKind, roleArn, sameDocument, type Because } from './action-kind.js';
import { iamName } from './schemas.js';

export const putRolePolicy = defineActionKind({
  kind: 'put-role-policy',
  service: 'iam',
  operation: 'PutRolePolicy',
  global: true,
  changesRole: 'policy-put',
  counted: { noun: 'role policy', nouns: 'role policies', verb: 'set' },
  inputSchema: z.strictObject({ RoleName: iamName, PolicyName: iamName, PolicyDocument: z.string().max(10_240) }),
  targets: (input) => [input.RoleName],
  describe: (input) => `Put inline policy ${input.PolicyName} on role ${input.RoleName}: ${summarisePolicy(input.PolicyDocument)}`,
  // IAM authorizes PutRolePolicy against the role's ARN, path included; the input names the role only, and
  // a reused role may sit at any path: declared for the name at the root and at any path.
  permissions: (input, scope) => ['/', '/*/'].map((path) => ({ action: 'iam:PutRolePolicy', resource: roleArn(scope, input.RoleName, path) })),
  // IAM judges iam:PermissionsBoundary on PutRolePolicy by the role's own boundary.
  requestContext: (_input, _permission, { roleBoundary }) => (roleBoundary ? [{ key: 'iam:PermissionsBoundary', values: [roleBoundary] }] : []),
  reconcile: (action, live) => {
    const current = roleOf(live)?.inlinePolicies[action.input.PolicyName];
    return current !== undefined && sameDocument(current, action.input.PolicyDocument)
      ? [{ status: 'already-done', detail: 'inline policy already in place' }]
      : [{ status: 'todo' }];
  },
  send: (clients, _region, input) => clients.iam().putRolePolicy(input),
  tookEffect: async (clients, _region, input, targets) => {
    const current = (await clients.iam().getRole(input.RoleName))?.inlinePolicies[input.PolicyName];
    return current !== undefined && sameDocument(current, input.PolicyDocument) ? targets : [];
  },
  blocks: () => [{ key: BLOCKER.roleNotReady, why: 'delivery role not ready: put-role-policy failed' }],
  blockedBy: () => [BLOCKER.roleNotReady],
  managedBy: (input, settings) => input.RoleName === settings.roleName && input.PolicyName === settings.policyName,
});

/**
 * The log groups the document's flowfix statements grant, and how many other statements it keeps: a
 * policy flowfix did not write is only ever added to, so its statements are all still there.
 */
function summarisePolicy(document: string): string {
  let statements: unknown[];
  try {
    statements = [(decodePolicyText(document) as { Statement?: unknown }).Statement ?? []].flat();
  } catch {
    return 'a document that is not JSON';
  }
  const template = loadPolicyTemplates().publish;
  const groups = new Set<string>();
  let others = 0;
  for (const statement of statements) {
    const granted = typeof statement === 'object' && statement !== null ? templateStatementGroups(statement as PolicyStatement, template) : null;
    if (granted) granted.forEach((group) => groups.add(group));
    else others++;
  }
  if (groups.size === 0) return `a document without flowfix's publish statements (${others} other statement${others === 1 ? '' : 's'})`;
  const publish = `publish to log groups named ${[...groups].sort().join(', ')}`;
  return others > 0 ? `${publish} (and keep ${others} other statement${others === 1 ? '' : 's'} it already had)` : `${publish} only`;
}

export const buildPutRolePolicy = (roleName: string, policyName: string, document: object, because: Because[]) => ({
  kind: 'put-role-policy' as const,
  region: 'global',
  because,
  input: { RoleName: roleName, PolicyName: policyName, PolicyDocument: JSON.stringify(document) },
});
