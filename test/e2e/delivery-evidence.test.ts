// Delivery is proven per flow log, from its own network interfaces' log streams (or objects named after
// it), never from whatever else its log group holds. Through the real SDK clients and the stateful fake,
// and once over HTTP (an AWS-compatible endpoint, --endpoint-url).
import { applyCommand } from '../../src/cli/commands/apply.js';
import { toCommandOptions } from '../../src/cli/options.js';
import { MAX_INTERFACES_SAMPLED, s3Folders } from '../../src/inventory/delivery-evidence.js';
import type { PlanReport } from '../../src/report/plan-report.js';
import { captureIo, runFlowfix } from '../helpers/capture-io.js';
import { serveFakeAws, type FakeAwsServer } from '../helpers/fake-aws-http.js';
import { FAKE_ACCOUNT, FakeAws } from '../helpers/fake-aws.js';
import { setProcessEnv } from '../helpers/process-env.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const GROUP = '/flowfix/vpc-flow-logs';
type Delivery = NonNullable<PlanReport['delivery']>[number];
type DestinationOptions = { FileFormat?: 'plain-text' | 'parquet'; HiveCompatiblePartitions?: boolean; PerHourPartition?: boolean };

const verifyJson = async (argv: string[] = [], env: Record<string, string> = ENV) => {
  const result = await runFlowfix(['verify', '--regions', 'us-east-1', '--format', 'json', ...argv], { env });
  return JSON.parse(result.stdout) as PlanReport;
};
const byResource = (delivery: Delivery[] | undefined) => Object.fromEntries((delivery ?? []).map((d) => [d.resourceIds.join(), d]));

/** The three VPCs: one whose interface carries traffic, one whose interface is idle, one without interfaces. */
function threeVpcs(fake: FakeAws) {
  const busy = fake.addVpcWithInterface('us-east-1', { name: 'busy' });
  const idle = fake.addVpcWithInterface('us-east-1', { name: 'idle', idle: true });
  const empty = fake.addVpc('us-east-1', { name: 'empty' });
  return { busy, idle, empty };
}

/** The three rated as the issue asks: the busy one apart, the two idle ones alike in being not delivering. */
function expectThreeRatedApart(delivery: Delivery[] | undefined, { busy, idle, empty }: ReturnType<typeof threeVpcs>) {
  const rated = byResource(delivery);
  expect(rated[busy.vpcId]).toMatchObject({
    status: 'delivering',
    evidence: `log stream ${busy.interfaceId}-reject in ${GROUP}`,
    interfaces: { sampled: [busy.interfaceId], total: 1 },
  });
  expect(rated[idle.vpcId]).toMatchObject({ status: 'no-error-yet', interfaces: { sampled: [idle.interfaceId], total: 1 } });
  expect(rated[idle.vpcId]).not.toHaveProperty('evidence');
  expect(rated[empty]).toMatchObject({ status: 'no-network-interfaces', why: 'no network interfaces: nothing to log yet' });
}

describe('delivery proven per flow log', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws({ pageSize: 2 }).install();
  });
  afterEach(() => fake.restore());

  test('GIVEN a busy, an idle and an interface-less VPC sharing one log group WHEN verify THEN only the busy one is delivering, with one interface listing for the region', async () => {
    const vpcs = threeVpcs(fake);
    expect((await runFlowfix(['apply', '--yes', '--regions', 'us-east-1'], { env: ENV })).code).toBe(0);
    fake.deliverFlowLogs('us-east-1');
    const from = fake.calls.length;

    const report = await verifyJson();

    expectThreeRatedApart(report.delivery, vpcs);
    const calls = fake.calls.slice(from);
    // One listing (paged: the fake's page size is 2) for all three VPCs, not one per VPC.
    const listings = calls.filter((c) => c.operation === 'DescribeNetworkInterfaces');
    expect(listings.map((c) => c.input.Filters)).toEqual([
      [{ Name: 'vpc-id', Values: expect.arrayContaining([vpcs.busy.vpcId, vpcs.idle.vpcId, vpcs.empty]) }],
    ]);
    expect(listings[0]!.input.MaxResults).toBe(1000);
    // Streams looked up by each interface's id; none for the VPC without interfaces.
    expect(
      calls
        .filter((c) => c.operation === 'DescribeLogStreams')
        .map((c) => c.input.logStreamNamePrefix)
        .sort(),
    ).toEqual([vpcs.busy.interfaceId, vpcs.idle.interfaceId].sort());

    const text = await runFlowfix(['verify', '--regions', 'us-east-1'], { env: ENV });
    expect(text.stdout).toMatch(
      /Delivery: 1 of 3 flow logs delivering \(log stream or object seen since creation\); 1 with no delivery error yet but nothing delivered so far .*; 1 with no network interfaces: nothing to log yet/,
    );
    expect(text.stdout).toContain(`(${vpcs.empty}): no network interfaces: nothing to log yet`);
    expect(text.stdout).toContain(`(${vpcs.idle.vpcId}): nothing since creation; looked at ${vpcs.idle.interfaceId} (1 of 1 network interface)`);
  });

  test('GIVEN apply --format json on the three VPCs THEN verification carries the same delivery words, and --wait does not wait for the VPC without interfaces', async () => {
    const vpcs = threeVpcs(fake);
    const applied = JSON.parse((await runFlowfix(['apply', '--yes', '--regions', 'us-east-1', '--format', 'json'], { env: ENV })).stdout) as {
      verification: { resourceId: string; status: string; delivery?: string }[];
    };
    const delivery = Object.fromEntries(applied.verification.map((v) => [v.resourceId, [v.status, v.delivery]]));
    expect(delivery).toEqual({
      [vpcs.busy.vpcId]: ['pending', 'no-error-yet'],
      [vpcs.idle.vpcId]: ['pending', 'no-error-yet'],
      [vpcs.empty]: ['pending', 'no-network-interfaces'],
    });

    // Nothing left that can still deliver: --wait returns at once instead of waiting out its 10 minutes.
    fake.addVpc('us-east-1');
    const io = captureIo({ env: ENV });
    let sleeps = 0;
    const code = await applyCommand(await toCommandOptions({ yes: true, wait: true, regions: 'us-east-1' }, io), io, {
      clock: { now: () => Date.now(), sleep: async () => void sleeps++ },
    });
    expect(code).toBe(0);
    expect(sleeps).toBe(0);
    expect(io.out.join('')).toMatch(/Verification: 0\/1 delivering .*, 1 with no network interfaces: nothing to log yet\n/);
  });

  test('GIVEN a stream of the interface written only before the flow log existed, and a stream without events THEN neither proves delivery', async () => {
    const { vpcId, interfaceId } = fake.addVpcWithInterface('us-east-1', { idle: true });
    const other = fake.addVpcWithInterface('us-east-1', { idle: true });
    await runFlowfix(['apply', '--yes', '--regions', 'us-east-1'], { env: ENV });
    fake.addLogStream('us-east-1', GROUP, `${interfaceId}-reject`, { createdAt: Date.now() - 3_600_000, lastEventAt: Date.now() - 3_600_000 });
    fake.addLogStream('us-east-1', GROUP, `${other.interfaceId}-reject`);
    const rated = byResource((await verifyJson()).delivery);
    expect(rated[vpcId]?.status).toBe('no-error-yet');
    expect(rated[other.vpcId]?.status).toBe('no-error-yet');
  });

  test("GIVEN another traffic type's stream of the same interface THEN it is not this flow log's evidence", async () => {
    const { vpcId, interfaceId } = fake.addVpcWithInterface('us-east-1', { idle: true });
    await runFlowfix(['apply', '--yes', '--regions', 'us-east-1'], { env: ENV });
    fake.addLogStream('us-east-1', GROUP, `${interfaceId}-accept`, { lastEventAt: Date.now() + 1000 });
    expect(byResource((await verifyJson()).delivery)[vpcId]?.status).toBe('no-error-yet');
    fake.addLogStream('us-east-1', GROUP, `${interfaceId}-reject`, { lastEventAt: Date.now() + 1000 });
    expect(byResource((await verifyJson()).delivery)[vpcId]?.status).toBe('delivering');
  });

  test(`GIVEN a VPC with many idle interfaces THEN at most ${MAX_INTERFACES_SAMPLED} are looked at, attached ones first, and the report says which`, async () => {
    const vpc = fake.addVpc('us-east-1');
    const subnet = fake.addSubnet('us-east-1', vpc);
    const detached = fake.addNetworkInterface('us-east-1', subnet, { idle: true, status: 'available' });
    const attached = [1, 2, 3, 4].map(() => fake.addNetworkInterface('us-east-1', subnet, { idle: true }));
    await runFlowfix(['apply', '--yes', '--regions', 'us-east-1'], { env: ENV });
    const from = fake.calls.length;
    const rated = byResource((await verifyJson()).delivery)[vpc];
    expect(rated).toMatchObject({ status: 'no-error-yet', interfaces: { sampled: attached.slice(0, MAX_INTERFACES_SAMPLED), total: 5 } });
    expect(rated?.interfaces?.sampled).not.toContain(detached);
    expect(fake.calls.slice(from).filter((c) => c.operation === 'DescribeLogStreams')).toHaveLength(MAX_INTERFACES_SAMPLED);
  });

  test("GIVEN subnet flow logs, one subnet busy and one idle, in one VPC THEN each is rated by its own subnet's interfaces (one subnet-id listing)", async () => {
    const vpc = fake.addVpc('us-east-1');
    const busySubnet = fake.addSubnet('us-east-1', vpc);
    const idleSubnet = fake.addSubnet('us-east-1', vpc);
    const busyEni = fake.addNetworkInterface('us-east-1', busySubnet);
    fake.addNetworkInterface('us-east-1', idleSubnet, { idle: true });
    await runFlowfix(['apply', '--yes', '--regions', 'us-east-1', '--scope', 'subnet'], { env: ENV });
    fake.deliverFlowLogs('us-east-1');
    const from = fake.calls.length;
    const rated = byResource((await verifyJson(['--scope', 'subnet'])).delivery);
    expect(rated[busySubnet]).toMatchObject({ status: 'delivering', evidence: `log stream ${busyEni}-reject in ${GROUP}` });
    expect(rated[idleSubnet]?.status).toBe('no-error-yet');
    expect(
      fake.calls
        .slice(from)
        .filter((c) => c.operation === 'DescribeNetworkInterfaces')
        .map((c) => c.input.Filters[0].Name),
    ).toEqual(['subnet-id']);
  });

  test('GIVEN ec2:DescribeNetworkInterfaces is denied THEN CloudWatch flow logs are "not checked" and the line names the grant', async () => {
    fake.addVpcWithInterface('us-east-1');
    await runFlowfix(['apply', '--yes', '--regions', 'us-east-1'], { env: ENV });
    fake.denyAction('DescribeNetworkInterfaces');
    const [rated] = (await verifyJson()).delivery ?? [];
    expect(rated).toMatchObject({
      status: 'not-checked',
      why: expect.stringMatching(/^UnauthorizedOperation: grant ec2:DescribeNetworkInterfaces .*operator-plan\.json/),
    });
  });

  test.each<[string, DestinationOptions, RegExp]>([
    ['the default layout', {}, new RegExp(`^logs/AWSLogs/${FAKE_ACCOUNT}/vpcflowlogs/us-east-1/\\d{4}/\\d{2}/\\d{2}/$`)],
    [
      'Hive-compatible folders',
      { HiveCompatiblePartitions: true },
      new RegExp(`^logs/AWSLogs/aws-account-id=${FAKE_ACCOUNT}/aws-service=vpcflowlogs/aws-region=us-east-1/year=\\d{4}/month=\\d{2}/day=\\d{2}/$`),
    ],
    ['per-hour folders', { PerHourPartition: true }, new RegExp(`^logs/AWSLogs/${FAKE_ACCOUNT}/vpcflowlogs/us-east-1/\\d{4}/\\d{2}/\\d{2}/\\d{2}/$`)],
    [
      'Hive-compatible per-hour Parquet',
      { HiveCompatiblePartitions: true, PerHourPartition: true, FileFormat: 'parquet' },
      /\/year=\d{4}\/month=\d{2}\/day=\d{2}\/hour=\d{2}\/$/,
    ],
  ])('GIVEN an S3 flow log with %s THEN its objects are found where its DestinationOptions put them', async (_name, destinationOptions, folder) => {
    fake.grantOperatorPolicy('operator-apply-s3.json', { BucketName: 'acme-logs' });
    fake.addBucket('acme-logs');
    const { vpcId } = fake.addVpcWithInterface('us-east-1');
    const idle = fake.addVpcWithInterface('us-east-1', { idle: true });
    const destination = 'arn:aws:s3:::acme-logs/logs/';
    fake.addFlowLog('us-east-1', { resourceId: vpcId, destinationType: 's3', destination, destinationOptions });
    fake.addFlowLog('us-east-1', { resourceId: idle.vpcId, destinationType: 's3', destination, destinationOptions });
    const before = byResource((await verifyJson()).delivery);
    expect(before[vpcId]?.status).toBe('no-error-yet');

    fake.deliverFlowLogs('us-east-1');
    const rated = byResource((await verifyJson()).delivery);
    expect(rated[vpcId]).toMatchObject({
      status: 'delivering',
      evidence: expect.stringMatching(
        destinationOptions.FileFormat === 'parquet' ? /^object s3:\/\/acme-logs\/logs\/.*\.log\.parquet$/ : /^object s3:\/\/acme-logs\/logs\/.*\.log\.gz$/,
      ),
    });
    expect(rated[idle.vpcId]?.status).toBe('no-error-yet');
    const prefixes = fake.calls.filter((c) => c.operation === 'ListObjectsV2').map((c) => String(c.input.Prefix));
    expect(prefixes.length).toBeGreaterThan(0);
    for (const prefix of prefixes) expect(prefix).toMatch(folder);
  });
});

describe('S3 folders (pure)', () => {
  const at = Date.parse('2026-03-02T01:30:00Z');
  test('GIVEN per-day layouts THEN today and yesterday, newest first, never before the creation day', () => {
    expect(s3Folders({ accountId: '1', region: 'r', prefix: '' }, 0, at)).toEqual([
      'AWSLogs/1/vpcflowlogs/r/2026/03/02/',
      'AWSLogs/1/vpcflowlogs/r/2026/03/01/',
    ]);
    expect(s3Folders({ accountId: '1', region: 'r', prefix: 'p/q' }, at - 60_000, at)).toEqual(['p/q/AWSLogs/1/vpcflowlogs/r/2026/03/02/']);
  });
  test('GIVEN Hive-compatible per-hour folders THEN each hour since creation, newest first', () => {
    const options = { hiveCompatiblePartitions: true, perHourPartition: true };
    expect(s3Folders({ accountId: '1', region: 'r', prefix: '', options }, at - 2 * 3_600_000, at)).toEqual([
      'AWSLogs/aws-account-id=1/aws-service=vpcflowlogs/aws-region=r/year=2026/month=03/day=02/hour=01/',
      'AWSLogs/aws-account-id=1/aws-service=vpcflowlogs/aws-region=r/year=2026/month=03/day=02/hour=00/',
      'AWSLogs/aws-account-id=1/aws-service=vpcflowlogs/aws-region=r/year=2026/month=03/day=01/hour=23/',
    ]);
  });
});

describe('delivery proven per flow log, over HTTP (--endpoint-url)', () => {
  let fake: FakeAws;
  let server: FakeAwsServer;
  let restoreEnv: () => void = () => {};
  const AWS_ENV = { AWS_ACCESS_KEY_ID: 'AKIAFAKEDELIVERY', AWS_SECRET_ACCESS_KEY: 'fake', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };
  beforeEach(async () => {
    fake = new FakeAws({ pageSize: 2 });
    server = await serveFakeAws(fake);
    // The in-process SDK reads credentials from process.env.
    restoreEnv = setProcessEnv(AWS_ENV);
  });
  afterEach(async () => {
    await server.close();
    restoreEnv();
  });

  test('GIVEN the three VPCs on an AWS-compatible endpoint WHEN apply then verify THEN the busy one is rated apart and the two idle ones alike', async () => {
    const vpcs = threeVpcs(fake);
    const env = { ...ENV, ...AWS_ENV };
    expect((await runFlowfix(['apply', '--yes', '--regions', 'us-east-1', '--endpoint-url', server.url], { env })).code).toBe(0);
    fake.deliverFlowLogs('us-east-1');
    const report = await verifyJson(['--endpoint-url', server.url], env);
    expectThreeRatedApart(report.delivery, vpcs);
    expect(fake.calls.filter((c) => c.operation === 'DescribeNetworkInterfaces').length).toBeGreaterThan(0);
  });
});
