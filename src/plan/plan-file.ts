// Reading a saved plan back: versioned JSON, validated with zod, and checked against what flowfix
// itself would write, so a hand-edited plan cannot widen a policy or smuggle in another call.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { FlowfixError } from '../errors.js';
import { canonicalJson } from './canonical-json.js';
import { renderPolicy, type PolicyTemplates } from '../policy/templates.js';
import { PLAN_SCHEMA_VERSION, type Plan } from './types.js';

const MAX_PLAN_BYTES = 50 * 1024 * 1024;
const region = z.string().regex(/^(global|[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d)$/);
const tags = z.array(z.strictObject({ Key: z.string(), Value: z.string() }));
const base = {
  id: z.string().min(1),
  region,
  description: z.string(),
  because: z.array(z.strictObject({ kind: z.string(), resourceIds: z.array(z.string()) })),
  permissions: z.array(z.string()),
};
const resourceId = z.string().regex(/^(vpc|subnet)-[0-9a-f]{8,17}$/, 'is not a VPC or subnet id');

const actionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...base,
    kind: z.literal('create-role'),
    service: z.literal('iam'),
    operation: z.literal('CreateRole'),
    input: z.strictObject({ RoleName: z.string(), AssumeRolePolicyDocument: z.string(), Description: z.string(), Tags: tags }),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('put-role-policy'),
    service: z.literal('iam'),
    operation: z.literal('PutRolePolicy'),
    input: z.strictObject({ RoleName: z.string(), PolicyName: z.string(), PolicyDocument: z.string() }),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('create-log-group'),
    service: z.literal('logs'),
    operation: z.literal('CreateLogGroup'),
    input: z.strictObject({ logGroupName: z.string(), kmsKeyId: z.string().optional(), tags: z.record(z.string(), z.string()) }),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('put-retention-policy'),
    service: z.literal('logs'),
    operation: z.literal('PutRetentionPolicy'),
    input: z.strictObject({ logGroupName: z.string(), retentionInDays: z.number().int() }),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('create-flow-logs'),
    service: z.literal('ec2'),
    operation: z.literal('CreateFlowLogs'),
    input: z.strictObject({
      ResourceType: z.enum(['VPC', 'Subnet']),
      ResourceIds: z.array(resourceId).min(1).max(1000),
      TrafficType: z.enum(['REJECT', 'ALL']),
      LogDestinationType: z.enum(['cloud-watch-logs', 's3']),
      LogGroupName: z.string().optional(),
      LogDestination: z.string().optional(),
      DeliverLogsPermissionArn: z.string().optional(),
      TagSpecifications: z.array(z.strictObject({ ResourceType: z.literal('vpc-flow-log'), Tags: tags })),
      ClientToken: z.string().min(1).max(64),
    }),
  }),
]);

const planSchema = z.strictObject({
  schemaVersion: z.number(),
  accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
  partition: z.enum(['aws', 'aws-cn', 'aws-us-gov']),
  createdAt: z.string(),
  settings: z.strictObject({
    scope: z.enum(['vpc', 'subnet']),
    trafficType: z.enum(['REJECT', 'ALL']),
    destination: z.string(),
    roleName: z.string(),
    retentionInDays: z.number(),
    regions: z.array(z.string()),
  }),
  actions: z.array(actionSchema),
  blocked: z.array(z.strictObject({ reason: z.string(), region: z.string(), resourceIds: z.array(z.string()) })),
});

const invalid = (path: string, problem: string) =>
  new FlowfixError('PlanInvalid', `plan file ${path} is not a valid flowfix plan: ${problem}`, {
    hint: 'make a new one with `flowfix plan --out FILE`; plans are not meant to be edited by hand',
  });

export async function readPlanFile(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new FlowfixError('PlanUnreadable', `cannot read plan file ${path}: ${(err as Error).message}`, { hint: 'check the path', cause: err });
  }
  if (text.length > MAX_PLAN_BYTES) throw invalid(path, `larger than ${MAX_PLAN_BYTES / 1024 / 1024} MB`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(path, `not JSON (${(err as Error).message})`);
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== PLAN_SCHEMA_VERSION) {
    throw new FlowfixError('PlanVersion', `plan file ${path} has schemaVersion ${JSON.stringify(version)}; this flowfix reads version ${PLAN_SCHEMA_VERSION}`, {
      hint: 'make a new plan with this version of flowfix: flowfix plan --out FILE',
    });
  }
  const parsed = planSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`);
    throw invalid(path, problems.join('; '));
  }
  return parsed.data as Plan;
}

/** The role documents must be exactly what flowfix renders: a widened policy is refused. */
export function checkPlanPolicies(plan: Plan, path: string, templates: PolicyTemplates): void {
  const logGroupName = plan.settings.destination.replace(/^cloud-watch-logs:/, '');
  const vars = { Partition: plan.partition, AccountId: plan.accountId, LogGroupName: logGroupName };
  for (const action of plan.actions) {
    const [given, expected] =
      action.kind === 'create-role'
        ? [action.input.AssumeRolePolicyDocument, renderPolicy(templates.trust, vars)]
        : action.kind === 'put-role-policy'
          ? [action.input.PolicyDocument, renderPolicy(templates.publish, vars)]
          : [undefined, undefined];
    if (given === undefined) continue;
    let document: unknown;
    try {
      document = JSON.parse(given);
    } catch {
      throw invalid(path, `${action.id}: policy document is not JSON`);
    }
    if (canonicalJson(document) !== canonicalJson(expected)) {
      throw invalid(path, `${action.id}: policy document differs from flowfix's least-privilege policy (edited by hand?)`);
    }
  }
}
