// Which flow log counts (CIS 3.7/3.9): the one rule audit, apply and verify all judge by.
import type { FlowLogFacts } from '../facts/resources.js';

export const isActive = (f: FlowLogFacts): boolean => f.status === 'ACTIVE';
export const capturesRejects = (f: FlowLogFacts): boolean => f.trafficType === 'REJECT' || f.trafficType === 'ALL';
export const deliveryFailed = (f: FlowLogFacts): boolean => f.deliverLogsStatus === 'FAILED';

/** ACTIVE, capturing REJECT or ALL, delivery not FAILED; any destination type. */
export const flowLogCounts = (f: FlowLogFacts): boolean => isActive(f) && capturesRejects(f) && !deliveryFailed(f);
