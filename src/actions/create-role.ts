// iam:CreateRole: the delivery role VPC Flow Logs assumes to publish to CloudWatch Logs.
import * as z from 'zod';

import { readRegions, roleOf } from '../inventory/types.js';
import { describeTrustProblems, trustProblemsByRegion } from '../rules/role-trust.js';
import { BLOCKER, defineActionKind, requestTagContext, roleArn, sameDocument } from './action-kind.js';
import { awsTags, iamName, permissionsBoundary, rolePath } from './schemas.js';

export const createRole = defineActionKind({
  kind: 'create-role',
  service: 'iam',
  operation: 'CreateRole',
  global: true,
  changesRole: 'created',
  counted: { noun: 'role', nouns: 'roles', verb: 'create' },
  inputSchema: z.strictObject({
    RoleName: iamName,
    Path: rolePath.optional(),
    AssumeRolePolicyDocument: z.string(),
    Description: z.string(),
    PermissionsBoundary: permissionsBoundary.optional(),
    Tags: awsTags,
  }),
  targets: (input) => [input.RoleName],
  describe: (input) => {
    const extras = [
      input.Path && input.Path !== '/' ? `path ${input.Path}` : '',
      input.PermissionsBoundary ? `permissions boundary ${input.PermissionsBoundary}` : '',
    ].filter(Boolean);
    return `Create IAM role ${input.RoleName}${extras.length > 0 ? ` (${extras.join(', ')})` : ''} that VPC Flow Logs can assume (this account only)`;
  },
  // A landing zone's SCP may demand the boundary with the iam:PermissionsBoundary condition on CreateRole.
  permissions: (input, scope) =>
    ['iam:CreateRole', ...(input.Tags.length > 0 ? ['iam:TagRole'] : [])].map((action) => ({ action, resource: roleArn(scope, input.RoleName, input.Path) })),
  // The request carries the boundary it sets (iam:PermissionsBoundary) and its tags.
  requestContext: (input, { action }) => [
    ...(action === 'iam:CreateRole' && input.PermissionsBoundary ? [{ key: 'iam:PermissionsBoundary', values: [input.PermissionsBoundary] }] : []),
    ...requestTagContext(Object.fromEntries(input.Tags.map((t) => [t.Key, t.Value]))),
  ],
  reconcile: (action, live) => {
    const role = roleOf(live);
    if (!role) return [{ status: 'todo' }];
    // Live state holds the plan's regions: the role must serve every one of them.
    const regions = readRegions(live).map((r) => r.region);
    const asked = regions.length > 0 ? regions : [live.homeRegion];
    const problems = trustProblemsByRegion(role.trustPolicy, live, asked);
    return problems.size > 0
      ? [{ status: 'failed', code: 'RoleUntrusted', message: `role exists but ${describeTrustProblems(problems, asked)}` }]
      : [{ status: 'already-done', detail: 'role exists and trusts vpc-flow-logs.amazonaws.com' }];
  },
  send: (clients, _region, input) => clients.iam().createRole(input),
  tookEffect: async (clients, _region, input, targets) => {
    const role = await clients.iam().getRole(input.RoleName);
    return role && sameDocument(role.trustPolicy, input.AssumeRolePolicyDocument) ? targets : [];
  },
  blocks: () => [{ key: BLOCKER.roleNotReady, why: 'delivery role not ready: create-role failed' }],
  managedBy: (input, settings) => input.RoleName === settings.roleName,
});

export const buildCreateRole = (
  roleName: string,
  trustPolicy: object,
  tags: { Key: string; Value: string }[],
  options: { path?: string | undefined; permissionsBoundary?: string | undefined } = {},
) => ({
  kind: 'create-role' as const,
  region: 'global',
  because: [{ kind: 'prerequisite' as const, resourceIds: [] }],
  input: {
    RoleName: roleName,
    ...(options.path ? { Path: options.path } : {}),
    AssumeRolePolicyDocument: JSON.stringify(trustPolicy),
    Description: 'Delivers VPC flow logs to CloudWatch Logs. Managed by flowfix.',
    ...(options.permissionsBoundary ? { PermissionsBoundary: options.permissionsBoundary } : {}),
    Tags: tags,
  },
});
