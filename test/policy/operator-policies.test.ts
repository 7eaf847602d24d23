// The operator policies users attach (policies/operator-*.json). Every test that uses the stateful fake
// is also checked after it runs (test/setup/operator-policy.ts); these runs make sure each kind of call
// is exercised, and pin what the policies must not allow.
import { isAllowed } from '../../src/policy/evaluate.js';
import { readPolicyFile, renderPolicy } from '../../src/policy/templates.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { FakeAws } from '../helpers/fake-aws.js';
import { operatorPolicy, requiredPermissions, type DocumentGrant } from '../helpers/operator-permissions.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const ACCOUNT = '111111111111';

function seed(fake: FakeAws) {
  const vpc = fake.addVpc('us-east-1');
  fake.addSubnet('us-east-1', vpc);
  fake.addVpc('eu-west-1');
  fake.addLogGroup('eu-west-1', '/short', { retentionInDays: 7 });
  fake.addFlowLog('eu-west-1', { resourceId: fake.addVpc('eu-west-1'), logGroupName: '/short' });
}

describe('operator policies', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws({ pageSize: 2 }).install();
    seed(fake);
  });
  afterEach(() => fake.restore());

  test('GIVEN the plan policy THEN it allows every call `flowfix plan` sends, and nothing that writes', async () => {
    await runFlowfix(['plan'], { env: ENV });
    await runFlowfix(['plan', '--scope', 'subnet', '--destination', 's3://acme-logs'], { env: ENV });
    const policy = readPolicyFile('operator-plan.json');
    expect(fake.calls.length).toBeGreaterThan(5);
    for (const call of fake.calls)
      for (const need of requiredPermissions(call, ACCOUNT))
        expect([need.action, isAllowed(policy, need.action, need.resource, need.context)]).toEqual([need.action, true]);
    for (const write of ['ec2:CreateFlowLogs', 'iam:CreateRole', 'iam:PassRole', 'logs:CreateLogGroup']) expect(isAllowed(policy, write)).toBe(false);
  });

  test('GIVEN the apply policy and the opt-in documents for /short and acme-logs THEN they allow every call apply sends (CloudWatch, S3, dry run, re-run)', async () => {
    const grants: DocumentGrant[] = [
      { file: 'operator-apply-retention.json', vars: { LogGroupName: '/short' } },
      { file: 'operator-apply-s3.json', vars: { BucketName: 'acme-logs' } },
    ];
    for (const grant of grants) fake.grantOperatorPolicy(grant.file, grant.vars);
    expect((await runFlowfix(['apply', '--dry-run'], { env: ENV })).code).toBe(0);
    expect((await runFlowfix(['apply', '--yes'], { env: ENV })).code).toBe(0);
    expect((await runFlowfix(['apply', '--yes'], { env: ENV })).code).toBe(0);
    fake.addVpc('us-east-1');
    expect((await runFlowfix(['apply', '--yes', '--destination', 's3://acme-logs/vpc'], { env: ENV })).code).toBe(0);
    const operations = new Set(fake.calls.map((c) => c.operation));
    for (const op of ['CreateRole', 'PutRolePolicy', 'CreateLogGroup', 'PutRetentionPolicy', 'CreateFlowLogs']) expect(operations).toContain(op);

    const policy = operatorPolicy('operator-apply.json', grants);
    for (const call of fake.calls)
      for (const need of requiredPermissions(call, ACCOUNT))
        expect([need.action, need.resource, isAllowed(policy, need.action, need.resource, need.context)]).toEqual([need.action, need.resource, true]);
    // Without the opt-ins, the user's short-retention group and the bucket are out of reach.
    const base = readPolicyFile('operator-apply.json');
    expect(fake.calls.some((c) => c.operation === 'PutRetentionPolicy' && c.input.logGroupName === '/short')).toBe(true);
    expect(isAllowed(base, 'logs:PutRetentionPolicy', `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/short`)).toBe(false);
    expect(isAllowed(base, 'logs:CreateLogDelivery')).toBe(false);
  });

  test('GIVEN the base apply policy THEN log-group writes reach only /flowfix/ groups and nothing in S3', () => {
    const base = readPolicyFile('operator-apply.json');
    for (const action of ['logs:CreateLogGroup', 'logs:TagResource', 'logs:PutRetentionPolicy']) {
      expect([action, isAllowed(base, action, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/flowfix/vpc-flow-logs`)]).toEqual([action, true]);
      expect([action, isAllowed(base, action, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/audit`)]).toEqual([action, false]);
      expect([action, isAllowed(base, action, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:flowfix-lookalike`)]).toEqual([action, false]);
    }
    for (const action of ['s3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:ListBucket', 'logs:CreateLogDelivery'])
      expect([action, isAllowed(base, action, 'arn:aws:s3:::any-bucket')]).toEqual([action, false]);
  });

  test('GIVEN the opt-in documents filled in for one bucket and one group THEN they reach only those', () => {
    const s3 = operatorPolicy('operator-apply.json', [{ file: 'operator-apply-s3.json', vars: { BucketName: 'acme-logs' } }]);
    expect(isAllowed(s3, 's3:PutBucketPolicy', 'arn:aws:s3:::acme-logs')).toBe(true);
    expect(isAllowed(s3, 's3:ListBucket', 'arn:aws:s3:::acme-logs')).toBe(true);
    expect(isAllowed(s3, 's3:PutBucketPolicy', 'arn:aws:s3:::other-bucket')).toBe(false);
    expect(isAllowed(s3, 's3:GetObject', 'arn:aws:s3:::acme-logs/AWSLogs/x')).toBe(false);
    const retention = operatorPolicy('operator-apply.json', [{ file: 'operator-apply-retention.json', vars: { LogGroupName: '/app/audit' } }]);
    expect(isAllowed(retention, 'logs:PutRetentionPolicy', `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/app/audit`)).toBe(true);
    expect(isAllowed(retention, 'logs:PutRetentionPolicy', `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/app/other`)).toBe(false);
    expect(isAllowed(retention, 'logs:DeleteLogGroup', `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/app/audit`)).toBe(false);
    // Every placeholder is one a user fills in: nothing else is left unrendered.
    for (const file of ['operator-apply-s3.json', 'operator-apply-retention.json']) {
      expect(
        JSON.stringify(readPolicyFile(file))
          .match(/\$\{\w+\}/g)
          ?.every((p) => ['${BucketName}', '${LogGroupName}'].includes(p)),
      ).toBe(true);
    }
  });

  test('GIVEN the apply policy THEN PassRole is limited to the delivery role', () => {
    const policy = readPolicyFile('operator-apply.json');
    expect(isAllowed(policy, 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/flowfix-vpc-flow-logs`)).toBe(true);
    expect(isAllowed(policy, 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/admin`)).toBe(false);
    // --role-path, or a reused role at a path: the same name at any path, and nothing that merely ends like it.
    expect(isAllowed(policy, 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/landing-zone/network/flowfix-vpc-flow-logs`)).toBe(true);
    expect(isAllowed(policy, 'iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/evil-flowfix-vpc-flow-logs`)).toBe(false);
    expect(isAllowed(policy, 'iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/lz/flowfix-vpc-flow-logs`)).toBe(true);
    expect(isAllowed(policy, 'iam:PutRolePolicy', `arn:aws:iam::${ACCOUNT}:role/lz/other-role`)).toBe(false);
    // Rollback deletes flowfix's own role and policy, and no other role.
    expect(isAllowed(policy, 'iam:DeleteRole', `arn:aws:iam::${ACCOUNT}:role/flowfix-vpc-flow-logs`)).toBe(true);
    expect(isAllowed(policy, 'iam:DeleteRole', `arn:aws:iam::${ACCOUNT}:role/admin`)).toBe(false);
    expect(isAllowed(policy, 'iam:DeleteRolePolicy', `arn:aws:iam::${ACCOUNT}:role/admin`)).toBe(false);
  });

  test('GIVEN the apply policy THEN rollback may delete only flowfix-tagged flow logs and /flowfix/* log groups', () => {
    const policy = readPolicyFile('operator-apply.json');
    const statements = [policy.Statement].flat();
    expect(statements.find((s) => [s.Action].flat().includes('ec2:DeleteFlowLogs'))).toMatchObject({
      Resource: 'arn:*:ec2:*:*:vpc-flow-log/*',
      Condition: { StringEquals: { 'aws:ResourceTag/ManagedBy': 'flowfix' } },
    });
    expect(isAllowed(policy, 'logs:DeleteLogGroup', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/flowfix/vpc-flow-logs`)).toBe(true);
    expect(isAllowed(policy, 'logs:DeleteLogGroup', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/team/flow-logs`)).toBe(false);
  });

  test('GIVEN a role the team made beforehand, trusted and granting delivery under its own policy name WHEN apply --yes THEN operator-apply-prebuilt-role.json allows every call, and no IAM write is sent', async () => {
    const trust = readPolicyFile('delivery-role-trust.json');
    const publish = readPolicyFile('delivery-role-publish.json');
    const vars = { Partition: 'aws', AccountId: ACCOUNT, LogGroupName: '/flowfix/vpc-flow-logs' };
    fake.addRole('flowfix-vpc-flow-logs', renderPolicy(trust, vars), { 'team-delivery': renderPolicy(publish, vars) }, { Owner: 'platform-team' });
    // us-east-1 only: eu-west-1's short-retention group would need operator-apply-retention.json.
    const applied = await runFlowfix(['apply', '--yes', '--regions', 'us-east-1'], { env: ENV });
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(fake.calls.filter((c) => c.service === 'iam' && !/^(Get|List)/.test(c.operation))).toEqual([]);
    expect(fake.calls.filter((c) => c.operation === 'CreateFlowLogs')).toHaveLength(1);

    const prebuilt = operatorPolicy('operator-apply-prebuilt-role.json');
    for (const call of fake.calls) {
      for (const need of requiredPermissions(call, ACCOUNT))
        expect([need.action, need.resource, isAllowed(prebuilt, need.action, need.resource, need.context)]).toEqual([need.action, need.resource, true]);
    }
  });
});
