// logs:CreateLogGroup: flowfix's destination group in a region, tagged so flowfix can tell it is its own.
import * as z from 'zod';

import { readRegion } from '../inventory/types.js';
import { BLOCKER, defineActionKind, logGroupArn, requestTagContext } from './action-kind.js';
import { logGroupName } from './schemas.js';

export const createLogGroup = defineActionKind({
  kind: 'create-log-group',
  service: 'logs',
  operation: 'CreateLogGroup',
  global: false,
  counted: { noun: 'log group', nouns: 'log groups', verb: 'create' },
  inputSchema: z.strictObject({
    logGroupName,
    kmsKeyId: z.string().optional(),
    tags: z.record(z.string(), z.string()),
  }),
  targets: (input) => [input.logGroupName],
  describe: (input) => `Create log group ${input.logGroupName}${input.kmsKeyId ? ` encrypted with ${input.kmsKeyId}` : ''}`,
  permissions: (input, scope) =>
    ['logs:CreateLogGroup', ...(Object.keys(input.tags).length > 0 ? ['logs:TagResource'] : [])].map((action) => ({
      action,
      resource: logGroupArn(scope, input.logGroupName),
    })),
  requestContext: (input) => requestTagContext(input.tags),
  reconcile: (action, live) =>
    readRegion(live, action.region)?.logGroups[action.input.logGroupName] ? [{ status: 'already-done', detail: 'log group exists' }] : [{ status: 'todo' }],
  send: (clients, region, input) => clients.logs(region).createLogGroup(input),
  tookEffect: async (clients, region, input, targets) =>
    (await clients.logs(region).describeLogGroups([input.logGroupName]))[input.logGroupName] ? targets : [],
  // "The specified KMS key does not exist or is not allowed to be used with Arn …": the key's policy, not
  // the operator's IAM, must let CloudWatch Logs in this region use it for this group.
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
  deniedHint: (input, error, scope) =>
    input.kmsKeyId && /\bKMS key\b/i.test(error.message)
      ? `not the operator's IAM: the policy of KMS key ${input.kmsKeyId} must allow the principal logs.${scope.region}.amazonaws.com ` +
        `kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe* with the condition ` +
        `ArnEquals kms:EncryptionContext:aws:logs:arn ${logGroupArn(scope, input.logGroupName)}, and the key must be in ${scope.region}`
      : `grant logs:CreateLogGroup and logs:TagResource on ${logGroupArn(scope, input.logGroupName)} (policies/operator-apply.json covers /flowfix/* groups)`,
  blocks: (failed) => [{ key: BLOCKER.logGroupMissing(failed.region), why: `log group ${failed.resourceId} could not be created` }],
  managedBy: (input, settings) => settings.destination.type === 'cloud-watch-logs' && input.logGroupName === settings.destination.logGroupName,
});

export const buildCreateLogGroup = (region: string, name: string, kmsKeyId: string | undefined, tags: Record<string, string>) => ({
  kind: 'create-log-group' as const,
  region,
  because: [{ kind: 'prerequisite' as const, resourceIds: [] }],
  input: { logGroupName: name, ...(kmsKeyId ? { kmsKeyId } : {}), tags },
});
