// The guard (src/lambda/) in-process against the stateful fake, with the events EventBridge delivers.
import { guardTrigger } from '../../src/lambda/guard-event.js';
import { guardSettingsArgv } from '../../src/lambda/guard-settings.js';
import { runGuard, type GuardReport } from '../../src/lambda/guard.js';
import { serveFakeAws } from '../helpers/fake-aws-http.js';
import { FakeAws, mutatingOperations } from '../helpers/fake-aws.js';
import { setProcessEnv } from '../helpers/process-env.js';
import { createSubnetEvent, createVpcEvent, deleteFlowLogsEvent, failedCreateVpcEvent, scheduledEvent } from './events.js';

const REGION = 'us-east-1';
const GROUP = '/flowfix/vpc-flow-logs';
const guard = (event: unknown, env: Record<string, string> = {}) => runGuard(event, { env: { AWS_REGION: REGION, ...env }, cwd: process.cwd() });
const flowfixLogsOn = (fake: FakeAws, region: string, resourceId: string) =>
  fake.flowLogs(region).filter((f) => f.ResourceId === resourceId && f.Tags?.some((t) => t.Key === 'ManagedBy' && t.Value === 'flowfix'));

describe('the guard, event by event', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  test('GIVEN CreateVpc of a new VPC WHEN the guard runs THEN that VPC gets a flowfix flow log in its region only, and the report says so', async () => {
    const vpc = fake.addVpc(REGION, { name: 'new' });
    const elsewhere = fake.addVpc('eu-west-1', { name: 'other region' });

    const report = await guard(createVpcEvent(REGION, vpc));

    expect(report.messages).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(report.trigger).toMatchObject({
      kind: 'cloudtrail',
      eventName: 'CreateVpc',
      resourceIds: [vpc],
      actor: 'arn:aws:sts::111111111111:assumed-role/platform-team/alice',
    });
    expect(flowfixLogsOn(fake, REGION, vpc)).toHaveLength(1);
    expect(flowfixLogsOn(fake, REGION, vpc)[0]).toMatchObject({ LogGroupName: GROUP, TrafficType: 'REJECT' });
    expect(report.changed).toContainEqual({ kind: 'create-flow-logs', region: REGION, resourceId: expect.stringContaining(vpc) });
    // The function's stack covers its own region: eu-west-1 is another stack's.
    expect(fake.flowLogs('eu-west-1').filter((f) => f.ResourceId === elsewhere)).toEqual([]);
    expect(fake.calls.filter((c) => c.region === 'eu-west-1' && c.service === 'ec2')).toEqual([]);
    expect((report.apply as { schema: string }).schema).toBe('flowfix.apply-report/v1');
  });

  test('GIVEN the same CreateVpc event delivered twice (EventBridge retries, replays) THEN the second run sends no write', async () => {
    const vpc = fake.addVpc(REGION);
    const event = createVpcEvent(REGION, vpc);
    await guard(event);
    const before = fake.calls.length;

    const replay = await guard(event);

    expect(replay.exitCode).toBe(0);
    expect(replay.changed).toEqual([]);
    expect(mutatingOperations(fake.calls.slice(before))).toEqual([]);
    expect(flowfixLogsOn(fake, REGION, vpc)).toHaveLength(1);
  });

  test('GIVEN subnet scope WHEN CreateSubnet arrives THEN the subnet gets its own flow log', async () => {
    const vpc = fake.addVpc(REGION);
    const subnet = fake.addSubnet(REGION, vpc);

    const report = await guard(createSubnetEvent(REGION, vpc, subnet), { FLOWFIX_SCOPE: 'subnet' });

    expect(report.exitCode).toBe(0);
    expect(report.argv).toContain('--scope=subnet');
    expect(report.trigger).toMatchObject({ eventName: 'CreateSubnet', resourceIds: [subnet, vpc] });
    expect(flowfixLogsOn(fake, REGION, subnet)).toHaveLength(1);
  });

  test('GIVEN the stack parameters as FLOWFIX_* variables THEN the flow log and log group follow them', async () => {
    const vpc = fake.addVpc(REGION);

    const report = await guard(createVpcEvent(REGION, vpc), {
      FLOWFIX_TRAFFIC_TYPE: 'ALL',
      FLOWFIX_LOG_GROUP: '/flowfix/org-flow-logs',
      FLOWFIX_RETENTION: '731',
      FLOWFIX_TAG: 'CostCenter=sec,Owner=platform',
    });

    expect(report.exitCode).toBe(0);
    expect(flowfixLogsOn(fake, REGION, vpc)[0]).toMatchObject({ LogGroupName: '/flowfix/org-flow-logs', TrafficType: 'ALL' });
    expect(fake.logGroup(REGION, '/flowfix/org-flow-logs')).toMatchObject({
      retentionInDays: 731,
      tags: { ManagedBy: 'flowfix', CostCenter: 'sec', Owner: 'platform' },
    });
  });

  test("GIVEN DeleteFlowLogs of a user's own flow log on a VPC flowfix also covers THEN the guard changes nothing and reports the deletion", async () => {
    const vpc = fake.addVpc(REGION);
    await guard(scheduledEvent(REGION));
    const users = fake.addFlowLog(REGION, { resourceId: vpc, trafficType: 'ALL', destinationType: 's3', destination: 'arn:aws:s3:::team-logs' });
    fake.removeFlowLog(REGION, users);
    const before = fake.calls.length;

    const report = await guard(deleteFlowLogsEvent(REGION, [users]));

    expect(report.exitCode).toBe(0);
    expect(report.trigger).toMatchObject({ eventName: 'DeleteFlowLogs', deletedFlowLogIds: [users] });
    expect(report.changed).toEqual([]);
    expect(mutatingOperations(fake.calls.slice(before))).toEqual([]);
  });

  test('GIVEN someone deletes the flow log that covered a VPC WHEN DeleteFlowLogs arrives THEN the VPC is covered again', async () => {
    const vpc = fake.addVpc(REGION);
    await guard(createVpcEvent(REGION, vpc));
    const [ours] = flowfixLogsOn(fake, REGION, vpc);
    fake.removeFlowLog(REGION, ours!.FlowLogId!);
    expect(flowfixLogsOn(fake, REGION, vpc)).toEqual([]);

    const report = await guard(deleteFlowLogsEvent(REGION, [ours!.FlowLogId!]));

    expect(report.exitCode).toBe(0);
    expect(flowfixLogsOn(fake, REGION, vpc)).toHaveLength(1);
    expect(report.changed.map((c) => c.kind)).toContain('create-flow-logs');
  });

  test('GIVEN the daily schedule THEN every VPC of the region without a working flow log is fixed, and a second sweep changes nothing', async () => {
    const vpcs = [fake.addVpc(REGION), fake.addVpc(REGION), fake.addVpc(REGION)];
    fake.addFlowLog(REGION, { resourceId: vpcs[0]!, trafficType: 'ACCEPT', logGroupName: '/accept-only' });

    const sweep = await guard(scheduledEvent(REGION));
    const before = fake.calls.length;
    const again = await guard(scheduledEvent(REGION));

    expect(sweep.exitCode).toBe(0);
    expect(sweep.trigger).toEqual({ kind: 'schedule', region: REGION });
    for (const vpc of vpcs) expect(flowfixLogsOn(fake, REGION, vpc)).toHaveLength(1);
    expect(again.exitCode).toBe(0);
    expect(mutatingOperations(fake.calls.slice(before))).toEqual([]);
  });

  test("GIVEN CreateFlowLogs is denied WHEN the guard runs THEN it fails loudly: exit 1 in the report, AWS's code in the apply outcomes", async () => {
    const vpc = fake.addVpc(REGION);
    fake.denyAction('CreateFlowLogs');

    const report = await guard(createVpcEvent(REGION, vpc));

    expect(report.exitCode).toBe(1);
    const outcomes = (report.apply as { outcomes: { kind: string; status: string; code?: string }[] }).outcomes;
    expect(outcomes.find((o) => o.kind === 'create-flow-logs')).toMatchObject({ status: 'failed', code: 'UnauthorizedOperation' });
  });

  test("GIVEN the function's region denied by an organization policy (a landing zone SCP) THEN the guard sends no write, names the policy, and fails: nothing in its region could be checked", async () => {
    fake.addVpc(REGION);
    const policyArn = fake.denyRegionByPolicy(REGION);

    const report = await guard(scheduledEvent(REGION));

    expect(fake.mutatingCalls()).toEqual([]);
    expect(JSON.stringify(report.apply)).toContain(policyArn);
    // Its only region is denied: a guard that can check nothing says so (Lambda counts the failure).
    expect(report.exitCode).toBe(1);
  });

  test("GIVEN a failed CreateVpc, another region's event, or anything else THEN the guard ignores it without a call", async () => {
    for (const event of [failedCreateVpcEvent(REGION), createVpcEvent('eu-west-1', 'vpc-0123456789abcdef0'), { hello: 'world' }, 'not json', null]) {
      const report = await guard(event);
      expect(report.trigger.kind).toBe('ignored');
      expect(report.exitCode).toBe(0);
    }
    expect(fake.calls).toEqual([]);
  });

  test('GIVEN a variable that would move the guard (FLOWFIX_ASSUME_ROLE) or is no setting THEN it refuses before any call', async () => {
    const moved = await guard(scheduledEvent(REGION), { FLOWFIX_ASSUME_ROLE: 'Admin' });
    const unknown = await guard(scheduledEvent(REGION), { FLOWFIX_TRAFIC_TYPE: 'ALL' });
    const bad = await guard(scheduledEvent(REGION), { FLOWFIX_TRAFFIC_TYPE: 'SOME' });

    expect(moved).toMatchObject({ exitCode: 1, messages: [expect.stringContaining('FLOWFIX_ASSUME_ROLE cannot be set for the guard')] });
    expect(unknown).toMatchObject({ exitCode: 1, messages: [expect.stringContaining('FLOWFIX_TRAFIC_TYPE is not a flowfix setting')] });
    expect(bad.exitCode).toBe(1);
    expect(bad.messages.join('\n')).toMatch(/traffic-type/);
    expect(fake.calls).toEqual([]);
  });
});

describe('reading events (pure)', () => {
  test('GIVEN hostile strings where ids belong THEN only well-formed ids are taken', () => {
    const event = createVpcEvent(REGION, 'vpc-0123456789abcdef0') as {
      detail: { responseElements: { vpc: Record<string, unknown> }; userIdentity: { arn: string } };
    };
    event.detail.responseElements.vpc['tagSet'] = {
      items: [
        { key: 'Name', value: 'vpc-0000000\u001b[2J' },
        { key: 'x', value: 'subnet-abc;rm -rf /' },
      ],
    };
    event.detail.userIdentity.arn = 'arn:aws:sts::111111111111:assumed-role/x/\u001b]0;pwned\u0007';

    const trigger = guardTrigger(event, REGION);

    expect(trigger).toMatchObject({ kind: 'cloudtrail', resourceIds: ['vpc-0123456789abcdef0'] });
    expect(trigger).not.toHaveProperty('actor');
  });

  test('GIVEN settings variables THEN each becomes its flag, repeatable ones once per value, in a stable order', () => {
    expect(
      guardSettingsArgv({ FLOWFIX_TAG: 'A=1, B=2', FLOWFIX_SKIP_DEFAULT_VPCS: 'true', FLOWFIX_SCOPE: 'vpc', PATH: '/usr/bin', FLOWFIX_KMS_KEY: '' }),
    ).toEqual(['--scope=vpc', '--skip-default-vpcs', '--tag=A=1', '--tag=B=2']);
    expect(() => guardSettingsArgv({ FLOWFIX_SKIP_DEFAULT_VPCS: 'yes' })).toThrow(/must be true or false/);
  });
});

describe('the guard over HTTP, as against any AWS-compatible endpoint', () => {
  test('GIVEN EC2 throttles the first calls WHEN the guard runs THEN the SDK retries and the VPC is covered', async () => {
    const fake = new FakeAws();
    const server = await serveFakeAws(fake);
    let restoreEnv = () => {};
    try {
      const vpc = fake.addVpc(REGION);
      fake.failNext('DescribeVpcs', { name: 'RequestLimitExceeded', message: 'Request limit exceeded.', httpStatusCode: 503 }, { region: REGION, times: 2 });
      fake.failNext('CreateFlowLogs', { name: 'RequestLimitExceeded', message: 'Request limit exceeded.', httpStatusCode: 503 }, { region: REGION, times: 1 });

      // As in a function: the SDK reads the endpoint and keys from the process environment too.
      const env = { AWS_ENDPOINT_URL: server.url, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };
      restoreEnv = setProcessEnv(env);
      const report = await guard(createVpcEvent(REGION, vpc), env);

      expect(report.exitCode).toBe(0);
      // Two throttled answers, then the read (verification reads again after applying).
      expect(fake.calls.filter((c) => c.operation === 'DescribeVpcs' && c.region === REGION).length).toBeGreaterThanOrEqual(3);
      expect(fake.calls.filter((c) => c.operation === 'CreateFlowLogs')).toHaveLength(2);
      expect(flowfixLogsOn(fake, REGION, vpc)).toHaveLength(1);
    } finally {
      restoreEnv();
      await server.close();
      fake.restore();
    }
  });
});
