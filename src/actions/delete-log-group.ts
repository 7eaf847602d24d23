// logs:DeleteLogGroup: a log group flowfix created (tagged ManagedBy=flowfix), with every log event in it.
// Only rollback plans hold it, and only with --delete-log-groups.
import * as z from 'zod';

import { readRegion } from '../inventory/types.js';
import { BLOCKER, defineActionKind, logGroupArn, type Because } from './action-kind.js';
import { logGroupName } from './schemas.js';

export const deleteLogGroup = defineActionKind({
  kind: 'delete-log-group',
  service: 'logs',
  operation: 'DeleteLogGroup',
  global: false,
  counted: { noun: 'log group', nouns: 'log groups', verb: 'delete' },
  rollbackOnly: true,
  inputSchema: z.strictObject({ logGroupName }),
  targets: (input) => [input.logGroupName],
  describe: (input) => `Delete log group ${input.logGroupName} and the flow log records it holds`,
  permissions: (input, scope) => [{ action: 'logs:DeleteLogGroup', resource: logGroupArn(scope, input.logGroupName) }],
  reconcile: (action, live) =>
    readRegion(live, action.region)?.logGroups[action.input.logGroupName]
      ? [{ status: 'todo' }]
      : [{ status: 'already-done', detail: 'log group already gone' }],
  send: (clients, region, input) => clients.logs(region).deleteLogGroup(input),
  tookEffect: async (clients, region, input, targets) =>
    (await clients.logs(region).describeLogGroups([input.logGroupName]))[input.logGroupName] ? [] : targets,
  deniedHint: (input, _error, scope) =>
    `grant logs:DeleteLogGroup on ${logGroupArn(scope, input.logGroupName)} (policies/operator-apply.json covers /flowfix/* groups)`,
  blockedBy: (_input, region) => [BLOCKER.flowLogsLeft(region)],
});

export const buildDeleteLogGroup = (region: string, name: string, because: Because[]) => ({
  kind: 'delete-log-group' as const,
  region,
  because,
  input: { logGroupName: name },
});
