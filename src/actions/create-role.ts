// iam:CreateRole: the delivery role VPC Flow Logs assumes to publish to CloudWatch Logs.
import * as z from 'zod';
import { roleOf } from '../inventory/types.js';
import { trustsVpcFlowLogs } from '../rules/role-trust.js';
import { defineActionKind, roleArn, sameDocument } from './action-kind.js';
import { awsTags, iamName } from './schemas.js';

export const createRole = defineActionKind({
  kind: 'create-role',
  service: 'iam',
  operation: 'CreateRole',
  global: true,
  counted: { noun: 'role', nouns: 'roles', verb: 'create' },
  inputSchema: z.strictObject({ RoleName: iamName, AssumeRolePolicyDocument: z.string(), Description: z.string(), Tags: awsTags }),
  targets: (input) => [input.RoleName],
  describe: (input) => `Create IAM role ${input.RoleName} that VPC Flow Logs can assume (this account only)`,
  permissions: (input, scope) =>
    ['iam:CreateRole', ...(input.Tags.length > 0 ? ['iam:TagRole'] : [])].map((action) => ({ action, resource: roleArn(scope, input.RoleName) })),
  reconcile: (action, live) => {
    const role = roleOf(live);
    if (!role) return [{ status: 'todo' }];
    const problem = trustsVpcFlowLogs(role.trustPolicy, live.accountId);
    return problem
      ? [{ status: 'failed', code: 'RoleUntrusted', message: `role exists but ${problem}` }]
      : [{ status: 'already-done', detail: 'role exists and trusts vpc-flow-logs.amazonaws.com' }];
  },
  send: (clients, _region, input) => clients.iam().createRole(input),
  tookEffect: async (clients, _region, input, targets) => {
    const role = await clients.iam().getRole(input.RoleName);
    return role && sameDocument(role.trustPolicy, input.AssumeRolePolicyDocument) ? targets : [];
  },
});

export const buildCreateRole = (roleName: string, trustPolicy: object, tags: { Key: string; Value: string }[]) => ({
  kind: 'create-role' as const,
  region: 'global',
  because: [{ kind: 'prerequisite' as const, resourceIds: [] }],
  input: {
    RoleName: roleName,
    AssumeRolePolicyDocument: JSON.stringify(trustPolicy),
    Description: 'Delivers VPC flow logs to CloudWatch Logs. Managed by flowfix.',
    Tags: tags,
  },
});
