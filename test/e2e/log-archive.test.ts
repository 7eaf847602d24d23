// A landing zone's central flow-log bucket in a log-archive account, end to end over the stateful fake:
// flowfix enters the log-archive account like any member, reads the bucket once, puts AWS's delivery
// statements for every account into its policy (keeping the owner's statements byte for byte), and
// only then creates the members' flow logs to it; traps that make flow logs look ACTIVE and deliver
// nothing (the aws/s3 key, an ACL condition) are findings that stop the flow logs instead.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { orgPlanReportSchema } from '../../src/report/org-report.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { FAKE_ACCOUNT, FakeAws } from '../helpers/fake-aws.js';
import { trustManagement, useManagementCredentials } from '../helpers/organization.js';

const ROLE = 'OrganizationAccountAccessRole';
const ARCHIVE = '999999999999';
const DEV = '222222222222';
const BUCKET = 'central-flow-logs';
const ORG = ['--org', '--assume-role', ROLE, '--regions', 'us-east-1', '--destination', `s3://${BUCKET}/vpc`, '--log-archive-account', ARCHIVE];
const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const run = (argv: string[]) => runFlowfix(argv, { env: ENV });

/** The owner's own statement, pretty-printed as a console would store it: it must come back unchanged. */
const OWNER_STATEMENT = {
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};
const OWNER_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [OWNER_STATEMENT] }, null, 2);
/** The statement's text exactly as the owner's policy holds it. */
const OWNER_TEXT = OWNER_POLICY.slice(OWNER_POLICY.indexOf('{', OWNER_POLICY.indexOf('[')), OWNER_POLICY.lastIndexOf(']')).trimEnd();

describe('GIVEN an organization whose flow logs go to one bucket in its log-archive account', () => {
  useManagementCredentials();
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
    fake.grantOperatorPolicy('operator-apply-s3.json', { BucketName: BUCKET }).grantOperatorPolicy('operator-log-archive.json', { BucketName: BUCKET });
    fake.addVpc('us-east-1', { name: 'mgmt' });
    for (const [id, name] of [
      [ARCHIVE, 'log-archive'],
      [DEV, 'dev'],
    ] as const) {
      const member = fake.account(id, { name });
      member.addRole(ROLE, trustManagement());
      member.addVpc('us-east-1', { name: `${name}-vpc` });
    }
  });
  afterEach(() => fake.restore());

  const policyStatements = () => JSON.parse(fake.bucketPolicy(BUCKET)!).Statement as { Sid?: string; Condition?: any; Resource?: unknown }[];

  test('WHEN apply --org --yes THEN the bucket policy lets every account deliver and keeps the owner statement byte for byte; every account gets a flow log to the bucket; a second run changes nothing', async () => {
    fake.account(ARCHIVE).addBucket(BUCKET, { policy: OWNER_POLICY });

    const applied = await run(['apply', ...ORG, '--yes']);

    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const policy = fake.bucketPolicy(BUCKET)!;
    expect(policy).toContain(OWNER_TEXT);
    const write = policyStatements().find((s) => s.Sid === 'FlowfixFlowLogsDeliveryWrite')!;
    expect(write.Condition.StringEquals['aws:SourceAccount']).toEqual([FAKE_ACCOUNT, DEV, ARCHIVE].sort());
    expect(write.Condition.StringEquals['s3:x-amz-acl']).toBe('bucket-owner-full-control');
    expect(write.Resource).toContain(`arn:aws:s3:::${BUCKET}/vpc/AWSLogs/${DEV}/*`);
    for (const account of [FAKE_ACCOUNT, DEV, ARCHIVE]) {
      const view = account === FAKE_ACCOUNT ? fake : fake.account(account);
      expect(view.flowLogs('us-east-1')).toEqual([expect.objectContaining({ LogDestination: `arn:aws:s3:::${BUCKET}/vpc/`, LogDestinationType: 's3' })]);
    }
    // The bucket was read once, in the log-archive account, and its policy put before any CreateFlowLogs.
    expect(fake.calls.filter((c) => c.operation === 'GetBucketPolicy').map((c) => c.account)).toEqual([ARCHIVE]);
    const writes = fake.mutatingCalls().map((c) => c.operation);
    expect(writes.indexOf('PutBucketPolicy')).toBeLessThan(writes.indexOf('CreateFlowLogs'));
    fake.deliverFlowLogs('us-east-1');
    expect(fake.account(DEV).flowLogs('us-east-1')[0]?.DeliverLogsStatus).toBe('SUCCESS');

    const before = fake.mutatingCalls().length;
    const again = await run(['apply', ...ORG, '--yes']);
    expect(again.code).toBe(0);
    expect(fake.mutatingCalls().length).toBe(before);
    expect(fake.bucketPolicy(BUCKET)).toBe(policy);
  });

  test("WHEN rollback --org --yes after an apply THEN only flowfix's statements leave the bucket policy (the owner's stays byte for byte), the flow logs are deleted, the bucket stays", async () => {
    fake.account(ARCHIVE).addBucket(BUCKET, { policy: OWNER_POLICY });
    expect((await run(['apply', ...ORG, '--yes'])).code).toBe(0);

    const rolledBack = await run(['rollback', ...ORG, '--yes']);

    expect(rolledBack.stderr).toBe('');
    expect(rolledBack.code).toBe(0);
    expect(fake.bucketPolicy(BUCKET)).toBe(
      `${OWNER_POLICY.slice(0, OWNER_POLICY.indexOf('['))}[${OWNER_TEXT}]${OWNER_POLICY.slice(OWNER_POLICY.lastIndexOf(']') + 1)}`,
    );
    expect(policyStatements().map((st) => st.Sid)).toEqual(['DenyInsecureTransport']);
    for (const account of [FAKE_ACCOUNT, DEV, ARCHIVE]) expect((account === FAKE_ACCOUNT ? fake : fake.account(account)).flowLogs('us-east-1')).toEqual([]);
    // The members' flow logs went first; the bucket's grants last.
    const writes = fake.mutatingCalls().map((c) => c.operation);
    expect(writes.lastIndexOf('PutBucketPolicy')).toBeGreaterThan(writes.lastIndexOf('DeleteFlowLogs'));
    expect(writes).not.toContain('DeleteBucket');
  });

  test("WHEN rollback covers one member only THEN the bucket policy keeps the other accounts' grants", async () => {
    fake.account(ARCHIVE).addBucket(BUCKET);
    expect((await run(['apply', ...ORG, '--yes'])).code).toBe(0);

    const partial = ['rollback', '--accounts', `${ARCHIVE},${DEV}`, '--assume-role', ROLE, '--regions', 'us-east-1', '--destination', `s3://${BUCKET}/vpc`];
    expect((await run([...partial, '--log-archive-account', ARCHIVE, '--yes'])).code).toBe(0);

    const write = policyStatements().find((st) => st.Sid === 'FlowfixFlowLogsDeliveryWrite')!;
    expect(write.Condition.StringEquals['aws:SourceAccount']).toEqual([FAKE_ACCOUNT]);
    expect(write.Resource).toEqual([`arn:aws:s3:::${BUCKET}/vpc/AWSLogs/${FAKE_ACCOUNT}/*`]);
    expect(fake.flowLogs('us-east-1')).toHaveLength(1);
  });

  test('WHEN only flowfix statements are in the policy and every account is rolled back THEN the bucket policy is deleted (S3 takes no empty policy), not the bucket', async () => {
    fake.account(ARCHIVE).addBucket(BUCKET);
    expect((await run(['apply', ...ORG, '--yes'])).code).toBe(0);
    expect((await run(['rollback', ...ORG, '--yes'])).code).toBe(0);
    expect(fake.bucketPolicy(BUCKET)).toBeNull();
    expect(fake.mutatingCalls().map((c) => c.operation)).toContain('DeleteBucketPolicy');
  });

  test('WHEN apply --dry-run THEN nothing is written, and the preflight asks IAM about s3:PutBucketPolicy on that one bucket in the log-archive account (allowed by operator-log-archive.json)', async () => {
    fake.account(ARCHIVE).addBucket(BUCKET);

    const dry = await run(['apply', ...ORG, '--dry-run', '--format', 'json']);

    expect(fake.mutatingCalls()).toEqual([]);
    expect(fake.bucketPolicy(BUCKET)).toBeNull();
    const simulated = fake.calls.filter((c) => c.operation === 'SimulatePrincipalPolicy' && c.account === ARCHIVE);
    expect(simulated.flatMap((c) => c.input.ActionNames)).toContain('s3:PutBucketPolicy');
    expect(simulated.flatMap((c) => c.input.ResourceArns ?? [])).toContain(`arn:aws:s3:::${BUCKET}`);
    // The operator holds operator-log-archive.json for the bucket (granted above): allowed, exit 0.
    expect(dry.code).toBe(0);
  });

  test('WHEN plan --org --format json THEN the log-archive account plans the bucket policy with a finding, the members plan their flow logs, nothing is written', async () => {
    fake.account(ARCHIVE).addBucket(BUCKET);

    const planned = await run(['plan', ...ORG, '--format', 'json']);

    expect(planned.stderr).toBe('');
    const report = orgPlanReportSchema.parse(JSON.parse(planned.stdout));
    expect(report.accounts.map((a) => a.accountId)).toEqual([ARCHIVE, FAKE_ACCOUNT, DEV]);
    const archive = report.accounts[0]!;
    if (archive.status !== 'read') throw new Error('log archive not read');
    expect(archive.report.findings).toContainEqual(expect.objectContaining({ kind: 'bucket-policy-delivery', resourceType: 'Bucket', resourceId: BUCKET }));
    expect(archive.report.plan.actions.map((a) => a.kind)).toEqual(['put-bucket-policy', 'create-flow-logs']);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('WHEN the bucket encrypts with the AWS-managed aws/s3 key THEN the finding says cross-account delivery cannot work and no flow log to the bucket is planned (exit 1 on apply, nothing created)', async () => {
    fake.account(ARCHIVE).addBucket(BUCKET, { encryption: { SSEAlgorithm: 'aws:kms' } });

    const planned = await run(['plan', ...ORG, '--format', 'json']);
    const report = orgPlanReportSchema.parse(JSON.parse(planned.stdout));
    const archive = report.accounts.find((a) => a.accountId === ARCHIVE)!;
    if (archive.status !== 'read') throw new Error('log archive not read');
    expect(archive.report.findings).toContainEqual(
      expect.objectContaining({ kind: 'bucket-aws-managed-key', reason: expect.stringContaining('customer managed key') }),
    );
    for (const account of report.accounts) {
      if (account.status !== 'read') throw new Error(`${account.accountId} not read`);
      expect(account.report.plan.actions.filter((a) => a.kind === 'create-flow-logs')).toEqual([]);
      expect(account.report.plan.blocked[0]?.reason).toContain('aws/s3');
    }

    const applied = await run(['apply', ...ORG, '--yes']);
    expect(applied.code).toBe(1);
    expect(fake.mutatingCalls().filter((c) => c.operation === 'CreateFlowLogs')).toEqual([]);
  });

  test('WHEN a Deny statement refuses writes with bucket-owner-full-control on a bucket with ACLs disabled THEN an unsatisfiable-ACL finding, and no flow log is planned', async () => {
    const deny = {
      Sid: 'OnlyPrivateObjects',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
      Condition: { StringNotEquals: { 's3:x-amz-acl': 'private' } },
    };
    fake.account(ARCHIVE).addBucket(BUCKET, { policy: { Version: '2012-10-17', Statement: [deny] }, ownership: 'BucketOwnerEnforced' });

    const report = orgPlanReportSchema.parse(JSON.parse((await run(['plan', ...ORG, '--format', 'json'])).stdout));

    const archive = report.accounts.find((a) => a.accountId === ARCHIVE)!;
    if (archive.status !== 'read') throw new Error('log archive not read');
    expect(archive.report.findings).toContainEqual(
      expect.objectContaining({ kind: 'bucket-acl-condition', reason: expect.stringMatching(/OnlyPrivateObjects.*BucketOwnerEnforced/) }),
    );
    const dev = report.accounts.find((a) => a.accountId === DEV)!;
    if (dev.status !== 'read') throw new Error('dev not read');
    expect(dev.report.plan.actions).toEqual([]);
  });

  test('WHEN the bucket belongs to another account than --log-archive-account THEN bucket-not-found with AWS words, nothing planned to it', async () => {
    fake.account(DEV).addBucket(BUCKET);

    const report = orgPlanReportSchema.parse(JSON.parse((await run(['plan', ...ORG, '--format', 'json'])).stdout));

    const archive = report.accounts.find((a) => a.accountId === ARCHIVE)!;
    if (archive.status !== 'read') throw new Error('log archive not read');
    expect(archive.report.findings).toContainEqual(
      expect.objectContaining({
        kind: 'bucket-not-found',
        awsMessage: expect.stringContaining('AccessDenied'),
        reason: expect.stringContaining('another account'),
      }),
    );
    expect(archive.report.plan.actions).toEqual([]);
  });

  test('WHEN --log-archive-account is left out of --accounts THEN a one-line error naming it, and nothing is read', async () => {
    const result = await run(['plan', '--accounts', DEV, '--assume-role', ROLE, '--destination', `s3://${BUCKET}/vpc`, '--log-archive-account', ARCHIVE]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`--log-archive-account ${ARCHIVE} is not one of the accounts this run covers`);
    expect(fake.calls.filter((c) => c.service !== 'sts')).toEqual([]);
  });
});

describe('GIVEN the caller is its own log archive, with a saved plan', () => {
  let fake: FakeAws;
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'flowfix-archive-'));
    fake = new FakeAws().install();
    fake.grantOperatorPolicy('operator-apply-s3.json', { BucketName: BUCKET }).grantOperatorPolicy('operator-log-archive.json', { BucketName: BUCKET });
    fake.addVpc('us-east-1');
    fake.addBucket(BUCKET);
  });
  afterEach(async () => {
    fake.restore();
    await rm(dir, { recursive: true, force: true });
  });

  test('WHEN a plan with the bucket-policy action is saved and applied from the file THEN it is refused before anything is written', async () => {
    const flags = ['--regions', 'us-east-1', '--destination', `s3://${BUCKET}/vpc`, '--log-archive-account', FAKE_ACCOUNT];
    const file = path.join(dir, 'plan.json');
    await run(['plan', ...flags, '--out', file]);
    expect(JSON.parse(await readFile(file, 'utf8')).actions.map((a: { kind: string }) => a.kind)).toContain('put-bucket-policy');

    const applied = await run(['apply', file, '--yes']);

    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toContain('01-put-bucket-policy: flowfix would not send PutBucketPolicy');
    expect(fake.mutatingCalls()).toEqual([]);
  });
});
