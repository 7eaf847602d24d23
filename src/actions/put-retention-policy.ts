// logs:PutRetentionPolicy: raise (never lower) how long a destination group keeps flow logs.
import * as z from 'zod';

import { readRegion } from '../inventory/types.js';
import { isUnfinishedFlowfixGroup } from '../rules/log-groups.js';
import { plural } from '../util/plural.js';
import { BLOCKER, defineActionKind, logGroupArn, type Because } from './action-kind.js';
import { logGroupName } from './schemas.js';

export const putRetentionPolicy = defineActionKind({
  kind: 'put-retention-policy',
  service: 'logs',
  operation: 'PutRetentionPolicy',
  global: false,
  counted: { noun: 'retention policy', nouns: 'retention policies', verb: 'set' },
  inputSchema: z.strictObject({ logGroupName, retentionInDays: z.number().int() }),
  targets: (input) => [input.logGroupName],
  describe: (input) => `Keep ${input.logGroupName} for ${plural(input.retentionInDays, 'day')}`,
  permissions: (input, scope) => [{ action: 'logs:PutRetentionPolicy', resource: logGroupArn(scope, input.logGroupName) }],
  reconcile: (action, live) => {
    const group = readRegion(live, action.region)?.logGroups[action.input.logGroupName];
    const wanted = action.input.retentionInDays;
    if (!group) {
      // Only a group this plan creates may be missing; any other was read live and is gone now.
      const createdByPlan = action.because.some((b) => b.kind === 'prerequisite');
      return createdByPlan ? [{ status: 'todo' }] : [{ status: 'skipped', detail: 'log group not found any more; left as is' }];
    }
    if (group.retentionInDays === wanted) return [{ status: 'already-done', detail: `retention is ${plural(wanted, 'day')}` }];
    // Never shorten: that would delete logs someone chose to keep.
    if (group.retentionInDays === undefined && !isUnfinishedFlowfixGroup(group)) return [{ status: 'skipped', detail: 'group never expires; left as is' }];
    if (group.retentionInDays !== undefined && group.retentionInDays > wanted)
      return [{ status: 'skipped', detail: `group keeps ${plural(group.retentionInDays, 'day')}; left as is` }];
    return [{ status: 'todo' }];
  },
  send: (clients, region, input) => clients.logs(region).putRetentionPolicy(input),
  tookEffect: async (clients, region, input, targets) => {
    const group = (await clients.logs(region).describeLogGroups([input.logGroupName]))[input.logGroupName];
    return group?.retentionInDays === input.retentionInDays ? targets : [];
  },
  deniedHint: (input, _error, scope) =>
    `grant logs:PutRetentionPolicy on ${logGroupArn(scope, input.logGroupName)}: policies/operator-apply.json covers /flowfix/* groups; ` +
    `for any other group attach policies/operator-apply-retention.json with LogGroupName ${input.logGroupName}`,
  blockedBy: (_input, region) => [BLOCKER.logGroupMissing(region)],
  managedBy: (input, settings) => input.retentionInDays === settings.retentionInDays,
});

export const buildPutRetentionPolicy = (region: string, name: string, retentionInDays: number, because: Because) => ({
  kind: 'put-retention-policy' as const,
  region,
  because: [because],
  input: { logGroupName: name, retentionInDays },
});
