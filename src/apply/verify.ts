// Pure: after applying, does every targeted resource have an ACTIVE flow log of the planned traffic type?
import type { Inventory } from '../inventory/types.js';
import type { Plan } from '../plan/types.js';

export interface Verification {
  region: string;
  resourceId: string;
  status: 'ok' | 'pending' | 'delivery-failed' | 'missing' | 'unreadable';
  flowLogId?: string;
  message?: string;
}

/** `skippedIds`: resources apply found gone; there is nothing to verify for them. */
export function verifyTargets(plan: Plan, live: Inventory, skippedIds: ReadonlySet<string> = new Set()): Verification[] {
  const results: Verification[] = [];
  for (const action of plan.actions) {
    if (action.kind !== 'create-flow-logs') continue;
    const unreadable = live.regionErrors.some((e) => e.region === action.region);
    const region = unreadable ? undefined : live.regions.find((r) => r.region === action.region);
    for (const resourceId of action.input.ResourceIds) {
      if (skippedIds.has(resourceId)) continue;
      if (!region) {
        results.push({ region: action.region, resourceId, status: 'unreadable', message: 'region could not be re-read' });
        continue;
      }
      const candidates = region.flowLogs.filter(
        (f) => f.resourceId === resourceId && f.status === 'ACTIVE' && (f.trafficType === action.input.TrafficType || f.trafficType === 'ALL'),
      );
      const best =
        candidates.find((f) => f.deliverLogsStatus === 'SUCCESS') ?? candidates.find((f) => f.deliverLogsStatus !== 'FAILED') ?? candidates[0];
      if (!best) results.push({ region: action.region, resourceId, status: 'missing', message: `no ACTIVE ${action.input.TrafficType} flow log` });
      else if (best.deliverLogsStatus === 'FAILED')
        results.push({ region: action.region, resourceId, status: 'delivery-failed', flowLogId: best.flowLogId, message: best.deliverLogsErrorMessage ?? 'delivery FAILED' });
      else
        results.push({ region: action.region, resourceId, status: best.deliverLogsStatus === 'SUCCESS' ? 'ok' : 'pending', flowLogId: best.flowLogId });
    }
  }
  return results;
}
