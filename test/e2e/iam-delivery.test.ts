// IAM and delivery as AWS really behaves, end to end through the real SDK clients and the stateful fake.
import { FakeAws, FAKE_ACCOUNT } from '../helpers/fake-aws.js';
import { runFlowfix } from '../helpers/capture-io.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const run = (argv: string[]) => runFlowfix(argv, { env: ENV });
const ROLE = 'flowfix-vpc-flow-logs';
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
    fake.addRole(ROLE, trustPinnedTo('eu-west-1'));

    const result = await run(['apply', '--yes']);

    expect(result.code).toBe(1); // blocked work leaves a resource non-compliant
    expect(result.stdout).toMatch(/blocked in us-east-1: .*does not trust vpc-flow-logs\.amazonaws\.com in us-east-1 \(its Allow .* only when ArnLike aws:SourceArn arn:aws:ec2:eu-west-1:/);
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
    fake.addRole(ROLE, trustPinnedTo('eu-west-1'));
    const result = await run(['plan', '--format', 'json']);
    const report = JSON.parse(result.stdout);
    const finding = report.findings.find((f: { kind: string }) => f.kind === 'role-untrusted');
    expect(finding.reason).toMatch(/does not trust vpc-flow-logs\.amazonaws\.com in us-east-1 .*It does in eu-west-1/);
    expect(report.plan.blocked).toEqual([expect.objectContaining({ region: 'us-east-1' })]);
  });
});
