// Pure: (inventory, findings, settings) → an ordered plan of plain-data API calls. Existing valid
// resources are reused, so a compliant account yields an empty plan. What each action looks like is
// declared with its kind in src/actions/; this module decides which actions are needed, in what order.
import { roleArn as roleArnOf } from '../actions/action-kind.js';
import { withDisplay, type ActionDraft, type PlanAction } from '../actions/action-kinds.js';
import { buildCreateFlowLogs, MAX_IDS_PER_CREATE_FLOW_LOGS, type FlowLogDestination } from '../actions/create-flow-logs.js';
import { buildCreateLogGroup } from '../actions/create-log-group.js';
import { buildCreateRole } from '../actions/create-role.js';
import { buildPutRetentionPolicy } from '../actions/put-retention-policy.js';
import { buildPutRolePolicy } from '../actions/put-role-policy.js';
import type { AuditResult, Finding, FindingKind } from '../audit/types.js';
import { describeDestination, MANAGED_BY_TAG, type Settings } from '../config/settings.js';
import { readRegions, roleOf, type Inventory } from '../inventory/types.js';
import { logGroupsGrantedBy, renderPublishPolicy } from '../policy/publish-policy.js';
import { renderPolicy, type PolicyTemplates } from '../policy/templates.js';
import { isUnfinishedFlowfixGroup } from '../rules/log-groups.js';
import { describeTrustProblem, trustProblemIn } from '../rules/role-trust.js';
import { canonicalJson } from '../util/canonical-json.js';
import { chunk, groupBy } from '../util/collections.js';
import { PLAN_SCHEMA_VERSION, type Plan } from './types.js';

export { MAX_IDS_PER_CREATE_FLOW_LOGS };

/** Findings fixed by creating a new flow log on the resource. */
const FLOW_LOG_KINDS: ReadonlySet<FindingKind> = new Set(['no-flow-log', 'accept-only', 'delivery-failed', 'subnet-level-only']);

type PlanSettings = Pick<
  Settings,
  'scope' | 'trafficType' | 'destination' | 'roleName' | 'policyName' | 'retentionInDays' | 'minRetentionDays' | 'kmsKeyId' | 'permissionsBoundary' | 'rolePath'
>;

export interface BuildPlanInput {
  inventory: Inventory;
  audit: AuditResult;
  settings: PlanSettings;
  templates: PolicyTemplates;
  createdAt: string;
}

export const managedTags = [{ Key: MANAGED_BY_TAG.key, Value: MANAGED_BY_TAG.value }];

export function buildPlan({ inventory, audit, settings, templates, createdAt }: BuildPlanInput): Plan {
  const { accountId, partition } = inventory;
  const globalActions: ActionDraft[] = [];
  const regionalActions: ActionDraft[] = [];
  const blocked: Plan['blocked'] = [];

  const targetsByRegion = groupBy(
    audit.findings.filter((f) => f.remediable && FLOW_LOG_KINDS.has(f.kind)),
    (f) => f.region,
  );
  const logGroupName = settings.destination.type === 'cloud-watch-logs' ? settings.destination.logGroupName : undefined;
  const existingRole = roleOf(inventory);
  // An existing role is found by name whatever its path: its real ARN is what flow logs get.
  const roleArn = existingRole?.arn ?? roleArnOf({ partition, accountId }, settings.roleName, settings.rolePath);
  // Trust is judged per region (aws:SourceArn may name one): flow logs are planned only where it holds.
  const roleBlocker = (region: string): string | undefined => {
    // "No role" is unknown here, not missing: creating one could clash with a real one.
    if (inventory.role.status === 'unreadable') return `delivery role ${settings.roleName} could not be read (IAM)`;
    const problem = existingRole && trustProblemIn(existingRole.trustPolicy, { partition, accountId, region });
    return problem ? `delivery role ${settings.roleName} ${describeTrustProblem(problem, [region])}` : undefined;
  };

  let cloudWatchFlowLogs = false;
  for (const regionInventory of readRegions(inventory)) {
    const region = regionInventory.region;
    const regionTargets = targetsByRegion.get(region) ?? [];
    const group = logGroupName === undefined ? undefined : regionInventory.logGroups[logGroupName];

    const blocker = logGroupName === undefined ? undefined : (roleBlocker(region) ?? (group ? undefined : kmsBlocker(settings.kmsKeyId, region)));
    if (blocker && regionTargets.length > 0) blocked.push({ region, reason: blocker, resourceIds: regionTargets.map((f) => f.resourceId) });
    const createsFlowLogs = regionTargets.length > 0 && !blocker;

    if (logGroupName !== undefined) {
      if (createsFlowLogs) cloudWatchFlowLogs = true;
      if (!group && createsFlowLogs) {
        regionalActions.push(buildCreateLogGroup(region, logGroupName, settings.kmsKeyId, { [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value }));
        regionalActions.push(buildPutRetentionPolicy(region, logGroupName, settings.retentionInDays, { kind: 'prerequisite', resourceIds: [] }));
      } else if (group && isUnfinishedFlowfixGroup(group)) {
        regionalActions.push(buildPutRetentionPolicy(region, logGroupName, settings.retentionInDays, { kind: 'unfinished', resourceIds: [logGroupName] }));
      }
    }
    for (const finding of audit.findings.filter((f) => f.region === region && f.kind === 'short-retention')) {
      regionalActions.push(buildPutRetentionPolicy(region, finding.resourceId, settings.retentionInDays, { kind: 'short-retention', resourceIds: [finding.resourceId] }));
    }
    if (createsFlowLogs) {
      const destination: FlowLogDestination =
        settings.destination.type === 's3'
          ? { type: 's3', bucket: settings.destination.bucket, prefix: settings.destination.prefix, partition }
          : { type: 'cloud-watch-logs', logGroupName: settings.destination.logGroupName, roleArn };
      for (const resourceType of ['VPC', 'Subnet'] as const) {
        for (const batch of chunk(regionTargets.filter((f) => f.resourceType === resourceType), MAX_IDS_PER_CREATE_FLOW_LOGS)) {
          const ids = batch.map((f) => f.resourceId);
          regionalActions.push(buildCreateFlowLogs({ accountId, region }, resourceType, ids, settings.trafficType, destination, managedTags, becauseOf(batch)));
        }
      }
    }
  }

  if (cloudWatchFlowLogs) globalActions.push(...roleActions(inventory, settings, templates));

  const actions = [...globalActions, ...regionalActions].map(
    (draft, index): PlanAction =>
      withDisplay({ ...draft, id: `${String(index + 1).padStart(2, '0')}-${draft.kind}${draft.region === 'global' ? '' : `-${draft.region}`}` }, { accountId, partition }) as PlanAction,
  );

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
      policyName: settings.policyName,
      retentionInDays: settings.retentionInDays,
      minRetentionDays: settings.minRetentionDays,
      ...(settings.kmsKeyId ? { kmsKeyId: settings.kmsKeyId } : {}),
      ...(settings.permissionsBoundary ? { permissionsBoundary: settings.permissionsBoundary } : {}),
      ...(settings.rolePath ? { rolePath: settings.rolePath } : {}),
      regions: inventory.regions.map((r) => r.region),
    },
    actions,
    blocked,
  };
}

const becauseOf = (findings: Finding[]) =>
  [...groupBy(findings, (f) => f.kind)].map(([kind, group]) => ({ kind, resourceIds: group.map((f) => f.resourceId) }));

/** KMS keys are regional: a key can encrypt new log groups in its own region only. */
function kmsBlocker(kmsKeyId: string | undefined, region: string): string | undefined {
  const keyRegion = kmsKeyId?.split(':')[3];
  if (!kmsKeyId || keyRegion === region) return undefined;
  return `--kms-key is a key in ${keyRegion}, and KMS keys are regional: run ${region} separately with a key from ${region}`;
}

function roleActions(inventory: Inventory, settings: PlanSettings, templates: PolicyTemplates): ActionDraft[] {
  if (settings.destination.type !== 'cloud-watch-logs') return [];
  const role = roleOf(inventory);
  const vars = { Partition: inventory.partition, AccountId: inventory.accountId, LogGroupName: settings.destination.logGroupName };
  const existing = role?.inlinePolicies[settings.policyName];
  // Keep the groups the current policy already grants: flow logs delivering there must not lose access.
  const kept = (existing && logGroupsGrantedBy(existing, templates.publish, vars)) ?? [];
  const publishPolicy = renderPublishPolicy(templates.publish, vars, [...kept, settings.destination.logGroupName]);
  const actions: ActionDraft[] = [];
  if (!role) actions.push(buildCreateRole(settings.roleName, renderPolicy(templates.trust, vars), managedTags, { path: settings.rolePath, permissionsBoundary: settings.permissionsBoundary }));
  if (!existing || canonicalJson(existing) !== canonicalJson(publishPolicy)) {
    actions.push(buildPutRolePolicy(settings.roleName, settings.policyName, publishPolicy, [{ kind: 'prerequisite', resourceIds: [] }]));
  }
  return actions;
}
