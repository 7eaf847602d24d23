// `flowfix verify`: for the flow logs that make resources compliant, what has actually reached their
// destinations. A flow log with no delivery error may still have delivered nothing.
import { readDeliveryEvidence } from '../inventory/delivery-evidence.js';
import { readRegion } from '../inventory/types.js';
import type { Assessment } from './assess.js';
import type { WorkflowDeps } from './deps.js';

export interface DeliveryCheck {
  region: string;
  flowLogId: string;
  /** The compliant resources this flow log covers. */
  resourceIds: string[];
  /** delivering: a log stream or object seen since creation; no-error-yet: nothing seen so far; not-checked: could not look. */
  status: 'delivering' | 'no-error-yet' | 'not-checked';
  evidence?: string;
  why?: string;
}

export async function checkDelivery(assessment: Assessment, deps: WorkflowDeps, concurrency = 4): Promise<DeliveryCheck[]> {
  const { inventory, audit } = assessment;
  const covering = new Map<string, { region: string; resourceIds: string[] }>();
  for (const c of audit.coverage) {
    if (!c.compliant || !c.coveredBy) continue;
    const key = `${c.region}|${c.coveredBy.flowLogId}`;
    const entry = covering.get(key) ?? { region: c.region, resourceIds: [] };
    entry.resourceIds.push(c.resourceId);
    covering.set(key, entry);
  }
  const targets = [...covering].flatMap(([key, { region }]) => {
    const flowLog = readRegion(inventory, region)?.flowLogs.find((f) => f.flowLogId === key.split('|')[1]);
    return flowLog ? [{ region, flowLog }] : [];
  });
  if (targets.length === 0) return [];
  const evidence = await readDeliveryEvidence(deps.clients, { accountId: inventory.accountId, targets, now: deps.clock.now(), concurrency });
  return targets.map(({ region, flowLog }): DeliveryCheck => {
    const seen = evidence.get(flowLog.flowLogId);
    const base = { region, flowLogId: flowLog.flowLogId, resourceIds: covering.get(`${region}|${flowLog.flowLogId}`)!.resourceIds };
    if (seen?.kind === 'delivered') return { ...base, status: 'delivering', evidence: seen.what };
    if (seen?.kind === 'unknown') return { ...base, status: 'not-checked', why: seen.why };
    return { ...base, status: 'no-error-yet' };
  });
}
