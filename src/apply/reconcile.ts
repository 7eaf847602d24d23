// Pure: which parts of a plan action are still to do, given live state read just before applying.
// This is what makes apply idempotent and a saved plan safe to run late or twice.
import { flowLogCounts } from '../audit/audit.js';
import { trustsVpcFlowLogs } from '../audit/role-trust.js';
import type { FlowLogFacts } from '../facts/resources.js';
import type { Inventory, RegionInventory } from '../inventory/types.js';
import { groupBy } from '../util/collections.js';
import { isUnfinishedFlowfixGroup } from '../plan/build-plan.js';
import { canonicalJson } from '../util/canonical-json.js';
import type { CreateFlowLogsAction, PlanAction } from '../plan/types.js';
import type { Outcome } from './types.js';

export interface Reconciled {
  /** Resource-level outcomes already known (already done, skipped). */
  settled: Outcome[];
  /** What is left to send; for create-flow-logs the ids still needing a flow log. */
  remainingIds: string[];
  /** True when the action has nothing left to do. */
  done: boolean;
}

export const outcome = (action: PlanAction, resourceId: string, status: Outcome['status'], detail?: string): Outcome => ({
  actionId: action.id,
  kind: action.kind,
  region: action.region,
  resourceId,
  status,
  ...(detail ? { detail } : {}),
});

export function targetOf(action: PlanAction): string {
  switch (action.kind) {
    case 'create-role':
    case 'put-role-policy':
      return action.input.RoleName;
    case 'create-log-group':
    case 'put-retention-policy':
      return action.input.logGroupName;
    case 'create-flow-logs':
      return action.input.ResourceIds.join(',');
  }
}

export function reconcile(action: PlanAction, live: Inventory): Reconciled {
  const single = (status: Outcome['status'] | null, detail = ''): Reconciled =>
    status === null
      ? { settled: [], remainingIds: [targetOf(action)], done: false }
      : { settled: [outcome(action, targetOf(action), status, detail)], remainingIds: [], done: true };

  switch (action.kind) {
    case 'create-role': {
      if (!live.role) return single(null);
      const problem = trustsVpcFlowLogs(live.role.trustPolicy, live.accountId);
      return problem
        ? { settled: [{ ...outcome(action, action.input.RoleName, 'failed', ''), code: 'RoleUntrusted', message: `role exists but ${problem}` }], remainingIds: [], done: true }
        : single('already-done', 'role exists and trusts vpc-flow-logs.amazonaws.com');
    }
    case 'put-role-policy': {
      const current = live.role?.inlinePolicies[action.input.PolicyName];
      const same = current !== undefined && canonicalJson(current) === canonicalJson(JSON.parse(action.input.PolicyDocument));
      return same ? single('already-done', 'inline policy already in place') : single(null);
    }
    case 'create-log-group':
      return regionOf(live, action.region)?.logGroups[action.input.logGroupName]
        ? single('already-done', 'log group exists')
        : single(null);
    case 'put-retention-policy': {
      const group = regionOf(live, action.region)?.logGroups[action.input.logGroupName];
      if (!group) {
        // Only a group this plan creates may be missing; any other was read live and is gone now.
        const createdByPlan = action.because.some((b) => b.kind === 'prerequisite');
        return createdByPlan ? single(null) : single('skipped', 'log group not found any more; left as is');
      }
      if (group.retentionInDays === action.input.retentionInDays) return single('already-done', `retention is ${group.retentionInDays} days`);
      // Never shorten: that would delete logs someone chose to keep.
      if (group.retentionInDays === undefined && !isUnfinishedFlowfixGroup(group)) return single('skipped', 'group never expires; left as is');
      if (group.retentionInDays !== undefined && group.retentionInDays > action.input.retentionInDays) return single('skipped', `group keeps ${group.retentionInDays} days; left as is`);
      return single(null);
    }
    case 'create-flow-logs':
      return reconcileFlowLogs(action, regionOf(live, action.region));
  }
}

interface RegionIndex {
  resourceIds: Set<string>;
  flowLogsOf: Map<string, FlowLogFacts[]>;
}

// Built once per region and reused by every batch, so reconciling stays linear in the estate size.
const regionIndexes = new WeakMap<RegionInventory, RegionIndex>();

function indexOf(region: RegionInventory): RegionIndex {
  let index = regionIndexes.get(region);
  if (!index) {
    index = {
      resourceIds: new Set([...region.vpcs.map((v) => v.vpcId), ...region.subnets.map((s) => s.subnetId)]),
      flowLogsOf: groupBy(region.flowLogs, (f) => f.resourceId),
    };
    regionIndexes.set(region, index);
  }
  return index;
}

export type ExistingFlowLogVerdict =
  | { kind: 'working'; flowLogId: string }
  | { kind: 'blocking'; message: string }
  | { kind: 'none' };

/**
 * What the flow logs already on a resource mean for creating this one. One that counts makes it done.
 * A non-working one AWS would call identical (same destination and traffic type) blocks it: AWS
 * refuses a second one, so a person must delete it. After AWS has actually answered
 * FlowLogAlreadyExists, any flow log to the same destination is taken as the reason (some emulators
 * ignore the traffic type when comparing).
 */
export function existingFlowLogVerdict(
  flowLogs: FlowLogFacts[],
  input: CreateFlowLogsAction['input'],
  awsSaidAlreadyExists = false,
): ExistingFlowLogVerdict {
  const working = flowLogs.find(flowLogCounts);
  if (working) return { kind: 'working', flowLogId: working.flowLogId };
  const destination = input.LogGroupName ?? input.LogDestination;
  const blocking = flowLogs.find(
    (f) => (f.logGroupName ?? f.destination) === destination && (awsSaidAlreadyExists || f.trafficType === input.TrafficType),
  );
  if (!blocking) return { kind: 'none' };
  const why =
    blocking.deliverLogsStatus === 'FAILED'
      ? `its delivery FAILED (${blocking.deliverLogsErrorMessage ?? 'no message'})`
      : `it is ${blocking.status} and captures ${blocking.trafficType}`;
  return {
    kind: 'blocking',
    message: `flow log ${blocking.flowLogId} to ${destination} already exists but ${why}; delete it (aws ec2 delete-flow-logs --flow-log-ids ${blocking.flowLogId}) or choose another destination, then re-run`,
  };
}

function reconcileFlowLogs(action: CreateFlowLogsAction, region: RegionInventory | undefined): Reconciled {
  const settled: Outcome[] = [];
  const remainingIds: string[] = [];
  const index = region ? indexOf(region) : { resourceIds: new Set<string>(), flowLogsOf: new Map<string, FlowLogFacts[]>() };
  for (const id of action.input.ResourceIds) {
    const verdict = existingFlowLogVerdict(index.flowLogsOf.get(id) ?? [], action.input);
    if (!index.resourceIds.has(id)) settled.push(outcome(action, id, 'skipped', `${id} no longer exists in ${action.region}`));
    else if (verdict.kind === 'working') settled.push(outcome(action, id, 'already-done', `has working flow log ${verdict.flowLogId}`));
    else if (verdict.kind === 'blocking') settled.push({ ...outcome(action, id, 'failed', ''), code: 'FlowLogAlreadyExists', message: verdict.message });
    else remainingIds.push(id);
  }
  return { settled, remainingIds, done: remainingIds.length === 0 };
}

export const flowLogIndexOf = (region: RegionInventory): Map<string, FlowLogFacts[]> => indexOf(region).flowLogsOf;

const regionOf = (live: Inventory, region: string) => live.regions.find((r) => r.region === region);
