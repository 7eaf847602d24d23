// `flowfix verify` speaks to CI like `plan`: 0 verified, 2 findings remain, 1 could not check.
import { runFlowfix } from '../helpers/capture-io.js';
import { FakeAws } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };

describe('flowfix verify --snapshot', () => {
  test('GIVEN the example estate (findings remain) THEN exit 2 and the header says verify, not plan', async () => {
    const { code, stdout, stderr } = await runFlowfix(['verify', '--snapshot', 'examples/estate']);
    expect(stderr).toBe('');
    expect(code).toBe(2);
    expect(stdout).toMatch(/^flowfix verify — account 123456789012/);
    expect(stdout).not.toContain('flowfix plan —');
    expect(stdout).toMatch(/Not verified: \d+ findings to fix\.\n$/);
  });

  test('GIVEN a compliant estate THEN exit 0', async () => {
    const { code, stdout } = await runFlowfix(['verify', '--snapshot', 'examples/compliant']);
    expect(code).toBe(0);
    expect(stdout).toContain('Verified: every resource in scope has a working flow log.');
  });

  test('GIVEN the example estate as JSON THEN exit 2 as with text', async () => {
    const { code, stdout } = await runFlowfix(['verify', '--snapshot', 'examples/estate', '--format', 'json']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).schema).toBe('flowfix.plan-report/v1');
  });
});

describe('flowfix verify against a stateful fake', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  test('GIVEN a region that cannot be read THEN exit 1 (could not check), even where the rest is compliant', async () => {
    fake.addFlowLog('us-east-1', { resourceId: fake.addVpc('us-east-1') });
    fake.addFlowLog('eu-west-1', { resourceId: fake.addVpc('eu-west-1') });
    fake.failNext(
      'DescribeVpcs',
      { name: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', httpStatusCode: 403 },
      { region: 'eu-west-1' },
    );

    const { code, stdout } = await runFlowfix(['verify'], { env: ENV });

    expect(code).toBe(1);
    expect(stdout).toContain('Not verified: could not read eu-west-1.');
  });

  test('GIVEN one VPC without a flow log THEN exit 2 and the count has its unit right', async () => {
    fake.addVpc('us-east-1');
    const { code, stdout } = await runFlowfix(['verify', '--regions', 'us-east-1'], { env: ENV });
    expect(code).toBe(2);
    expect(stdout).toContain('Not verified: 1 finding to fix.');
  });
});
