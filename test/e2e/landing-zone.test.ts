// A landing zone end to end over the stateful fake: an SCP denies one region (DescribeRegions still lists
// it, as AWS Control Tower's region deny does), and every EC2 and CloudWatch Logs call there answers with
// AWS's explicit-deny wording and the policy ARN. flowfix skips that region, names it and its policy in
// every format, and its exit codes follow the regions it may use.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { applyReportSchema } from '../../src/report/apply-report.js';
import { planReportSchema, type PlanReport } from '../../src/report/plan-report.js';
import { rollbackReportSchema } from '../../src/report/rollback-report.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { FakeAws } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const run = (argv: string[]) => runFlowfix(argv, { env: ENV });

let fake: FakeAws;
let policyArn: string;
let bare: string;
beforeEach(() => {
  fake = new FakeAws().install();
  bare = fake.addVpc('us-east-1', { name: 'bare' });
  // A VPC in the denied region (made before the SCP): flowfix cannot see it, so it must never say "compliant" about it.
  fake.addVpc('eu-west-1', { name: 'behind-the-scp' });
  policyArn = fake.denyRegionByPolicy('eu-west-1');
});
afterEach(() => fake.restore());

describe('GIVEN an SCP denying eu-west-1', () => {
  test('WHEN plan THEN exit 2 for us-east-1\'s finding; eu-west-1 is denied by the SCP, named with its ARN, not an error and no "fix access" advice', async () => {
    const result = await run(['plan']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/eu-west-1\s+-\s+-\s+denied \(org policy\)/);
    expect(result.stdout).toContain(`eu-west-1: service control policy (SCP) ${policyArn} denies ec2:`);
    expect(result.stdout).toContain('Skipped eu-west-1: denied by an organization policy.');
    expect(result.stdout).not.toMatch(/fix access|Errors \(/);
    expect(result.stdout).toContain(bare);
  });

  test('WHEN plan --format json THEN the region is status denied with the policy type and ARN; errors stay empty; the report fits its schema', async () => {
    const result = await run(['plan', '--format', 'json']);

    expect(result.code).toBe(2);
    const report = planReportSchema.parse(JSON.parse(result.stdout));
    expect(report.errors).toEqual([]);
    expect(report.regions.find((r) => r.region === 'eu-west-1')).toMatchObject({
      status: 'denied',
      deniedBy: { policyType: 'service-control-policy', policyArn, code: 'UnauthorizedOperation', action: expect.stringMatching(/^ec2:Describe/) },
    });
    expect(report.regions.find((r) => r.region === 'us-east-1')).toMatchObject({ status: 'ok', vpcs: 1 });
    expect(report.findings.map((f) => [f.region, f.resourceId])).toEqual([['us-east-1', bare]]);
  });

  test('WHEN plan --format sarif THEN the run is successful and a note names the denied region and its policy', async () => {
    const result = await run(['plan', '--format', 'sarif']);

    expect(result.code).toBe(2);
    const invocation = JSON.parse(result.stdout).runs[0].invocations[0];
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolExecutionNotifications).toEqual([
      expect.objectContaining({
        level: 'note',
        message: { text: `Skipped eu-west-1: denied by an organization policy, the service control policy (SCP) ${policyArn}` },
      }),
    ]);
  });

  test('WHEN plan --format markdown THEN the region table and a section name the denied region and its policy', async () => {
    const result = await run(['plan', '--format', 'markdown']);

    expect(result.code).toBe(2);
    expect(result.stdout).toContain('| `eu-west-1` | – | – | **denied by an organization policy** | – |');
    expect(result.stdout).toContain('### Denied by an organization policy (1)');
    expect(result.stdout).toContain('- `eu-west-1`: service control policy \\(SCP\\) arn:aws:organizations::');
    expect(result.stdout).not.toMatch(/fix access|Could not read/);
  });

  test('WHEN plan --format csv THEN the findings are rows and stderr names the skipped region and its policy', async () => {
    const result = await run(['plan', '--format', 'csv']);

    expect(result.code).toBe(2);
    expect(result.stdout.split('\r\n').filter(Boolean)).toHaveLength(2);
    expect(result.stderr).toBe(`flowfix: skipped eu-west-1 (service control policy (SCP) ${policyArn}): denied by an organization policy\n`);
  });

  test('WHEN apply --yes THEN exit 0: us-east-1 is fixed, nothing is sent to eu-west-1 but the reads; verify then exits 0', async () => {
    const applied = await run(['apply', '--yes']);

    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(fake.flowLogs('us-east-1').map((f) => f.ResourceId)).toEqual([bare]);
    expect(fake.mutatingCalls().filter((c) => c.region === 'eu-west-1')).toEqual([]);

    const verified = await run(['verify']);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('Verified: every resource in scope has a working flow log (skipped eu-west-1: denied by an organization policy).');
  });

  test('WHEN apply --yes --format json THEN the apply report lists the denied region with its policy and exits 0', async () => {
    const applied = await run(['apply', '--yes', '--format', 'json']);

    expect(applied.code).toBe(0);
    const report = applyReportSchema.parse(JSON.parse(applied.stdout));
    expect(report.exitCode).toBe(0);
    expect(report.regionErrors).toEqual([]);
    expect(report.deniedRegions).toEqual([expect.objectContaining({ region: 'eu-west-1', policyType: 'service-control-policy', policyArn })]);
  });

  test('WHEN plan, apply and verify with --fail-on-denied-regions THEN each exits 1', async () => {
    expect((await run(['plan', '--fail-on-denied-regions'])).code).toBe(1);
    expect((await run(['apply', '--yes', '--fail-on-denied-regions'])).code).toBe(1);
    // apply still fixed what it could.
    expect(fake.flowLogs('us-east-1').map((f) => f.ResourceId)).toEqual([bare]);
    expect((await run(['verify', '--fail-on-denied-regions'])).code).toBe(1);
    expect((await run(['verify'])).code).toBe(0);
  });

  test("WHEN a plan saved before the SCP is applied THEN the denied region's work is refused by name, nothing is sent there, exit 1", async () => {
    fake.restore();
    const before = new FakeAws().install();
    try {
      before.addVpc('us-east-1');
      before.addVpc('eu-west-1');
      const file = path.join(await mkdtemp(path.join(tmpdir(), 'flowfix-lz-')), 'plan.json');
      expect((await run(['plan', '--out', file])).code).toBe(2);
      before.denyRegionByPolicy('eu-west-1');

      const applied = await run(['apply', file, '--yes']);

      expect(applied.code).toBe(1);
      expect(applied.stderr).toMatch(
        /asks for what flowfix would not do now: .*eu-west-1 is now denied by an organization policy \(the service control policy \(SCP\) arn:aws:organizations::/,
      );
      expect(before.mutatingCalls()).toEqual([]);
    } finally {
      before.restore();
      fake.install();
    }
  });

  test('WHEN the only region asked for is denied THEN plan exits 1: nothing at all was checked', async () => {
    const result = await run(['plan', '--regions', 'eu-west-1']);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Nothing checked: every region is denied by an organization policy.');
  });
});

describe('GIVEN a resource control policy denying eu-west-1', () => {
  test('WHEN plan --format json THEN the region is denied by a resource control policy, with its ARN', async () => {
    const fresh = new FakeAws().install();
    try {
      fresh.addVpc('us-east-1');
      const rcp = fresh.denyRegionByPolicy('eu-west-1', { policy: 'rcp' });
      const result = await run(['plan', '--format', 'json']);
      expect(result.code).toBe(2);
      const report = JSON.parse(result.stdout) as PlanReport;
      expect(report.regions.find((r) => r.region === 'eu-west-1')?.deniedBy).toMatchObject({ policyType: 'resource-control-policy', policyArn: rcp });
    } finally {
      fresh.restore();
      fake.install();
    }
  });
});

describe('GIVEN a plain access denial (no organization policy) in eu-west-1', () => {
  test('WHEN a plan saved before is applied THEN the unread region\'s work is refused, never reported as "no longer exists"', async () => {
    fake.restore();
    const before = new FakeAws().install();
    try {
      before.addVpc('us-east-1');
      before.addVpc('eu-west-1');
      const file = path.join(await mkdtemp(path.join(tmpdir(), 'flowfix-lz-')), 'plan.json');
      expect((await run(['plan', '--out', file])).code).toBe(2);
      before.denyAction('DescribeVpcs', { region: 'eu-west-1' });

      const applied = await run(['apply', file, '--yes']);

      expect(applied.code).toBe(1);
      expect(applied.stderr).toMatch(/eu-west-1 could not be read \(UnauthorizedOperation\), so nothing there is known/);
      expect(applied.stdout).not.toContain('no longer exists');
      expect(before.mutatingCalls()).toEqual([]);
    } finally {
      before.restore();
      fake.install();
    }
  });

  test('WHEN plan THEN it stays an error: exit 1 and the advice to fix access', async () => {
    const plain = new FakeAws().install();
    try {
      plain.addVpc('us-east-1');
      plain.denyAction('DescribeVpcs', { region: 'eu-west-1' });
      const result = await run(['plan']);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/eu-west-1\s+-\s+-\s+unreadable/);
      expect(result.stdout).toContain('fix access and run again');
    } finally {
      plain.restore();
      fake.install();
    }
  });
});

describe('GIVEN flowfix applied in both regions, then an SCP came to deny eu-west-1', () => {
  const ROLE = 'flowfix-vpc-flow-logs';
  let applied: FakeAws;
  beforeEach(async () => {
    fake.restore();
    applied = new FakeAws().install();
    applied.addVpc('us-east-1');
    applied.addVpc('eu-west-1');
    expect((await run(['apply', '--yes'])).code).toBe(0);
    policyArn = applied.denyRegionByPolicy('eu-west-1');
    applied.calls.length = 0;
  });
  afterEach(() => {
    applied.restore();
    fake.install();
  });

  test("WHEN rollback --yes THEN us-east-1's flow log goes, the role is kept naming eu-west-1 and its policy as the reason, exit 0", async () => {
    const result = await run(['rollback', '--yes']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Kept region eu-west-1: denied by an organization policy (the service control policy (SCP) ${policyArn}): nothing there can be read or deleted`,
    );
    expect(result.stdout).toMatch(
      /Kept role flowfix-vpc-flow-logs: eu-west-1 is denied by an organization policy, so flow logs flowfix made there before the policy may still use it: kept with its policy; add --denied-regions-hold-nothing/,
    );
    expect(applied.flowLogs('us-east-1')).toEqual([]);
    // The flow log behind the SCP is still there, and so is the role it delivers with.
    expect(applied.flowLogs('eu-west-1')).toHaveLength(1);
    expect(applied.role(ROLE)).toBeDefined();
    expect(applied.mutatingCalls().map((c) => `${c.region} ${c.operation}`)).toEqual(['us-east-1 DeleteFlowLogs']);
  });

  test('WHEN rollback --yes --denied-regions-hold-nothing THEN the role and its policy are deleted too, exit 0', async () => {
    const result = await run(['rollback', '--yes', '--denied-regions-hold-nothing']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('taken to hold no flowfix flow logs (--denied-regions-hold-nothing)');
    expect(applied.role(ROLE)).toBeUndefined();
    expect(applied.mutatingCalls().map((c) => c.operation)).toEqual(['DeleteFlowLogs', 'DeleteRolePolicy', 'DeleteRole']);
  });

  test('WHEN rollback --yes --format json --fail-on-denied-regions THEN exit 1 and the kept region carries the policy', async () => {
    const result = await run(['rollback', '--yes', '--format', 'json', '--fail-on-denied-regions']);

    expect(result.code).toBe(1);
    const report = rollbackReportSchema.parse(JSON.parse(result.stdout));
    const account = report.accounts[0]!;
    expect(account.status).toBe('done');
    if (account.status === 'done') {
      expect(account.kept).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'region', name: 'eu-west-1', deniedBy: { policyType: 'service-control-policy', policyArn } })]),
      );
    }
  });
});
