// Reads the central flow-log bucket in the log-archive account (--log-archive-account), once per run:
// its policy, ownership controls and default encryption, each call naming that account as the bucket's
// expected owner. Reads only; what could not be read is kept as data (BucketRead).
import type { AwsClients, CallOptions } from '../aws/api.js';
import { classifyAwsError, isAwsOrNetworkError } from '../aws/errors.js';
import { FlowfixError } from '../errors.js';
import type { AwsProblem, BucketRead, KeyRead, LogArchiveRead } from './types.js';

export interface LogArchiveTarget {
  accountId: string;
  bucket: string;
  prefix: string;
  deliveringAccounts: string[];
}

export async function readLogArchive(clients: AwsClients, target: LogArchiveTarget, options: CallOptions = {}): Promise<LogArchiveRead> {
  return { ...target, read: await readBucket(clients, target, options) };
}

/** The read of a log-archive account that could not be entered at all: its bucket is unknown. */
export const unreadLogArchive = (target: LogArchiveTarget, err: unknown): LogArchiveRead => ({
  ...target,
  read: { status: 'unreadable', error: problemOf(err) },
});

async function readBucket(clients: AwsClients, { bucket, accountId }: LogArchiveTarget, options: CallOptions): Promise<BucketRead> {
  const s3 = clients.s3();
  try {
    const [policy, ownership, encryption] = await Promise.all([
      s3.getBucketPolicy(bucket, accountId, options),
      s3.getOwnershipControls(bucket, accountId, options),
      s3.getEncryption(bucket, accountId, options),
    ]);
    const key: KeyRead | undefined =
      encryption?.kmsKeyId && encryption.algorithm.startsWith('aws:kms') && !/alias\/aws\/s3$/.test(encryption.kmsKeyId)
        ? { status: 'not-checked', reason: 'flowfix does not read KMS key policies in this version (kms:GetKeyPolicy)' }
        : undefined;
    return { status: 'found', policy, ownership, encryption, ...(key ? { key } : {}) };
  } catch (err) {
    const error = problemOf(err);
    return error.code === 'NoSuchBucket' ? { status: 'missing', error } : { status: 'unreadable', error };
  }
}

function problemOf(err: unknown): AwsProblem {
  if (err instanceof FlowfixError) return { code: err.code, message: err.message };
  if (!isAwsOrNetworkError(err)) throw err;
  const { code, message, action } = classifyAwsError(err);
  return { code, message, ...(action ? { action } : {}) };
}
