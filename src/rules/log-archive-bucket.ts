// Pure: what a central flow-log bucket, as read in the log-archive account, means for delivery from
// other accounts. Each problem is one the landing-zone tools keep hitting: flow logs look ACTIVE and
// deliver nothing (docs/aws-facts/log-archive-bucket.md).
import type { Settings } from '../config/settings.js';
import {
  accountsGrantedBy,
  BUCKET_POLICY_MAX_BYTES,
  DELIVERY_ACL,
  deliveryStatements,
  isFlowfixStatement,
  LOG_DELIVERY_SERVICE,
  policyBytes,
  readPolicyText,
  withFlowfixStatements,
} from '../facts/bucket-policy.js';
import type { PolicyDocument, PolicyStatement } from '../facts/policy-document.js';
import type { BucketEncryption, KeyRead, LogArchiveRead } from '../inventory/types.js';
import { asList, conditionsHold, isAllowed, statementsOf } from '../policy/evaluate.js';
import { canonicalJson } from '../util/canonical-json.js';

export type BucketProblemKind =
  | 'bucket-not-found'
  | 'bucket-aws-managed-key'
  | 'bucket-key-policy'
  | 'bucket-key-not-checked'
  | 'bucket-acl-condition'
  | 'bucket-policy-too-large'
  | 'bucket-policy-delivery';

export interface BucketProblem {
  kind: BucketProblemKind;
  reason: string;
  /** True when it stops delivery from every account: the members' flow logs to the bucket are not planned. */
  blocksDelivery: boolean;
  /** True when flowfix's plan fixes it (the bucket policy). */
  remediable: boolean;
  awsMessage?: string;
}

/** What the bucket policy should become: the new text to put, or nothing to change. */
export type BucketPolicyChange = { status: 'unchanged' } | { status: 'put'; policy: string; accounts: string[] } | { status: 'blocked'; reason: string };

/** The policy flowfix would put: its statements for every delivering account merged into the current text. */
export function bucketPolicyChange(archive: LogArchiveRead, settings: Pick<Settings, 'hiveCompatiblePartitions'>, partition: string): BucketPolicyChange {
  if (archive.read.status !== 'found') return { status: 'blocked', reason: `bucket ${archive.bucket} could not be read` };
  const current = archive.read.policy;
  const parsed = current === null ? { statements: [] } : readPolicyText(current);
  if (!parsed) return { status: 'blocked', reason: `the bucket policy of ${archive.bucket} is not a JSON policy flowfix can edit` };
  const existing = parsed.statements.map((s) => s.statement).filter(isFlowfixStatement);
  const ours = deliveryStatements(
    { partition, bucket: archive.bucket, prefix: archive.prefix, accounts: archive.deliveringAccounts, hive: settings.hiveCompatiblePartitions === true },
    existing,
  );
  if (canonicalJson(existing) === canonicalJson(ours)) return { status: 'unchanged' };
  const policy = withFlowfixStatements(current, ours)!;
  const size = policyBytes(policy);
  if (size > BUCKET_POLICY_MAX_BYTES) {
    return {
      status: 'blocked',
      reason: `with flowfix's statements the bucket policy of ${archive.bucket} would be ${size} bytes, over S3's ${BUCKET_POLICY_MAX_BYTES}-byte (20 KB) limit`,
    };
  }
  return { status: 'put', policy, accounts: accountsGrantedBy(ours) };
}

/** Every problem of the bucket for delivery from the run's accounts. */
export function bucketProblems(archive: LogArchiveRead, settings: Pick<Settings, 'hiveCompatiblePartitions'>, partition: string): BucketProblem[] {
  const { read, bucket } = archive;
  if (read.status !== 'found') {
    const reason =
      read.status === 'missing'
        ? `bucket ${bucket} does not exist`
        : `bucket ${bucket} could not be read as a bucket of account ${archive.accountId}: it belongs to another account, or the role may not read it`;
    return [{ kind: 'bucket-not-found', reason, blocksDelivery: true, remediable: false, awsMessage: `${read.error.code}: ${read.error.message}` }];
  }
  const problems: BucketProblem[] = [...encryptionProblems(read.encryption, read.key, bucket)];
  const statements = read.policy === null ? [] : (readPolicyText(read.policy)?.statements.map((s) => s.statement) ?? []);
  problems.push(...aclConditionProblems(statements, read.ownership, bucket));
  const change = bucketPolicyChange(archive, settings, partition);
  if (change.status === 'blocked' && /limit/.test(change.reason)) {
    problems.push({ kind: 'bucket-policy-too-large', reason: change.reason, blocksDelivery: true, remediable: false });
  } else if (change.status === 'blocked') {
    problems.push({ kind: 'bucket-policy-delivery', reason: change.reason, blocksDelivery: true, remediable: false });
  } else if (change.status === 'put') {
    const granted = new Set(accountsGrantedBy(statements.filter(isFlowfixStatement)));
    const missing = archive.deliveringAccounts.filter((a) => !granted.has(a));
    problems.push({
      kind: 'bucket-policy-delivery',
      reason:
        missing.length > 0
          ? `the bucket policy of ${bucket} does not let log delivery in for ${missing.length === 1 ? 'account' : 'accounts'} ${missing.join(', ')}`
          : `flowfix's delivery statements in the bucket policy of ${bucket} are not as AWS documents them`,
      blocksDelivery: false,
      remediable: true,
    });
  }
  return problems;
}

/** Why no account's flow logs can deliver to the bucket, when some problem stops them all. */
export function deliveryBlocker(archive: LogArchiveRead, settings: Pick<Settings, 'hiveCompatiblePartitions'>, partition: string): string | undefined {
  const problem = bucketProblems(archive, settings, partition).find((p) => p.blocksDelivery);
  return problem && `the central bucket cannot take flow logs: ${problem.reason}`;
}

/** The AWS-managed aws/s3 key: named by its alias, or by no key at all with aws:kms. */
const namesAwsManagedKey = (encryption: BucketEncryption): boolean => encryption.kmsKeyId === undefined || /(^|[:/])alias\/aws\/s3$/.test(encryption.kmsKeyId);

function encryptionProblems(encryption: BucketEncryption | null, key: KeyRead | undefined, bucket: string): BucketProblem[] {
  if (!encryption || !encryption.algorithm.startsWith('aws:kms')) return [];
  const awsManaged = {
    kind: 'bucket-aws-managed-key' as const,
    reason: `bucket ${bucket} encrypts new objects with the AWS-managed key aws/s3 (SSE-KMS), whose key policy cannot be changed: delivery from other accounts cannot use it; set the bucket's default encryption to a customer managed key whose policy lets ${LOG_DELIVERY_SERVICE} use it, or to SSE-S3`,
    blocksDelivery: true,
    remediable: false,
  };
  if (namesAwsManagedKey(encryption)) return [awsManaged];
  if (!key || key.status === 'not-checked') {
    return [
      {
        kind: 'bucket-key-not-checked',
        reason: `the key policy of ${encryption.kmsKeyId}, the default encryption key of bucket ${bucket}, was not checked: ${key?.reason ?? 'not read'}`,
        blocksDelivery: false,
        remediable: false,
      },
    ];
  }
  if (key.keyManager === 'AWS') return [awsManaged];
  if (!keyLetsDeliveryIn(key.policy)) {
    return [
      {
        kind: 'bucket-key-policy',
        reason: `the key policy of ${key.arn}, the default encryption key of bucket ${bucket}, does not let ${LOG_DELIVERY_SERVICE} use it (kms:GenerateDataKey): add a statement for that service principal`,
        blocksDelivery: true,
        remediable: false,
      },
    ];
  }
  return [];
}

/** Whether the statement names the delivery service among its principals (or everyone). */
function appliesToDelivery(statement: PolicyStatement): boolean {
  const principal = statement.Principal as unknown;
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  const { Service, AWS } = principal as { Service?: unknown; AWS?: unknown };
  return asList(Service as string | string[] | undefined).includes(LOG_DELIVERY_SERVICE) || asList(AWS as string | string[] | undefined).includes('*');
}

/** Writing objects needs kms:GenerateDataKey granted to the delivery service (and not denied). */
export function keyLetsDeliveryIn(policy: PolicyDocument): boolean {
  const forDelivery = { Statement: statementsOf(policy).filter(appliesToDelivery) };
  return isAllowed(forDelivery, 'kms:GenerateDataKey', '*');
}

const ACL_KEY = /^s3:x-amz-(acl|grant-[a-z-]+)$/i;

/**
 * Statements whose ACL condition delivery cannot meet. The delivery service writes with the
 * bucket-owner-full-control canned ACL, the only ACL a bucket with ACLs disabled (BucketOwnerEnforced)
 * accepts: an Allow that asks for any other ACL never lets it in, and a Deny that matches that ACL
 * shuts it out.
 */
function aclConditionProblems(statements: PolicyStatement[], ownership: string | null, bucket: string): BucketProblem[] {
  const enforced = ownership === 'BucketOwnerEnforced';
  const request = { 's3:x-amz-acl': DELIVERY_ACL };
  const problems: BucketProblem[] = [];
  for (const statement of statements) {
    if (isFlowfixStatement(statement) || !appliesToDelivery(statement) || !writesObjects(statement)) continue;
    const aclConditions = onlyAclConditions(statement.Condition);
    if (!aclConditions) continue;
    const holds = conditionsHold(aclConditions, request);
    const name = typeof statement.Sid === 'string' && statement.Sid !== '' ? `statement ${JSON.stringify(statement.Sid)}` : 'a statement';
    const why = enforced
      ? `bucket ${bucket} has ACLs disabled (ObjectOwnership ${ownership}), so S3 accepts only ${DELIVERY_ACL}, which delivery sends`
      : `delivery always sends ${DELIVERY_ACL}`;
    if (statement.Effect === 'Allow' && holds === false) {
      problems.push({
        kind: 'bucket-acl-condition',
        reason: `${name} of the bucket policy of ${bucket} lets ${LOG_DELIVERY_SERVICE} write only with an ACL condition it cannot meet (${why}); flowfix's own statements do not depend on it`,
        blocksDelivery: false,
        remediable: false,
      });
    } else if (statement.Effect === 'Deny' && holds !== false) {
      problems.push({
        kind: 'bucket-acl-condition',
        reason: `${name} of the bucket policy of ${bucket} denies ${LOG_DELIVERY_SERVICE} writes made with ${DELIVERY_ACL} (${why}): delivery cannot work until it is changed`,
        blocksDelivery: true,
        remediable: false,
      });
    }
  }
  return problems;
}

/** Whether the statement is about s3:PutObject (its action, wildcards and NotAction included), whatever its resource. */
const writesObjects = (statement: PolicyStatement): boolean =>
  isAllowed({ Statement: [{ ...statement, Effect: 'Allow', Resource: '*', Condition: undefined }] }, 's3:PutObject', 'object');

/** The statement's conditions on ACL keys alone; undefined when it has none. */
function onlyAclConditions(condition: PolicyStatement['Condition']): PolicyStatement['Condition'] {
  if (!condition) return undefined;
  const kept = Object.entries(condition).flatMap(([operator, entries]) => {
    const acl = Object.entries(entries).filter(([key]) => ACL_KEY.test(key));
    return acl.length > 0 ? [[operator, Object.fromEntries(acl)] as const] : [];
  });
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}
