import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { applyCommand } from '../../src/cli/commands/apply.js';
import { toCommandOptions } from '../../src/cli/options.js';
import { PromptCancelled } from '../../src/io/prompter.js';
import { failureBlock } from '../helpers/apply-output.js';
import { captureIo, runFlowfix } from '../helpers/capture-io.js';
import { DEFAULT_BOUNDARY, FAKE_ACCOUNT, FakeAws } from '../helpers/fake-aws.js';
import { FakeClock } from '../helpers/fake-clock.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const run = (argv: string[]) => runFlowfix(argv, { env: ENV });
const GROUP = '/flowfix/vpc-flow-logs';

/** Two regions: one VPC without flow logs each, one compliant VPC, one ACCEPT-only VPC. */
function seedEstate(fake: FakeAws) {
  const bare = fake.addVpc('us-east-1', { name: 'bare' });
  fake.addSubnet('us-east-1', bare);
  const ok = fake.addVpc('us-east-1', { name: 'ok' });
  fake.addFlowLog('us-east-1', { resourceId: ok, trafficType: 'ALL', destinationType: 's3', destination: 'arn:aws:s3:::logs' });
  const acceptOnly = fake.addVpc('eu-west-1', { name: 'accept-only' });
  fake.addFlowLog('eu-west-1', { resourceId: acceptOnly, trafficType: 'ACCEPT', logGroupName: '/other' });
  const euBare = fake.addVpc('eu-west-1', { name: 'eu-bare' });
  return { bare, ok, acceptOnly, euBare };
}

describe('flowfix apply against a stateful fake', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws({ pageSize: 2 }).install();
  });
  afterEach(() => fake.restore());

  test('GIVEN findings WHEN plan → apply --yes → plan THEN the account converges and the second plan exits 0', async () => {
    const { bare, acceptOnly, euBare, ok } = seedEstate(fake);

    const before = await run(['plan']);
    expect(before.code).toBe(2);

    const applied = await run(['apply', '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    // Created just now, on VPCs without network interfaces: nothing can reach the log group, so not "delivering".
    expect(applied.stdout).toMatch(
      /Verification: 0\/3 delivering \(log stream or object seen since creation\), 3 with no network interfaces: nothing to log yet\n/,
    );

    const role = fake.role('flowfix-vpc-flow-logs');
    expect(role?.tags).toEqual({ ManagedBy: 'flowfix' });
    expect(Object.keys(role?.inlinePolicies ?? {})).toEqual(['flowfix-publish-flow-logs']);
    for (const region of ['us-east-1', 'eu-west-1']) expect(fake.logGroup(region, GROUP)?.retentionInDays).toBe(365);
    const newLogs = [...fake.flowLogs('us-east-1'), ...fake.flowLogs('eu-west-1')].filter((f) => f.LogGroupName === GROUP);
    expect(newLogs.map((f) => f.ResourceId).sort()).toEqual([bare, acceptOnly, euBare].sort());
    expect(newLogs.every((f) => f.TrafficType === 'REJECT' && f.Tags?.some((t) => t.Key === 'ManagedBy' && t.Value === 'flowfix'))).toBe(true);
    expect(fake.flowLogs('us-east-1').filter((f) => f.ResourceId === ok)).toHaveLength(1);

    const after = await run(['plan']);
    expect(after.code).toBe(0);
  });

  test('GIVEN an applied account WHEN apply runs again THEN it sends zero mutating calls', async () => {
    seedEstate(fake);
    await run(['apply', '--yes']);
    const callsBefore = fake.calls.length;

    const again = await run(['apply', '--yes']);

    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to apply');
    expect(fake.mutatingCalls().filter((c) => fake.calls.indexOf(c) >= callsBefore)).toEqual([]);
  });

  test('GIVEN findings WHEN apply --dry-run THEN zero mutating calls, a DryRun probe per region, and the calls are printed', async () => {
    seedEstate(fake);

    const dry = await run(['apply', '--dry-run']);

    expect(fake.mutatingCalls()).toEqual([]);
    const probes = fake.calls.filter((c) => c.operation === 'CreateFlowLogs');
    expect(probes.map((c) => [c.region, c.input.DryRun])).toEqual(
      expect.arrayContaining([
        ['us-east-1', true],
        ['eu-west-1', true],
      ]),
    );
    expect(dry.stdout).toContain('dry run us-east-1: CreateFlowLogs would be allowed (DryRunOperation)');
    expect(dry.stdout).toMatch(/^\s+01\s+global\s+iam:CreateRole\s+\{"RoleName":"flowfix-vpc-flow-logs"/m);
    expect(dry.stdout).toMatch(/^dry-run\s+global\s+flowfix-vpc-flow-logs\s+create-role\s+would be sent in call 01$/m);
    expect(dry.code).toBe(0);
  });

  test('GIVEN two regions WHEN apply --dry-run THEN calls and outcomes keep plan order and policies are indented JSON, not escaped', async () => {
    seedEstate(fake);

    const dry = await run(['apply', '--dry-run']);

    const calls = dry.stdout.slice(dry.stdout.indexOf('Dry run: nothing was changed.'));
    const callNumbers = [...calls.matchAll(/^ {2}(\d{2}) {2}/gm)].map((m) => m[1]);
    expect(callNumbers).toEqual(['01', '02', '03', '04', '05', '06', '07', '08']);
    const outcomeCalls = [...dry.stdout.matchAll(/would be sent in call (\d{2})$/gm)].map((m) => m[1]);
    expect(outcomeCalls).toEqual([...outcomeCalls].sort());
    expect(dry.stdout).not.toContain('\\"');
    expect(dry.stdout).toMatch(
      /iam:CreateRole\s+\{"RoleName":"flowfix-vpc-flow-logs","AssumeRolePolicyDocument":"\(AssumeRolePolicyDocument of call 01 below\)"/,
    );
    expect(dry.stdout).toContain(
      ['  AssumeRolePolicyDocument of call 01 (iam:CreateRole):', '    {', '      "Version": "2012-10-17",', '      "Statement": ['].join('\n'),
    );
    expect(dry.stdout).toContain('  PolicyDocument of call 02 (iam:PutRolePolicy):\n    {\n');
    // JSON keeps the exact parameters AWS would get, in plan order.
    const json = JSON.parse((await run(['apply', '--dry-run', '--format', 'json'])).stdout);
    expect(json.dryRunCalls.map((c: { actionId: string }) => c.actionId)).toEqual(json.plan.actions.map((a: { id: string }) => a.id));
    expect(typeof json.dryRunCalls[0].input.AssumeRolePolicyDocument).toBe('string');
  });

  test('GIVEN more subnets WHEN apply --dry-run THEN the output grows by one line per resource, and the batch call is shown once', async () => {
    const dryRun = async (subnets: number) => {
      const estate = new FakeAws().install();
      const vpc = estate.addVpc('us-east-1');
      const ids = Array.from({ length: subnets }, () => estate.addSubnet('us-east-1', vpc));
      const result = await run(['apply', '--dry-run', '--scope', 'subnet', '--regions', 'us-east-1']);
      estate.restore();
      return { ...result, ids, lines: result.stdout.split('\n') };
    };
    const small = await dryRun(5);
    const large = await dryRun(50);

    expect(large.code).toBe(0);
    // Each extra subnet: one finding row and one outcome row; no line gets longer (but for the count's digit).
    expect(large.lines.length - small.lines.length).toBe(2 * 45);
    expect(Math.max(...large.lines.map((l) => l.length))).toBeLessThanOrEqual(Math.max(...small.lines.map((l) => l.length)) + 1);
    for (const id of large.ids) expect(large.stdout.split(id).length - 1).toBe(2);
    expect(large.stdout).toMatch(/ec2:CreateFlowLogs\s+\{"ResourceType":"Subnet".*\} \+ ResourceIds: the 50 resources of call 05 below$/m);
    expect(large.lines.filter((l) => / ec2:CreateFlowLogs +\{/.test(l))).toHaveLength(1);

    // JSON keeps the exact parameters, each id once, in the one call.
    const json = await (async () => {
      const estate = new FakeAws().install();
      const vpc = estate.addVpc('us-east-1');
      const ids = Array.from({ length: 3 }, () => estate.addSubnet('us-east-1', vpc));
      const result = await run(['apply', '--dry-run', '--scope', 'subnet', '--regions', 'us-east-1', '--format', 'json']);
      estate.restore();
      return { ids, document: JSON.parse(result.stdout) };
    })();
    const flowLogCalls = json.document.dryRunCalls.filter((c: { call: string }) => c.call === 'ec2:CreateFlowLogs');
    expect(flowLogCalls).toHaveLength(1);
    expect(flowLogCalls[0].input.ResourceIds).toEqual(json.ids);
    expect(json.document.dryRunCalls.map((c: { actionId: string }) => c.actionId)).toEqual(json.document.plan.actions.map((a: { id: string }) => a.id));
    for (const o of json.document.outcomes) expect(o.detail).toMatch(/^would be sent in call \d+$/);
  });

  test('GIVEN iam:PassRole is missing WHEN apply --dry-run THEN the probe reports UnauthorizedOperation naming the actions, exit 1', async () => {
    seedEstate(fake);
    fake.denyPassRole();
    const dry = await run(['apply', '--dry-run']);
    expect(dry.stdout).toMatch(/CreateFlowLogs refused: UnauthorizedOperation.*iam:PassRole/);
    expect(dry.code).toBe(1);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN no terminal and no --yes WHEN apply THEN it refuses, exit 1, nothing changed', async () => {
    seedEstate(fake);
    const refused = await run(['apply']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refusing to change AWS without consent.*--yes/);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN an interactive user who answers no THEN nothing is changed', async () => {
    seedEstate(fake);
    const io = captureIo({ env: ENV, interactive: true });
    const options = await toCommandOptions({}, io);
    const asked: string[] = [];
    const code = await applyCommand(options, io, {
      prompter: {
        confirm: async (message) => (asked.push(message), false),
        select: async () => {
          throw new Error('unexpected');
        },
        checkbox: async () => {
          throw new Error('unexpected');
        },
        input: async () => {
          throw new Error('unexpected');
        },
        secret: async () => {
          throw new Error('unexpected');
        },
      },
    });
    expect(asked).toEqual([expect.stringMatching(/Apply these \d+ actions to account 111111111111\?/)]);
    expect(code).toBe(0);
    expect(io.out.join('')).toContain('Nothing was changed');
    expect(fake.mutatingCalls()).toEqual([]);
  });

  // The inquirer prompter turns both Ctrl-C and Esc into PromptCancelled.
  test('GIVEN an interactive user who presses Ctrl-C or Esc at the confirm THEN exit 130, "Cancelled", nothing changed', async () => {
    seedEstate(fake);
    const io = captureIo({ env: ENV, interactive: true });
    const options = await toCommandOptions({}, io);
    const code = await applyCommand(options, io, {
      prompter: {
        confirm: async () => {
          throw new PromptCancelled();
        },
        select: async () => {
          throw new Error('unexpected');
        },
        checkbox: async () => {
          throw new Error('unexpected');
        },
        input: async () => {
          throw new Error('unexpected');
        },
        secret: async () => {
          throw new Error('unexpected');
        },
      },
    });
    expect(code).toBe(130);
    expect(io.err.join('')).toBe('Cancelled: nothing was changed.\n');
    expect(io.out.join('')).not.toContain('Nothing was changed');
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN a subnet that fails in Unsuccessful WHEN apply THEN the rest is applied, exit 1, and a re-run finishes', async () => {
    const vpc = fake.addVpc('us-east-1');
    const good = fake.addSubnet('us-east-1', vpc);
    fake.addSubnet('us-east-1', vpc);
    fake.failNext('CreateFlowLogs', { name: 'InternalError', httpStatusCode: 500 }, { region: 'us-east-1', times: 1 });

    const first = await run(['apply', '--yes', '--scope', 'subnet', '--regions', 'us-east-1']);
    expect(first.code).toBe(1);
    expect(failureBlock(first.stdout, 'us-east-1', 'create-flow-logs')).toMatch(/ InternalError/);
    expect(fake.flowLogs('us-east-1')).toHaveLength(0);

    const second = await run(['apply', '--yes', '--scope', 'subnet', '--regions', 'us-east-1']);
    expect(second.code).toBe(0);
    expect(fake.flowLogs('us-east-1').map((f) => f.ResourceId)).toEqual(expect.arrayContaining([good]));
    expect(fake.flowLogs('us-east-1')).toHaveLength(2);
  });

  test('GIVEN a role that becomes assumable only after 3 attempts THEN apply retries and succeeds', async () => {
    fake.addVpc('us-east-1');
    fake.roleAssumableAfter(3);
    const io = captureIo({ env: ENV });
    const options = await toCommandOptions({ yes: true, regions: 'us-east-1' }, io);
    const clock = new FakeClock();
    const code = await applyCommand(options, io, { clock });
    expect(code).toBe(0);
    expect(fake.calls.filter((c) => c.operation === 'CreateFlowLogs')).toHaveLength(4);
    expect(clock.sleeps).toEqual([2000, 4000, 8000]);
    expect(fake.flowLogs('us-east-1')).toHaveLength(1);
  });

  test('GIVEN a role that never becomes assumable THEN apply gives up within its window and fails clearly', async () => {
    fake.addVpc('us-east-1');
    fake.roleAssumableAfter(1000);
    const io = captureIo({ env: ENV });
    const options = await toCommandOptions({ yes: true, regions: 'us-east-1' }, io);
    const clock = new FakeClock();
    const code = await applyCommand(options, io, { timings: { roleRetryWindowMs: 20_000 }, clock });
    expect(code).toBe(1);
    // Waits of 2, 4, 8 and 15 s: 29 s have passed when the next failure finds the 20 s window spent.
    expect(clock.sleeps).toEqual([2000, 4000, 8000, 15000]);
    expect(io.out.join('')).toMatch(/Unable to assume given IAM role: '[^']+'; still failing after 29s/);
  });

  test('GIVEN a saved plan WHEN applied THEN it converges; a plan from another account is refused', async () => {
    seedEstate(fake);
    const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-'));
    const file = path.join(dir, 'plan.json');
    expect((await run(['plan', '--out', file])).code).toBe(2);

    const foreign = path.join(dir, 'foreign.json');
    await writeFile(foreign, (await readFile(file, 'utf8')).replaceAll(FAKE_ACCOUNT, '222222222222'));
    const refused = await run(['apply', foreign, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/made for account 222222222222, but these credentials are for 111111111111/);
    expect(fake.mutatingCalls()).toEqual([]);

    expect((await run(['apply', file, '--yes'])).code).toBe(0);
    expect((await run(['plan'])).code).toBe(0);
    const rerun = await run(['apply', file, '--yes']);
    expect(rerun.stdout).toMatch(/already-done/);
    expect(rerun.code).toBe(0);
  });

  test('GIVEN a saved plan whose publish policy was widened to * THEN apply refuses it', async () => {
    seedEstate(fake);
    const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-'));
    const file = path.join(dir, 'plan.json');
    await run(['plan', '--out', file]);
    const plan = JSON.parse(await readFile(file, 'utf8'));
    const put = plan.actions.find((a: { kind: string }) => a.kind === 'put-role-policy');
    put.input.PolicyDocument = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] });
    await writeFile(file, JSON.stringify(plan));
    const refused = await run(['apply', file, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/policy document differs from flowfix's least-privilege policy/);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN --destination s3:// THEN S3 flow logs are created with no role, log group or DeliverLogsPermissionArn', async () => {
    const vpc = fake.addVpc('us-east-1');
    fake.grantOperatorPolicy('operator-apply-s3.json', { BucketName: 'acme-logs' });
    const result = await run(['apply', '--yes', '--regions', 'us-east-1', '--destination', 's3://acme-logs/vpc']);
    expect(result.code).toBe(0);
    expect(fake.mutatingCalls().map((c) => c.operation)).toEqual(['CreateFlowLogs']);
    const [created] = fake.flowLogs('us-east-1');
    expect(created).toMatchObject({ ResourceId: vpc, LogDestinationType: 's3', LogDestination: 'arn:aws:s3:::acme-logs/vpc/' });
    expect(created?.DeliverLogsPermissionArn).toBeUndefined();
  });

  test('GIVEN iam:PassRole is missing WHEN apply --yes THEN each flow log fails naming the actions to grant, the rest is done, exit 1', async () => {
    fake.addVpc('us-east-1');
    fake.denyPassRole();
    const result = await run(['apply', '--yes', '--regions', 'us-east-1']);
    expect(result.code).toBe(1);
    expect(failureBlock(result.stdout, 'us-east-1', 'create-flow-logs')).toMatch(/ UnauthorizedOperation.*iam:PassRole/);
    expect(fake.logGroup('us-east-1', GROUP)).toBeDefined();
    expect(fake.flowLogs('us-east-1')).toEqual([]);
  });

  test("GIVEN a flow log whose delivery FAILED WHEN verify THEN it reports AWS's message and exits 2 (a finding); a healthy account exits 0", async () => {
    const vpc = fake.addVpc('us-east-1');
    fake.addFlowLog('us-east-1', { resourceId: vpc, deliverLogsStatus: 'FAILED', deliverLogsErrorMessage: 'Rate limited' });
    const failing = await run(['verify', '--regions', 'us-east-1']);
    expect(failing.code).toBe(2);
    expect(failing.stdout).toMatch(/delivery-failed .*Rate limited/);
    expect(failing.stdout).toContain('Not verified');

    const healthy = new FakeAws().install();
    healthy.addFlowLog('us-east-1', { resourceId: healthy.addVpc('us-east-1') });
    const ok = await run(['verify', '--regions', 'us-east-1']);
    healthy.restore();
    expect(ok.stdout).toContain('Verified: every resource in scope has a working flow log.');
    expect(ok.code).toBe(0);
  });

  test('GIVEN --wait and a new flow log whose first delivery is pending THEN apply re-checks until it delivers', async () => {
    fake.addVpcWithInterface('us-east-1');
    let describes = 0;
    fake.onCall = (call) => {
      if (call.operation !== 'DescribeFlowLogs') return;
      describes++;
      // AWS fills DeliverLogsStatus only after the first delivery attempt: hide it for one re-read.
      fake.updateFlowLogs('us-east-1', (f) => {
        if (describes <= 2) delete f.DeliverLogsStatus;
      });
      // The first records reach the log group (a stream appears) by the third read.
      if (describes > 2) fake.deliverFlowLogs('us-east-1');
    };
    const io = captureIo({ env: ENV });
    const options = await toCommandOptions({ yes: true, wait: true, regions: 'us-east-1' }, io);
    const clock = new FakeClock();
    const code = await applyCommand(options, io, { clock, timings: { waitIntervalMs: 5 } });
    expect(code).toBe(0);
    expect(clock.sleeps).toEqual([5]);
    expect(io.err.join('')).toContain('Waiting for first delivery of 1 flow log (up to 10 min)…');
    expect(io.out.join('')).toContain('Verification: 1/1 delivering');
  });

  test('GIVEN --format json WHEN apply --yes THEN stdout is one versioned document with outcomes and verification', async () => {
    const { vpcId: vpc, interfaceId } = fake.addVpcWithInterface('us-east-1');
    const result = await run(['apply', '--yes', '--regions', 'us-east-1', '--format', 'json']);
    const doc = JSON.parse(result.stdout);
    expect(result.code).toBe(0);
    expect(doc).toMatchObject({ schema: 'flowfix.apply-report/v1', exitCode: 0, interrupted: false });
    expect(doc.outcomes).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'create-flow-logs', resourceId: vpc, status: 'applied' })]));
    expect(doc.verification).toEqual([
      expect.objectContaining({
        resourceId: vpc,
        status: 'pending',
        delivery: 'no-error-yet',
        interfaces: { sampled: [interfaceId], total: 1 },
        message: 'no delivery error yet; nothing delivered so far',
      }),
    ]);
  });

  test('GIVEN --format json without --yes or --dry-run THEN it refuses before any AWS call', async () => {
    fake.addVpc('us-east-1');
    const result = await run(['apply', '--format', 'json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--format json cannot ask for confirmation \(add --yes/);
    expect(fake.calls).toEqual([]);
  });

  test('GIVEN a run that gave up on IAM propagation WHEN apply runs again once the role is assumable THEN the flow logs are created (no replayed answer)', async () => {
    const vpc = fake.addVpc('us-east-1');
    fake.roleAssumableAfter(3);
    const io1 = captureIo({ env: ENV });
    const first = await applyCommand(await toCommandOptions({ yes: true, regions: 'us-east-1' }, io1), io1, {
      timings: { roleRetryWindowMs: 0 },
      clock: new FakeClock(),
    });
    expect(first).toBe(1);

    // Attempts 2 and 3 still fail inside the fake; the 4th succeeds. A token reused from the first
    // run would get its cached failure replayed and cost an extra call (or, on AWS, never succeed).
    const callsBefore = fake.calls.filter((c) => c.operation === 'CreateFlowLogs').length;
    const io2 = captureIo({ env: ENV });
    const second = await applyCommand(await toCommandOptions({ yes: true, regions: 'us-east-1' }, io2), io2, { clock: new FakeClock() });
    expect(second).toBe(0);
    expect(fake.calls.filter((c) => c.operation === 'CreateFlowLogs').length - callsBefore).toBe(3);
    expect(fake.flowLogs('us-east-1').map((f) => f.ResourceId)).toEqual([vpc]);
  });

  test('GIVEN an identical flow log whose delivery FAILED THEN apply does not call it done: it fails with how to fix it', async () => {
    const vpc = fake.addVpc('us-east-1');
    fake.addRole('flowfix-vpc-flow-logs', {
      Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    fake.addFlowLog('us-east-1', {
      resourceId: vpc,
      logGroupName: GROUP,
      trafficType: 'REJECT',
      deliverLogsStatus: 'FAILED',
      deliverLogsErrorMessage: 'Access error',
    });
    const result = await run(['apply', '--yes', '--regions', 'us-east-1']);
    expect(result.code).toBe(1);
    expect(failureBlock(result.stdout, 'us-east-1', 'create-flow-logs')).toMatch(
      /FlowLogAlreadyExists: flow log fl-\w+ to \/flowfix\/vpc-flow-logs already exists but its delivery FAILED \(Access error\); delete it/,
    );
    expect(fake.calls.filter((c) => c.operation === 'CreateFlowLogs')).toEqual([]);
  });

  test('GIVEN AWS (or an emulator) refuses the whole call with FlowLogAlreadyExists THEN each id is checked live: done, blocked, or retried', async () => {
    const fine = fake.addVpc('us-east-1');
    const clashing = fake.addVpc('us-east-1');
    fake.addRole(
      'flowfix-vpc-flow-logs',
      { Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      {},
      {},
      { permissionsBoundary: DEFAULT_BOUNDARY },
    );
    fake.addLogGroup('us-east-1', GROUP, { retentionInDays: 365 });
    // moto compares destination but not traffic type: an ACCEPT log to the same group counts as a duplicate.
    fake.addFlowLog('us-east-1', { resourceId: clashing, logGroupName: GROUP, trafficType: 'ACCEPT' });
    fake.failNext('CreateFlowLogs', {
      name: 'FlowLogAlreadyExists',
      message: 'Error. There is an existing Flow Log with the same configuration and log destination.',
    });

    const result = await run(['apply', '--yes', '--regions', 'us-east-1']);

    expect(failureBlock(result.stdout, 'us-east-1', 'create-flow-logs')).toMatch(
      new RegExp(`, 1 VPC: ${clashing} FlowLogAlreadyExists: flow log fl-\\w+ to /flowfix/vpc-flow-logs already exists but it is ACTIVE and captures ACCEPT`),
    );
    expect(fake.flowLogs('us-east-1').filter((f) => f.ResourceId === fine && f.TrafficType === 'REJECT')).toHaveLength(1);
    expect(result.code).toBe(1);
  });

  test('GIVEN a saved plan and, since, a role of that name that does not trust VPC Flow Logs THEN apply touches neither the role nor flow logs', async () => {
    fake.addVpc('us-east-1');
    const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-'));
    const file = path.join(dir, 'plan.json');
    await run(['plan', '--regions', 'us-east-1', '--out', file]);
    fake.addRole('flowfix-vpc-flow-logs', { Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

    const result = await run(['apply', file, '--yes']);

    expect(result.code).toBe(1);
    // A saved plan is rebuilt against live state first: the create-role it asks for is refused before any write.
    expect(result.stderr).toMatch(/01-create-role: role exists but does not trust vpc-flow-logs\.amazonaws\.com/);
    expect(fake.mutatingCalls().map((c) => c.operation)).not.toContain('PutRolePolicy');
    expect(fake.mutatingCalls().map((c) => c.operation)).not.toContain('CreateFlowLogs');
  });

  test('GIVEN an endpoint whose STS returns no account id THEN flowfix stops with one line instead of treating every VPC as shared', async () => {
    fake.addVpc('us-east-1');
    const empty = new FakeAws({ accountId: '' }).install();
    const result = await run(['plan']);
    empty.restore();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^flowfix: sts:GetCallerIdentity returned no usable account id \(""\) \(check --endpoint-url/);
  });

  test('GIVEN an existing role that does not trust VPC Flow Logs WHEN apply --yes THEN the blocked work is shown and exit is 1, nothing sent to the role', async () => {
    fake.addVpc('us-east-1');
    fake.addRole('flowfix-vpc-flow-logs', { Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const result = await run(['apply', '--yes', '--regions', 'us-east-1']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/blocked in us-east-1: 1 resource, because delivery role flowfix-vpc-flow-logs does not trust/);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN a saved plan with blocked work WHEN applied THEN the blocked line counts "1 resource"', async () => {
    fake.addVpc('us-east-1');
    fake.addRole('flowfix-vpc-flow-logs', { Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'flowfix-')), 'plan.json');
    await run(['plan', '--regions', 'us-east-1', '--out', file]);
    const result = await run(['apply', file, '--yes']);
    expect(result.stderr).toContain('Blocked in us-east-1: 1 resource, because delivery role flowfix-vpc-flow-logs does not trust');
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN guided answers with an endpoint and non-default settings THEN the printed command repeats them', async () => {
    const { applyCommandLine } = await import('../../src/config/flags.js');
    const io = captureIo({ env: ENV });
    const { settings } = await toCommandOptions(
      { endpointUrl: 'http://localhost:4566', region: 'eu-west-1', concurrency: 4, minRetention: 30, retention: 30 },
      io,
    );
    expect(applyCommandLine({ ...settings, regions: ['eu-west-1'] })).toBe(
      'flowfix apply --endpoint-url http://localhost:4566 --concurrency 4 --min-retention 30 --regions eu-west-1 --scope vpc --traffic-type REJECT --destination cloud-watch-logs --log-group /flowfix/vpc-flow-logs --retention 30 --role-name flowfix-vpc-flow-logs --yes',
    );
  });
});
