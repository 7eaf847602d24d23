// S3 behind the narrow S3Api: one listing, to see whether flow logs have delivered objects.
import type * as S3Sdk from '@aws-sdk/client-s3';

import type { S3Api } from './api.js';
import { callingAction } from './errors.js';

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
  };
}
