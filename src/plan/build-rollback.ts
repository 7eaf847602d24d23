// Pure: which of flowfix's own resources `flowfix rollback` deletes, in what order, and which it keeps
// and why. Only resources tagged ManagedBy=flowfix are ever deleted; a same-named resource without the
// tag is someone else's. The tag alone is not enough (anyone with ec2:CreateTags can write it): a flow log
// is deleted only when it also has the shape the settings give, its destination flowfix's log group (or
// bucket/prefix) and its role flowfix's, like the apply it undoes. The normal planner (build-plan.ts)
// never emits these delete kinds.
import type { Because } from '../actions/action-kind.js';
import { withDisplay, type ActionDraft, type PlanAction } from '../actions/action-kinds.js';
import { buildDeleteFlowLogs, MAX_IDS_PER_DELETE_FLOW_LOGS } from '../actions/delete-flow-logs.js';
import { buildDeleteLogGroup } from '../actions/delete-log-group.js';
import { buildDeleteRolePolicy } from '../actions/delete-role-policy.js';
import { buildDeleteRole } from '../actions/delete-role.js';
import { buildRemoveBucketPolicyStatements } from '../actions/remove-bucket-policy-statements.js';
import type { RoleAttachments } from '../aws/api.js';
import { describeOrganizationPolicy, type OrganizationPolicyDeny } from '../aws/errors.js';
import { isManagedByFlowfix } from '../config/settings.js';
import { isFlowfixStatement, readPolicyText, withFlowfixStatements, withoutAccounts } from '../facts/bucket-policy.js';
import type { FlowLogFacts } from '../facts/resources.js';
import { deniedRegions, readRegions, unreadableRegions, type AwsProblem, type Inventory, type LogArchiveRead } from '../inventory/types.js';
import { isTelemetryRuleManaged, TELEMETRY_RULE_TAG } from '../rules/flow-logs.js';
import { shapeMismatch, type OwnFlowLogShape } from '../rules/own-flow-logs.js';
import { chunk } from '../util/collections.js';
import type { Plan } from './types.js';

export type { OwnFlowLogShape };

export interface RollbackInput {
  /** Live state of the regions rolled back, and the delivery role by name. */
  live: Inventory;
  /** Flow logs of the account's other enabled regions (outside --regions): they may use the role too. */
  otherRegions: { region: string; flowLogs: FlowLogFacts[] | null; error?: AwsProblem; deniedBy?: OrganizationPolicyDeny }[];
  /** Tags of the candidate log groups (flowfix's own name, and those its flow logs deliver to), by region and name; absent = unknown. */
  logGroupTags: Record<string, Record<string, Record<string, string>>>;
  roleName: string;
  policyName: string;
  /** What flowfix's flow logs look like under these settings: the only ones rollback deletes. */
  own: OwnFlowLogShape;
  /**
   * What is attached to the role besides inline policies (read before anything is deleted, since DeleteRole
   * refuses while any remain); an error when it could not be read; absent when the role was not looked at.
   */
  roleAttachments?: RoleAttachments | { error: AwsProblem };
  deleteLogGroups: boolean;
  /**
   * --denied-regions-hold-nothing: regions an organization policy denies are taken to hold no flowfix flow
   * logs, so they do not keep the role. Off: flow logs made there before the policy may still use it.
   */
  deniedRegionsHoldNothing?: boolean;
  /**
   * In the log-archive account (--log-archive-account): the central bucket, read once per run, with the
   * accounts rolled back as its delivering accounts. flowfix's statements lose those accounts' grants.
   */
  bucket?: LogArchiveRead;
}

/** A resource flowfix created, or one by a name it uses, that this rollback leaves in place, and why. */
export interface KeptResource {
  type: 'role' | 'log-group' | 'region' | 'flow-log' | 'bucket-policy';
  region: string;
  name: string;
  reason: string;
  /** For a log group: the bytes of log data it holds. */
  storedBytes?: number;
  /** For a region: the organization policy that denies it (not an error: nothing anyone's IAM can change). */
  deniedBy?: OrganizationPolicyDeny;
}

export interface RollbackPlan extends Pick<Plan, 'accountId' | 'partition' | 'actions'> {
  kept: KeptResource[];
  /** Bytes of log data the planned log group deletions would lose. */
  bytesToDelete: number;
}

const BECAUSE: Because[] = [{ kind: 'rollback', resourceIds: [] }];

/** The role name an ARN ends with (arn:aws:iam::1:role/path/name → name). */
const roleNameOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

/**
 * Why the role must be kept whole, with its inline policy: IAM's DeleteRole refuses (DeleteConflict) while
 * managed policies are attached or the role is in an instance profile, and flowfix never detaches what it
 * did not attach. Deleting the inline policy first would leave a stripped role behind.
 */
function attachmentProblem(attachments: RollbackInput['roleAttachments']): string | undefined {
  if (attachments === undefined) return 'what is attached to it was not read: kept whole';
  if ('error' in attachments)
    return `what is attached to it could not be read (${attachments.error.code}: ${attachments.error.message}): kept whole, with its inline policy`;
  const parts = [
    attachments.managedPolicies.length > 0
      ? `managed ${attachments.managedPolicies.length === 1 ? 'policy' : 'policies'} ${attachments.managedPolicies.map((p) => p.name).join(', ')} attached`
      : '',
    attachments.instanceProfiles.length > 0
      ? `instance ${attachments.instanceProfiles.length === 1 ? 'profile' : 'profiles'} ${attachments.instanceProfiles.join(', ')}`
      : '',
  ].filter(Boolean);
  return parts.length === 0
    ? undefined
    : `has ${parts.join(' and ')}, which flowfix did not add: kept whole, with its inline policy (IAM deletes no role with these)`;
}

export function buildRollbackPlan(input: RollbackInput): RollbackPlan {
  const { live } = input;
  const kept: KeptResource[] = [];
  const regional: ActionDraft[] = [];
  const global: ActionDraft[] = [];
  let bytesToDelete = 0;
  const remaining: (FlowLogFacts & { region: string })[] = [];
  const losesLogging = new Map<ActionDraft, string[]>();

  for (const region of readRegions(live)) {
    const own: FlowLogFacts[] = [];
    for (const f of region.flowLogs.filter((f) => isManagedByFlowfix(f.tags))) {
      if (isTelemetryRuleManaged(f.tags)) {
        kept.push({
          type: 'flow-log',
          region: region.region,
          name: f.flowLogId,
          reason: `made by a CloudWatch telemetry rule (${TELEMETRY_RULE_TAG.key}=true): the rule's, never flowfix's to delete (${f.resourceId})`,
        });
        continue;
      }
      const mismatch = shapeMismatch(f, input.own);
      if (mismatch === undefined) own.push(f);
      else
        kept.push({
          type: 'flow-log',
          region: region.region,
          name: f.flowLogId,
          reason: `tagged ManagedBy=flowfix but ${mismatch} (${f.resourceId}): not flowfix's under these settings`,
        });
    }
    const ownIds = new Set(own.map((f) => f.flowLogId));
    for (const f of region.flowLogs) if (!ownIds.has(f.flowLogId)) remaining.push({ ...f, region: region.region });
    // What loses logging, by id and Name tag: a flow log id alone tells a person nothing.
    const names = new Map<string, string | undefined>([
      ...region.vpcs.map((v) => [v.vpcId, v.name] as const),
      ...region.subnets.map((n) => [n.subnetId, n.name] as const),
    ]);
    const resourceOf = new Map(own.map((f) => [f.flowLogId, f.resourceId]));
    for (const ids of chunk(own.map((f) => f.flowLogId).sort(), MAX_IDS_PER_DELETE_FLOW_LOGS)) {
      const covered = [...new Set(ids.map((id) => resourceOf.get(id)!))].sort();
      const draft = buildDeleteFlowLogs(region.region, ids, [{ kind: 'rollback', resourceIds: covered }]);
      losesLogging.set(
        draft,
        covered.map((id) => (names.get(id) ? `${id} (${JSON.stringify(names.get(id))})` : id)),
      );
      regional.push(draft);
    }

    for (const name of Object.keys(region.logGroups).sort()) {
      const group = region.logGroups[name]!;
      const tags = input.logGroupTags[region.region]?.[name];
      if (tags === undefined) continue; // not a candidate: a group only users' flow logs deliver to
      const bytes = group.storedBytes ?? 0;
      if (!isManagedByFlowfix(tags)) {
        kept.push({ type: 'log-group', region: region.region, name, reason: 'not created by flowfix (no ManagedBy=flowfix tag)' });
        continue;
      }
      if (isTelemetryRuleManaged(tags)) {
        kept.push({
          type: 'log-group',
          region: region.region,
          name,
          storedBytes: group.storedBytes ?? 0,
          reason: `kept by a CloudWatch telemetry rule (${TELEMETRY_RULE_TAG.key}=true): the rule's, never flowfix's to delete`,
        });
        continue;
      }
      const user = remaining.find((f) => f.region === region.region && f.logGroupName === name);
      if (user)
        kept.push({
          type: 'log-group',
          region: region.region,
          name,
          storedBytes: bytes,
          reason: `still receives flow log ${user.flowLogId} (${user.resourceId}), not flowfix's`,
        });
      else if (!input.deleteLogGroups)
        kept.push({ type: 'log-group', region: region.region, name, storedBytes: bytes, reason: 'holds your log data; add --delete-log-groups to delete it' });
      else {
        regional.push(buildDeleteLogGroup(region.region, name, BECAUSE));
        bytesToDelete += bytes;
      }
    }
  }
  for (const other of input.otherRegions) for (const f of other.flowLogs ?? []) remaining.push({ ...f, region: other.region });

  const unread = [
    ...unreadableRegions(live).map((r) => ({ region: r.region, error: r.error })),
    ...input.otherRegions.flatMap((r) =>
      r.flowLogs === null && !r.deniedBy ? [{ region: r.region, error: r.error ?? { code: 'Unknown', message: 'not read' } }] : [],
    ),
  ];
  for (const r of unreadableRegions(live))
    kept.push({
      type: 'region',
      region: r.region,
      name: r.region,
      reason: `could not be read (${r.error.code}: ${r.error.message}); nothing there is deleted`,
    });
  const denied = [
    ...deniedRegions(live).map((r) => ({ region: r.region, deniedBy: r.deniedBy })),
    ...input.otherRegions.flatMap((r) => (r.flowLogs === null && r.deniedBy ? [{ region: r.region, deniedBy: r.deniedBy }] : [])),
  ];
  const holdNothing = input.deniedRegionsHoldNothing === true;
  for (const r of denied) {
    const reason = `denied by an organization policy (the ${describeOrganizationPolicy(r.deniedBy)}): nothing there can be read or deleted${holdNothing ? '; taken to hold no flowfix flow logs (--denied-regions-hold-nothing)' : ''}`;
    kept.push({ type: 'region', region: r.region, name: r.region, reason, deniedBy: r.deniedBy });
  }

  const role = live.role;
  if (role.status === 'unreadable') {
    kept.push({ type: 'role', region: 'global', name: input.roleName, reason: `could not be read (${role.error.code}: ${role.error.message})` });
  } else if (role.status === 'found') {
    const facts = role.role;
    const users = remaining.filter((f) => f.deliverLogsPermissionArn !== undefined && roleNameOf(f.deliverLogsPermissionArn) === facts.roleName);
    const others = Object.keys(facts.inlinePolicies).filter((name) => name !== input.policyName);
    const keep = (reason: string) => kept.push({ type: 'role', region: 'global', name: facts.roleName, reason });
    if (!isManagedByFlowfix(facts.tags)) keep('not created by flowfix (no ManagedBy=flowfix tag): left as it is, with its policies');
    else if (users.length > 0) {
      const first = users[0]!;
      keep(
        `still used by ${users.length === 1 ? 'flow log' : `${users.length} flow logs flowfix did not create, e.g.`} ${first.flowLogId} (${first.resourceId} in ${first.region}): kept with its policy`,
      );
    } else if (unread.length > 0)
      keep(`${unread.map((r) => r.region).join(', ')} could not be read, so flow logs there may still use it: kept with its policy`);
    else if (denied.length > 0 && !holdNothing) {
      keep(
        `${denied.map((r) => r.region).join(', ')} ${denied.length === 1 ? 'is' : 'are'} denied by an organization policy, so flow logs flowfix made there before the policy may still use it: kept with its policy; add --denied-regions-hold-nothing to delete it anyway`,
      );
    } else if (attachmentProblem(input.roleAttachments)) keep(attachmentProblem(input.roleAttachments)!);
    else {
      if (facts.inlinePolicies[input.policyName] !== undefined) global.push(buildDeleteRolePolicy(facts.roleName, input.policyName, BECAUSE));
      if (others.length > 0) keep(`has inline policies flowfix did not write (${others.join(', ')}): kept; only ${input.policyName} is deleted`);
      else global.push(buildDeleteRole(facts.roleName, BECAUSE));
    }
  }

  if (input.bucket) {
    const change = bucketRollback(input.bucket);
    if ('kept' in change) kept.push(change.kept);
    else if (change.action) global.push(change.action);
  }

  // Regional deletes first, then the role's policy and the role: the order applyPlan runs them in too.
  const actions = [...regional, ...global].map((draft, index): PlanAction => {
    const action = withDisplay(
      { ...draft, id: `${String(index + 1).padStart(2, '0')}-${draft.kind}${draft.region === 'global' ? '' : `-${draft.region}`}` },
      { accountId: live.accountId, partition: live.partition },
    ) as PlanAction;
    const lose = losesLogging.get(draft);
    return lose?.length ? { ...action, description: `${action.description}; no longer logged: ${lose.join(', ')}` } : action;
  });
  return { accountId: live.accountId, partition: live.partition, actions, kept, bytesToDelete };
}

/** What rollback does to the central bucket's policy: flowfix's statements lose the rolled-back accounts' grants; nothing else changes. */
function bucketRollback(archive: LogArchiveRead): { kept: KeptResource } | { action?: ActionDraft } {
  const keep = (reason: string) => ({ kept: { type: 'bucket-policy' as const, region: 'global', name: archive.bucket, reason } });
  if (archive.read.status !== 'found') return keep(`could not be read (${archive.read.error.code}: ${archive.read.error.message}): left as it is`);
  const current = archive.read.policy;
  if (current === null) return {};
  const parsed = readPolicyText(current);
  if (!parsed) return keep('is not a JSON policy flowfix can edit: left as it is');
  const ours = parsed.statements.map((s) => s.statement).filter(isFlowfixStatement);
  if (ours.length === 0) return {};
  const next = withFlowfixStatements(current, withoutAccounts(ours, archive.deliveringAccounts));
  if (next === undefined || next === current) return {};
  return { action: buildRemoveBucketPolicyStatements(archive.bucket, archive.accountId, next, BECAUSE) };
}
