// Pure: after applying, does every targeted resource have a flow log that counts, and has it delivered?
// "Counts" is the audit's own rule (src/rules/flow-logs.ts); delivery status only ranks the candidates.
// DeliverLogsStatus SUCCESS right after creation only means no delivery error yet: a flow log is 'ok'
// (delivering) only once the evidence read from its destination shows something arrived since creation.
import type { DeliveryEvidence } from '../inventory/delivery-evidence.js';
import { readRegion, type Inventory } from '../inventory/types.js';
import type { Plan } from '../plan/types.js';
import { capturesRejects, isActive } from '../rules/flow-logs.js';

export interface Verification {
  region: string;
  resourceId: string;
  /**
   * ok: delivering (a log stream or object seen since creation); pending: no delivery error yet, but
   * nothing delivered so far (or it could not be looked at: `message` says why).
   */
  status: 'ok' | 'pending' | 'delivery-failed' | 'missing' | 'unreadable';
  flowLogId?: string;
  /** What was seen at the destination, for 'ok'. */
  evidence?: string;
  message?: string;
}

/** `skippedIds`: resources apply found gone; there is nothing to verify for them. */
export function verifyTargets(
  plan: Plan,
  live: Inventory,
  skippedIds: ReadonlySet<string> = new Set(),
  evidence: ReadonlyMap<string, DeliveryEvidence> = new Map(),
): Verification[] {
  const results: Verification[] = [];
  for (const action of plan.actions) {
    if (action.kind !== 'create-flow-logs') continue;
    const region = readRegion(live, action.region);
    for (const resourceId of action.input.ResourceIds) {
      if (skippedIds.has(resourceId)) continue;
      if (!region) {
        results.push({ region: action.region, resourceId, status: 'unreadable', message: 'region could not be re-read' });
        continue;
      }
      const candidates = region.flowLogs.filter((f) => f.resourceId === resourceId && isActive(f) && capturesRejects(f));
      const delivered = candidates.find((f) => f.deliverLogsStatus !== 'FAILED' && evidence.get(f.flowLogId)?.kind === 'delivered');
      const best = delivered ?? candidates.find((f) => f.deliverLogsStatus === 'SUCCESS') ?? candidates.find((f) => f.deliverLogsStatus !== 'FAILED') ?? candidates[0];
      const base = { region: action.region, resourceId };
      if (!best) results.push({ ...base, status: 'missing', message: 'no ACTIVE flow log capturing REJECT or ALL' });
      else if (best.deliverLogsStatus === 'FAILED')
        results.push({ ...base, status: 'delivery-failed', flowLogId: best.flowLogId, message: best.deliverLogsErrorMessage ?? 'delivery FAILED' });
      else {
        const seen = evidence.get(best.flowLogId);
        results.push(
          seen?.kind === 'delivered'
            ? { ...base, status: 'ok', flowLogId: best.flowLogId, evidence: seen.what }
            : { ...base, status: 'pending', flowLogId: best.flowLogId, message: seen?.kind === 'unknown' ? `delivery not checked: ${seen.why}` : 'no delivery error yet; nothing delivered so far' },
        );
      }
    }
  }
  return results;
}

/** The flow logs whose destination is worth looking at: the ones verification would call pending without evidence. */
export function flowLogsAwaitingEvidence(results: Verification[], live: Inventory) {
  return results.flatMap((r) => {
    const flowLog = r.status === 'pending' && r.flowLogId ? readRegion(live, r.region)?.flowLogs.find((f) => f.flowLogId === r.flowLogId) : undefined;
    return flowLog ? [{ region: r.region, flowLog }] : [];
  });
}
