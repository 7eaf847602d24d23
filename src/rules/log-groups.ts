// Rules about log groups that the planner and apply must agree on.
import { isManagedByFlowfix } from '../config/settings.js';
import type { LogGroupFacts } from '../facts/resources.js';

/** A group flowfix created whose retention was never set (an apply interrupted in between). */
export const isUnfinishedFlowfixGroup = (group: LogGroupFacts): boolean => group.retentionInDays === undefined && isManagedByFlowfix(group.tags);
