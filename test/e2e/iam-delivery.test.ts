// IAM and delivery as AWS really behaves, end to end through the real SDK clients and the stateful fake.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { applyCommand } from '../../src/cli/commands/apply.js';
import { toCommandOptions } from '../../src/cli/options.js';
import { failureBlock } from '../helpers/apply-output.js';
import { captureIo, runFlowfix } from '../helpers/capture-io.js';
import { DEFAULT_BOUNDARY, FAKE_ACCOUNT, FakeAws } from '../helpers/fake-aws.js';
import { FakeClock } from '../helpers/fake-clock.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const run = (argv: string[]) => runFlowfix(argv, { env: ENV });
const ROLE = 'flowfix-vpc-flow-logs';
const POLICY = 'flowfix-publish-flow-logs';
const trustPinnedTo = (region: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': FAKE_ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:ec2:${region}:${FAKE_ACCOUNT}:vpc-flow-log/*` } },
    },
  ],
});

describe('trust checked per region', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  test('GIVEN a reused role whose SourceArn names eu-west-1 WHEN apply --yes THEN eu-west-1 is fixed, us-east-1 is reported blocked and gets no CreateFlowLogs', async () => {
    const east = fake.addVpc('us-east-1');
    const west = fake.addVpc('eu-west-1');
    fake.addRole(ROLE, trustPinnedTo('eu-west-1'), {}, {}, { permissionsBoundary: DEFAULT_BOUNDARY });

    const result = await run(['apply', '--yes']);

    expect(result.code).toBe(1); // blocked work leaves a resource non-compliant
    expect(result.stdout).toMatch(
      /blocked in us-east-1: .*does not trust vpc-flow-logs\.amazonaws\.com in us-east-1 \(its Allow .* only when ArnLike aws:SourceArn arn:aws:ec2:eu-west-1:/,
    );
    expect(fake.flowLogs('eu-west-1').map((f) => f.ResourceId)).toEqual([west]);
    expect(fake.flowLogs('us-east-1')).toEqual([]);
    expect(fake.calls.filter((c) => c.operation === 'CreateFlowLogs').map((c) => c.region)).toEqual(['eu-west-1']);
    expect(east).toBeDefined();
    // Never rewritten: the user's trust policy is as it was.
    expect(fake.role(ROLE)?.trustPolicy).toEqual(trustPinnedTo('eu-west-1'));
    expect(fake.calls.some((c) => c.operation === 'UpdateAssumeRolePolicy' || c.operation === 'CreateRole')).toBe(false);
  });

  test('GIVEN the same role WHEN plan THEN the finding names the regions it fails in and where it still works', async () => {
    fake.addVpc('us-east-1');
    fake.addRole(ROLE, trustPinnedTo('eu-west-1'), {}, {}, { permissionsBoundary: DEFAULT_BOUNDARY });
    const result = await run(['plan', '--format', 'json']);
    const report = JSON.parse(result.stdout);
    const finding = report.findings.find((f: { kind: string }) => f.kind === 'role-untrusted');
    expect(finding.reason).toMatch(/does not trust vpc-flow-logs\.amazonaws\.com in us-east-1 .*It does in eu-west-1/);
    expect(report.plan.blocked).toEqual([expect.objectContaining({ region: 'us-east-1' })]);
  });
});

describe('permissions boundary and role path', () => {
  const BOUNDARY = `arn:aws:iam::${FAKE_ACCOUNT}:policy/landing-zone/FlowLogsBoundary`;
  let fake: FakeAws;
  let dir: string;
  beforeEach(async () => {
    // The operator's policies name the user's boundary, as README asks of users of --permissions-boundary.
    fake = new FakeAws().install().operatorBoundary(BOUNDARY);
    fake.addManagedPolicy('landing-zone/FlowLogsBoundary', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] });
    dir = await mkdtemp(path.join(tmpdir(), 'flowfix-boundary-'));
  });
  afterEach(async () => {
    fake.restore();
    await rm(dir, { recursive: true, force: true });
  });

  test('GIVEN --role-path and --permissions-boundary WHEN apply --yes THEN the role is created with both and flow logs use its ARN with the path; a re-run finds it by name', async () => {
    const vpc = fake.addVpc('us-east-1');
    const flags = ['--regions', 'us-east-1', '--role-path', '/landing-zone/', '--permissions-boundary', BOUNDARY];

    const first = await run(['apply', '--yes', ...flags]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(fake.role(ROLE)).toMatchObject({
      path: '/landing-zone/',
      permissionsBoundary: BOUNDARY,
      arn: `arn:aws:iam::${FAKE_ACCOUNT}:role/landing-zone/${ROLE}`,
    });
    expect(fake.flowLogs('us-east-1').map((f) => [f.ResourceId, f.DeliverLogsPermissionArn])).toEqual([
      [vpc, `arn:aws:iam::${FAKE_ACCOUNT}:role/landing-zone/${ROLE}`],
    ]);

    fake.addVpc('us-east-1');
    const before = fake.calls.length;
    const second = await run(['apply', '--yes', '--regions', 'us-east-1']); // no path flag: found by name all the same
    expect(second.code).toBe(0);
    const writes = fake.calls
      .slice(before)
      .filter((c) => !/^(Describe|Get|List)/.test(c.operation))
      .map((c) => c.operation);
    expect(writes).toEqual(['CreateFlowLogs']);
    expect(fake.calls.slice(before).find((c) => c.operation === 'CreateFlowLogs')?.input.DeliverLogsPermissionArn).toBe(
      `arn:aws:iam::${FAKE_ACCOUNT}:role/landing-zone/${ROLE}`,
    );
  });

  test('GIVEN a role that already exists at a path WHEN apply --yes THEN its publish policy is put and flow logs use its real ARN (the operator policy allows the path)', async () => {
    fake.addVpc('us-east-1');
    fake.addRole(ROLE, trustPinnedTo('*'), {}, {}, { path: '/team/', permissionsBoundary: BOUNDARY });
    const result = await run(['apply', '--yes', '--regions', 'us-east-1']);
    expect(result.code).toBe(0);
    expect(Object.keys(fake.role(ROLE)?.inlinePolicies ?? {})).toEqual(['flowfix-publish-flow-logs']);
    expect(fake.flowLogs('us-east-1')[0]?.DeliverLogsPermissionArn).toBe(`arn:aws:iam::${FAKE_ACCOUNT}:role/team/${ROLE}`);
  });

  test('GIVEN a saved plan with a boundary THEN it applies as saved; dropping the boundary from CreateRole or a conflicting flag is refused before any write', async () => {
    fake.addVpc('us-east-1');
    const file = path.join(dir, 'plan.json');
    expect((await run(['plan', '--regions', 'us-east-1', '--permissions-boundary', BOUNDARY, '--out', file])).code).toBe(2);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved.settings.permissionsBoundary).toBe(BOUNDARY);

    const stripped = structuredClone(saved);
    delete stripped.actions.find((a: { kind: string }) => a.kind === 'create-role').input.PermissionsBoundary;
    await writeFile(path.join(dir, 'stripped.json'), JSON.stringify(stripped));
    const refused = await run(['apply', path.join(dir, 'stripped.json'), '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /01-create-role: PermissionsBoundary nothing \(flowfix would send "arn:aws:iam::111111111111:policy\/landing-zone\/FlowLogsBoundary"\)/,
    );

    const conflict = await run(['apply', file, '--yes', '--permissions-boundary', `arn:aws:iam::${FAKE_ACCOUNT}:policy/Other`]);
    expect(conflict.stderr).toMatch(/--permissions-boundary differs from the settings saved in/);
    expect(fake.mutatingCalls()).toEqual([]);

    const applied = await run(['apply', file, '--yes']);
    expect(applied.code).toBe(0);
    expect(fake.role(ROLE)?.permissionsBoundary).toBe(BOUNDARY);
  });
});

describe('policy size', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  test('GIVEN a reused role with a large inline policy WHEN plan THEN JSON and text warn; apply past the quota fails with IAM LimitExceeded', async () => {
    fake.addVpc('us-east-1');
    const big = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(9_900)}` }] };
    fake.addRole(ROLE, trustPinnedTo('*'), { 'team-s3': big }, {}, { permissionsBoundary: DEFAULT_BOUNDARY });

    const json = JSON.parse((await run(['plan', '--regions', 'us-east-1', '--format', 'json'])).stdout);
    expect(json.warnings).toEqual([expect.objectContaining({ kind: 'role-policy-size', resourceId: ROLE, limit: 10_240 })]);
    expect(json.warnings[0].message).toMatch(/over it by [\d,]+: PutRolePolicy will fail with LimitExceeded/);
    expect((await run(['plan', '--regions', 'us-east-1'])).stdout).toMatch(/Warnings \(1\)\n  global  flowfix-vpc-flow-logs: Inline policies of delivery role/);

    const applied = await run(['apply', '--yes', '--regions', 'us-east-1']);
    expect(applied.code).toBe(1);
    expect(failureBlock(applied.stdout, 'global', 'put-role-policy')).toMatch(
      /, 1 resource: flowfix-vpc-flow-logs LimitExceeded(Exception)?: Maximum policy size/,
    );
  });
});

describe('hints that point at the right thing', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  test('GIVEN --kms-key whose key policy does not let CloudWatch Logs use it WHEN apply THEN the failure points at the key policy (principal, encryption context), not the operator IAM', async () => {
    const key = `arn:aws:kms:us-east-1:${FAKE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    fake.addKmsKey(key, { logsMayUse: false });
    fake.addVpc('us-east-1');
    const result = await run(['apply', '--yes', '--regions', 'us-east-1', '--kms-key', key]);
    expect(result.code).toBe(1);
    const line = failureBlock(result.stdout, 'us-east-1', 'create-log-group') ?? '';
    expect(line).toMatch(/AccessDeniedException: The specified KMS key does not exist or is not allowed/);
    expect(line).toMatch(/not the operator's IAM: the policy of KMS key .* must allow the principal logs\.us-east-1\.amazonaws\.com/);
    expect(line).toMatch(/ArnEquals kms:EncryptionContext:aws:logs:arn arn:aws:logs:us-east-1:111111111111:log-group:\/flowfix\/vpc-flow-logs/);
    expect(line).not.toMatch(/grant logs:CreateLogGroup/);
  });

  test('GIVEN an S3 destination refused for lack of rights WHEN apply THEN the hint names the S3 document and the bucket, never PassRole', async () => {
    fake.grantOperatorPolicy('operator-apply-s3.json', { BucketName: 'acme-logs' });
    fake.addVpc('us-east-1');
    fake.denyAction('CreateFlowLogs');
    const result = await run(['apply', '--yes', '--regions', 'us-east-1', '--destination', 's3://acme-logs']);
    expect(result.code).toBe(1);
    expect(failureBlock(result.stdout, 'us-east-1', 'create-flow-logs')).toMatch(/UnauthorizedOperation: .*operator-apply-s3\.json with BucketName acme-logs/);
    expect(result.stdout).not.toMatch(/PassRole/);
    const dryRun = await run(['apply', '--dry-run', '--regions', 'us-east-1', '--destination', 's3://acme-logs']);
    expect(dryRun.stdout).toMatch(/CreateFlowLogs refused: UnauthorizedOperation: .*operator-apply-s3\.json/);
    expect(dryRun.stdout).not.toMatch(/PassRole/);
  });

  test("GIVEN retention raised on a user's group without the opt-in document WHEN denied THEN the hint names operator-apply-retention.json and the group", async () => {
    const vpc = fake.addVpc('us-east-1');
    fake.addLogGroup('us-east-1', '/team/flow', { retentionInDays: 7 });
    fake.addFlowLog('us-east-1', { resourceId: vpc, logGroupName: '/team/flow' });
    fake.denyAction('PutRetentionPolicy');
    fake.grantOperatorPolicy('operator-apply-retention.json', { LogGroupName: '/team/flow' }); // what was attempted is what the hint asks for
    const result = await run(['apply', '--yes', '--regions', 'us-east-1']);
    expect(result.code).toBe(1);
    expect(failureBlock(result.stdout, 'us-east-1', 'put-retention-policy')).toMatch(
      /AccessDeniedException: .*attach policies\/operator-apply-retention\.json with LogGroupName \/team\/flow/,
    );
  });
});

describe('verification says only what it knows', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  const applyWith = async (args: Record<string, unknown>, onSleep: (n: number) => void, timings: object = { waitIntervalMs: 1 }) => {
    const io = captureIo({ env: ENV });
    const options = await toCommandOptions(args, io);
    const code = await applyCommand(options, io, { clock: new FakeClock(onSleep), timings });
    return { code, out: io.out.join(''), err: io.err.join('') };
  };

  test('GIVEN a new flow log with status SUCCESS but nothing delivered WHEN apply --wait THEN it waits, and reports delivering only once its interface has a log stream', async () => {
    const { interfaceId } = fake.addVpcWithInterface('us-east-1');
    const seen: string[] = [];
    const result = await applyWith({ yes: true, wait: true, regions: 'us-east-1' }, (n) => {
      seen.push(
        fake
          .flowLogs('us-east-1')
          .map((f) => f.DeliverLogsStatus)
          .join(),
      );
      if (n === 2) fake.deliverFlowLogs('us-east-1');
    });
    expect(seen).toEqual(['SUCCESS', 'SUCCESS']); // SUCCESS all along: the status alone proved nothing
    expect(result.code).toBe(0);
    expect(result.err).toContain('Waiting for first delivery of 1 flow log (up to 10 min)…');
    expect(result.out).toMatch(/Verification: 1\/1 delivering \(log stream or object seen since creation\)\n/);
    // Each round: the region's interfaces in one listing, then the one interface's streams by name prefix.
    expect(fake.calls.filter((c) => c.operation === 'DescribeNetworkInterfaces').map((c) => c.input.Filters)).toEqual(
      Array(3).fill([{ Name: 'vpc-id', Values: [expect.stringMatching(/^vpc-/)] }]),
    );
    expect(fake.calls.filter((c) => c.operation === 'DescribeLogStreams').map((c) => c.input)).toEqual(
      Array(3).fill({ logGroupName: '/flowfix/vpc-flow-logs', logStreamNamePrefix: interfaceId, limit: 50 }),
    );
  });

  test('GIVEN the role was created in this run and delivery first FAILED THEN the status is re-read for the grace period and reported as it ends up', async () => {
    fake.addVpcWithInterface('us-east-1');
    // The first delivery attempt came before IAM had propagated the new role's policy.
    let failedOnce = false;
    fake.onCall = (call) => {
      if (call.operation !== 'DescribeFlowLogs' || failedOnce || fake.flowLogs('us-east-1').length === 0) return;
      failedOnce = true;
      fake.updateFlowLogs('us-east-1', (f) => Object.assign(f, { DeliverLogsStatus: 'FAILED', DeliverLogsErrorMessage: 'Access error' }));
    };
    const result = await applyWith(
      { yes: true, regions: 'us-east-1' },
      (n) => {
        if (n === 1) fake.deliverFlowLogs('us-east-1'); // propagated by now: delivery works
      },
      { waitIntervalMs: 1, failedGraceMs: 60_000 },
    );
    expect(result.err).toMatch(/Delivery FAILED for 1 flow log right after this run changed its delivery role: re-reading/);
    expect(result.out).toMatch(/Verification: 1\/1 delivering/);
    expect(result.code).toBe(0);
  });

  test('GIVEN delivery keeps FAILING after the grace period THEN it is reported failed, saying how long after the change', async () => {
    fake.addVpc('us-east-1');
    const failing = () => fake.updateFlowLogs('us-east-1', (f) => Object.assign(f, { DeliverLogsStatus: 'FAILED', DeliverLogsErrorMessage: 'Access error' }));
    fake.onCall = (call) => {
      if (call.operation === 'DescribeFlowLogs') failing();
    };
    const result = await applyWith({ yes: true, regions: 'us-east-1' }, () => {}, { waitIntervalMs: 1, failedGraceMs: 30 });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/us-east-1 vpc-\w+: delivery-failed: Access error; still FAILED \d+s after the delivery role changed/);
  });

  test('GIVEN the role and policy were already in place THEN a FAILED status is reported at once, without a grace period', async () => {
    fake.addVpc('us-east-1');
    await run(['apply', '--yes', '--regions', 'us-east-1']);
    fake.addVpc('us-east-1');
    fake.onCall = (call) => {
      if (call.operation === 'DescribeFlowLogs' && fake.flowLogs('us-east-1').length === 2) {
        fake.updateFlowLogs('us-east-1', (f) => Object.assign(f, { DeliverLogsStatus: 'FAILED', DeliverLogsErrorMessage: 'Rate limited' }));
      }
    };
    let sleeps = 0;
    const result = await applyWith({ yes: true, regions: 'us-east-1' }, () => sleeps++, { waitIntervalMs: 1, failedGraceMs: 60_000 });
    expect(sleeps).toBe(0);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/delivery-failed: Rate limited\n/);
  });

  test('GIVEN an S3 destination WHEN apply --wait THEN it is delivering once an object named after the flow log is under AWSLogs/<account>/vpcflowlogs/<region>/', async () => {
    fake.grantOperatorPolicy('operator-apply-s3.json', { BucketName: 'acme-logs' });
    fake.addBucket('acme-logs');
    fake.addVpcWithInterface('us-east-1');
    const result = await applyWith({ yes: true, wait: true, regions: 'us-east-1', destination: 's3://acme-logs/vpc' }, () => fake.deliverFlowLogs('us-east-1'));
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/Verification: 1\/1 delivering/);
    const [key] = fake.objects('acme-logs');
    const flowLogId = fake.flowLogs('us-east-1')[0]!.FlowLogId!;
    expect(key).toMatch(
      new RegExp(
        `^vpc/AWSLogs/${FAKE_ACCOUNT}/vpcflowlogs/us-east-1/\\d{4}/\\d{2}/\\d{2}/${FAKE_ACCOUNT}_vpcflowlogs_us-east-1_${flowLogId}_\\d{8}T\\d{4}Z_\\w+\\.log\\.gz$`,
      ),
    );
    const listed = fake.calls.filter((c) => c.operation === 'ListObjectsV2').map((c) => c.input.Prefix);
    expect(listed.every((p) => new RegExp(`^vpc/AWSLogs/${FAKE_ACCOUNT}/vpcflowlogs/us-east-1/\\d{4}/\\d{2}/\\d{2}/$`).test(p))).toBe(true);
  });

  test('GIVEN s3:ListBucket is denied THEN the flow log stays "no error yet" and the report says why delivery was not checked', async () => {
    fake.grantOperatorPolicy('operator-apply-s3.json', { BucketName: 'acme-logs' });
    fake.addBucket('acme-logs');
    fake.addVpc('us-east-1');
    fake.denyAction('ListObjectsV2');
    const result = await applyWith({ yes: true, regions: 'us-east-1', destination: 's3://acme-logs' }, () => {});
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /Verification: 0\/1 delivering .*\n  us-east-1 vpc-\w+: delivery not checked: AccessDenied: grant s3:ListBucket on the bucket .*operator-apply-s3\.json/,
    );
  });

  test('GIVEN verify THEN it tells flow logs that delivered from those with no error yet, in text and JSON; plan reads no streams or objects', async () => {
    const { vpcId: vpc, interfaceId } = fake.addVpcWithInterface('us-east-1');
    await run(['apply', '--yes', '--regions', 'us-east-1']);
    const before = await run(['verify', '--regions', 'us-east-1']);
    expect(before.stdout).toMatch(
      /Delivery: 0 of 1 flow log delivering \(log stream or object seen since creation\); 1 with no delivery error yet but nothing delivered so far/,
    );
    expect(before.stdout).toContain(`: nothing since creation; looked at ${interfaceId} (1 of 1 network interface)`);

    fake.deliverFlowLogs('us-east-1');
    const after = JSON.parse((await run(['verify', '--regions', 'us-east-1', '--format', 'json'])).stdout);
    expect(after.delivery).toEqual([
      {
        region: 'us-east-1',
        flowLogId: expect.stringMatching(/^fl-/),
        resourceIds: [vpc],
        status: 'delivering',
        evidence: `log stream ${interfaceId}-reject in /flowfix/vpc-flow-logs`,
        interfaces: { sampled: [interfaceId], total: 1 },
      },
    ]);

    const calls = fake.calls.length;
    await run(['plan', '--regions', 'us-east-1']);
    expect(fake.calls.slice(calls).filter((c) => ['DescribeLogStreams', 'ListObjectsV2', 'DescribeNetworkInterfaces'].includes(c.operation))).toEqual([]);
  });

  test('GIVEN a reused role whose trust stops admitting the region after creation THEN the fake fails delivery with "Access error"', async () => {
    fake.addVpc('us-east-1');
    fake.addRole(ROLE, trustPinnedTo('us-east-1'), {}, {}, { permissionsBoundary: DEFAULT_BOUNDARY });
    await run(['apply', '--yes', '--regions', 'us-east-1']);
    fake.addRole(ROLE, trustPinnedTo('eu-west-1'), fake.role(ROLE)!.inlinePolicies, {}, { permissionsBoundary: DEFAULT_BOUNDARY });
    fake.deliverFlowLogs('us-east-1');
    expect(fake.flowLogs('us-east-1').map((f) => [f.DeliverLogsStatus, f.DeliverLogsErrorMessage])).toEqual([['FAILED', 'Access error']]);
  });
});

describe("the delivery role's permissions boundary, judged before apply", () => {
  const DEFAULT = `arn:aws:iam::${FAKE_ACCOUNT}:policy/flowfix-delivery-boundary`;
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
    fake.addVpc('us-east-1');
  });
  afterEach(() => fake.restore());

  test('GIVEN the default boundary was never created WHEN plan THEN a finding gives the one-time command; apply sends no CloudWatch Logs write; once created, apply works', async () => {
    fake.removeManagedPolicy(DEFAULT);
    const plan = await run(['plan', '--regions', 'us-east-1', '--format', 'json']);
    const report = JSON.parse(plan.stdout);
    const finding = report.findings.find((f: { kind: string }) => f.kind === 'role-boundary');
    expect(finding).toMatchObject({ resourceType: 'Role', resourceId: ROLE, remediable: false });
    expect(finding.reason).toContain(`permissions boundary ${DEFAULT}, which does not exist`);
    expect(finding.reason).toContain(
      'aws iam create-policy --policy-name flowfix-delivery-boundary --policy-document file://policies/delivery-role-boundary.json',
    );

    const applied = await run(['apply', '--yes', '--regions', 'us-east-1']);
    expect(applied.code).not.toBe(0);
    expect(fake.mutatingCalls()).toEqual([]);

    fake.addManagedPolicy(
      'flowfix-delivery-boundary',
      JSON.parse(await readFile(new URL('../../policies/delivery-role-boundary.json', import.meta.url), 'utf8')),
    );
    const retried = await run(['apply', '--yes', '--regions', 'us-east-1']);
    expect(retried.stderr).toBe('');
    expect(retried.code).toBe(0);
    expect(fake.role(ROLE)?.permissionsBoundary).toBe(DEFAULT);
    fake.deliverFlowLogs('us-east-1');
    expect(fake.flowLogs('us-east-1').map((f) => f.DeliverLogsStatus)).toEqual(['SUCCESS']);
  });

  test('GIVEN a reused role whose boundary leaves out logs:PutLogEvents WHEN plan THEN it is a finding before apply, and no flow log is created to fail later', async () => {
    const narrow = fake.addManagedPolicy('narrow-boundary', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:Describe*'], Resource: '*' }],
    });
    const publish = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }] };
    fake.addRole(ROLE, trustPinnedTo('*'), { [POLICY]: publish }, {}, { permissionsBoundary: narrow });
    const plan = await run(['plan', '--regions', 'us-east-1']);
    expect(plan.stdout).toContain(`Delivery role ${ROLE} has permissions boundary ${narrow}, which does not allow logs:PutLogEvents`);
    const applied = await run(['apply', '--yes', '--regions', 'us-east-1']);
    expect(applied.code).not.toBe(0);
    expect(fake.mutatingCalls().filter((c) => c.operation === 'CreateFlowLogs')).toEqual([]);
    // The fake's delivery honours the boundary too: a flow log made anyway would fail with "Access error".
    fake.addFlowLog('us-east-1', {
      resourceId: fake.addVpc('us-east-1'),
      logGroupName: '/flowfix/vpc-flow-logs',
      deliverLogsPermissionArn: fake.role(ROLE)!.arn,
    });
    fake.addLogGroup('us-east-1', '/flowfix/vpc-flow-logs');
    fake.deliverFlowLogs('us-east-1');
    expect(fake.flowLogs('us-east-1').map((f) => f.DeliverLogsErrorMessage)).toEqual(['Access error']);
  });
});
