// iam:PutRolePolicy: the delivery role's inline publish policy.
import { z } from 'zod';
import { roleOf } from '../inventory/types.js';
import { decodePolicyText } from '../policy/decode.js';
import { canonicalJson } from '../util/canonical-json.js';
import { defineActionKind, roleArn, type Because } from './action-kind.js';
import { iamName } from './schemas.js';

export const putRolePolicy = defineActionKind({
  kind: 'put-role-policy',
  service: 'iam',
  operation: 'PutRolePolicy',
  global: true,
  inputSchema: z.strictObject({ RoleName: iamName, PolicyName: iamName, PolicyDocument: z.string().max(10_240) }),
  targets: (input) => [input.RoleName],
  describe: (input) => `Put inline policy ${input.PolicyName} on role ${input.RoleName}: ${summarisePolicy(input.PolicyDocument)}`,
  // IAM authorizes PutRolePolicy against the role's ARN, path included; the input names the role only, and
  // a reused role may sit at any path: declared for the name at the root and at any path.
  permissions: (input, scope) => ['/', '/*/'].map((path) => ({ action: 'iam:PutRolePolicy', resource: roleArn(scope, input.RoleName, path) })),
  reconcile: (action, live) => {
    const current = roleOf(live)?.inlinePolicies[action.input.PolicyName];
    return current !== undefined && canonicalJson(current) === canonicalJson(JSON.parse(action.input.PolicyDocument))
      ? [{ status: 'already-done', detail: 'inline policy already in place' }]
      : [{ status: 'todo' }];
  },
  send: (clients, _region, input) => clients.iam().putRolePolicy(input),
});

/** The log groups a publish policy grants, in words, and how many other grants it keeps. */
function summarisePolicy(document: string): string {
  let resources: string[];
  try {
    const statements = [(decodePolicyText(document) as { Statement?: unknown }).Statement ?? []].flat() as { Resource?: unknown }[];
    resources = statements.flatMap((s) => [s.Resource ?? []].flat().map(String));
  } catch {
    return 'a document that is not JSON';
  }
  const groups = new Set<string>();
  let others = 0;
  for (const resource of resources) {
    const name = /:log-group:(.+?)(?::\*)?$/.exec(resource)?.[1];
    if (name === undefined) others++;
    else if (name !== '*') groups.add(name); // the DescribeLogGroups grant
  }
  const kept = others > 0 ? ` (and ${others} other grant${others === 1 ? '' : 's'} it already had)` : '';
  return `publish to log groups named ${[...groups].join(', ')} only${kept}`;
}

export const buildPutRolePolicy = (roleName: string, policyName: string, document: object, because: Because[]) => ({
  kind: 'put-role-policy' as const,
  region: 'global',
  because,
  input: { RoleName: roleName, PolicyName: policyName, PolicyDocument: JSON.stringify(document) },
});
