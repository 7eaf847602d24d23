// The central bucket's policy edits and audit, pure: tables of policies in, texts and problems out.
import {
  BUCKET_POLICY_MAX_BYTES,
  deliveryStatements,
  FLOWFIX_BUCKET_SIDS,
  readPolicyText,
  withFlowfixStatements,
  withoutAccounts,
} from '../../src/facts/bucket-policy.js';
import type { PolicyStatement } from '../../src/facts/policy-document.js';
import type { BucketRead, LogArchiveRead } from '../../src/inventory/types.js';
import { bucketPolicyChange, bucketProblems, deliveryBlocker, keyLetsDeliveryIn } from '../../src/rules/log-archive-bucket.js';

const ARCHIVE = '999999999999';
const A = '111111111111';
const B = '222222222222';
const grant = { partition: 'aws', bucket: 'central', prefix: 'vpc/', hive: false };
const archiveWith = (read: Partial<Extract<BucketRead, { status: 'found' }>> = {}, accounts = [A, B]): LogArchiveRead => ({
  accountId: ARCHIVE,
  bucket: 'central',
  prefix: 'vpc/',
  deliveringAccounts: accounts,
  read: { status: 'found', policy: null, ownership: 'BucketOwnerEnforced', encryption: { algorithm: 'AES256' }, ...read },
});
const kinds = (archive: LogArchiveRead) => bucketProblems(archive, {}, 'aws').map((p) => p.kind);

// A user's policy in a console's layout, with odd spacing and escapes that re-serialising would change.
const USER_STATEMENT = `{ "Sid" : "Keep\\u0020me", "Effect":"Deny",  "Principal":"*", "Action":"s3:*", "Resource":"arn:aws:s3:::central/*", "Condition":{"Bool":{"aws:SecureTransport":"false"}} }`;
const USER_POLICY = `{\n  "Id": "x",\n  "Version": "2012-10-17",\n  "Statement": [\n    ${USER_STATEMENT}\n  ]\n}\n`;

describe('the bucket policy text', () => {
  test("GIVEN a user's policy WHEN flowfix's statements are added THEN the user's statement keeps its exact text, the rest of the document too, and ours come last", () => {
    const merged = withFlowfixStatements(USER_POLICY, deliveryStatements({ ...grant, accounts: [A] }))!;
    expect(merged.startsWith('{\n  "Id": "x",\n  "Version": "2012-10-17",\n  "Statement": [')).toBe(true);
    expect(merged).toContain(USER_STATEMENT);
    expect(merged.endsWith(']\n}\n')).toBe(true);
    expect(readPolicyText(merged)!.statements.map((s) => s.statement.Sid)).toEqual(['Keep me', FLOWFIX_BUCKET_SIDS.write, FLOWFIX_BUCKET_SIDS.aclCheck]);
  });

  test('GIVEN a Statement that is one object, not a list THEN it is kept and ours are added beside it', () => {
    const single = `{"Version":"2012-10-17","Statement":${USER_STATEMENT}}`;
    const merged = withFlowfixStatements(single, deliveryStatements({ ...grant, accounts: [A] }))!;
    expect(merged).toContain(`[${USER_STATEMENT},`);
    expect(JSON.parse(merged).Statement).toHaveLength(3);
  });

  test.each([
    ['not JSON', '{"Statement": ['],
    ['an array', '[]'],
    ['no Statement', '{"Version":"2012-10-17"}'],
    ['two Statement members', '{"Statement":[],"Statement":[{"Effect":"Deny"}]}'],
    ['a statement that is null', '{"Statement":[null]}'],
  ])('GIVEN a policy text that is %s THEN it is not edited', (_what, text) => {
    expect(readPolicyText(text)).toBeUndefined();
    expect(withFlowfixStatements(text, [])).toBeUndefined();
  });

  test('GIVEN no policy THEN a new one; GIVEN only ours and nothing to keep THEN null (delete: S3 takes no empty policy)', () => {
    expect(JSON.parse(withFlowfixStatements(null, deliveryStatements({ ...grant, accounts: [A] }))!).Statement).toHaveLength(2);
    const onlyOurs = withFlowfixStatements(null, deliveryStatements({ ...grant, accounts: [A] }))!;
    expect(withFlowfixStatements(onlyOurs, [])).toBeNull();
  });
});

describe("flowfix's delivery statements", () => {
  test("GIVEN two accounts THEN AWS's documented statements for both: PutObject under each AWSLogs/ACCOUNT/ with the ACL, GetBucketAcl and ListBucket on the bucket", () => {
    const [write, check] = deliveryStatements({ ...grant, accounts: [B, A] });
    expect(write).toEqual({
      Sid: FLOWFIX_BUCKET_SIDS.write,
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: [`arn:aws:s3:::central/vpc/AWSLogs/${A}/*`, `arn:aws:s3:::central/vpc/AWSLogs/${B}/*`],
      Condition: {
        StringEquals: { 'aws:SourceAccount': [A, B], 's3:x-amz-acl': 'bucket-owner-full-control' },
        ArnLike: { 'aws:SourceArn': [`arn:aws:logs:*:${A}:*`, `arn:aws:logs:*:${B}:*`] },
      },
    });
    expect(check).toMatchObject({ Action: ['s3:GetBucketAcl', 's3:ListBucket'], Resource: 'arn:aws:s3:::central' });
  });

  test('GIVEN Hive-compatible prefixes THEN the object path is AWSLogs/aws-account-id=ACCOUNT/', () => {
    expect(deliveryStatements({ ...grant, hive: true, accounts: [A] })[0]!.Resource).toEqual([`arn:aws:s3:::central/vpc/AWSLogs/aws-account-id=${A}/*`]);
  });

  test('GIVEN statements granting A WHEN B is added THEN A stays (grants only grow); WHEN A is rolled back THEN only B is left; WHEN both THEN none', () => {
    const earlier = deliveryStatements({ ...grant, accounts: [A] });
    const both = deliveryStatements({ ...grant, accounts: [B] }, earlier);
    expect(both[0]!.Condition!['StringEquals']!['aws:SourceAccount']).toEqual([A, B]);
    const left = withoutAccounts(both, [A]);
    expect(left).toEqual(deliveryStatements({ ...grant, accounts: [B] }));
    expect(withoutAccounts(both, [A, B])).toEqual([]);
  });
});

describe('the central bucket audited', () => {
  test('GIVEN no policy THEN the delivery statements are missing (remediable) and the change puts them; GIVEN them in place THEN nothing to do', () => {
    const bare = archiveWith();
    expect(bucketProblems(bare, {}, 'aws')).toEqual([expect.objectContaining({ kind: 'bucket-policy-delivery', remediable: true, blocksDelivery: false })]);
    const change = bucketPolicyChange(bare, {}, 'aws');
    if (change.status !== 'put') throw new Error(change.status);
    const done = archiveWith({ policy: change.policy });
    expect(bucketProblems(done, {}, 'aws')).toEqual([]);
    expect(bucketPolicyChange(done, {}, 'aws')).toEqual({ status: 'unchanged' });
  });

  test.each<[string, Partial<Extract<BucketRead, { status: 'found' }>>, string]>([
    ['aws:kms with no key', { encryption: { algorithm: 'aws:kms' } }, 'bucket-aws-managed-key'],
    ['the aws/s3 alias', { encryption: { algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:us-east-1:999999999999:alias/aws/s3' } }, 'bucket-aws-managed-key'],
    [
      'a customer key not read',
      { encryption: { algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:us-east-1:999999999999:key/k' }, key: { status: 'not-checked', reason: 'denied' } },
      'bucket-key-not-checked',
    ],
    [
      'a customer key without delivery in its policy',
      {
        encryption: { algorithm: 'aws:kms', kmsKeyId: 'k' },
        key: {
          status: 'read',
          arn: 'k',
          keyManager: 'CUSTOMER',
          policy: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::9:root' }, Action: 'kms:*' }] },
        },
      },
      'bucket-key-policy',
    ],
    [
      'a key KMS says AWS manages',
      { encryption: { algorithm: 'aws:kms', kmsKeyId: 'k' }, key: { status: 'read', arn: 'k', keyManager: 'AWS', policy: { Statement: [] } } },
      'bucket-aws-managed-key',
    ],
  ])('GIVEN default encryption with %s THEN the finding for it', (_what, read, kind) => {
    expect(kinds(archiveWith(read))).toContain(kind);
  });

  test('GIVEN a key policy allowing delivery.logs kms:GenerateDataKey* THEN delivery may use it; a Deny for it wins', () => {
    const allow: PolicyStatement = {
      Effect: 'Allow',
      Principal: { Service: ['delivery.logs.amazonaws.com'] },
      Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      Resource: '*',
    };
    expect(keyLetsDeliveryIn({ Statement: [allow] })).toBe(true);
    expect(keyLetsDeliveryIn({ Statement: [allow, { ...allow, Effect: 'Deny' }] })).toBe(false);
  });

  const policyWith = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
  const put = { Principal: { Service: 'delivery.logs.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::central/*' };
  test.each([
    [
      "an Allow requiring bucket-owner-full-control (AWS's own condition)",
      { Effect: 'Allow', ...put, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } },
      undefined,
    ],
    [
      'a Deny of any other ACL',
      { Effect: 'Deny', ...put, Principal: '*', Condition: { StringNotEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } },
      undefined,
    ],
    ['an Allow requiring public-read', { Effect: 'Allow', ...put, Condition: { StringEquals: { 's3:x-amz-acl': 'public-read' } } }, false],
    ['an Allow requiring a grant header', { Effect: 'Allow', ...put, Condition: { StringEquals: { 's3:x-amz-grant-full-control': 'id=abc' } } }, false],
    ['a Deny unless the ACL is private', { Effect: 'Deny', ...put, Principal: '*', Condition: { StringNotEquals: { 's3:x-amz-acl': 'private' } } }, true],
    [
      'a Deny of a condition on another key only',
      { Effect: 'Deny', ...put, Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      undefined,
    ],
  ])('GIVEN %s on a bucket with ACLs disabled THEN the ACL finding (none, informative or blocking) fits', (_what, statement, blocks) => {
    const problems = bucketProblems(archiveWith({ policy: policyWith(statement) }), {}, 'aws').filter((p) => p.kind === 'bucket-acl-condition');
    if (blocks === undefined) expect(problems).toEqual([]);
    else expect(problems).toEqual([expect.objectContaining({ blocksDelivery: blocks, reason: expect.stringContaining('BucketOwnerEnforced') })]);
  });

  test('GIVEN a policy that with our statements passes 20 KB THEN too large, blocking, and no put', () => {
    const filler = {
      Sid: 'Big',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::central/*',
      Condition: { StringEquals: { 'aws:PrincipalTag/x': 'y'.repeat(BUCKET_POLICY_MAX_BYTES - 600) } },
    };
    const archive = archiveWith({ policy: policyWith(filler) });
    expect(kinds(archive)).toEqual(['bucket-policy-too-large']);
    expect(bucketPolicyChange(archive, {}, 'aws').status).toBe('blocked');
    expect(deliveryBlocker(archive, {}, 'aws')).toContain('20 KB');
  });

  test.each<[string, BucketRead]>([
    ['missing', { status: 'missing', error: { code: 'NoSuchBucket', message: 'The specified bucket does not exist' } }],
    ['refused', { status: 'unreadable', error: { code: 'AccessDenied', message: 'Access Denied' } }],
  ])('GIVEN a bucket %s THEN bucket-not-found with AWS words, blocking every account', (_what, read) => {
    const archive = { ...archiveWith(), read };
    expect(bucketProblems(archive, {}, 'aws')).toEqual([
      expect.objectContaining({
        kind: 'bucket-not-found',
        blocksDelivery: true,
        awsMessage: expect.stringContaining(read.status === 'missing' ? 'NoSuchBucket' : 'AccessDenied'),
      }),
    ]);
    expect(deliveryBlocker(archive, {}, 'aws')).toBeDefined();
  });
});
