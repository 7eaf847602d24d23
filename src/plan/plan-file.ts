// Reading a saved plan back: versioned JSON, validated with zod, and checked against what flowfix
// itself would write, so a hand-edited plan cannot widen a policy or smuggle in another call.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { isValidRegionName } from '../aws/regions.js';
import { escapeRegExp } from '../util/collections.js';
import { issueLines } from '../util/validation-problems.js';
import { FlowfixError } from '../errors.js';
import { canonicalJson } from './canonical-json.js';
import { logGroupsGrantedBy } from '../policy/publish-policy.js';
import { renderPolicy, type PolicyTemplates } from '../policy/templates.js';
import type { PolicyDocument } from '../inventory/types.js';
import { isValidLogGroupName, KMS_KEY_PATTERN, parseS3Url } from '../config/resolve-settings.js';
import { ALLOWED_RETENTION_DAYS, DEFAULT_SETTINGS, type Settings } from '../config/settings.js';
import { flowLogInput, managedTags } from './build-plan.js';
import { PLAN_SCHEMA_VERSION, type Plan } from './types.js';

const MAX_PLAN_BYTES = 50 * 1024 * 1024;
const region = z.string().refine((name) => name === 'global' || isValidRegionName(name), 'is not a region name');
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
    retentionInDays: z
      .number()
      .refine((n) => (ALLOWED_RETENTION_DAYS as readonly number[]).includes(n), 'is not a retention CloudWatch Logs accepts'),
    kmsKeyId: z.string().regex(KMS_KEY_PATTERN, 'is not a KMS key ARN').optional(),
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
    throw invalid(path, issueLines(parsed.error.issues).join('; '));
  }
  return parsed.data as Plan;
}

/** A saved plan carries the settings that shaped it; live state is re-read and checked with the same. */
export function settingsFromPlan(plan: Plan, base: Settings): Settings {
  const s3 = parseS3Url(plan.settings.destination);
  return {
    ...base,
    scope: plan.settings.scope,
    trafficType: plan.settings.trafficType,
    roleName: plan.settings.roleName,
    retentionInDays: plan.settings.retentionInDays,
    ...(plan.settings.kmsKeyId ? { kmsKeyId: plan.settings.kmsKeyId } : {}),
    regions: plan.settings.regions,
    destination: s3 ? { type: 's3', ...s3 } : { type: 'cloud-watch-logs', logGroupName: plan.settings.destination.replace(/^cloud-watch-logs:/, '') },
  };
}

/**
 * Every AWS-facing value must be what flowfix itself would write for the plan's own account and
 * settings: a hand-edited plan cannot widen a policy, pass a foreign role, or send flow logs elsewhere.
 */
export function checkPlanIntegrity(plan: Plan, path: string, templates: PolicyTemplates): void {
  const problems: string[] = [];
  const settings = settingsFromPlan(plan, DEFAULT_SETTINGS);
  const { accountId, partition } = plan;
  const logGroupName = settings.destination.type === 'cloud-watch-logs' ? settings.destination.logGroupName : undefined;
  const vars = { Partition: partition, AccountId: accountId, LogGroupName: logGroupName ?? '' };
  const sameJson = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  const parsedPolicy = (text: string) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  };
  const roleArnPattern = new RegExp(`^arn:${partition}:iam::${accountId}:role/(?:[\\w+=,.@-]+/)*${escapeRegExp(settings.roleName)}$`);
  const managedLogTags = Object.fromEntries(managedTags.map((t) => [t.Key, t.Value]));

  for (const action of plan.actions) {
    const where = `${action.id}`;
    const isGlobal = action.kind === 'create-role' || action.kind === 'put-role-policy';
    if (isGlobal !== (action.region === 'global') || (!isGlobal && !plan.settings.regions.includes(action.region))) {
      problems.push(`${where}: region ${action.region} is not one the plan was made for (${plan.settings.regions.join(', ')})`);
      continue;
    }
    switch (action.kind) {
      case 'create-role':
        if (action.input.RoleName !== settings.roleName || !sameJson(action.input.Tags, managedTags)) problems.push(`${where}: role name or tags differ from the plan settings`);
        if (!sameJson(parsedPolicy(action.input.AssumeRolePolicyDocument), renderPolicy(templates.trust, vars)))
          problems.push(`${where}: policy document differs from flowfix's least-privilege policy (edited by hand?)`);
        break;
      case 'put-role-policy':
        if (action.input.RoleName !== settings.roleName) problems.push(`${where}: RoleName differs from the plan settings`);
        {
          const document = parsedPolicy(action.input.PolicyDocument) as PolicyDocument | undefined;
          const groups = document && logGroupsGrantedBy(document, templates.publish, vars);
          if (!groups || !groups.includes(vars.LogGroupName))
            problems.push(`${where}: policy document differs from flowfix's least-privilege policy (edited by hand?)`);
        }
        break;
      case 'create-log-group':
        if (action.input.logGroupName !== logGroupName || !sameJson(action.input.tags, managedLogTags)) problems.push(`${where}: logGroupName or tags differ from the plan settings`);
        if (action.input.kmsKeyId !== plan.settings.kmsKeyId) problems.push(`${where}: kmsKeyId differs from the plan settings`);
        break;
      case 'put-retention-policy':
        if (action.input.retentionInDays !== settings.retentionInDays) problems.push(`${where}: retentionInDays ${action.input.retentionInDays} differs from the plan settings (${settings.retentionInDays})`);
        if (!isValidLogGroupName(action.input.logGroupName)) problems.push(`${where}: logGroupName ${JSON.stringify(action.input.logGroupName)} is not a valid log group name`);
        break;
      case 'create-flow-logs': {
        const { ClientToken: _token, ...given } = action.input;
        const roleArn = given.DeliverLogsPermissionArn && roleArnPattern.test(given.DeliverLogsPermissionArn) ? given.DeliverLogsPermissionArn : `arn:${partition}:iam::${accountId}:role/${settings.roleName}`;
        const expected = flowLogInput(given.ResourceType, given.ResourceIds, settings, partition, roleArn);
        const keys = [...new Set([...Object.keys(given), ...Object.keys(expected)])] as (keyof typeof given)[];
        const differing = keys.filter((key) => !sameJson(given[key], expected[key]));
        if (differing.length > 0) {
          const details = differing.map((key) => `${key} ${JSON.stringify(given[key]) ?? 'missing'} (expected ${JSON.stringify(expected[key]) ?? 'none'})`);
          problems.push(`${where}: ${details.join(', ')} does not follow the plan settings`);
        }
        break;
      }
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 3).join('; ');
    throw invalid(path, problems.length > 3 ? `${shown}; and ${problems.length - 3} more` : shown);
  }
}

