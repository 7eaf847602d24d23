// What the CLI shows once the SDK has given up on a call (retries.test.ts covers the retrying itself):
// the region is reported as failed with the cause, the other region goes on, exit 1, never a crash,
// and a later run, once AWS answers again, finishes the job.

import { failureBlock } from '../helpers/apply-output.js';
import { runFlowfix, type CapturedRun } from '../helpers/capture-io.js';
import { FakeAws, type InjectedError } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const run = (argv: string[]) => runFlowfix(argv, { env: ENV });
const GROUP = '/flowfix/vpc-flow-logs';
/** More failures than any run makes calls: "persistent" for the length of one run. */
const PERSISTENT = 1000;

type Service = 'ec2' | 'logs' | 'iam' | 'sts';
const SERVICE: Record<string, Service> = {
  DescribeVpcs: 'ec2',
  DescribeSubnets: 'ec2',
  DescribeFlowLogs: 'ec2',
  CreateFlowLogs: 'ec2',
  DescribeLogGroups: 'logs',
  CreateLogGroup: 'logs',
  PutRetentionPolicy: 'logs',
  CreateRole: 'iam',
  PutRolePolicy: 'iam',
};

/** The code each service really answers with (as the SDK names it: Logs' modelled 503 ends in Exception). */
const FAULTS: { name: string; code: Record<Service, string>; httpStatusCode: number }[] = [
  {
    name: 'throttling',
    code: { ec2: 'RequestLimitExceeded', logs: 'ThrottlingException', iam: 'Throttling', sts: 'Throttling' },
    httpStatusCode: 400,
  },
  {
    name: 'HTTP 503',
    code: { ec2: 'Unavailable', logs: 'ServiceUnavailableException', iam: 'ServiceUnavailable', sts: 'ServiceUnavailable' },
    httpStatusCode: 503,
  },
];

function casesFor<T extends { operation: string }>(calls: T[]) {
  return calls.flatMap((call) =>
    FAULTS.map((fault) => {
      const error: InjectedError = { name: fault.code[SERVICE[call.operation]!], httpStatusCode: fault.httpStatusCode };
      return { ...call, fault: fault.name, error };
    }),
  );
}

function seed(fake: FakeAws) {
  const east = fake.addVpc('us-east-1');
  const west = fake.addVpc('eu-west-1');
  return { east, west };
}

function expectNoCrash(result: CapturedRun) {
  expect(result.stderr).not.toMatch(/unexpected error/);
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at [^\n]+:\d+:\d+/);
}

describe('a read that keeps failing after the SDK retries, flowfix plan --format json', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  const cases = casesFor(['DescribeVpcs', 'DescribeSubnets', 'DescribeFlowLogs', 'DescribeLogGroups'].map((operation) => ({ operation })));

  test.each(cases)(
    'GIVEN $operation in eu-west-1 keeps failing with $fault ($error.name) THEN errors[] names eu-west-1 and the code, us-east-1 is audited, exit 1',
    async ({ operation, error }) => {
      seed(fake);
      fake.failNext(operation, error, { region: 'eu-west-1', times: PERSISTENT });

      const result = await run(['plan', '--format', 'json']);

      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as { errors: { region: string; code: string }[]; regions: { region: string; status: string; vpcs: number }[] };
      expect(report.errors).toEqual([expect.objectContaining({ region: 'eu-west-1', code: error.name })]);
      expect(report.regions.map((r) => [r.region, r.status])).toEqual([
        ['eu-west-1', 'error'],
        ['us-east-1', 'ok'],
      ]);
      expectNoCrash(result);
    },
  );

  test('GIVEN sts:GetCallerIdentity keeps throttling THEN one line says so and what to do, exit 1', async () => {
    seed(fake);
    fake.failNext('GetCallerIdentity', { name: 'Throttling', httpStatusCode: 400 }, { times: PERSISTENT });

    const result = await run(['plan']);

    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^flowfix: .*sts:GetCallerIdentity.*Throttling.*try again later/)]);
    expectNoCrash(result);
  });
});

describe('a write that keeps failing after the SDK retries, flowfix apply --yes', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  const regional = casesFor([
    { operation: 'CreateLogGroup', kind: 'create-log-group' },
    { operation: 'PutRetentionPolicy', kind: 'put-retention-policy' },
    { operation: 'CreateFlowLogs', kind: 'create-flow-logs' },
  ]);

  test.each(regional)(
    'GIVEN $operation in eu-west-1 keeps failing with $fault THEN eu-west-1 $kind is reported failed with the code, us-east-1 is fixed, exit 1; a re-run finishes',
    async ({ operation, kind, error }) => {
      const { east, west } = seed(fake);
      fake.failNext(operation, error, { region: 'eu-west-1', times: PERSISTENT });

      const result = await run(['apply', '--yes']);

      expect(result.code).toBe(1);
      expect(failureBlock(result.stdout, 'eu-west-1', kind)).toMatch(new RegExp(` ${error.name}: `));
      expect(fake.flowLogs('us-east-1').map((f) => f.ResourceId)).toEqual([east]);
      expectNoCrash(result);

      resetFailures(fake);
      const rerun = await run(['apply', '--yes']);
      expect(fake.flowLogs('eu-west-1').map((f) => f.ResourceId)).toEqual([west]);
      expect(fake.flowLogs('us-east-1')).toHaveLength(1);
      expect(rerun.code).toBe(0);
    },
  );

  test.each(
    casesFor([
      { operation: 'CreateRole', kind: 'create-role' },
      { operation: 'PutRolePolicy', kind: 'put-role-policy' },
    ]),
  )(
    'GIVEN iam:$operation keeps failing with $fault THEN it is reported failed (global) with the code, flow logs wait, log groups go on, exit 1',
    async ({ operation, kind, error }) => {
      seed(fake);
      fake.failNext(operation, error, { times: PERSISTENT });

      const result = await run(['apply', '--yes']);

      expect(result.code).toBe(1);
      expect(failureBlock(result.stdout, 'global', kind)).toMatch(new RegExp(` ${error.name}: `));
      expect(result.stdout).toMatch(/^skipped\s+eu-west-1\s+\S+\s+create-flow-logs\s+delivery role not ready/m);
      for (const region of ['us-east-1', 'eu-west-1']) expect(fake.logGroup(region, GROUP)).toBeDefined();
      expectNoCrash(result);
    },
  );
});

/** Lifts every injected failure (FakeAws has no public way to; its failures list is private). */
function resetFailures(fake: FakeAws): void {
  (fake as unknown as { failures: unknown[] }).failures = [];
}
