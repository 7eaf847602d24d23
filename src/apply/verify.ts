// Pure: after applying, does every targeted resource have a flow log that counts, and has it delivered?
// "Counts" is the audit's own rule (src/rules/flow-logs.ts); delivery status only ranks the candidates.
// DeliverLogsStatus SUCCESS right after creation only means no delivery error yet: a flow log is 'ok'
// (delivering) only once the evidence read from its destination shows something arrived since creation.
import { NO_NETWORK_INTERFACES, type DeliveryStatus, type InterfaceSample } from '../facts/delivery-status.js';
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
  /** The flow log's delivery in the words `verify` uses (src/facts/delivery-status.ts): set whenever there is a flow log. */
  delivery?: DeliveryStatus;
  /** What was seen at the destination, for 'ok'. */
  evidence?: string;
  /** CloudWatch Logs: which of its interfaces' streams were looked at. */
  interfaces?: InterfaceSample;
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
      const best =
        delivered ?? candidates.find((f) => f.deliverLogsStatus === 'SUCCESS') ?? candidates.find((f) => f.deliverLogsStatus !== 'FAILED') ?? candidates[0];
      const base = { region: action.region, resourceId };
      if (!best) results.push({ ...base, status: 'missing', message: 'no ACTIVE flow log capturing REJECT or ALL' });
      else if (best.deliverLogsStatus === 'FAILED')
        results.push({
          ...base,
          status: 'delivery-failed',
          flowLogId: best.flowLogId,
          delivery: 'delivery-failed',
          message: best.deliverLogsErrorMessage ?? 'delivery FAILED',
        });
      else results.push({ ...base, flowLogId: best.flowLogId, ...deliveryOf(evidence.get(best.flowLogId)) });
    }
  }
  return results;
}

/** A flow log without a delivery error: ok only with evidence of its own, else pending and why. */
function deliveryOf(seen: DeliveryEvidence | undefined): Pick<Verification, 'status' | 'delivery' | 'evidence' | 'interfaces' | 'message'> {
  const interfaces = seen && 'interfaces' in seen && seen.interfaces ? { interfaces: seen.interfaces } : {};
  switch (seen?.kind) {
    case 'delivered':
      return { status: 'ok', delivery: 'delivering', evidence: seen.what, ...interfaces };
    case 'no-interfaces':
      return { status: 'pending', delivery: 'no-network-interfaces', message: NO_NETWORK_INTERFACES };
    case 'unknown':
      return { status: 'pending', delivery: 'not-checked', message: `delivery not checked: ${seen.why}` };
    default:
      return { status: 'pending', delivery: 'no-error-yet', ...interfaces, message: 'no delivery error yet; nothing delivered so far' };
  }
}

/** The flow logs whose destination is worth looking at: the ones verification would call pending without evidence. */
export function flowLogsAwaitingEvidence(results: Verification[], live: Inventory) {
  return results.flatMap((r) => {
    const flowLog = r.status === 'pending' && r.flowLogId ? readRegion(live, r.region)?.flowLogs.find((f) => f.flowLogId === r.flowLogId) : undefined;
    return flowLog ? [{ region: r.region, flowLog }] : [];
  });
}
