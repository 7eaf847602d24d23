// Rollback's half of put-bucket-policy: the bucket policy without flowfix's delivery statements (found by
// their Sids) for the accounts rolled back, every other statement kept as it is; when nothing would be
// left, s3:DeleteBucketPolicy (S3 takes no empty policy). Never the bucket, never another statement.
import * as z from 'zod';

import { accountId, bucketName } from '../facts/names.js';
import { plural } from '../util/plural.js';
import { defineActionKind, type Because } from './action-kind.js';
import { bucketArn, bucketPolicyVerdict, othersOf } from './put-bucket-policy.js';

export const removeBucketPolicyStatements = defineActionKind({
  kind: 'remove-bucket-policy-statements',
  service: 's3',
  operation: 'PutBucketPolicy',
  global: true,
  counted: { noun: 'bucket policy statement set', nouns: 'bucket policy statement sets', verb: 'delete' },
  rollbackOnly: true,
  inputSchema: z.strictObject({
    Bucket: bucketName,
    ExpectedBucketOwner: accountId,
    Policy: z
      .string()
      .min(1)
      .max(20 * 1024)
      .optional(),
  }),
  targets: (input) => [input.Bucket],
  describe: (input) => {
    if (input.Policy === undefined) return `Delete the bucket policy of ${input.Bucket}: only flowfix's delivery statements were left in it`;
    const others = othersOf(input.Policy)?.length ?? 0;
    return `Take flowfix's delivery statements for the accounts rolled back out of the bucket policy of ${input.Bucket}, keeping ${plural(others, 'other statement')} as ${others === 1 ? 'it is' : 'they are'}`;
  },
  permissions: (input, scope) => [
    { action: input.Policy === undefined ? 's3:DeleteBucketPolicy' : 's3:PutBucketPolicy', resource: bucketArn(scope, input.Bucket) },
  ],
  reconcile: (action, live) => bucketPolicyVerdict(live, action.input),
  send: (clients, _region, input) =>
    input.Policy === undefined
      ? clients.s3().deleteBucketPolicy({ Bucket: input.Bucket, ExpectedBucketOwner: input.ExpectedBucketOwner })
      : clients.s3().putBucketPolicy({ Bucket: input.Bucket, ExpectedBucketOwner: input.ExpectedBucketOwner, Policy: input.Policy }),
  tookEffect: async (clients, _region, input, targets) =>
    (await clients.s3().getBucketPolicy(input.Bucket, input.ExpectedBucketOwner)) === (input.Policy ?? null) ? targets : [],
  deniedHint: (input, _error, scope) =>
    `in account ${input.ExpectedBucketOwner}, grant ${input.Policy === undefined ? 's3:DeleteBucketPolicy' : 's3:PutBucketPolicy'} on ${bucketArn(scope, input.Bucket)} (policies/operator-log-archive.json)`,
});

export const buildRemoveBucketPolicyStatements = (bucket: string, owner: string, policy: string | null, because: Because[]) => ({
  kind: 'remove-bucket-policy-statements' as const,
  region: 'global',
  because,
  input: { Bucket: bucket, ExpectedBucketOwner: owner, ...(policy === null ? {} : { Policy: policy }) },
});
