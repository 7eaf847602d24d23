// deploy/cloudformation/flowfix-guard.yaml: valid for a maintained CloudFormation linter, its function's
// role no wider than policies/operator-apply.json yet enough for every call the guard sends, and its
// parameters the settings flowfix validates.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

import { ALLOWED_RETENTION_DAYS } from '../../src/config/settings.js';
import type { PolicyDocument, PolicyStatement } from '../../src/facts/policy-document.js';
import { guardSettingsArgv } from '../../src/lambda/guard-settings.js';
import { runGuard } from '../../src/lambda/guard.js';
import { asList, isAllowed } from '../../src/policy/evaluate.js';
import { readPolicyFile } from '../../src/policy/templates.js';
import { FakeAws } from '../helpers/fake-aws.js';
import { requiredPermissions } from '../helpers/operator-permissions.js';
import { createSubnetEvent, createVpcEvent, scheduledEvent } from '../lambda/events.js';

const TEMPLATE = path.join(process.cwd(), 'deploy/cloudformation/flowfix-guard.yaml');
const ACCOUNT = '111111111111';
const REGION = 'us-east-1';

interface Template {
  Parameters: Record<string, { Default?: unknown; AllowedValues?: unknown[] }>;
  Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
}
const template = parse(readFileSync(TEMPLATE, 'utf8')) as Template;

/** A `Fn::Sub` of pseudo parameters as CloudFormation fills them in for one account and region. */
function resolve(value: unknown): string {
  const text = typeof value === 'string' ? value : (value as { 'Fn::Sub': string })['Fn::Sub'];
  return text
    .replace(/\$\{AWS::Partition\}/g, 'aws')
    .replace(/\$\{AWS::AccountId\}/g, ACCOUNT)
    .replace(/\$\{AWS::Region\}/g, REGION);
}

/** The guard role's own policy, with its ARNs resolved. */
function guardPolicy(): PolicyDocument {
  const [own] = template.Resources['GuardRole']!.Properties['Policies'] as { PolicyDocument: { Statement: PolicyStatement[] } }[];
  const Statement = own!.PolicyDocument.Statement.map((s) => ({ ...s, Resource: asList(s.Resource as never).map(resolve) }));
  return { Version: '2012-10-17', Statement };
}

const lint = (file: string) =>
  promisify(execFile)(path.join(process.cwd(), 'node_modules/.bin/cfn-lint'), ['validate', file], { env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });

describe("the guard's CloudFormation template", () => {
  test('GIVEN cfn-lint THEN the template validates, and a broken reference in it would not', async () => {
    await expect(lint(TEMPLATE)).resolves.toMatchObject({ stdout: expect.stringContaining('Template valid') });

    const work = mkdtempSync(path.join(tmpdir(), 'flowfix-cfn-'));
    try {
      const broken = path.join(work, 'broken.yaml');
      writeFileSync(broken, readFileSync(TEMPLATE, 'utf8').replace("Role: { 'Fn::GetAtt': [GuardRole, Arn] }", "Role: { 'Fn::GetAtt': [GuardRoel, Arn] }"));
      await expect(lint(broken)).rejects.toMatchObject({ stdout: expect.stringContaining('GuardRoel') });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test("GIVEN the function's role THEN each grant is one of policies/operator-apply.json's, with the same conditions, and none deletes", () => {
    const operator = readPolicyFile('operator-apply.json');
    const operatorStatements = asList(operator.Statement as never) as unknown as PolicyStatement[];
    for (const statement of guardPolicy().Statement as PolicyStatement[]) {
      const actions = asList(statement.Action as never);
      expect(actions.filter((a) => /:Delete/.test(a))).toEqual([]);
      if (statement.Sid === 'GuardOwnLog') {
        expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
        expect(statement.Resource).toEqual([`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/flowfix-guard:*`]);
        continue;
      }
      const same = operatorStatements.find((s) => s.Sid === statement.Sid);
      expect([statement.Sid, same?.Condition]).toEqual([statement.Sid, statement.Condition]);
      const narrower = { Version: '2012-10-17', Statement: [{ ...same!, Condition: undefined }] } as PolicyDocument;
      for (const action of actions)
        for (const resource of asList(statement.Resource as never))
          expect([action, resource, isAllowed(narrower, action, resource.replace(/\*/g, 'x'))]).toEqual([action, resource, true]);
    }
  });

  test('GIVEN the guard at work (new VPC, new subnet in subnet scope, daily sweep) THEN its role allows every call it sent', async () => {
    const fake = new FakeAws().install();
    try {
      const vpc = fake.addVpc(REGION);
      const subnet = fake.addSubnet(REGION, vpc);
      fake.addVpc(REGION);
      const env = { AWS_REGION: REGION };
      await runGuard(createVpcEvent(REGION, vpc), { env, cwd: process.cwd() });
      await runGuard(createSubnetEvent(REGION, vpc, subnet), { env: { ...env, FLOWFIX_SCOPE: 'subnet' }, cwd: process.cwd() });
      await runGuard(scheduledEvent(REGION), { env, cwd: process.cwd() });
      const policy = guardPolicy();
      const roleArn = (name: string) => fake.role(name)?.arn;

      const refused = fake.calls.flatMap((call) => requiredPermissions(call, ACCOUNT, roleArn).filter((p) => !isAllowed(policy, p.action, p.resource)));

      expect(fake.mutatingCalls().length).toBeGreaterThan(0);
      expect(refused).toEqual([]);
    } finally {
      fake.restore();
    }
  });

  test('GIVEN CreateDeliveryBoundary THEN the managed policy it creates is policies/delivery-role-boundary.json, under the name the operator policy requires', () => {
    const boundary = template.Resources['DeliveryBoundary']!.Properties;
    expect(boundary['PolicyDocument']).toEqual(readPolicyFile('delivery-role-boundary.json'));
    const createRole = (asList(readPolicyFile('operator-apply.json').Statement as never) as unknown as PolicyStatement[]).find((st) =>
      asList(st.Action as never).includes('iam:CreateRole'),
    );
    expect(JSON.stringify(createRole?.Condition)).toContain(`policy/${boundary['ManagedPolicyName']}`);
  });

  test("GIVEN the function's environment THEN every FLOWFIX_ variable is a setting the guard takes, at its parameter's default", () => {
    const variables = template.Resources['GuardFunction']!.Properties['Environment'].Variables as Record<string, { Ref: string }>;
    const defaults = Object.fromEntries(Object.entries(variables).map(([name, ref]) => [name, String(template.Parameters[ref.Ref]?.Default ?? '')]));
    const argv = guardSettingsArgv(defaults);
    expect(argv).toEqual(
      expect.arrayContaining([
        '--scope=vpc',
        '--traffic-type=REJECT',
        '--destination=cloud-watch-logs',
        '--log-group=/flowfix/vpc-flow-logs',
        '--retention=365',
      ]),
    );
    expect(template.Parameters['RetentionInDays']!.AllowedValues).toEqual([...ALLOWED_RETENTION_DAYS]);
    expect(template.Resources['GuardFunction']!.Properties['Handler']).toBe('dist/bundle/lambda.handler');
    expect(readFileSync(path.join(process.cwd(), 'scripts/bundle.mjs'), 'utf8')).toMatch(/lambda: 'dist\/lambda\/handler\.js'/);
  });

  test('GIVEN the event rule THEN it forwards exactly the CloudTrail calls the guard acts on', async () => {
    const { GUARDED_EVENT_NAMES } = await import('../../src/lambda/guard-event.js');
    const pattern = template.Resources['ResourceChangeRule']!.Properties['EventPattern'];
    expect(pattern).toEqual({
      source: ['aws.ec2'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['ec2.amazonaws.com'], eventName: [...GUARDED_EVENT_NAMES] },
    });
  });
});
