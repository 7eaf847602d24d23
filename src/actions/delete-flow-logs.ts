// ec2:DeleteFlowLogs: flowfix's own flow logs (tagged ManagedBy=flowfix) of one region, up to 1000 ids per
// call. Rollback plans (src/plan/build-rollback.ts) hold it, and plans that replace flowfix's flow logs
// lacking required fields, after the check of their replacements (src/actions/check-flow-logs.ts).
import * as z from 'zod';

import type { DeleteFlowLogsResult } from '../aws/api.js';
import { readRegion } from '../inventory/types.js';
import { BLOCKER, defineActionKind, type Because } from './action-kind.js';

/** The most ids DeleteFlowLogs takes in one call. */
export const MAX_IDS_PER_DELETE_FLOW_LOGS = 1000;

const flowLogId = z.string().regex(/^fl-[0-9a-z]{1,32}$/, 'is not a flow log id');

export const deleteFlowLogs = defineActionKind({
  kind: 'delete-flow-logs',
  service: 'ec2',
  operation: 'DeleteFlowLogs',
  global: false,
  counted: { noun: 'flow log', nouns: 'flow logs', verb: 'delete' },
  inputSchema: z.strictObject({ FlowLogIds: z.array(flowLogId).min(1).max(MAX_IDS_PER_DELETE_FLOW_LOGS) }),
  targets: (input) => input.FlowLogIds,
  describe: (input) => `Delete ${input.FlowLogIds.length} flow log${input.FlowLogIds.length === 1 ? '' : 's'} flowfix created (tagged ManagedBy=flowfix)`,
  // Authorized per flow log; operator-apply.json narrows it with aws:ResourceTag/ManagedBy = flowfix.
  permissions: (input, scope) =>
    input.FlowLogIds.map((id) => ({
      action: 'ec2:DeleteFlowLogs',
      resource: `arn:${scope.partition}:ec2:${scope.region}:${scope.accountId}:vpc-flow-log/${id}`,
    })),
  reconcile: (action, live) => {
    const present = new Set((readRegion(live, action.region)?.flowLogs ?? []).map((f) => f.flowLogId));
    return action.input.FlowLogIds.map((id) => (present.has(id) ? { status: 'todo' } : { status: 'already-done', detail: 'already deleted' }));
  },
  send: (clients, region, input): Promise<DeleteFlowLogsResult> => clients.ec2(region).deleteFlowLogs(input),
  // Gone now means deleted: reconcile found each one there before.
  tookEffect: async (clients, region, _input, targets) => {
    const present = new Set((await clients.ec2(region).listFlowLogs()).map((f) => f.flowLogId));
    return targets.filter((id) => !present.has(id));
  },
  deniedHint: (_input, _error, scope) =>
    `grant ec2:DeleteFlowLogs on arn:${scope.partition}:ec2:${scope.region}:${scope.accountId}:vpc-flow-log/* for flow logs tagged ManagedBy=flowfix (policies/operator-apply.json)`,
  // Still there, it may still use the role and deliver to the group.
  blocks: ({ region, resourceId }) => [
    { key: BLOCKER.roleInUse, why: `flow log ${resourceId} in ${region} could not be deleted and may still use the role` },
    { key: BLOCKER.flowLogsLeft(region), why: `flow log ${resourceId} could not be deleted and may still deliver here` },
  ],
  // A flow log being replaced (missing-fields) goes only once its replacement was shown in place.
  blockedByTarget: (_input, region, flowLogId) => [BLOCKER.replacementUnchecked(region, flowLogId)],
  forTargets: (input, targets) => ({ ...input, FlowLogIds: targets }),
});

export const buildDeleteFlowLogs = (region: string, flowLogIds: string[], because: Because[]) => ({
  kind: 'delete-flow-logs' as const,
  region,
  because,
  input: { FlowLogIds: flowLogIds },
});
