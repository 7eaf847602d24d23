// A write whose answer is lost (the connection drops, or AWS answers 5xx, after the call went out) may
// have taken effect: apply re-reads live state and reports what is there, so the summary and the exit
// code agree with the verification below them. A refusal AWS answered in full stays a failure.
import { failureBlock } from '../helpers/apply-output.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { FakeAws, type InjectedError } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const run = (argv: string[]) => runFlowfix(argv, { env: ENV });
const GROUP = '/flowfix/vpc-flow-logs';
const CONFIRMED = 'confirmed by re-reading after a dropped connection';
const RESET: InjectedError = { name: 'ECONNRESET' };

/** The outcome lines of one kind: "STATUS REGION RESOURCE KIND DETAIL". */
const linesOf = (stdout: string, kind: string) => stdout.split('\n').filter((line) => new RegExp(`^\\S+\\s+\\S+\\s+\\S+\\s+${kind}\\b`).test(line));

describe('apply after a write whose answer was lost', () => {
  let fake: FakeAws;
  let vpcs: string[];
  beforeEach(() => {
    fake = new FakeAws().install();
    vpcs = [...['a', 'b', 'c'].map((name) => fake.addVpc('us-east-1', { name })), ...['d', 'e'].map((name) => fake.addVpc('eu-west-1', { name }))];
  });
  afterEach(() => fake.restore());

  test.each([
    ['the connection is reset', RESET],
    ['AWS answers 500 InternalError', { name: 'InternalError', httpStatusCode: 500 }],
  ])('GIVEN every CreateFlowLogs took effect but %s THEN they are applied (confirmed), verification agrees and exit is 0', async (_label, error) => {
    fake.failNext('CreateFlowLogs', error, { afterEffect: true, times: 2 });

    const result = await run(['apply', '--yes']);

    expect(result.stdout).toMatch(/^Verification: \d+\/5 delivering.*, 0 failed|^Verification: \d+\/5 delivering/m);
    expect(result.stdout).toMatch(/^Summary: \d+ actions on 11 resources: 11 applied$/m);
    const lines = linesOf(result.stdout, 'create-flow-logs');
    expect(lines).toHaveLength(vpcs.length);
    for (const vpc of vpcs) expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^applied\\s+\\S+\\s+${vpc}\\s+create-flow-logs\\s+${CONFIRMED}$`)));
    expect(result.code).toBe(0);
    // Re-reading found them: nothing was sent twice.
    expect([...fake.flowLogs('us-east-1'), ...fake.flowLogs('eu-west-1')]).toHaveLength(5);
  });

  test.each([
    ['CreateRole', 'create-role'],
    ['PutRolePolicy', 'put-role-policy'],
    ['CreateLogGroup', 'create-log-group'],
    ['PutRetentionPolicy', 'put-retention-policy'],
  ])('GIVEN %s took effect but the connection was reset THEN it is applied (confirmed) and everything after it runs, exit 0', async (operation, kind) => {
    fake.failNext(operation, RESET, { afterEffect: true, times: 2 });

    const result = await run(['apply', '--yes']);

    expect(linesOf(result.stdout, kind).length).toBeGreaterThan(0);
    for (const line of linesOf(result.stdout, kind)) expect(line).toMatch(new RegExp(`^applied\\s.*${CONFIRMED}$`));
    expect(result.stdout).toMatch(/^Verification: \d+\/5 delivering.*, 0 failed|^Verification: \d+\/5 delivering/m);
    expect(result.code).toBe(0);
  });

  test("GIVEN one region's CreateFlowLogs took effect with its answer lost and the other's is refused THEN only the refused one fails, exit 1", async () => {
    fake.failNext('CreateFlowLogs', RESET, { afterEffect: true, region: 'us-east-1' });
    fake.denyAction('CreateFlowLogs', { region: 'eu-west-1' });

    const result = await run(['apply', '--yes']);

    const lines = linesOf(result.stdout, 'create-flow-logs');
    expect(lines.filter((l) => l.startsWith('applied'))).toEqual(
      vpcs.slice(0, 3).map((vpc) => expect.stringMatching(new RegExp(`${vpc}\\s+create-flow-logs\\s+${CONFIRMED}$`))),
    );
    // The refused ones: one cause, said once, naming each of them.
    const refused = failureBlock(result.stdout, 'eu-west-1', 'create-flow-logs');
    expect(refused).toMatch(new RegExp(`, 2 VPCs: ${vpcs.slice(3).join(', ')} UnauthorizedOperation: `));
    expect(lines.filter((l) => l.startsWith('failed'))).toEqual([]);
    expect(result.stdout).toMatch(/^Verification: \d+\/5 delivering/m);
    expect(result.code).toBe(1);
  });

  test('GIVEN the connection dropped before CreateLogGroup reached AWS THEN re-reading finds nothing: it stays failed, exit 1', async () => {
    fake.failNext('CreateLogGroup', RESET, { region: 'eu-west-1' });

    const result = await run(['apply', '--yes']);

    expect(failureBlock(result.stdout, 'eu-west-1', 'create-log-group')).toMatch(new RegExp(`, 1 resource: ${GROUP} ECONNRESET: `));
    expect(fake.logGroup('eu-west-1', GROUP)).toBeUndefined();
    expect(result.code).toBe(1);
  });

  test('GIVEN the re-read fails too THEN the write stays failed and says its effect is unknown', async () => {
    fake.failNext('CreateLogGroup', RESET, { afterEffect: true, region: 'eu-west-1' });
    fake.onCall = (call) => {
      // The next DescribeLogGroups in eu-west-1 is apply's re-read.
      if (call.operation === 'CreateLogGroup')
        fake.failNext('DescribeLogGroups', { name: 'ServiceUnavailableException', httpStatusCode: 503 }, { region: 'eu-west-1' });
    };

    const result = await run(['apply', '--yes']);

    expect(failureBlock(result.stdout, 'eu-west-1', 'create-log-group')).toMatch(new RegExp(`, 1 resource: ${GROUP} ECONNRESET: .*unknown`));
    expect(result.code).toBe(1);
  });
});
