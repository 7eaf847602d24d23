// What IAM permissions each recorded AWS call needs, and the suite-wide check that the operator
// policies in policies/ allow every call flowfix sent in any test that used the stateful fake.
import { ACTION_KINDS } from '../../src/actions/action-kinds.js';
import { isAllowed } from '../../src/policy/evaluate.js';
import type { PolicyDocument } from '../../src/facts/policy-document.js';
import { readPolicyFile, renderPolicy, type PolicyVariables } from '../../src/policy/templates.js';

/**
 * An opt-in operator document a test grants besides the base ones (policies/operator-apply-*.json), with
 * its placeholders filled in as a user would: e.g. operator-apply-s3.json for BucketName acme-logs.
 */
export interface OperatorGrant {
  file: string;
  vars: Record<string, string>;
}

const describeGrants = (grants: readonly OperatorGrant[]) =>
  grants.map((g) => ` + ${g.file}${Object.keys(g.vars).length > 0 ? `[${Object.entries(g.vars).map(([k, v]) => `${k}=${v}`).join(', ')}]` : ''}`).join('');

/** A base document with the granted opt-in documents' statements added: what the operator holds. */
export function operatorPolicy(base: 'operator-apply.json' | 'operator-plan.json', grants: readonly OperatorGrant[] = []): PolicyDocument {
  const statements = [base, ...grants].flatMap((grant) => {
    const doc = typeof grant === 'string' ? readPolicyFile(grant) : renderPolicy(readPolicyFile(grant.file), grant.vars as unknown as PolicyVariables);
    return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  });
  return { Version: '2012-10-17', Statement: statements };
}

export interface SentCall {
  service: string;
  operation: string;
  region: string;
  input: any;
}

/** A role's real ARN by name (IAM authorizes a call naming a role against the ARN with its path). */
export type RoleArnOf = (roleName: string) => string | undefined;

/** The IAM actions (and resources) one call needs, including the implicit ones AWS checks. */
export function requiredPermissions(call: SentCall, accountId: string, roleArnOf: RoleArnOf = () => undefined): { action: string; resource: string }[] {
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
    return (input.FlowLogIds ?? []).map((id: string) => ({ action: 'ec2:DeleteFlowLogs', resource: `arn:aws:ec2:${call.region}:${accountId}:vpc-flow-log/${id}` }));
  }
  const needs = [{ action: `${call.service}:${call.operation}`, resource }];
  if (call.operation === 'CreateRole' && input.Tags?.length) needs.push({ action: 'iam:TagRole', resource });
  if (call.operation === 'CreateLogGroup' && Object.keys(input.tags ?? {}).length > 0) needs.push({ action: 'logs:TagResource', resource });
  if (call.service === 's3' && input.Bucket) return [{ action: call.operation === 'ListObjectsV2' ? 's3:ListBucket' : `s3:${call.operation}`, resource: `arn:aws:s3:::${input.Bucket}` }];
  if (call.operation === 'CreateFlowLogs') {
    if (input.DeliverLogsPermissionArn) needs.push({ action: 'iam:PassRole', resource: input.DeliverLogsPermissionArn });
    if (input.TagSpecifications?.some((spec: { Tags?: unknown[] }) => spec.Tags?.length)) needs.push({ action: 'ec2:CreateTags', resource: `arn:aws:ec2:${call.region}:${accountId}:vpc-flow-log/fl-new` });
    if (input.LogDestinationType === 's3') needs.push({ action: 'logs:CreateLogDelivery', resource: '*' });
    // AWS adds its delivery statement to the bucket policy with the caller's rights when it is missing.
    const bucket = /^arn:[^:]+:s3:::([^/]+)/.exec(input.LogDestination ?? '')?.[1];
    if (input.LogDestinationType === 's3' && bucket) needs.push({ action: 's3:GetBucketPolicy', resource: `arn:aws:s3:::${bucket}` });
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
    for (const { action, resource } of requiredPermissions(call, accountId, roleArnOf)) {
      if (!isAllowed(applyPolicy, action, resource)) problems.add(`operator-apply.json${describeGrants(grants)} does not allow ${action} on ${resource}`);
      if (isRead(call.operation) && !isAllowed(planPolicy, action, resource)) problems.add(`operator-plan.json${describeGrants(grants)} does not allow ${action} on ${resource}`);
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
      if (!isAllowed(applyPolicy, action, resource)) problems.add(`operator-apply.json${describeGrants(grants)} does not allow ${action} on ${resource}, which ${kind.kind} declares`);
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
