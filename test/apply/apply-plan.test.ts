// applyPlan over the in-memory AWS with a fake clock: retries, blockers, unreadable regions, dry runs,
// Ctrl-C and FlowLogAlreadyExists, without waiting and without the SDK.
import { applyPlan, type ApplyOptions } from '../../src/apply/apply-plan.js';
import type { ApplyReport, Outcome } from '../../src/apply/types.js';
import type { Settings } from '../../src/config/settings.js';
import type { VpcFacts } from '../../src/facts/resources.js';
import { collectInventory } from '../../src/inventory/collect-inventory.js';
import type { Inventory } from '../../src/inventory/types.js';
import type { Plan } from '../../src/plan/types.js';
import { loadPolicyTemplates } from '../../src/policy/templates.js';
import { assessInventory } from '../../src/workflow/assess.js';
import { ACCOUNT, flowLog, role, settings } from '../helpers/builders.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { awsError, MemoryAws, type MemoryCall } from '../helpers/memory-aws.js';
import { openIfStuck } from '../helpers/timeouts.js';

const VPC_A = 'vpc-0a000001';
const VPC_B = 'vpc-0a000002';
const VPC_EU = 'vpc-0b000001';
const VPC_NEW = 'vpc-0a000003';
const GROUP = '/flowfix/vpc-flow-logs';
const ASSUME = 'Unable to assume given IAM role: arn:aws:iam::123456789012:role/flowfix-vpc-flow-logs';
const S3 = settings({ destination: { type: 's3', bucket: 'flow-logs-bucket', prefix: '' } });

const vpc = (vpcId: string): VpcFacts => ({ vpcId, ownerId: ACCOUNT, isDefault: false });

/** us-east-1 with two VPCs and eu-west-1 with one, nothing else: a fresh account. */
const freshAccount = (extra: ConstructorParameters<typeof MemoryAws>[0] = {}) =>
  new MemoryAws({ regions: { 'us-east-1': { vpcs: [vpc(VPC_A), vpc(VPC_B)] }, 'eu-west-1': { vpcs: [vpc(VPC_EU)] } }, ...extra });

/** The plan for the account as it is now, and live state re-read just before applying. */
async function planFor(aws: MemoryAws, s: Settings = settings()): Promise<{ plan: Plan; live: Inventory }> {
  const { plan } = assessInventory(await collectInventory(aws, s), s, loadPolicyTemplates(), new Date(0));
  return { plan, live: await collectInventory(aws, s) };
}

async function apply(aws: MemoryAws, plan: Plan, live: Inventory, options: Partial<ApplyOptions> = {}) {
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock();
  const from = aws.calls.length;
  const report = await applyPlan(plan, { clients: aws, live, dryRun: false, clock, ...options });
  return { report, clock, sent: aws.calls.slice(from) };
}

/** "kind region resource" → status, whatever order the regions finished in. */
const statuses = (report: ApplyReport) => Object.fromEntries(report.outcomes.map((o) => [`${o.kind} ${o.region} ${o.resourceId}`, o.status]));
const outcomeOf = (report: ApplyReport, resourceId: string, kind: Outcome['kind'] = 'create-flow-logs') =>
  report.outcomes.find((o) => o.resourceId === resourceId && o.kind === kind);
const writes = (calls: MemoryCall[]) => calls.filter((c) => !/^(Describe|Get|List)/.test(c.operation));
const ops = (calls: MemoryCall[]) => calls.map((c) => `${c.region} ${c.operation}`);

describe('applyPlan', () => {
  test('GIVEN a fresh account WHEN applied THEN every action is sent once, in plan order per region, and the estate is fixed', async () => {
    const aws = freshAccount();
    const { plan, live } = await planFor(aws);

    const { report, sent } = await apply(aws, plan, live);

    expect(new Set(Object.values(statuses(report)))).toEqual(new Set(['applied']));
    expect(ops(writes(sent)).filter((op) => op.startsWith('us-east-1') || op.startsWith('global'))).toEqual([
      'global CreateRole',
      'global PutRolePolicy',
      'us-east-1 CreateLogGroup',
      'us-east-1 PutRetentionPolicy',
      'us-east-1 CreateFlowLogs',
    ]);
    expect(aws.regions['us-east-1']?.flowLogs.map((f) => f.resourceId).sort()).toEqual([VPC_A, VPC_B]);
    expect(aws.regions['eu-west-1']?.logGroups[GROUP]?.retentionInDays).toBe(365);
    expect(report.interrupted).toBe(false);
  });

  test('GIVEN three regions to fix WHEN applied THEN every region starts at once (none waits for another), and each region sends one call at a time', async () => {
    const regions = ['ap-south-1', 'eu-west-1', 'us-east-1'];
    const aws = new MemoryAws({ regions: Object.fromEntries(regions.map((region, i) => [region, { vpcs: [vpc(`vpc-0c00000${i}`)] }])) });
    const { plan, live } = await planFor(aws);
    // A gate, not a clock: no CreateLogGroup is answered until every region has sent one (the fallback keeps a failing run from hanging).
    const arrived = new Set<string>();
    const inFlight = new Map<string, number>();
    let peakPerRegion = 0;
    let arrivedWhenOpened: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const open = () => {
      if (arrivedWhenOpened.length === 0) arrivedWhenOpened = [...arrived].sort();
      release();
    };
    const cancelFallback = openIfStuck(open);
    const logs = aws.logs.bind(aws);
    aws.logs = (region) => {
      const api = logs(region);
      const counted =
        <A extends unknown[], R>(send: (...args: A) => Promise<R>) =>
        async (...args: A): Promise<R> => {
          inFlight.set(region, (inFlight.get(region) ?? 0) + 1);
          peakPerRegion = Math.max(peakPerRegion, inFlight.get(region)!);
          try {
            return await send(...args);
          } finally {
            inFlight.set(region, inFlight.get(region)! - 1);
          }
        };
      return {
        ...api,
        putRetentionPolicy: counted(api.putRetentionPolicy),
        createLogGroup: counted(async (input: Parameters<typeof api.createLogGroup>[0]) => {
          arrived.add(region);
          if (arrived.size === regions.length) open();
          await gate;
          return api.createLogGroup(input);
        }),
      };
    };

    const { report } = await apply(aws, plan, live);
    cancelFallback();

    expect(arrivedWhenOpened).toEqual(regions);
    expect(peakPerRegion).toBe(1);
    expect(new Set(Object.values(statuses(report)))).toEqual(new Set(['applied']));
  });

  describe('IAM propagation after CreateRole', () => {
    test('GIVEN "Unable to assume given IAM role" for 6 attempts WHEN applied THEN it waits 2, 4, 8, then 15 s (capped) and succeeds', async () => {
      const aws = freshAccount().rejectResource('us-east-1', VPC_A, 'InvalidParameter', ASSUME, 6);
      const { plan, live } = await planFor(aws);

      const { report, clock, sent } = await apply(aws, plan, live);

      expect(clock.sleeps).toEqual([2000, 4000, 8000, 15000, 15000, 15000]);
      expect(outcomeOf(report, VPC_A)?.status).toBe('applied');
      expect(outcomeOf(report, VPC_B)?.status).toBe('applied');
      const attempts = sent.filter((c) => c.operation === 'CreateFlowLogs' && c.region === 'us-east-1');
      expect(attempts.map((c) => c.input.ResourceIds)).toEqual([[VPC_A, VPC_B], [VPC_A], [VPC_A], [VPC_A], [VPC_A], [VPC_A], [VPC_A]]);
      // Each attempt is a new request: the same token would replay the first answer.
      expect(new Set(attempts.map((c) => c.input.ClientToken)).size).toBe(attempts.length);
    });

    test('GIVEN the role never becomes assumable WHEN applied with a 20 s window THEN it gives up with a failed outcome naming the time', async () => {
      const aws = freshAccount().rejectResource('us-east-1', VPC_A, 'InvalidParameter', ASSUME);
      const { plan, live } = await planFor(aws);

      const { report, clock, sent } = await apply(aws, plan, live, { roleRetryWindowMs: 20_000 });

      expect(clock.sleeps).toEqual([2000, 4000, 8000, 15000]);
      expect(sent.filter((c) => c.operation === 'CreateFlowLogs' && c.region === 'us-east-1')).toHaveLength(5);
      expect(outcomeOf(report, VPC_A)).toMatchObject({
        status: 'failed',
        code: 'InvalidParameter',
        message: `${ASSUME}; still failing after 29s (check the role's trust policy)`,
      });
      expect(outcomeOf(report, VPC_B)?.status).toBe('applied');
    });

    test('GIVEN an existing role whose policy this run put WHEN "Unable to assume" persists THEN it is retried for 30 s only, whatever the window', async () => {
      const aws = freshAccount({ role: role({ permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/flowfix-delivery-boundary` }) }).rejectResource(
        'us-east-1',
        VPC_A,
        'InvalidParameter',
        ASSUME,
      );
      const { plan, live } = await planFor(aws);
      expect(plan.actions.map((a) => a.kind)).not.toContain('create-role');

      const { report, clock } = await apply(aws, plan, live, { roleRetryWindowMs: 120_000 });

      expect(clock.sleeps).toEqual([2000, 4000, 8000, 15000, 15000]);
      expect(outcomeOf(report, VPC_A)).toMatchObject({ status: 'failed', message: expect.stringContaining('still failing after 44s') });
    });

    test('GIVEN a role this run did not change WHEN "Unable to assume" THEN no wait for IAM propagation: it fails at once, naming the trust policy', async () => {
      const aws = freshAccount();
      const first = await planFor(aws);
      await apply(aws, first.plan, first.live); // role, policy and log groups in place: nothing left to change on the role
      aws.regions['us-east-1']!.vpcs.push(vpc(VPC_NEW));
      aws.rejectResource('us-east-1', VPC_NEW, 'InvalidParameter', ASSUME);
      const { plan, live } = await planFor(aws);
      expect(plan.actions.map((a) => a.kind)).toEqual(['create-flow-logs']);

      const { report, clock } = await apply(aws, plan, live, { roleRetryWindowMs: 120_000 });

      expect(clock.sleeps).toEqual([]);
      expect(outcomeOf(report, VPC_NEW)).toMatchObject({
        status: 'failed',
        message: expect.stringMatching(/not IAM propagation: check the role's trust policy/),
      });
    });

    test('GIVEN another per-resource failure WHEN applied THEN that resource fails with AWS code and message, without retry, and the others apply', async () => {
      const aws = freshAccount().rejectResource('us-east-1', VPC_A, 'InvalidParameter', 'The log group is in another account');
      const { plan, live } = await planFor(aws);

      const { report, clock } = await apply(aws, plan, live);

      expect(clock.sleeps).toEqual([]);
      expect(outcomeOf(report, VPC_A)).toMatchObject({ status: 'failed', code: 'InvalidParameter', message: 'The log group is in another account' });
      expect(outcomeOf(report, VPC_B)?.status).toBe('applied');
      expect(outcomeOf(report, VPC_EU)?.status).toBe('applied');
    });
  });

  describe('failed prerequisites', () => {
    test('GIVEN CreateRole is denied WHEN applied THEN the policy and CloudWatch flow logs are blocked, S3 flow logs and log groups are not', async () => {
      const aws = freshAccount()
        .grantOperatorPolicy('operator-apply-s3.json', { BucketName: 'flow-logs-bucket' })
        .fail('CreateRole', awsError('AccessDenied', 'User is not authorized to perform: iam:CreateRole', 403));
      const cloudWatch = await planFor(aws, settings({ regions: ['us-east-1'] }));
      const s3 = await planFor(aws, { ...S3, regions: ['eu-west-1'] });
      const plan: Plan = { ...cloudWatch.plan, actions: [...cloudWatch.plan.actions, ...s3.plan.actions] };
      const live = await collectInventory(aws, settings({ regions: ['us-east-1', 'eu-west-1'] }));

      const { report, sent } = await apply(aws, plan, live);

      expect(statuses(report)).toEqual({
        'create-role global flowfix-vpc-flow-logs': 'failed',
        'put-role-policy global flowfix-vpc-flow-logs': 'skipped',
        [`create-log-group us-east-1 ${GROUP}`]: 'applied',
        [`put-retention-policy us-east-1 ${GROUP}`]: 'applied',
        [`create-flow-logs us-east-1 ${VPC_A}`]: 'skipped',
        [`create-flow-logs us-east-1 ${VPC_B}`]: 'skipped',
        [`create-flow-logs eu-west-1 ${VPC_EU}`]: 'applied',
      });
      expect(outcomeOf(report, 'flowfix-vpc-flow-logs', 'create-role')).toMatchObject({
        code: 'AccessDenied',
        message: expect.stringContaining('iam:CreateRole'),
      });
      expect(outcomeOf(report, 'flowfix-vpc-flow-logs', 'put-role-policy')?.detail).toBe('delivery role not ready: create-role failed');
      expect(outcomeOf(report, VPC_A)?.detail).toBe('delivery role not ready: create-role failed');
      expect(ops(writes(sent))).not.toContain('global PutRolePolicy');
      expect(ops(writes(sent)).filter((op) => op.endsWith('CreateFlowLogs'))).toEqual(['eu-west-1 CreateFlowLogs']);
    });

    test('GIVEN CreateLogGroup fails in one region WHEN applied THEN its retention and flow logs are skipped there and the other region is applied', async () => {
      const aws = freshAccount().fail('CreateLogGroup', awsError('LimitExceededException', 'Resource limit exceeded.'), { region: 'us-east-1' });
      const { plan, live } = await planFor(aws);

      const { report } = await apply(aws, plan, live);

      expect(
        report.outcomes
          .filter((o) => o.kind === 'create-log-group')
          .map((o) => [o.region, o.status, o.code])
          .sort(),
      ).toEqual([
        ['eu-west-1', 'applied', undefined],
        ['us-east-1', 'failed', 'LimitExceededException'],
      ]);
      expect(report.outcomes.filter((o) => o.region === 'us-east-1' && o.kind !== 'create-log-group').map((o) => [o.resourceId, o.status, o.detail])).toEqual(
        expect.arrayContaining([
          [GROUP, 'skipped', `log group ${GROUP} could not be created`],
          [VPC_A, 'skipped', `log group ${GROUP} could not be created`],
        ]),
      );
      expect(outcomeOf(report, VPC_EU)?.status).toBe('applied');
    });
  });

  describe('a log group created by someone else after the live read', () => {
    test.each([
      ['never expires', undefined],
      ['keeps 10 years', 3653],
    ])('GIVEN it %s WHEN CreateLogGroup answers already-exists THEN it counts as done and its retention is left as is', async (_name, retentionInDays) => {
      const aws = freshAccount();
      const { plan, live } = await planFor(aws, settings({ regions: ['us-east-1'] }));
      aws.regions['us-east-1']!.logGroups[GROUP] = {
        name: GROUP,
        arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${GROUP}:*`,
        tags: {},
        ...(retentionInDays ? { retentionInDays } : {}),
      };

      const { report, sent } = await apply(aws, plan, live);

      expect(outcomeOf(report, GROUP, 'create-log-group')).toMatchObject({ status: 'already-done' });
      expect(outcomeOf(report, GROUP, 'put-retention-policy')?.status).toBe('skipped');
      expect(ops(writes(sent))).not.toContain('us-east-1 PutRetentionPolicy');
      expect(aws.regions['us-east-1']?.logGroups[GROUP]?.retentionInDays).toBe(retentionInDays);
      expect(outcomeOf(report, VPC_A)?.status).toBe('applied');
    });
  });

  test('GIVEN eu-west-1 could not be re-read WHEN applied THEN only its actions fail, with the read error, and nothing is sent there', async () => {
    const aws = freshAccount();
    const { plan } = await planFor(aws);
    aws.fail('DescribeVpcs', awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403), { region: 'eu-west-1' });
    const live = await collectInventory(aws, settings());

    const { report, sent } = await apply(aws, plan, live);

    const eu = report.outcomes.filter((o) => o.region === 'eu-west-1');
    expect(eu.map((o) => o.kind)).toEqual(['create-log-group', 'put-retention-policy', 'create-flow-logs']);
    for (const o of eu)
      expect(o).toMatchObject({
        status: 'failed',
        code: 'UnauthorizedOperation',
        message: 'live state unreadable: You are not authorized to perform this operation.',
      });
    expect(report.outcomes.filter((o) => o.region !== 'eu-west-1').every((o) => o.status === 'applied')).toBe(true);
    expect(writes(sent).filter((c) => c.region === 'eu-west-1')).toEqual([]);
  });

  describe('dry run', () => {
    test('GIVEN a fresh account WHEN dry-run THEN only DryRun CreateFlowLogs probes are sent, one per region, and nothing changes', async () => {
      const aws = freshAccount();
      const { plan, live } = await planFor(aws);

      const { report, sent } = await apply(aws, plan, live, { dryRun: true });

      expect(
        writes(sent)
          .map((c) => [c.region, c.operation, c.input.DryRun])
          .sort(),
      ).toEqual([
        ['eu-west-1', 'CreateFlowLogs', true],
        ['us-east-1', 'CreateFlowLogs', true],
      ]);
      expect(new Set(Object.values(statuses(report)))).toEqual(new Set(['dry-run']));
      // The exact call is shown once per action; each resource's line points at it.
      const createRole = outcomeOf(report, 'flowfix-vpc-flow-logs', 'create-role')!;
      expect(createRole.detail).toBe(`would be sent in call ${createRole.actionId.split('-')[0]}`);
      expect(report.dryRunCalls.find((c) => c.actionId === createRole.actionId)).toMatchObject({
        call: 'iam:CreateRole',
        input: { RoleName: 'flowfix-vpc-flow-logs' },
      });
      expect(report.dryRunProbes.sort((a, b) => a.region.localeCompare(b.region))).toEqual([
        { region: 'eu-west-1', allowed: true, code: 'DryRunOperation' },
        { region: 'us-east-1', allowed: true, code: 'DryRunOperation' },
      ]);
      expect(aws.role).toBeNull();
      expect(Object.values(aws.regions).flatMap((r) => [...r.flowLogs, ...Object.keys(r.logGroups)])).toEqual([]);
    });

    test('GIVEN CreateFlowLogs is unauthorized in one region WHEN dry-run THEN that probe is refused with what to grant', async () => {
      const aws = freshAccount().fail('CreateFlowLogs', awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403), {
        region: 'eu-west-1',
      });
      const { plan, live } = await planFor(aws);

      const { report } = await apply(aws, plan, live, { dryRun: true });

      expect(report.dryRunProbes.find((p) => p.region === 'eu-west-1')).toEqual({
        region: 'eu-west-1',
        allowed: false,
        code: 'UnauthorizedOperation',
        message: expect.stringContaining('iam:PassRole'),
      });
      expect(report.dryRunProbes.find((p) => p.region === 'us-east-1')?.allowed).toBe(true);
    });
  });

  describe('Ctrl-C', () => {
    test('GIVEN the signal is aborted before applying WHEN applied THEN every resource is not-started and nothing is sent', async () => {
      const aws = freshAccount();
      const { plan, live } = await planFor(aws);
      const controller = new AbortController();
      controller.abort();

      const { report, sent } = await apply(aws, plan, live, { signal: controller.signal });

      expect(new Set(Object.values(statuses(report)))).toEqual(new Set(['not-started']));
      expect(report.outcomes.every((o) => o.detail === 'interrupted before this call')).toBe(true);
      expect(writes(sent)).toEqual([]);
      expect(report.interrupted).toBe(true);
    });

    test('GIVEN Ctrl-C while CreateRole is in flight WHEN applied THEN CreateRole completes and nothing after it starts', async () => {
      const aws = freshAccount();
      const { plan, live } = await planFor(aws);
      const controller = new AbortController();
      aws.onCall = (call) => {
        if (call.operation === 'CreateRole') controller.abort();
      };

      const { report, sent } = await apply(aws, plan, live, { signal: controller.signal });

      expect(ops(writes(sent))).toEqual(['global CreateRole']);
      expect(outcomeOf(report, 'flowfix-vpc-flow-logs', 'create-role')?.status).toBe('applied');
      expect(report.outcomes.filter((o) => o.kind !== 'create-role').every((o) => o.status === 'not-started')).toBe(true);
      expect(aws.role?.roleName).toBe('flowfix-vpc-flow-logs');
    });

    test('GIVEN Ctrl-C during the IAM propagation wait WHEN applied THEN the retry is not sent and the resource is not-started', async () => {
      const aws = freshAccount().rejectResource('us-east-1', VPC_A, 'InvalidParameter', ASSUME);
      const { plan, live } = await planFor(aws, settings({ regions: ['us-east-1'] }));
      const controller = new AbortController();
      const clock = new FakeClock();
      clock.onSleep = () => controller.abort();

      const { report, sent } = await apply(aws, plan, live, { signal: controller.signal, clock });

      expect(sent.filter((c) => c.operation === 'CreateFlowLogs')).toHaveLength(1);
      expect(outcomeOf(report, VPC_A)).toMatchObject({ status: 'not-started', detail: 'interrupted before this call' });
      expect(outcomeOf(report, VPC_B)?.status).toBe('applied');
      expect(report.interrupted).toBe(true);
    });
  });

  describe('FlowLogAlreadyExists', () => {
    const oneRegion = settings({ regions: ['us-east-1'] });

    test('GIVEN a working flow log appeared after the live read WHEN AWS answers FlowLogAlreadyExists THEN listing settles it as already-done', async () => {
      const aws = freshAccount();
      const { plan, live } = await planFor(aws, oneRegion);
      const appeared = flowLog(VPC_A, { flowLogId: 'fl-0000000000000ffff' });
      aws.regions['us-east-1']!.flowLogs.push(appeared);

      const { report, sent } = await apply(aws, plan, live);

      expect(outcomeOf(report, VPC_A)).toMatchObject({ status: 'already-done', detail: 'has working flow log fl-0000000000000ffff' });
      expect(outcomeOf(report, VPC_B)?.status).toBe('applied');
      expect(ops(sent.filter((c) => /FlowLogs$/.test(c.operation)))).toEqual(['us-east-1 CreateFlowLogs', 'us-east-1 DescribeFlowLogs']);
    });

    test('GIVEN AWS answers FlowLogAlreadyExists once but lists nothing WHEN applied THEN the id is retried and created', async () => {
      const aws = freshAccount().rejectResource('us-east-1', VPC_A, 'FlowLogAlreadyExists', 'exists', 1);
      const { plan, live } = await planFor(aws, oneRegion);

      const { report, sent } = await apply(aws, plan, live);

      expect(outcomeOf(report, VPC_A)?.status).toBe('applied');
      expect(sent.filter((c) => c.operation === 'CreateFlowLogs').map((c) => c.input.ResourceIds)).toEqual([[VPC_A, VPC_B], [VPC_A]]);
      expect(aws.regions['us-east-1']?.flowLogs.filter((f) => f.resourceId === VPC_A)).toHaveLength(1);
    });

    test('GIVEN AWS keeps answering FlowLogAlreadyExists and lists nothing WHEN applied THEN it fails after 3 rounds', async () => {
      const aws = freshAccount().rejectResource('us-east-1', VPC_A, 'FlowLogAlreadyExists', 'exists');
      const { plan, live } = await planFor(aws, oneRegion);

      const { report, sent, clock } = await apply(aws, plan, live);

      expect(ops(sent.filter((c) => /FlowLogs$/.test(c.operation)))).toEqual([
        'us-east-1 CreateFlowLogs',
        'us-east-1 DescribeFlowLogs',
        'us-east-1 CreateFlowLogs',
        'us-east-1 DescribeFlowLogs',
        'us-east-1 CreateFlowLogs',
        'us-east-1 DescribeFlowLogs',
      ]);
      expect(clock.sleeps).toEqual([2000, 4000]);
      expect(outcomeOf(report, VPC_A)).toMatchObject({
        status: 'failed',
        code: 'FlowLogAlreadyExists',
        message: 'AWS keeps answering FlowLogAlreadyExists but lists no flow log on it',
      });
    });

    test('GIVEN the whole call throws FlowLogAlreadyExists and a FAILED identical flow log is listed WHEN applied THEN it fails with the delete command', async () => {
      const aws = freshAccount().fail('CreateFlowLogs', awsError('FlowLogAlreadyExists', 'exists'), { times: 1 });
      const { plan, live } = await planFor(aws, oneRegion);
      const broken = flowLog(VPC_A, { flowLogId: 'fl-0000000000000dead', deliverLogsStatus: 'FAILED', deliverLogsErrorMessage: 'Access error' });
      aws.regions['us-east-1']!.flowLogs.push(broken);

      const { report } = await apply(aws, plan, live);

      expect(outcomeOf(report, VPC_A)).toMatchObject({
        status: 'failed',
        code: 'FlowLogAlreadyExists',
        message: expect.stringContaining('aws ec2 delete-flow-logs --flow-log-ids fl-0000000000000dead'),
      });
      expect(outcomeOf(report, VPC_B)?.status).toBe('applied');
    });

    test('GIVEN listing fails while settling FlowLogAlreadyExists WHEN applied THEN the id fails with the listing error', async () => {
      const aws = freshAccount().rejectResource('us-east-1', VPC_A, 'FlowLogAlreadyExists', 'exists');
      const { plan, live } = await planFor(aws, oneRegion);
      aws.fail('DescribeFlowLogs', awsError('RequestLimitExceeded', 'Request limit exceeded.', 503));

      const { report } = await apply(aws, plan, live);

      expect(outcomeOf(report, VPC_A)).toMatchObject({ status: 'failed', code: 'RequestLimitExceeded' });
      expect(outcomeOf(report, VPC_B)?.status).toBe('applied');
    });
  });
});
