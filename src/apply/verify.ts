// Pure: after applying, does every targeted resource have a flow log that counts, and has it delivered?
// "Counts" is the audit's own rule (src/rules/flow-logs.ts); delivery status only ranks the candidates.
import { readRegion, type Inventory } from '../inventory/types.js';
import type { Plan } from '../plan/types.js';
import { capturesRejects, isActive } from '../rules/flow-logs.js';

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
    const region = readRegion(live, action.region);
    for (const resourceId of action.input.ResourceIds) {
      if (skippedIds.has(resourceId)) continue;
      if (!region) {
        results.push({ region: action.region, resourceId, status: 'unreadable', message: 'region could not be re-read' });
        continue;
      }
      const candidates = region.flowLogs.filter((f) => f.resourceId === resourceId && isActive(f) && capturesRejects(f));
      const best = candidates.find((f) => f.deliverLogsStatus === 'SUCCESS') ?? candidates.find((f) => f.deliverLogsStatus !== 'FAILED') ?? candidates[0];
      if (!best) results.push({ region: action.region, resourceId, status: 'missing', message: 'no ACTIVE flow log capturing REJECT or ALL' });
      else if (best.deliverLogsStatus === 'FAILED')
        results.push({ region: action.region, resourceId, status: 'delivery-failed', flowLogId: best.flowLogId, message: best.deliverLogsErrorMessage ?? 'delivery FAILED' });
      else results.push({ region: action.region, resourceId, status: best.deliverLogsStatus === 'SUCCESS' ? 'ok' : 'pending', flowLogId: best.flowLogId });
    }
  }
  return results;
}
