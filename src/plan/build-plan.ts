// Pure: (inventory, findings, settings) → an ordered plan of plain-data API calls. Existing valid
// resources are reused, so a compliant account yields an empty plan.
import { createHash } from 'node:crypto';
import type { Destination, Settings } from '../config/settings.js';
import { isManagedByFlowfix, MANAGED_BY_TAG } from '../config/settings.js';
import type { AuditResult, Finding, FindingKind } from '../audit/types.js';
import type { Inventory } from '../inventory/types.js';
import type { LogGroupFacts } from '../facts/resources.js';
import { logGroupsGrantedBy, renderPublishPolicy } from '../policy/publish-policy.js';
import { renderPolicy, type PolicyTemplates } from '../policy/templates.js';
import { chunk, groupBy } from '../util/collections.js';
import { canonicalJson } from '../util/canonical-json.js';
import { PLAN_SCHEMA_VERSION, type CreateFlowLogsAction, type Plan, type PlanAction } from './types.js';

export const MAX_IDS_PER_CREATE_FLOW_LOGS = 1000;

/** Findings fixed by creating a new flow log on the resource. */
const FLOW_LOG_KINDS: ReadonlySet<FindingKind> = new Set(['no-flow-log', 'accept-only', 'delivery-failed', 'subnet-level-only']);

type PlanSettings = Pick<
  Settings,
  'scope' | 'trafficType' | 'destination' | 'roleName' | 'policyName' | 'retentionInDays' | 'kmsKeyId'
>;

export interface BuildPlanInput {
  inventory: Inventory;
  audit: AuditResult;
  settings: PlanSettings;
  templates: PolicyTemplates;
  createdAt: string;
}

type ActionDraft = Omit<PlanAction, 'id'> & { id?: string };

export const managedTags = [{ Key: MANAGED_BY_TAG.key, Value: MANAGED_BY_TAG.value }];

export function describeDestination(destination: Destination): string {
  return destination.type === 's3'
    ? `s3://${destination.bucket}/${destination.prefix}`
    : `cloud-watch-logs:${destination.logGroupName}`;
}

export function buildPlan({ inventory, audit, settings, templates, createdAt }: BuildPlanInput): Plan {
  const { accountId, partition } = inventory;
  const globalActions: ActionDraft[] = [];
  const regionalActions: ActionDraft[] = [];
  const blocked: Plan['blocked'] = [];

  const targets = audit.findings.filter((f) => f.remediable && FLOW_LOG_KINDS.has(f.kind));
  const targetsByRegion = groupBy(targets, (f) => f.region);
  const usesCloudWatch = settings.destination.type === 'cloud-watch-logs';
  const roleArn = inventory.role?.arn ?? `arn:${partition}:iam::${accountId}:role/${settings.roleName}`;
  const roleUntrusted = audit.findings.some((f) => f.kind === 'role-untrusted');
  // When IAM could not be read, "no role" means "unknown": creating one could clash with a real one.
  const roleUnknown = inventory.regionErrors.some((e) => e.region === 'global');
  const roleBlocker = roleUntrusted
    ? `delivery role ${settings.roleName} does not trust vpc-flow-logs.amazonaws.com`
    : roleUnknown
      ? `delivery role ${settings.roleName} could not be read (IAM)`
      : undefined;

  let cloudWatchFlowLogs = false;
  for (const regionInventory of inventory.regions) {
    const region = regionInventory.region;
    const regionTargets = targetsByRegion.get(region) ?? [];
    const retentionFindings = audit.findings.filter((f) => f.region === region && f.kind === 'short-retention');
    const group = settings.destination.type === 'cloud-watch-logs' ? regionInventory.logGroups[settings.destination.logGroupName] : undefined;

    const blocker = usesCloudWatch ? (roleBlocker ?? (group ? undefined : kmsBlocker(settings.kmsKeyId, region))) : undefined;
    if (blocker && regionTargets.length > 0) {
      blocked.push({ region, reason: blocker, resourceIds: regionTargets.map((f) => f.resourceId) });
    }
    const createsFlowLogs = regionTargets.length > 0 && !blocker;
    if (createsFlowLogs && usesCloudWatch) cloudWatchFlowLogs = true;

    if (settings.destination.type === 'cloud-watch-logs') {
      const logGroupName = settings.destination.logGroupName;
      if (!group && createsFlowLogs) {
        regionalActions.push(createLogGroupAction(region, logGroupName, settings.kmsKeyId));
        regionalActions.push(retentionAction(region, logGroupName, settings.retentionInDays, 'prerequisite', []));
      } else if (group && isUnfinishedFlowfixGroup(group)) {
        regionalActions.push(retentionAction(region, logGroupName, settings.retentionInDays, 'unfinished', [logGroupName]));
      }
    }
    for (const finding of retentionFindings) {
      regionalActions.push(retentionAction(region, finding.resourceId, settings.retentionInDays, 'short-retention', [finding.resourceId]));
    }
    if (createsFlowLogs) {
      regionalActions.push(...flowLogActions(region, regionTargets, settings, accountId, partition, roleArn));
    }
  }

  if (cloudWatchFlowLogs) globalActions.push(...roleActions(inventory, settings, templates));

  const actions = [...globalActions, ...regionalActions].map((draft, index) => ({
    ...draft,
    id: `${String(index + 1).padStart(2, '0')}-${draft.kind}${draft.region === 'global' ? '' : `-${draft.region}`}`,
  })) as PlanAction[];

  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    accountId,
    partition,
    createdAt,
    settings: {
      scope: settings.scope,
      trafficType: settings.trafficType,
      destination: describeDestination(settings.destination),
      roleName: settings.roleName,
      retentionInDays: settings.retentionInDays,
      ...(settings.kmsKeyId ? { kmsKeyId: settings.kmsKeyId } : {}),
      regions: inventory.regions.map((r) => r.region),
    },
    actions,
    blocked,
  };
}

/** KMS keys are regional: a key can encrypt new log groups in its own region only. */
function kmsBlocker(kmsKeyId: string | undefined, region: string): string | undefined {
  const keyRegion = kmsKeyId?.split(':')[3];
  if (!kmsKeyId || keyRegion === region) return undefined;
  return `--kms-key is a key in ${keyRegion}, and KMS keys are regional: run ${region} separately with a key from ${region}`;
}

/** A group flowfix created whose retention was never set (an apply interrupted in between). */
export const isUnfinishedFlowfixGroup = (group: LogGroupFacts): boolean =>
  group.retentionInDays === undefined && isManagedByFlowfix(group.tags);

function roleActions(inventory: Inventory, settings: PlanSettings, templates: PolicyTemplates): ActionDraft[] {
  if (settings.destination.type !== 'cloud-watch-logs') return [];
  const vars = { Partition: inventory.partition, AccountId: inventory.accountId, LogGroupName: settings.destination.logGroupName };
  const existing = inventory.role?.inlinePolicies[settings.policyName];
  // Keep the groups the current policy already grants: flow logs delivering there must not lose access.
  const kept = (existing && logGroupsGrantedBy(existing, templates.publish, vars)) ?? [];
  const groups = [...new Set([...kept, settings.destination.logGroupName])].sort();
  const publishPolicy = renderPublishPolicy(templates.publish, vars, groups);
  const actions: ActionDraft[] = [];
  if (!inventory.role) {
    actions.push({
      kind: 'create-role',
      region: 'global',
      service: 'iam',
      operation: 'CreateRole',
      description: `Create IAM role ${settings.roleName} that VPC Flow Logs can assume (this account only)`,
      because: [{ kind: 'prerequisite', resourceIds: [] }],
      permissions: ['iam:CreateRole', 'iam:TagRole'],
      input: {
        RoleName: settings.roleName,
        AssumeRolePolicyDocument: JSON.stringify(renderPolicy(templates.trust, vars)),
        Description: 'Delivers VPC flow logs to CloudWatch Logs. Managed by flowfix.',
        Tags: managedTags,
      },
    });
  }
  if (!existing || canonicalJson(existing) !== canonicalJson(publishPolicy)) {
    actions.push({
      kind: 'put-role-policy',
      region: 'global',
      service: 'iam',
      operation: 'PutRolePolicy',
      description: `${existing ? 'Replace' : 'Attach'} inline policy ${settings.policyName}: publish to log groups named ${groups.join(', ')} only`,
      because: [{ kind: 'prerequisite', resourceIds: [] }],
      permissions: ['iam:PutRolePolicy'],
      input: { RoleName: settings.roleName, PolicyName: settings.policyName, PolicyDocument: JSON.stringify(publishPolicy) },
    });
  }
  return actions;
}

function createLogGroupAction(region: string, logGroupName: string, kmsKeyId: string | undefined): ActionDraft {
  return {
    kind: 'create-log-group',
    region,
    service: 'logs',
    operation: 'CreateLogGroup',
    description: `Create log group ${logGroupName}${kmsKeyId ? ` encrypted with ${kmsKeyId}` : ''}`,
    because: [{ kind: 'prerequisite', resourceIds: [] }],
    permissions: ['logs:CreateLogGroup', 'logs:TagResource'],
    input: { logGroupName, ...(kmsKeyId ? { kmsKeyId } : {}), tags: { [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value } },
  };
}

function retentionAction(
  region: string,
  logGroupName: string,
  retentionInDays: number,
  kind: 'prerequisite' | 'short-retention' | 'unfinished',
  resourceIds: string[],
): ActionDraft {
  return {
    kind: 'put-retention-policy',
    region,
    service: 'logs',
    operation: 'PutRetentionPolicy',
    description: `Keep ${logGroupName} for ${retentionInDays} days`,
    because: [{ kind, resourceIds }],
    permissions: ['logs:PutRetentionPolicy'],
    input: { logGroupName, retentionInDays },
  };
}

function flowLogActions(
  region: string,
  targets: Finding[],
  settings: PlanSettings,
  accountId: string,
  partition: string,
  roleArn: string,
): ActionDraft[] {
  const actions: ActionDraft[] = [];
  for (const resourceType of ['VPC', 'Subnet'] as const) {
    const ofType = targets.filter((f) => f.resourceType === resourceType);
    for (const batch of chunk(ofType, MAX_IDS_PER_CREATE_FLOW_LOGS)) {
      const resourceIds = batch.map((f) => f.resourceId);
      const input = flowLogInput(resourceType, resourceIds, settings, partition, roleArn);
      const clientToken = deriveClientToken(accountId, region, input);
      const because = [...groupBy(batch, (f) => f.kind)].map(([kind, findings]) => ({
        kind,
        resourceIds: findings.map((f) => f.resourceId),
      }));
      actions.push({
        kind: 'create-flow-logs',
        region,
        service: 'ec2',
        operation: 'CreateFlowLogs',
        description: `Create ${settings.trafficType} flow logs for ${resourceIds.length} ${resourceType === 'VPC' ? 'VPC' : 'subnet'}${resourceIds.length === 1 ? '' : 's'} → ${describeDestination(settings.destination)}`,
        because,
        permissions:
          settings.destination.type === 's3'
            ? ['ec2:CreateFlowLogs', 'ec2:CreateTags', 'logs:CreateLogDelivery', 'logs:DeleteLogDelivery']
            : ['ec2:CreateFlowLogs', 'ec2:CreateTags', 'iam:PassRole'],
        input: { ...input, ClientToken: clientToken },
      });
    }
  }
  return actions;
}

export function flowLogInput(
  resourceType: 'VPC' | 'Subnet',
  resourceIds: string[],
  settings: PlanSettings,
  partition: string,
  roleArn: string,
): Omit<CreateFlowLogsAction['input'], 'ClientToken'> {
  const common = {
    ResourceType: resourceType,
    ResourceIds: resourceIds,
    TrafficType: settings.trafficType,
    TagSpecifications: [{ ResourceType: 'vpc-flow-log' as const, Tags: managedTags }],
  };
  if (settings.destination.type === 's3') {
    const { bucket, prefix } = settings.destination;
    const folder = prefix ? `/${prefix.replace(/^\/+|\/+$/g, '')}/` : '';
    return { ...common, LogDestinationType: 's3', LogDestination: `arn:${partition}:s3:::${bucket}${folder}` };
  }
  return {
    ...common,
    LogDestinationType: 'cloud-watch-logs',
    LogGroupName: settings.destination.logGroupName,
    DeliverLogsPermissionArn: roleArn,
  };
}

/** Same request → same token, so a retried or re-run call cannot create a second flow log. */
function deriveClientToken(accountId: string, region: string, input: object): string {
  const digest = createHash('sha256').update(`${accountId}|${region}|${canonicalJson(input)}`).digest('hex');
  return `flowfix-${digest.slice(0, 56)}`;
}
