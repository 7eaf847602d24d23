// `flowfix verify`: for the flow logs that make resources compliant, what has actually reached their
// destinations. A flow log with no delivery error may still have delivered nothing.
import { NO_NETWORK_INTERFACES, type DeliveryCheck } from '../facts/delivery-status.js';
import { readDeliveryEvidence } from '../inventory/delivery-evidence.js';
import { readRegion } from '../inventory/types.js';
import type { Assessment } from './assess.js';
import type { WorkflowDeps } from './deps.js';

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
    const interfaces = seen && 'interfaces' in seen && seen.interfaces ? { interfaces: seen.interfaces } : {};
    if (seen?.kind === 'delivered') return { ...base, status: 'delivering', evidence: seen.what, ...interfaces };
    if (seen?.kind === 'unknown') return { ...base, status: 'not-checked', why: seen.why };
    if (seen?.kind === 'no-interfaces') return { ...base, status: 'no-network-interfaces', why: NO_NETWORK_INTERFACES };
    return { ...base, status: 'no-error-yet', ...interfaces };
  });
}
