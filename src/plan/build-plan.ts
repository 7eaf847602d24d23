// Pure: (inventory, findings, settings) → an ordered plan of plain-data API calls. Existing valid
// resources are reused, so a compliant account yields an empty plan. What each action looks like is
// declared with its kind in src/actions/; this module decides which actions are needed, in what order.
import { roleArn as roleArnOf, type Because } from '../actions/action-kind.js';
import { withDisplay, type ActionDraft, type PlanAction } from '../actions/action-kinds.js';
import { buildCheckFlowLogs } from '../actions/check-flow-logs.js';
import { buildCreateFlowLogs, MAX_IDS_PER_CREATE_FLOW_LOGS, type FlowLogDestination } from '../actions/create-flow-logs.js';
import { buildCreateLogGroup } from '../actions/create-log-group.js';
import { buildCreateRole } from '../actions/create-role.js';
import { buildDeleteFlowLogs, MAX_IDS_PER_DELETE_FLOW_LOGS } from '../actions/delete-flow-logs.js';
import { buildPutBucketPolicy } from '../actions/put-bucket-policy.js';
import { buildPutRetentionPolicy } from '../actions/put-retention-policy.js';
import { buildPutRolePolicy } from '../actions/put-role-policy.js';
import type { AuditResult, Finding, FindingKind } from '../audit/types.js';
import { isManagedByFlowfix, MANAGED_BY_TAG, permissionsBoundaryFor, type Settings } from '../config/settings.js';
import { recordsEveryField } from '../facts/flow-log-format.js';
import type { PolicyDocument } from '../facts/policy-document.js';
import type { FlowLogFacts } from '../facts/resources.js';
import { readRegions, roleOf, type Inventory, type LogArchiveRead } from '../inventory/types.js';
import { statementsOf } from '../policy/evaluate.js';
import { appendStatements, firstMissingGrant, logGroupsGrantedBy, renderPublishPolicy } from '../policy/publish-policy.js';
import { renderPolicy, type PolicyTemplates } from '../policy/templates.js';
import { flowLogCounts } from '../rules/flow-logs.js';
import { bucketPolicyChange } from '../rules/log-archive-bucket.js';
import { isUnfinishedFlowfixGroup } from '../rules/log-groups.js';
import { boundaryProblem } from '../rules/role-boundary.js';
import { describeTrustProblem, trustProblemIn } from '../rules/role-trust.js';
import { canonicalJson } from '../util/canonical-json.js';
import { chunk, groupBy } from '../util/collections.js';
import { recordPlanSettings, type PlannedSettings } from './plan-settings.js';
import { PLAN_SCHEMA_VERSION, type Plan } from './types.js';

export { MAX_IDS_PER_CREATE_FLOW_LOGS };

/** Findings fixed by creating a new flow log on the resource. */
const FLOW_LOG_KINDS: ReadonlySet<FindingKind> = new Set(['no-flow-log', 'accept-only', 'delivery-failed', 'subnet-level-only']);

export interface BuildPlanInput {
  inventory: Inventory;
  audit: AuditResult;
  settings: PlannedSettings;
  templates: PolicyTemplates;
  createdAt: string;
}

/** What flowfix tags everything it creates with: ManagedBy=flowfix first (never overridden), then the organization's. */
export function tagsFor(settings: Pick<Settings, 'tags'>): Record<string, string> {
  const own = Object.entries(settings.tags).filter(([key]) => key !== MANAGED_BY_TAG.key);
  return Object.fromEntries([[MANAGED_BY_TAG.key, MANAGED_BY_TAG.value], ...own]);
}

const asTagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export function buildPlan({ inventory, audit, settings, templates, createdAt }: BuildPlanInput): Plan {
  const { accountId, partition } = inventory;
  const globalActions: ActionDraft[] = [];
  const regionalActions: ActionDraft[] = [];
  const blocked: Plan['blocked'] = [];

  const targetsByRegion = groupBy(
    // An excluded resource is never planned: the report lists it as excluded instead.
    audit.findings.filter((f) => f.remediable && FLOW_LOG_KINDS.has(f.kind) && !f.excluded),
    (f) => f.region,
  );
  // flowfix's own flow logs that lack --require-fields' fields (the audit judged whose they are).
  const replacementsByRegion = groupBy(
    audit.findings.filter((f) => f.remediable && f.kind === 'missing-fields' && !f.excluded),
    (f) => f.region,
  );
  const tags = tagsFor(settings);
  const logGroupName = settings.destination.type === 'cloud-watch-logs' ? settings.destination.logGroupName : undefined;
  const existingRole = roleOf(inventory);
  // An existing role is found by name whatever its path: its real ARN is what flow logs get.
  const roleArn = existingRole?.arn ?? roleArnOf({ partition, accountId }, settings.roleName, settings.rolePath);
  const publishPolicy = logGroupName === undefined ? {} : publishPolicyChange(inventory, settings, logGroupName, templates);
  const boundaryBlocker = boundaryProblem(inventory, settings);
  // Trust is judged per region (aws:SourceArn may name one): flow logs are planned only where it holds.
  const roleBlocker = (region: string): string | undefined => {
    // "No role" is unknown here, not missing: creating one could clash with a real one.
    if (inventory.role.status === 'unreadable') return `delivery role ${settings.roleName} could not be read (IAM)`;
    const problem = existingRole && trustProblemIn(existingRole.trustPolicy, { partition, accountId, region });
    return problem ? `delivery role ${settings.roleName} ${describeTrustProblem(problem, [region])}` : (publishPolicy.blocker ?? boundaryBlocker);
  };

  let cloudWatchFlowLogs = false;
  for (const regionInventory of readRegions(inventory)) {
    const region = regionInventory.region;
    const regionTargets = targetsByRegion.get(region) ?? [];
    const replacements = settings.logFormat === undefined ? [] : (replacementsByRegion.get(region) ?? []);
    const group = logGroupName === undefined ? undefined : regionInventory.logGroups[logGroupName];

    const blocker =
      logGroupName === undefined ? inventory.deliveryBlocked : (roleBlocker(region) ?? (group ? undefined : kmsBlocker(settings.kmsKeyId, region)));
    const resourcesToLog = [...regionTargets, ...replacements];
    if (blocker && resourcesToLog.length > 0) blocked.push({ region, reason: blocker, resourceIds: [...new Set(resourcesToLog.map((f) => f.resourceId))] });
    const createsFlowLogs = resourcesToLog.length > 0 && !blocker;

    if (logGroupName !== undefined) {
      if (createsFlowLogs) cloudWatchFlowLogs = true;
      if (!group && createsFlowLogs) {
        regionalActions.push(buildCreateLogGroup(region, logGroupName, settings.kmsKeyId, tags));
        regionalActions.push(buildPutRetentionPolicy(region, logGroupName, settings.retentionInDays, { kind: 'prerequisite', resourceIds: [] }));
      } else if (group && isUnfinishedFlowfixGroup(group)) {
        regionalActions.push(buildPutRetentionPolicy(region, logGroupName, settings.retentionInDays, { kind: 'unfinished', resourceIds: [logGroupName] }));
      }
    }
    for (const finding of audit.findings.filter((f) => f.region === region && f.kind === 'short-retention' && f.remediable)) {
      regionalActions.push(
        buildPutRetentionPolicy(region, finding.resourceId, settings.retentionInDays, { kind: 'short-retention', resourceIds: [finding.resourceId] }),
      );
    }
    if (createsFlowLogs) {
      const destination: FlowLogDestination =
        settings.destination.type === 's3'
          ? { type: 's3', bucket: settings.destination.bucket, prefix: settings.destination.prefix, partition }
          : { type: 'cloud-watch-logs', logGroupName: settings.destination.logGroupName, roleArn };
      for (const resourceType of ['VPC', 'Subnet'] as const) {
        for (const batch of chunk(
          regionTargets.filter((f) => f.resourceType === resourceType),
          MAX_IDS_PER_CREATE_FLOW_LOGS,
        )) {
          const ids = batch.map((f) => f.resourceId);
          regionalActions.push(
            buildCreateFlowLogs({ accountId, region }, resourceType, ids, settings.trafficType, destination, asTagList(tags), becauseOf(batch), settings),
          );
        }
      }
      if (replacements.length > 0) {
        regionalActions.push(...replacementActions({ accountId, region }, regionInventory.flowLogs, replacements, destination, asTagList(tags), settings));
      }
    }
  }

  if (inventory.logArchive) globalActions.push(...bucketPolicyActions(inventory.logArchive, settings, partition));
  if (cloudWatchFlowLogs) globalActions.push(...roleActions(inventory, settings, templates, publishPolicy.document));

  const actions = [...globalActions, ...regionalActions].map(
    (draft, index): PlanAction =>
      withDisplay(
        { ...draft, id: `${String(index + 1).padStart(2, '0')}-${draft.kind}${draft.region === 'global' ? '' : `-${draft.region}`}` },
        { accountId, partition },
      ) as PlanAction,
  );

  return {
    schemaVersion: PLAN_SCHEMA_VERSION,
    accountId,
    partition,
    createdAt,
    settings: recordPlanSettings(
      settings,
      inventory.regions.map((r) => r.region),
    ),
    actions,
    blocked,
  };
}

/**
 * Replacing flowfix's flow logs that lack required fields, in the order that never leaves a resource
 * unlogged: create the new one (same destination, --log-format, at least the traffic the old one
 * captured), check it is in place, and only then delete the old one. A failed create or check keeps the
 * old one (DeleteFlowLogs is blockedByTarget on the check, and the check finds no replacement after a
 * failed create). Reading and deleting take up to 1000 flow logs per call.
 */
function replacementActions(
  scope: { accountId: string; region: string },
  flowLogs: FlowLogFacts[],
  findings: Finding[],
  destination: FlowLogDestination,
  tags: { Key: string; Value: string }[],
  settings: PlannedSettings,
): ActionDraft[] {
  const trafficOf = new Map(flowLogs.map((f) => [f.flowLogId, f.trafficType]));
  const old = findings.flatMap((f) => (f.flowLogIds ?? []).map((flowLogId) => ({ FlowLogId: flowLogId, ResourceId: f.resourceId })));
  // Per resource: ALL if the settings ask for it or any flow log replaced there captured ALL, so the new one never captures less.
  const traffic = new Map<string, 'REJECT' | 'ALL'>();
  for (const o of old) {
    const all = settings.trafficType === 'ALL' || traffic.get(o.ResourceId) === 'ALL' || trafficOf.get(o.FlowLogId) === 'ALL';
    traffic.set(o.ResourceId, all ? 'ALL' : 'REJECT');
  }
  // Already replaced where a counting flow log records the fields (a run cut off before the delete): only check and delete.
  const replaced = new Set(flowLogs.filter((f) => flowLogCounts(f) && recordsEveryField(f.logFormat, settings.logFormat!)).map((f) => f.resourceId));
  const actions: ActionDraft[] = [];
  for (const resourceType of ['VPC', 'Subnet'] as const) {
    for (const trafficType of ['REJECT', 'ALL'] as const) {
      const ids = [...traffic]
        .filter(([id]) => !replaced.has(id))
        .filter(([id, t]) => t === trafficType && id.startsWith(resourceType === 'VPC' ? 'vpc-' : 'subnet-'))
        .map(([id]) => id);
      for (const batch of chunk(ids, MAX_IDS_PER_CREATE_FLOW_LOGS)) {
        const because: Because[] = [{ kind: 'missing-fields', resourceIds: batch }];
        actions.push(buildCreateFlowLogs(scope, resourceType, batch, trafficType, destination, tags, because, settings));
      }
    }
  }
  for (const batch of chunk(old, MAX_IDS_PER_DELETE_FLOW_LOGS)) {
    const because: Because[] = [{ kind: 'missing-fields', resourceIds: [...new Set(batch.map((o) => o.ResourceId))] }];
    actions.push(buildCheckFlowLogs(scope.region, batch, settings.logFormat!, because));
    actions.push(
      buildDeleteFlowLogs(
        scope.region,
        batch.map((o) => o.FlowLogId),
        because,
      ),
    );
  }
  return actions;
}

const becauseOf = (findings: Finding[]) =>
  [...groupBy(findings, (f) => f.kind)].map(([kind, group]) => ({ kind, resourceIds: group.map((f) => f.resourceId) }));

/** The central bucket's policy, when flowfix's delivery statements are missing or out of date (log-archive account only). */
function bucketPolicyActions(archive: LogArchiveRead, settings: PlannedSettings, partition: string): ActionDraft[] {
  const change = bucketPolicyChange(archive, settings, partition);
  if (change.status !== 'put') return [];
  return [buildPutBucketPolicy(archive.bucket, archive.accountId, change.policy, [{ kind: 'bucket-policy-delivery', resourceIds: [archive.bucket] }])];
}

/** KMS keys are regional: a key can encrypt new log groups in its own region only. */
function kmsBlocker(kmsKeyId: string | undefined, region: string): string | undefined {
  const keyRegion = kmsKeyId?.split(':')[3];
  if (!kmsKeyId || keyRegion === region) return undefined;
  return `--kms-key is a key in ${keyRegion}, and KMS keys are regional: run ${region} separately with a key from ${region}`;
}

function roleActions(inventory: Inventory, settings: PlannedSettings, templates: PolicyTemplates, publishPolicy: PolicyDocument | undefined): ActionDraft[] {
  const role = roleOf(inventory);
  const actions: ActionDraft[] = [];
  if (!role) {
    const vars = { Partition: inventory.partition, AccountId: inventory.accountId };
    actions.push(
      buildCreateRole(settings.roleName, renderPolicy(templates.trust, vars), asTagList(tagsFor(settings)), {
        path: settings.rolePath,
        permissionsBoundary: permissionsBoundaryFor(settings, inventory.partition, inventory.accountId),
      }),
    );
  }
  if (publishPolicy) {
    const because: Because[] = [{ kind: 'prerequisite', resourceIds: [] }];
    const inUse = role ? flowLogsDeliveringThrough(inventory, role.arn) : [];
    if (inUse.length > 0) because.push({ kind: 'in-use', resourceIds: inUse });
    actions.push(buildPutRolePolicy(settings.roleName, settings.policyName, publishPolicy, because));
  }
  return actions;
}

/** The flow logs that deliver through the role now: a change to its policy touches their delivery. */
const flowLogsDeliveringThrough = (inventory: Inventory, roleArn: string): string[] =>
  readRegions(inventory).flatMap((r) => r.flowLogs.filter((f) => f.deliverLogsPermissionArn === roleArn).map((f) => f.flowLogId));

/**
 * The inline publish policy to put, if any. flowfix rewrites only its own document on its own role,
 * adding the new log group to those it grants, so flow logs delivering to the old ones keep access.
 * Any other document (a user's role or policy) is never narrowed: it is left alone when it already
 * grants what delivery needs, else kept whole with flowfix's statements added after its own.
 */
function publishPolicyChange(
  inventory: Inventory,
  settings: PlannedSettings,
  logGroupName: string,
  templates: PolicyTemplates,
): { document?: PolicyDocument; blocker?: string } {
  const role = roleOf(inventory);
  const vars = { Partition: inventory.partition, AccountId: inventory.accountId };
  const existing = role?.inlinePolicies[settings.policyName];
  const ours = renderPublishPolicy(templates.publish, vars, [logGroupName]);
  // A role made beforehand (operator-apply-prebuilt-role.json) may grant delivery under another policy name: nothing to put.
  if (!existing) return role && !firstMissingGrant({ Statement: Object.values(role.inlinePolicies).flatMap(statementsOf) }, ours) ? {} : { document: ours };
  const kept = isManagedByFlowfix(role?.tags) ? logGroupsGrantedBy(existing, templates.publish, vars) : null;
  if (kept) {
    const document = renderPublishPolicy(templates.publish, vars, [...kept, logGroupName]);
    return canonicalJson(document) === canonicalJson(existing) ? {} : { document };
  }
  if (!firstMissingGrant(existing, ours)) return {};
  const merged = appendStatements(existing, ours);
  const denied = firstMissingGrant(merged, ours);
  if (!denied) return { document: merged };
  return {
    blocker: `inline policy ${settings.policyName} on role ${settings.roleName} denies ${denied.action} on ${denied.resource}, and flowfix never edits a policy it did not write`,
  };
}
