// ec2:DescribeFlowLogs as a plan step: after the replacements of flowfix's flow logs that lack required
// fields (missing-fields) are created, read the region's flow logs again and show, per old flow log, that
// its replacement is there: on the same resource, ACTIVE, delivery not FAILED, capturing at least what the
// old one did, to the same destination, recording every field of the new format. Only an old flow log
// whose replacement passes may be deleted (the delete is blockedByTarget on this check's failure).
import * as z from 'zod';

import { recordsEveryField } from '../facts/flow-log-format.js';
import { VPC_OR_SUBNET_ID, type FlowLogFacts } from '../facts/resources.js';
import { readRegion } from '../inventory/types.js';
import { flowLogCounts } from '../rules/flow-logs.js';
import { BLOCKER, defineActionKind, type Because, type LiveVerdict } from './action-kind.js';

const inputSchema = z.strictObject({
  /** Each old flow log with the resource it watches. */
  Replacements: z
    .array(
      z.strictObject({
        FlowLogId: z.string().regex(/^fl-[0-9a-z]{1,32}$/, 'is not a flow log id'),
        ResourceId: z.string().regex(VPC_OR_SUBNET_ID, 'is not a VPC or subnet id'),
      }),
    )
    .min(1)
    .max(1000),
  /** The format the replacements were created with: each must record every field of it. */
  LogFormat: z.string().min(1),
});

export type CheckFlowLogsInput = z.infer<typeof inputSchema>;

const sameDestination = (a: FlowLogFacts, b: FlowLogFacts) =>
  a.destinationType === b.destinationType &&
  (a.logGroupName ?? a.destination ?? '').replace(/\/+$/, '') === (b.logGroupName ?? b.destination ?? '').replace(/\/+$/, '');

/** ALL covers everything; otherwise the same traffic type. */
const capturesAtLeast = (candidate: FlowLogFacts, old: FlowLogFacts) => candidate.trafficType === 'ALL' || candidate.trafficType === old.trafficType;

/** The flow log that replaces `oldId` on `resourceId`, or why there is none. */
export function replacementOf(flowLogs: FlowLogFacts[], oldId: string, resourceId: string, logFormat: string): { flowLogId: string } | { problem: string } {
  const old = flowLogs.find((f) => f.flowLogId === oldId);
  const onResource = flowLogs.filter((f) => f.resourceId === resourceId && f.flowLogId !== oldId);
  const found = onResource.find(
    (f) => flowLogCounts(f) && recordsEveryField(f.logFormat, logFormat) && (!old || (sameDestination(f, old) && capturesAtLeast(f, old))),
  );
  if (found) return { flowLogId: found.flowLogId };
  const withFields = onResource.find((f) => recordsEveryField(f.logFormat, logFormat));
  const why = withFields
    ? `flow log ${withFields.flowLogId} has the fields but ${flowLogCounts(withFields) ? 'delivers elsewhere or captures less' : `is ${withFields.status}${withFields.deliverLogsStatus === 'FAILED' ? ' with delivery FAILED' : ''}`}`
    : 'no flow log with the required fields was found';
  return { problem: `${resourceId}: ${why}; ${oldId} is kept, so the resource stays logged` };
}

export const checkFlowLogs = defineActionKind({
  kind: 'check-flow-logs',
  service: 'ec2',
  operation: 'DescribeFlowLogs',
  global: false,
  counted: { noun: 'replacement flow log', nouns: 'replacement flow logs', verb: 'check' },
  inputSchema,
  targets: (input) => input.Replacements.map((r) => r.FlowLogId),
  describe: (input) => {
    const n = input.Replacements.length;
    return `Check that ${n === 1 ? 'the flow log' : `${n} flow logs`} replacing ${n === 1 ? input.Replacements[0]!.FlowLogId : 'the ones lacking required fields'} ${n === 1 ? 'is ACTIVE and records' : 'are ACTIVE and record'} the fields, before the old ${n === 1 ? 'one is' : 'ones are'} deleted`;
  },
  permissions: () => [{ action: 'ec2:DescribeFlowLogs', resource: '*' }],
  // Gone already: nothing is left to replace (and its delete is done too).
  reconcile: (action, live) => {
    const present = new Set((readRegion(live, action.region)?.flowLogs ?? []).map((f) => f.flowLogId));
    return action.input.Replacements.map((r): LiveVerdict =>
      present.has(r.FlowLogId) ? { status: 'todo' } : { status: 'already-done', detail: `${r.FlowLogId} is gone: nothing left to replace` },
    );
  },
  send: (clients, region) => clients.ec2(region).listFlowLogs(),
  failedTargets: (input, answer, targets) => {
    const flowLogs = answer as FlowLogFacts[];
    const wanted = new Set(targets);
    return input.Replacements.filter((r) => wanted.has(r.FlowLogId)).flatMap((r) => {
      const found = replacementOf(flowLogs, r.FlowLogId, r.ResourceId, input.LogFormat);
      return 'problem' in found ? [{ target: r.FlowLogId, code: 'ReplacementNotFound', message: found.problem }] : [];
    });
  },
  // A read changes nothing: whatever it found, reading again decides.
  tookEffect: async (clients, region, input, targets) => {
    const flowLogs = await clients.ec2(region).listFlowLogs();
    return input.Replacements.filter(
      (r) => targets.includes(r.FlowLogId) && 'flowLogId' in replacementOf(flowLogs, r.FlowLogId, r.ResourceId, input.LogFormat),
    ).map((r) => r.FlowLogId);
  },
  deniedHint: () => 'grant ec2:DescribeFlowLogs (policies/operator-apply.json)',
  blocks: ({ region, resourceId }) => [
    { key: BLOCKER.replacementUnchecked(region, resourceId), why: `its replacement could not be shown in place, so ${resourceId} is kept` },
  ],
  forTargets: (input, targets) => ({ ...input, Replacements: input.Replacements.filter((r) => targets.includes(r.FlowLogId)) }),
});

export const buildCheckFlowLogs = (region: string, replacements: { FlowLogId: string; ResourceId: string }[], logFormat: string, because: Because[]) => ({
  kind: 'check-flow-logs' as const,
  region,
  because,
  input: { Replacements: replacements, LogFormat: logFormat },
});
