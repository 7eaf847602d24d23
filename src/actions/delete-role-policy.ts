// iam:DeleteRolePolicy: flowfix's inline publish policy on the delivery role flowfix created, before the
// role itself can be deleted. Only rollback plans hold it.
import * as z from 'zod';

import { roleOf } from '../inventory/types.js';
import { BLOCKER, defineActionKind, roleArn, type Because } from './action-kind.js';
import { iamName } from './schemas.js';

export const deleteRolePolicy = defineActionKind({
  kind: 'delete-role-policy',
  service: 'iam',
  operation: 'DeleteRolePolicy',
  global: true,
  counted: { noun: 'role policy', nouns: 'role policies', verb: 'delete' },
  rollbackOnly: true,
  inputSchema: z.strictObject({ RoleName: iamName, PolicyName: iamName }),
  targets: (input) => [input.RoleName],
  describe: (input) => `Delete inline policy ${input.PolicyName} from role ${input.RoleName}`,
  // Authorized against the role's ARN, path included: declared at the root and at any path.
  permissions: (input, scope) => ['/', '/*/'].map((path) => ({ action: 'iam:DeleteRolePolicy', resource: roleArn(scope, input.RoleName, path) })),
  reconcile: (action, live) =>
    roleOf(live)?.inlinePolicies[action.input.PolicyName] === undefined
      ? [{ status: 'already-done', detail: 'inline policy already gone' }]
      : [{ status: 'todo' }],
  send: (clients, _region, input) => clients.iam().deleteRolePolicy(input),
  tookEffect: async (clients, _region, input, targets) =>
    (await clients.iam().getRole(input.RoleName))?.inlinePolicies[input.PolicyName] === undefined ? targets : [],
  blocks: () => [{ key: BLOCKER.roleInUse, why: 'its inline policy could not be deleted' }],
  // Deleting it would stop a flow log that is still there from delivering.
  blockedBy: () => [BLOCKER.roleInUse],
});

export const buildDeleteRolePolicy = (roleName: string, policyName: string, because: Because[]) => ({
  kind: 'delete-role-policy' as const,
  region: 'global',
  because,
  input: { RoleName: roleName, PolicyName: policyName },
});
