// S3 behind the narrow S3Api: a listing to see whether flow logs have delivered objects, and the central
// bucket's policy, ownership controls and default encryption (--log-archive-account).
import type * as S3Sdk from '@aws-sdk/client-s3';

import type { BucketEncryption } from '../facts/resources.js';
import type { S3Api } from './api.js';
import { callingAction } from './errors.js';

/** S3's answers for "the bucket has none of this": data (null), not a failure. */
const NONE = new Set(['NoSuchBucketPolicy', 'OwnershipControlsNotFoundError', 'ServerSideEncryptionConfigurationNotFoundError']);

async function orNone<T>(call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (err) {
    if (NONE.has((err as { name?: unknown })?.name as string)) return null;
    throw err;
  }
}

export function createS3Api(client: () => Promise<{ sdk: typeof S3Sdk; client: S3Sdk.S3Client }>): S3Api {
  return {
    listObjects: ({ bucket, prefix, maxKeys, continuationToken }) =>
      callingAction('s3:ListBucket', async () => {
        const { sdk, client: s3 } = await client();
        const page = await s3.send(
          new sdk.ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ...(maxKeys === undefined ? {} : { MaxKeys: maxKeys }),
            ...(continuationToken === undefined ? {} : { ContinuationToken: continuationToken }),
          }),
        );
        const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
        return page.IsTruncated && page.NextContinuationToken ? { keys, nextToken: page.NextContinuationToken } : { keys };
      }),

    getBucketPolicy: (bucket, expectedOwner, options) =>
      callingAction('s3:GetBucketPolicy', () =>
        orNone(async () => {
          const { sdk, client: s3 } = await client();
          const output = await s3.send(new sdk.GetBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: expectedOwner }), callOptions(options));
          return output.Policy ?? null;
        }),
      ),

    getOwnershipControls: (bucket, expectedOwner, options) =>
      callingAction('s3:GetBucketOwnershipControls', () =>
        orNone(async () => {
          const { sdk, client: s3 } = await client();
          const output = await s3.send(new sdk.GetBucketOwnershipControlsCommand({ Bucket: bucket, ExpectedBucketOwner: expectedOwner }), callOptions(options));
          return output.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? null;
        }),
      ),

    getEncryption: (bucket, expectedOwner, options) =>
      // GetBucketEncryption is authorized as s3:GetEncryptionConfiguration.
      callingAction('s3:GetEncryptionConfiguration', () =>
        orNone(async (): Promise<BucketEncryption | null> => {
          const { sdk, client: s3 } = await client();
          const output = await s3.send(new sdk.GetBucketEncryptionCommand({ Bucket: bucket, ExpectedBucketOwner: expectedOwner }), callOptions(options));
          const rule = output.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
          if (!rule?.SSEAlgorithm) return null;
          return { algorithm: rule.SSEAlgorithm, ...(rule.KMSMasterKeyID ? { kmsKeyId: rule.KMSMasterKeyID } : {}) };
        }),
      ),

    putBucketPolicy: (input) =>
      callingAction('s3:PutBucketPolicy', async () => {
        const { sdk, client: s3 } = await client();
        await s3.send(new sdk.PutBucketPolicyCommand(input));
      }),

    deleteBucketPolicy: (input) =>
      callingAction('s3:DeleteBucketPolicy', async () => {
        const { sdk, client: s3 } = await client();
        await s3.send(new sdk.DeleteBucketPolicyCommand(input));
      }),
  };
}

const callOptions = (options: { signal?: AbortSignal } | undefined) => (options?.signal ? { abortSignal: options.signal } : undefined);
