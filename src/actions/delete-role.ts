// iam:DeleteRole: the delivery role, only when flowfix created it (tagged ManagedBy=flowfix) and no flow
// log left uses it. Runs after every regional action and after its inline policy is deleted (applyPlan
// runs global deletes last). Only rollback plans hold it.
import * as z from 'zod';

import { roleOf } from '../inventory/types.js';
import { BLOCKER, defineActionKind, roleArn, type Because } from './action-kind.js';
import { iamName } from './schemas.js';

export const deleteRole = defineActionKind({
  kind: 'delete-role',
  service: 'iam',
  operation: 'DeleteRole',
  global: true,
  counted: { noun: 'role', nouns: 'roles', verb: 'delete' },
  rollbackOnly: true,
  inputSchema: z.strictObject({ RoleName: iamName }),
  targets: (input) => [input.RoleName],
  describe: (input) => `Delete IAM role ${input.RoleName} (created by flowfix, used by no flow log left)`,
  permissions: (input, scope) => ['/', '/*/'].map((path) => ({ action: 'iam:DeleteRole', resource: roleArn(scope, input.RoleName, path) })),
  reconcile: (action, live) =>
    roleOf(live)?.roleName === action.input.RoleName ? [{ status: 'todo' }] : [{ status: 'already-done', detail: 'role already gone' }],
  send: (clients, _region, input) => clients.iam().deleteRole(input),
  tookEffect: async (clients, _region, input, targets) => ((await clients.iam().getRole(input.RoleName)) === null ? targets : []),
  blockedBy: () => [BLOCKER.roleInUse],
});

export const buildDeleteRole = (roleName: string, because: Because[]) => ({
  kind: 'delete-role' as const,
  region: 'global',
  because,
  input: { RoleName: roleName },
});
