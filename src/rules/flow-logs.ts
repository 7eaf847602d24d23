// Which flow log counts (CIS 3.7/3.9): the one rule audit, apply and verify all judge by.
import { isManagedByFlowfix } from '../config/settings.js';
import type { FlowLogFacts } from '../facts/resources.js';

export const isActive = (f: FlowLogFacts): boolean => f.status === 'ACTIVE';
export const capturesRejects = (f: FlowLogFacts): boolean => f.trafficType === 'REJECT' || f.trafficType === 'ALL';
export const deliveryFailed = (f: FlowLogFacts): boolean => f.deliverLogsStatus === 'FAILED';

/** ACTIVE, capturing REJECT or ALL, delivery not FAILED; any destination type. */
export const flowLogCounts = (f: FlowLogFacts): boolean => isActive(f) && capturesRejects(f) && !deliveryFailed(f);

/**
 * AWS's CloudWatch telemetry rules (observabilityadmin) tag what they create with this; such flow logs
 * and log groups are the rule's: flowfix counts them, never changes, tags or deletes them.
 */
export const TELEMETRY_RULE_TAG = { key: 'CloudWatchTelemetryRuleManaged', value: 'true' } as const;

export const isTelemetryRuleManaged = (tags: Record<string, string> | undefined): boolean => tags?.[TELEMETRY_RULE_TAG.key] === TELEMETRY_RULE_TAG.value;

/** Who keeps a flow log: flowfix (tagged ManagedBy=flowfix), an AWS telemetry rule, or the account's own people. */
export type FlowLogManager = 'flowfix' | 'telemetry-rule' | 'user';

export function managerOf(flowLog: Pick<FlowLogFacts, 'tags'>): FlowLogManager {
  if (isTelemetryRuleManaged(flowLog.tags)) return 'telemetry-rule';
  return isManagedByFlowfix(flowLog.tags) ? 'flowfix' : 'user';
}
