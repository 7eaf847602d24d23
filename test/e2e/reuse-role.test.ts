// Reusing a delivery role and inline policy flowfix did not create (--role-name/--policy-name): the
// policy that existing flow logs deliver through is never narrowed, only left alone or added to.
import type { PolicyDocument } from '../../src/facts/policy-document.js';
import { isAllowed } from '../../src/policy/evaluate.js';
import { loadPolicyTemplates, renderPolicy } from '../../src/policy/templates.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { FAKE_ACCOUNT, FakeAws } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const ROLE = 'seed-flowlogs-role';
const POLICY = 'seed-flowlogs-publish';
const ROLE_ARN = `arn:aws:iam::${FAKE_ACCOUNT}:role/${ROLE}`;
const LEGACY = '/seed/legacy';
const GROUP = '/flowfix/vpc-flow-logs';
const REUSE = ['--role-name', ROLE, '--policy-name', POLICY];
const run = (argv: string[]) => runFlowfix(argv, { env: ENV });
const streamIn = (group: string) => `arn:aws:logs:us-east-1:${FAKE_ACCOUNT}:log-group:${group}:log-stream:eni-0`;

describe('flowfix apply --role-name/--policy-name with a role flowfix did not create', () => {
  let fake: FakeAws;
  // The operator policies in policies/ name the default role; README says to edit them for --role-name.
  beforeEach(() => {
    fake = new FakeAws({ checkOperatorPolicy: false }).install();
  });
  afterEach(() => fake.restore());

  /** The seed role with `publish` as its inline policy, a flow log delivering through it, and a bare VPC. */
  function seed(publish: PolicyDocument): { oldFlowLog: string; bare: string } {
    fake.addRole(ROLE, renderPolicy(loadPolicyTemplates().trust, { Partition: 'aws', AccountId: FAKE_ACCOUNT }), { [POLICY]: publish });
    const old = fake.addVpc('us-east-1', { name: 'old' });
    fake.addLogGroup('us-east-1', LEGACY, { retentionInDays: 365 });
    const oldFlowLog = fake.addFlowLog('us-east-1', { resourceId: old, trafficType: 'ALL', logGroupName: LEGACY, deliverLogsPermissionArn: ROLE_ARN });
    return { oldFlowLog, bare: fake.addVpc('us-east-1', { name: 'bare' }) };
  }
  const policyNow = () => fake.role(ROLE)?.inlinePolicies[POLICY] as PolicyDocument;
  const oldFlowLogNow = (id: string) => fake.flowLogs('us-east-1').find((f) => f.FlowLogId === id);

  test('GIVEN the seed policy (logs:* on *) WHEN apply --yes THEN it still grants logs:*, nothing is put, and the old flow log delivers as before', async () => {
    const seedPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] };
    const { oldFlowLog, bare } = seed(seedPolicy);

    const applied = await run(['apply', '--yes', ...REUSE]);

    expect(applied.code).toBe(0);
    expect(policyNow()).toEqual(seedPolicy);
    expect(fake.mutatingCalls().map((c) => c.operation)).not.toContain('PutRolePolicy');
    expect(isAllowed(policyNow(), 'logs:PutLogEvents', streamIn(LEGACY))).toBe(true);
    expect(oldFlowLogNow(oldFlowLog)).toMatchObject({ DeliverLogsPermissionArn: ROLE_ARN, DeliverLogsStatus: 'SUCCESS', LogGroupName: LEGACY });
    expect(fake.flowLogs('us-east-1').find((f) => f.ResourceId === bare)).toMatchObject({ DeliverLogsPermissionArn: ROLE_ARN, LogGroupName: GROUP });
  });

  test("GIVEN a narrower user policy WHEN apply --yes THEN it keeps its own statement and gains flowfix's, and the plan names the flow log that uses it", async () => {
    const legacy = {
      Sid: 'LegacyDelivery',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `arn:aws:logs:*:${FAKE_ACCOUNT}:log-group:${LEGACY}:*`,
    };
    const { oldFlowLog } = seed({ Version: '2012-10-17', Statement: [legacy] });

    const planned = await run(['plan', '--format', 'json', ...REUSE]);
    const put = (JSON.parse(planned.stdout) as { plan: { actions: { kind: string; because: unknown[]; description: string }[] } }).plan.actions.find(
      (a) => a.kind === 'put-role-policy',
    );
    expect(put?.because).toContainEqual({ kind: 'in-use', resourceIds: [oldFlowLog] });
    expect(put?.description).toContain('(and keep 1 other statement it already had)');

    const applied = await run(['apply', '--yes', ...REUSE]);

    expect(applied.code).toBe(0);
    const after = policyNow();
    expect((after.Statement as unknown[])[0]).toEqual(legacy);
    expect(isAllowed(after, 'logs:PutLogEvents', streamIn(LEGACY))).toBe(true);
    expect(isAllowed(after, 'logs:PutLogEvents', streamIn(GROUP))).toBe(true);
    expect(oldFlowLogNow(oldFlowLog)).toMatchObject({ DeliverLogsStatus: 'SUCCESS' });

    const again = await run(['plan', ...REUSE]);
    expect(again.code).toBe(0);
  });
});
