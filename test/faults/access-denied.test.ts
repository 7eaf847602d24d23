// AccessDenied / UnauthorizedOperation on each call flowfix makes: the message names the missing IAM
// action and the region, the other regions go on, exit 1, and never a stack trace.

import { failureBlock } from '../helpers/apply-output.js';
import { runFlowfix, type CapturedRun } from '../helpers/capture-io.js';
import { FakeAws } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const run = (argv: string[]) => runFlowfix(argv, { env: ENV });
const ROLE = 'flowfix-vpc-flow-logs';
const GROUP = '/flowfix/vpc-flow-logs';
const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

interface ReportJson {
  errors: { region: string; code: string; message: string; action?: string }[];
  regions: { region: string; status: string; vpcs: number; findings: Record<string, number> }[];
}

/** One VPC (with a subnet) without flow logs per region; with `role`, the delivery role exists with an inline policy. */
function seed(fake: FakeAws, { role = false } = {}) {
  const east = fake.addVpc('us-east-1', { name: 'east' });
  fake.addSubnet('us-east-1', east);
  const west = fake.addVpc('eu-west-1', { name: 'west' });
  fake.addSubnet('eu-west-1', west);
  // An existing role with an inline policy makes flowfix call ListRolePolicies and GetRolePolicy too.
  if (role) fake.addRole(ROLE, TRUST, { 'some-policy': { Version: '2012-10-17', Statement: [] } });
  return { east, west };
}

function expectNoStackTrace(result: CapturedRun) {
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at [^\n]+:\d+:\d+/);
  expect(result.stderr).not.toMatch(/unexpected error/);
}

function parse(result: CapturedRun): ReportJson {
  return JSON.parse(result.stdout) as ReportJson;
}

describe('access denied on a read, flowfix plan --format json', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  const regionalReads = [
    { operation: 'DescribeVpcs', code: 'UnauthorizedOperation', action: 'ec2:DescribeVpcs' },
    { operation: 'DescribeSubnets', code: 'UnauthorizedOperation', action: 'ec2:DescribeSubnets' },
    { operation: 'DescribeFlowLogs', code: 'UnauthorizedOperation', action: 'ec2:DescribeFlowLogs' },
    { operation: 'DescribeLogGroups', code: 'AccessDeniedException', action: 'logs:DescribeLogGroups' },
  ];

  test.each(regionalReads)(
    'GIVEN $action is denied in eu-west-1 WHEN plan THEN errors[] names eu-west-1, $code and $action, us-east-1 is still audited, exit 1',
    async ({ operation, code, action }) => {
      seed(fake);
      fake.denyAction(operation, { region: 'eu-west-1' });

      const result = await run(['plan', '--format', 'json']);

      expect(result.code).toBe(1);
      const report = parse(result);
      expect(report.errors).toEqual([{ region: 'eu-west-1', code, action, message: expect.stringContaining(action) }]);
      expect(report.regions.find((r) => r.region === 'eu-west-1')?.status).toBe('error');
      expect(report.regions.find((r) => r.region === 'us-east-1')).toMatchObject({ status: 'ok', vpcs: 1, findings: { 'no-flow-log': 1 } });
      expect(result.stderr).toBe('');
      expectNoStackTrace(result);
    },
  );

  const iamReads = ['GetRole', 'ListRolePolicies', 'GetRolePolicy'];

  test.each(iamReads)(
    'GIVEN iam:%s is denied WHEN plan THEN errors[] holds a "global" AccessDenied naming the action, both regions are audited, exit 1',
    async (operation) => {
      seed(fake, { role: true });
      fake.denyAction(operation);

      const result = await run(['plan', '--format', 'json']);

      expect(result.code).toBe(1);
      const report = parse(result);
      const action = `iam:${operation}`;
      expect(report.errors).toEqual([{ region: 'global', code: 'AccessDenied', action, message: expect.stringContaining(action) }]);
      expect(report.regions.map((r) => [r.region, r.status, r.vpcs])).toEqual([
        ['eu-west-1', 'ok', 1],
        ['us-east-1', 'ok', 1],
      ]);
      expectNoStackTrace(result);
    },
  );

  // Real EC2 often says only "You are not authorized to perform this operation." (plus an encoded
  // message): flowfix must still name the action, from the call it was making.
  const bareDenials = [
    ...regionalReads.map((r) => ({ ...r, region: 'eu-west-1' as string | undefined })),
    ...iamReads.map((operation) => ({ operation, code: 'AccessDenied', action: `iam:${operation}`, region: undefined as string | undefined })),
  ];

  test.each(bareDenials)(
    'GIVEN $operation is refused with a message that does not name the action WHEN plan THEN errors[] still names $action',
    async ({ operation, code, action, region }) => {
      seed(fake, { role: true });
      const message = code === 'UnauthorizedOperation' ? 'You are not authorized to perform this operation.' : 'Access denied';
      fake.failNext(operation, { name: code, message, httpStatusCode: 403 }, { ...(region ? { region } : {}), times: 1 });

      const result = await run(['plan', '--format', 'json']);

      expect(result.code).toBe(1);
      expect(parse(result).errors).toEqual([{ region: region ?? 'global', code, message, action }]);
      expectNoStackTrace(result);
    },
  );

  test.each([
    { operation: 'GetCallerIdentity', action: 'sts:GetCallerIdentity', code: 'AccessDenied' },
    { operation: 'DescribeRegions', action: 'ec2:DescribeRegions', code: 'UnauthorizedOperation' },
  ])('GIVEN $action is denied WHEN plan (no --regions) THEN one error line names $action, nothing on stdout, exit 1', async ({ operation, action, code }) => {
    seed(fake);
    fake.denyAction(operation);

    const result = await run(['plan', '--format', 'json']);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^flowfix: /);
    expect(lines[0]).toContain(code);
    expect(lines[0]).toContain(`Allow ${action}`);
    expectNoStackTrace(result);
  });

  test('GIVEN ec2:DescribeRegions is denied but --regions is given WHEN plan THEN both regions are audited without errors', async () => {
    seed(fake);
    fake.denyAction('DescribeRegions');

    const result = await run(['plan', '--format', 'json', '--regions', 'us-east-1,eu-west-1']);

    expect(result.code).toBe(2);
    const report = parse(result);
    expect(report.errors).toEqual([]);
    expect(report.regions.map((r) => [r.region, r.status, r.vpcs])).toEqual([
      ['us-east-1', 'ok', 1],
      ['eu-west-1', 'ok', 1],
    ]);
  });

  test('GIVEN ec2:DescribeFlowLogs is denied in eu-west-1 WHEN plan (text) THEN the error list names the region and the action', async () => {
    seed(fake);
    fake.denyAction('DescribeFlowLogs', { region: 'eu-west-1' });

    const result = await run(['plan']);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Errors \(1\)\n\s+eu-west-1: UnauthorizedOperation: .*ec2:DescribeFlowLogs/);
    expectNoStackTrace(result);
  });

  // The text report adds RegionError.action when AWS's message does not name it.
  test('GIVEN a bare UnauthorizedOperation on DescribeFlowLogs WHEN plan (text) THEN the error line still names ec2:DescribeFlowLogs', async () => {
    seed(fake);
    fake.failNext('DescribeFlowLogs', { name: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' }, { region: 'eu-west-1' });

    const result = await run(['plan']);

    expect(result.stdout).toMatch(/eu-west-1: UnauthorizedOperation: .*ec2:DescribeFlowLogs/);
  });
});

describe('access denied on a write, flowfix apply --yes', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  /** The apply report's row for a kind of action in a region; failures are said once per cause, as a block. */
  const row = (stdout: string, status: string, region: string, kind: string) =>
    status === 'failed'
      ? failureBlock(stdout, region, kind)
      : stdout.split('\n').find((line) => new RegExp(`^${status}\\s+${region}\\s+\\S+\\s+${kind}\\b`).test(line));

  test.each([
    { operation: 'CreateLogGroup', kind: 'create-log-group', code: 'AccessDeniedException', action: 'logs:CreateLogGroup' },
    { operation: 'PutRetentionPolicy', kind: 'put-retention-policy', code: 'AccessDeniedException', action: 'logs:PutRetentionPolicy' },
    { operation: 'CreateFlowLogs', kind: 'create-flow-logs', code: 'UnauthorizedOperation', action: 'ec2:CreateFlowLogs' },
  ])(
    'GIVEN $action is denied in eu-west-1 WHEN apply --yes THEN the failure names $action and eu-west-1, us-east-1 is fixed, exit 1',
    async ({ operation, kind, code, action }) => {
      const { east, west } = seed(fake);
      fake.denyAction(operation, { region: 'eu-west-1' });

      const result = await run(['apply', '--yes']);

      expect(result.code).toBe(1);
      const failed = row(result.stdout, 'failed', 'eu-west-1', kind);
      expect(failed).toContain(code);
      expect(failed).toContain(action);
      expect(row(result.stdout, 'applied', 'us-east-1', 'create-flow-logs')).toBeDefined();
      expect(fake.flowLogs('us-east-1').map((f) => f.ResourceId)).toEqual([east]);
      // Retention is not a prerequisite of delivery: only a missing log group holds the flow log back.
      const westLogs = fake.flowLogs('eu-west-1').map((f) => f.ResourceId);
      expect(westLogs).toEqual(operation === 'PutRetentionPolicy' ? [west] : []);
      expect(result.stderr).toBe('');
      expectNoStackTrace(result);
    },
  );

  test.each([
    { operation: 'CreateRole', kind: 'create-role', action: 'iam:CreateRole' },
    { operation: 'PutRolePolicy', kind: 'put-role-policy', action: 'iam:PutRolePolicy' },
  ])(
    'GIVEN $action is denied WHEN apply --yes THEN the failure names $action (global), flow logs wait for the role, log groups still go on, exit 1',
    async ({ operation, kind, action }) => {
      seed(fake);
      fake.denyAction(operation);

      const result = await run(['apply', '--yes']);

      expect(result.code).toBe(1);
      const failed = row(result.stdout, 'failed', 'global', kind);
      expect(failed).toContain('AccessDenied');
      expect(failed).toContain(action);
      expect(row(result.stdout, 'skipped', 'us-east-1', 'create-flow-logs')).toMatch(/delivery role not ready/);
      expect(row(result.stdout, 'skipped', 'eu-west-1', 'create-flow-logs')).toMatch(/delivery role not ready/);
      for (const region of ['us-east-1', 'eu-west-1']) expect(fake.logGroup(region, GROUP)).toBeDefined();
      expect([...fake.flowLogs('us-east-1'), ...fake.flowLogs('eu-west-1')]).toEqual([]);
      expectNoStackTrace(result);
    },
  );

  test('GIVEN iam:PassRole is denied WHEN apply --yes THEN CreateFlowLogs fails in both regions with a hint naming iam:PassRole, exit 1', async () => {
    seed(fake);
    fake.denyPassRole();

    const result = await run(['apply', '--yes']);

    expect(result.code).toBe(1);
    for (const region of ['us-east-1', 'eu-west-1']) {
      expect(row(result.stdout, 'failed', region, 'create-flow-logs')).toMatch(/UnauthorizedOperation: .*iam:PassRole/);
    }
    expectNoStackTrace(result);
  });

  // A bare denial on a write still says which action to grant.
  test('GIVEN a bare AccessDeniedException on CreateLogGroup WHEN apply --yes THEN the failure still names logs:CreateLogGroup', async () => {
    seed(fake);
    fake.failNext('CreateLogGroup', { name: 'AccessDeniedException', message: 'Access denied', httpStatusCode: 400 }, { region: 'eu-west-1' });

    const result = await run(['apply', '--yes']);

    expect(row(result.stdout, 'failed', 'eu-west-1', 'create-log-group')).toContain('logs:CreateLogGroup');
  });
});
