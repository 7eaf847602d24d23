// What IAM permissions each recorded AWS call needs, and the suite-wide check that the operator
// policies in policies/ allow every call flowfix sent in any test that used the stateful fake.
import { ACTION_KINDS } from '../../src/actions/action-kinds.js';
import type { PolicyDocument, PolicyStatement } from '../../src/facts/policy-document.js';
import { isAllowed, statementsOf, type RequestContext } from '../../src/policy/evaluate.js';
import { readPolicyFile, renderPolicy, type PolicyVariables } from '../../src/policy/templates.js';

/**
 * An opt-in operator document a test grants besides the base ones (policies/operator-apply-*.json), with
 * its placeholders filled in as a user would: e.g. operator-apply-s3.json for BucketName acme-logs. Or,
 * with `boundary`, the edit README asks of users of --permissions-boundary: the base documents'
 * iam:PermissionsBoundary conditions name that policy instead of flowfix-delivery-boundary. Or, with
 * `roleName`, the edit asked of users of --role-name: the statements naming flowfix-vpc-flow-logs also
 * name that role.
 */
export interface DocumentGrant {
  file: string;
  vars: Record<string, string>;
}
export type OperatorGrant = DocumentGrant | { boundary: string } | { roleName: string };

const describeGrants = (grants: readonly OperatorGrant[]) =>
  grants
    .map((g) =>
      'boundary' in g
        ? ` (boundary condition edited to ${g.boundary})`
        : 'roleName' in g
          ? ` (role ${g.roleName} added beside flowfix-vpc-flow-logs)`
          : ` + ${g.file}${
              Object.keys(g.vars).length > 0
                ? `[${Object.entries(g.vars)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')}]`
                : ''
            }`,
    )
    .join('');

const DEFAULT_ROLE = 'flowfix-vpc-flow-logs';

/** The statement with its iam:PermissionsBoundary condition values replaced by `boundary`. */
function withBoundary(statement: PolicyStatement, boundary: string): PolicyStatement {
  if (!statement.Condition) return statement;
  const condition = Object.fromEntries(
    Object.entries(statement.Condition).map(([operator, entries]) => [
      operator,
      Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, key.toLowerCase() === 'iam:permissionsboundary' ? boundary : value])),
    ]),
  );
  return { ...statement, Condition: condition };
}

/** A base document with the granted opt-in documents' statements added: what the operator holds. */
export function operatorPolicy(
  base: 'operator-apply.json' | 'operator-plan.json' | 'operator-apply-prebuilt-role.json',
  grants: readonly OperatorGrant[] = [],
): PolicyDocument {
  const boundary = grants.flatMap((g) => ('boundary' in g ? [g.boundary] : [])).at(-1);
  const roleNames = grants.flatMap((g) => ('roleName' in g ? [g.roleName] : []));
  const statements = [base, ...grants].flatMap((grant) => {
    if (typeof grant === 'object' && !('file' in grant)) return [];
    const doc = typeof grant === 'string' ? readPolicyFile(grant) : renderPolicy(readPolicyFile(grant.file), grant.vars as unknown as PolicyVariables);
    return statementsOf(doc)
      .map((s) => (boundary ? withBoundary(s, boundary) : s))
      .flatMap((s) => [
        s,
        ...roleNames
          .filter(() => JSON.stringify(s.Resource ?? '').includes(DEFAULT_ROLE))
          .map((name) => ({ ...s, Resource: JSON.parse(JSON.stringify(s.Resource).replaceAll(DEFAULT_ROLE, name)) })),
      ]);
  });
  return { Version: '2012-10-17', Statement: statements };
}

export interface SentCall {
  service: string;
  operation: string;
  region: string;
  input: any;
  /** What the fake knew, when the call arrived, of the resource it acts on: IAM authorizes with it. */
  resources?: ResourceFacts;
}

/** A resource's facts IAM puts in the request context: its tags (aws:/iam:ResourceTag) and a role's boundary. */
export interface ResourceFacts {
  tags?: Record<string, string>;
  permissionsBoundary?: string;
  /** DeleteFlowLogs: each flow log's tags, by id. */
  tagsById?: Record<string, Record<string, string>>;
}

/** One permission a call needs: the IAM action on the resource, with the request's condition keys. */
export interface NeededPermission {
  action: string;
  resource: string;
  context: RequestContext;
}

function resourceContext(service: string, facts: ResourceFacts | undefined, tags = facts?.tags): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags ?? {})) {
    context[`aws:ResourceTag/${key}`] = value;
    if (service === 'iam') context[`iam:ResourceTag/${key}`] = value;
  }
  if (facts?.permissionsBoundary) context['iam:PermissionsBoundary'] = facts.permissionsBoundary;
  return context;
}

/** A role's real ARN by name (IAM authorizes a call naming a role against the ARN with its path). */
export type RoleArnOf = (roleName: string) => string | undefined;

/** The IAM actions (and resources, and condition keys) one call needs, including the implicit ones AWS checks. */
export function requiredPermissions(call: SentCall, accountId: string, roleArnOf: RoleArnOf = () => undefined): NeededPermission[] {
  const input = call.input ?? {};
  const resource =
    call.operation === 'AssumeRole'
      ? input.RoleArn
      : call.operation === 'SimulatePrincipalPolicy'
        ? input.PolicySourceArn
        : call.service === 'iam' && input.RoleName
          ? call.operation === 'CreateRole'
            ? `arn:aws:iam::${accountId}:role${input.Path ?? '/'}${input.RoleName}`
            : (roleArnOf(input.RoleName) ?? `arn:aws:iam::${accountId}:role/${input.RoleName}`)
          : call.service === 'logs' && input.logGroupName
            ? `arn:aws:logs:${call.region}:${accountId}:log-group:${input.logGroupName}`
            : '*';
  // DeleteFlowLogs is authorized per flow log (operator-apply.json narrows it to ManagedBy=flowfix ones).
  if (call.operation === 'DeleteFlowLogs') {
    return (input.FlowLogIds ?? []).map((id: string) => ({
      action: 'ec2:DeleteFlowLogs',
      resource: `arn:aws:ec2:${call.region}:${accountId}:vpc-flow-log/${id}`,
      context: resourceContext('ec2', undefined, call.resources?.tagsById?.[id]),
    }));
  }
  // CreateRole's request carries the boundary it sets; a call on an existing resource, the resource's tags and boundary.
  const context: RequestContext =
    call.operation === 'CreateRole'
      ? input.PermissionsBoundary
        ? { 'iam:PermissionsBoundary': input.PermissionsBoundary }
        : {}
      : resourceContext(call.service, call.resources);
  const needs: NeededPermission[] = [{ action: `${call.service}:${call.operation}`, resource, context }];
  if (call.operation === 'CreateRole' && input.Tags?.length) needs.push({ action: 'iam:TagRole', resource, context: {} });
  if (call.operation === 'CreateLogGroup' && Object.keys(input.tags ?? {}).length > 0) needs.push({ action: 'logs:TagResource', resource, context: {} });
  // S3 authorizes some operations under another action's name (Service Authorization Reference).
  const S3_ACTIONS: Record<string, string> = { ListObjectsV2: 's3:ListBucket', GetBucketEncryption: 's3:GetEncryptionConfiguration' };
  if (call.service === 's3' && input.Bucket)
    return [{ action: S3_ACTIONS[call.operation] ?? `s3:${call.operation}`, resource: `arn:aws:s3:::${input.Bucket}`, context: {} }];
  if (call.operation === 'CreateFlowLogs') {
    // Authorized on the new flow log and on each VPC or subnet it watches (Service Authorization Reference).
    const ec2Arn = (type: string, id: string) => `arn:aws:ec2:${call.region}:${accountId}:${type}/${id}`;
    needs.splice(
      0,
      1,
      ...[
        ec2Arn('vpc-flow-log', 'fl-new'),
        ...(input.ResourceIds ?? []).map((id: string) => ec2Arn(input.ResourceType === 'Subnet' ? 'subnet' : 'vpc', id)),
      ].map((arn) => ({ action: 'ec2:CreateFlowLogs', resource: arn, context })),
    );
    if (input.DeliverLogsPermissionArn)
      needs.push({ action: 'iam:PassRole', resource: input.DeliverLogsPermissionArn, context: { 'iam:PassedToService': 'vpc-flow-logs.amazonaws.com' } });
    if (input.TagSpecifications?.some((spec: { Tags?: unknown[] }) => spec.Tags?.length)) {
      needs.push({
        action: 'ec2:CreateTags',
        resource: `arn:aws:ec2:${call.region}:${accountId}:vpc-flow-log/fl-new`,
        context: { 'ec2:CreateAction': 'CreateFlowLogs' },
      });
    }
    if (input.LogDestinationType === 's3') needs.push({ action: 'logs:CreateLogDelivery', resource: '*', context: {} });
    // AWS adds its delivery statement to the bucket policy with the caller's rights when it is missing.
    const bucket = /^arn:[^:]+:s3:::([^/]+)/.exec(input.LogDestination ?? '')?.[1];
    if (input.LogDestinationType === 's3' && bucket) needs.push({ action: 's3:GetBucketPolicy', resource: `arn:aws:s3:::${bucket}`, context: {} });
  }
  return needs;
}

// SimulatePrincipalPolicy reads policies (plan --check-permissions sends it with the plan policy).
const isRead = (operation: string) => /^(Describe|Get|List|SimulatePrincipalPolicy$)/.test(operation);

/** Each call not allowed by the apply policy (every call) or the plan policy (reads), described. */
export function disallowedCalls(calls: readonly SentCall[], accountId: string, roleArnOf?: RoleArnOf, grants: readonly OperatorGrant[] = []): string[] {
  const applyPolicy = operatorPolicy('operator-apply.json', grants);
  const planPolicy = operatorPolicy('operator-plan.json', grants);
  const problems = new Set<string>();
  for (const call of calls) {
    for (const { action, resource, context } of requiredPermissions(call, accountId, roleArnOf)) {
      const when = Object.keys(context).length > 0 ? ` with ${JSON.stringify(context)}` : '';
      if (!isAllowed(applyPolicy, action, resource, context))
        problems.add(`operator-apply.json${describeGrants(grants)} does not allow ${action} on ${resource}${when}`);
      if (isRead(call.operation) && !isAllowed(planPolicy, action, resource, context))
        problems.add(`operator-plan.json${describeGrants(grants)} does not allow ${action} on ${resource}${when}`);
    }
  }
  return [...problems];
}

/**
 * Each write not covered by the permissions its action kind declares (src/actions/), and each declared
 * permission the apply policy does not allow: the declarations are what error hints and the README
 * tell users to grant, so they must be complete, and policies/ must grant them.
 */
export function undeclaredPermissions(calls: readonly SentCall[], accountId: string, roleArnOf?: RoleArnOf, grants: readonly OperatorGrant[] = []): string[] {
  const applyPolicy = operatorPolicy('operator-apply.json', grants);
  const problems = new Set<string>();
  for (const call of calls) {
    const kind = Object.values(ACTION_KINDS).find((k) => k.service === call.service && k.operation === call.operation);
    if (!kind) continue; // a read
    const { DryRun: _dryRun, ...input } = call.input ?? {};
    const declared = kind.permissions(input as never, { partition: 'aws', accountId, region: kind.global ? 'global' : call.region });
    const declaredPolicy = { Statement: declared.map((p) => ({ Effect: 'Allow', Action: p.action, Resource: p.resource })) };
    for (const { action, resource } of requiredPermissions(call, accountId, roleArnOf)) {
      if (!isAllowed(declaredPolicy, action, resource)) problems.add(`${kind.kind} does not declare ${action} on ${resource}`);
    }
    for (const { action, resource } of declared) {
      if (!isAllowed(applyPolicy, action, resource))
        problems.add(`operator-apply.json${describeGrants(grants)} does not allow ${action} on ${resource}, which ${kind.kind} declares`);
    }
  }
  return [...problems];
}

export interface RegisteredAccount {
  accountId: string;
  calls: readonly SentCall[];
  roleArnOf?: RoleArnOf;
  /** The opt-in documents the test granted (read when checked, after the test ran). */
  grants?: () => readonly OperatorGrant[];
}
type Registry = RegisteredAccount[];
const REGISTRY = Symbol.for('flowfix.recordedCalls');

/** FakeAws registers its call log here; the setup file checks it after every test. */
export function registerForPolicyCheck(account: RegisteredAccount): void {
  const globals = globalThis as { [REGISTRY]?: Registry };
  (globals[REGISTRY] ??= []).push(account);
}

export function takeRegisteredCalls(): Registry {
  const globals = globalThis as { [REGISTRY]?: Registry };
  return (globals[REGISTRY] ?? []).splice(0);
}
