import { audit } from '../../src/audit/audit.js';
import type { Settings } from '../../src/config/settings.js';
import type { Inventory } from '../../src/inventory/types.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import type { CreateFlowLogsAction, Plan, PutRetentionPolicyAction } from '../../src/plan/types.js';
import { isAllowed } from '../../src/policy/evaluate.js';
import { loadPolicyTemplates, renderPolicy } from '../../src/policy/templates.js';
import { ACCOUNT, flowLog, inventory, region, role, settings, unreadable, vpcWithSubnets } from '../helpers/builders.js';

function planFor(inv: Inventory, overrides: Partial<Settings> = {}): Plan {
  const s = settings(overrides);
  return buildPlan({ inventory: inv, audit: audit(inv, s), settings: s, templates: loadPolicyTemplates(), createdAt: '2026-01-01T00:00:00Z' });
}

const operations = (plan: Plan) => plan.actions.map((a) => `${a.region}:${a.operation}`);
const GROUP = '/flowfix/vpc-flow-logs';

describe('buildPlan', () => {
  test('GIVEN a compliant account THEN the plan is empty', () => {
    const inv = inventory([region('us-east-1', { ...vpcWithSubnets('vpc-ok', 2), flowLogs: [flowLog('vpc-ok')], logGroups: { [GROUP]: { name: GROUP, retentionInDays: 365 } } })]);
    expect(planFor(inv)).toMatchObject({ actions: [], blocked: [] });
  });

  test('GIVEN a fresh account with findings in two regions THEN role, policy, then per region group, retention, flow logs', () => {
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1)), region('eu-west-1', vpcWithSubnets('vpc-b', 1))]);
    const plan = planFor(inv);
    expect(operations(plan)).toEqual([
      'global:CreateRole',
      'global:PutRolePolicy',
      'us-east-1:CreateLogGroup',
      'us-east-1:PutRetentionPolicy',
      'us-east-1:CreateFlowLogs',
      'eu-west-1:CreateLogGroup',
      'eu-west-1:PutRetentionPolicy',
      'eu-west-1:CreateFlowLogs',
    ]);
    expect(new Set(plan.actions.map((a) => a.id)).size).toBe(plan.actions.length);
    const createFlowLogs = plan.actions[4] as CreateFlowLogsAction;
    expect(createFlowLogs.input).toMatchObject({
      ResourceType: 'VPC',
      ResourceIds: ['vpc-a'],
      TrafficType: 'REJECT',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: GROUP,
      DeliverLogsPermissionArn: `arn:aws:iam::${ACCOUNT}:role/flowfix-vpc-flow-logs`,
      TagSpecifications: [{ ResourceType: 'vpc-flow-log', Tags: [{ Key: 'ManagedBy', Value: 'flowfix' }] }],
    });
    expect(createFlowLogs.input.ClientToken.length).toBeLessThanOrEqual(64);
    expect(plan.actions[3]?.input).toEqual({ logGroupName: GROUP, retentionInDays: 365 });
  });

  test('GIVEN the trust policy THEN it is confused-deputy safe for this account and partition', () => {
    const inv = { ...inventory([region('cn-north-1', vpcWithSubnets('vpc-a', 1))]), partition: 'aws-cn' as const };
    const createRole = planFor(inv).actions.find((a) => a.kind === 'create-role');
    const trust = JSON.parse((createRole?.input as { AssumeRolePolicyDocument: string }).AssumeRolePolicyDocument);
    expect(trust.Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': ACCOUNT },
      ArnLike: { 'aws:SourceArn': `arn:aws-cn:ec2:*:${ACCOUNT}:vpc-flow-log/*` },
    });
  });

  test('GIVEN --role-path and --permissions-boundary THEN CreateRole carries both, flow logs get the ARN with the path, and the plan settings keep them', () => {
    const boundary = `arn:aws:iam::${ACCOUNT}:policy/lz/Boundary`;
    const plan = planFor(inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1))]), { rolePath: '/lz/network/', permissionsBoundary: boundary });
    expect(plan.actions.find((a) => a.kind === 'create-role')?.input).toMatchObject({ RoleName: 'flowfix-vpc-flow-logs', Path: '/lz/network/', PermissionsBoundary: boundary });
    expect(plan.actions.find((a) => a.kind === 'create-role')?.description).toBe(
      `Create IAM role flowfix-vpc-flow-logs (path /lz/network/, permissions boundary ${boundary}) that VPC Flow Logs can assume (this account only)`,
    );
    expect((plan.actions.find((a) => a.kind === 'create-flow-logs') as CreateFlowLogsAction).input.DeliverLogsPermissionArn).toBe(`arn:aws:iam::${ACCOUNT}:role/lz/network/flowfix-vpc-flow-logs`);
    expect(plan.settings).toMatchObject({ rolePath: '/lz/network/', permissionsBoundary: boundary });
  });

  test('GIVEN an existing role at another path than --role-path THEN it is reused by name with its real ARN, not created again', () => {
    const existing = role({ arn: `arn:aws:iam::${ACCOUNT}:role/team/flowfix-vpc-flow-logs` });
    const plan = planFor(inventory([region('us-east-1', { ...vpcWithSubnets('vpc-a', 1), logGroups: { [GROUP]: { name: GROUP } } })], existing), { rolePath: '/lz/' });
    expect(plan.actions.some((a) => a.kind === 'create-role')).toBe(false);
    expect((plan.actions.find((a) => a.kind === 'create-flow-logs') as CreateFlowLogsAction).input.DeliverLogsPermissionArn).toBe(existing.arn);
  });

  test('GIVEN a valid existing role with the right policy and log group THEN only flow logs are created, reusing the role ARN', () => {
    const publish = renderPolicy(loadPolicyTemplates().publish, { Partition: 'aws', AccountId: ACCOUNT, LogGroupName: GROUP });
    const existing = role({ arn: `arn:aws:iam::${ACCOUNT}:role/custom/path/flowfix-vpc-flow-logs`, inlinePolicies: { 'flowfix-publish-flow-logs': publish } });
    const inv = inventory([region('us-east-1', { ...vpcWithSubnets('vpc-a', 1), logGroups: { [GROUP]: { name: GROUP } } })], existing);
    const plan = planFor(inv);
    expect(operations(plan)).toEqual(['us-east-1:CreateFlowLogs']);
    expect((plan.actions[0] as CreateFlowLogsAction).input.DeliverLogsPermissionArn).toBe(existing.arn);
  });

  test('GIVEN an existing role whose inline policy differs THEN the policy is replaced, the role is not recreated', () => {
    const existing = role({ inlinePolicies: { 'flowfix-publish-flow-logs': { Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] } } });
    const inv = inventory([region('us-east-1', { ...vpcWithSubnets('vpc-a', 1), logGroups: { [GROUP]: { name: GROUP } } })], existing);
    expect(operations(planFor(inv))).toEqual(['global:PutRolePolicy', 'us-east-1:CreateFlowLogs']);
  });

  test('GIVEN an existing role that does not trust VPC Flow Logs THEN nothing is planned for CloudWatch and the plan says it is blocked', () => {
    const untrusted = role({ trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] } });
    const plan = planFor(inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1))], untrusted));
    expect(plan.actions).toEqual([]);
    expect(plan.blocked).toEqual([expect.objectContaining({ region: 'us-east-1', resourceIds: ['vpc-a'] })]);
  });

  test('GIVEN a reused role whose aws:SourceArn names eu-west-1 THEN flow logs are planned there only and us-east-1 is blocked with the condition', () => {
    const pinned = role({
      trustPolicy: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:ec2:eu-west-1:${ACCOUNT}:vpc-flow-log/*` } },
          },
        ],
      },
    });
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1)), region('eu-west-1', vpcWithSubnets('vpc-b', 1))], pinned);
    const plan = planFor(inv);
    expect(operations(plan)).toEqual(['global:PutRolePolicy', 'eu-west-1:CreateLogGroup', 'eu-west-1:PutRetentionPolicy', 'eu-west-1:CreateFlowLogs']);
    expect(plan.blocked).toEqual([
      {
        region: 'us-east-1',
        resourceIds: ['vpc-a'],
        reason: `delivery role flowfix-vpc-flow-logs does not trust vpc-flow-logs.amazonaws.com in us-east-1 (its Allow for vpc-flow-logs.amazonaws.com holds only when ArnLike aws:SourceArn arn:aws:ec2:eu-west-1:${ACCOUNT}:vpc-flow-log/*)`,
      },
    ]);
    // The user's trust policy is never rewritten.
    expect(plan.actions.some((a) => a.kind === 'create-role')).toBe(false);
  });

  test('GIVEN a reused role that trusts only an organization (aws:SourceOrgID) THEN it is blocked as not provable, not guessed', () => {
    const orgOnly = role({ trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceOrgID': 'o-abc123' } } }] } });
    const plan = planFor(inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1))], orgOnly));
    expect(plan.actions).toEqual([]);
    expect(plan.blocked).toEqual([expect.objectContaining({ region: 'us-east-1', reason: expect.stringMatching(/cannot be shown to trust .*aws:SourceOrgID/) })]);
  });

  test('GIVEN IAM could not be read THEN no role is created and CloudWatch flow logs are blocked, not guessed', () => {
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1))], { status: 'unreadable', error: { code: 'AccessDenied', message: 'no iam:GetRole' } });
    const plan = planFor(inv);
    expect(plan.actions).toEqual([]);
    expect(plan.blocked).toEqual([expect.objectContaining({ reason: expect.stringContaining('could not be read'), resourceIds: ['vpc-a'] })]);
  });

  test('GIVEN 2500 subnets needing flow logs THEN CreateFlowLogs is batched 1000/1000/500', () => {
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-big', 2500))]);
    const batches = planFor(inv, { scope: 'subnet' }).actions.filter((a): a is CreateFlowLogsAction => a.kind === 'create-flow-logs');
    expect(batches.map((b) => [b.input.ResourceType, b.input.ResourceIds.length])).toEqual([
      ['Subnet', 1000],
      ['Subnet', 1000],
      ['Subnet', 500],
    ]);
    expect(new Set(batches.map((b) => b.input.ClientToken)).size).toBe(3);
  });

  test('GIVEN traffic type ALL and an S3 destination THEN no role or log group, and no DeliverLogsPermissionArn', () => {
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1))]);
    const plan = planFor(inv, { trafficType: 'ALL', destination: { type: 's3', bucket: 'acme-logs', prefix: 'vpc/' } });
    expect(operations(plan)).toEqual(['us-east-1:CreateFlowLogs']);
    const input = (plan.actions[0] as CreateFlowLogsAction).input;
    expect(input).toMatchObject({ TrafficType: 'ALL', LogDestinationType: 's3', LogDestination: 'arn:aws:s3:::acme-logs/vpc/' });
    expect(input).not.toHaveProperty('DeliverLogsPermissionArn');
    expect(input).not.toHaveProperty('LogGroupName');
  });

  test('GIVEN a short-retention destination group THEN its retention is raised, and a never-expire flowfix group is left alone', () => {
    const flowLogs = [flowLog('vpc-a', { logGroupName: '/vpc/prod' })];
    const logGroups = { '/vpc/prod': { name: '/vpc/prod', retentionInDays: 30 }, [GROUP]: { name: GROUP } };
    const plan = planFor(inventory([region('us-east-1', { ...vpcWithSubnets('vpc-a', 1), flowLogs, logGroups })]));
    expect(plan.actions.map((a) => [a.operation, a.input])).toEqual([['PutRetentionPolicy', { logGroupName: '/vpc/prod', retentionInDays: 365 }]]);
  });

  test('GIVEN a shared VPC only THEN nothing is planned', () => {
    expect(planFor(inventory([region('us-east-1', vpcWithSubnets('vpc-x', 2, '999999999999'))])).actions).toEqual([]);
  });

  test('GIVEN the same inputs THEN the plan, including client tokens, is identical', () => {
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-a', 3))]);
    expect(planFor(inv, { scope: 'subnet' })).toEqual(planFor(inv, { scope: 'subnet' }));
  });
});

describe('delivery role documents', () => {
  const publish = renderPolicy(loadPolicyTemplates().publish, { Partition: 'aws', AccountId: ACCOUNT, LogGroupName: GROUP });

  test.each(['logs:CreateLogStream', 'logs:PutLogEvents'])('GIVEN the publish policy THEN %s is allowed on flowfix group only', (action) => {
    expect(isAllowed(publish, action, `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:${GROUP}:log-stream:eni-1`)).toBe(true);
    expect(isAllowed(publish, action, `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/other/group:*`)).toBe(false);
    expect(isAllowed(publish, action, `arn:aws:logs:eu-west-1:999999999999:log-group:${GROUP}:*`)).toBe(false);
  });

  test('GIVEN the publish policy THEN no statement has a bare * resource', () => {
    const statements = publish.Statement as { Resource: string | string[] }[];
    for (const s of statements) expect([s.Resource].flat()).not.toContain('*');
  });
});

describe('buildPlan, flowfix log group left without retention', () => {
  test.each([
    ['created by flowfix (tagged) but its retention never set', { ManagedBy: 'flowfix' }, true],
    ['a user group that never expires', { Team: 'net' }, false],
  ])('GIVEN flowfix own group %s THEN retention is planned only if flowfix made it', (_label, tags, expected) => {
    const logGroups = { [GROUP]: { name: GROUP, arn: 'arn', tags } };
    const plan = planFor(inventory([region('us-east-1', { ...vpcWithSubnets('vpc-ok', 1), flowLogs: [flowLog('vpc-ok')], logGroups })]));
    expect(operations(plan)).toEqual(expected ? ['us-east-1:PutRetentionPolicy'] : []);
  });
});

describe('reconcile put-retention-policy', () => {
  test('GIVEN a short-retention group that is no longer in live state THEN it is skipped, never set blind', async () => {
    const { putRetentionPolicy } = await import('../../src/actions/put-retention-policy.js');
    const reconcile = putRetentionPolicy.reconcile;
    const action: PutRetentionPolicyAction = {
      id: '01-put-retention-policy-us-east-1', kind: 'put-retention-policy', region: 'us-east-1', service: 'logs', operation: 'PutRetentionPolicy',
      description: '', because: [{ kind: 'short-retention', resourceIds: ['/vpc/old'] }], permissions: [], input: { logGroupName: '/vpc/old', retentionInDays: 365 },
    };
    const live = inventory([region('us-east-1')]);
    expect(reconcile(action, live)).toEqual([expect.objectContaining({ status: 'skipped', detail: 'log group not found any more; left as is' })]);
    const asPrerequisite: PutRetentionPolicyAction = { ...action, because: [{ kind: 'prerequisite', resourceIds: [] }] };
    expect(reconcile(asPrerequisite, live)).toEqual([{ status: 'todo' }]);
  });
});

describe('verifyTargets', () => {
  test('GIVEN the re-read of a region failed THEN its targets are unreadable, not missing', async () => {
    const { verifyTargets } = await import('../../src/apply/verify.js');
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1))]);
    const plan = planFor(inv);
    const after = inventory([unreadable('us-east-1', 'Throttling', 'Rate exceeded')]);
    expect(verifyTargets(plan, after)).toEqual([expect.objectContaining({ resourceId: 'vpc-a', status: 'unreadable' })]);
  });
});

describe('buildPlan with --kms-key', () => {
  const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

  test('GIVEN a key from us-east-1 THEN new log groups there are encrypted and other regions that need a new group are blocked', () => {
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1)), region('eu-west-1', vpcWithSubnets('vpc-b', 1))]);
    const plan = planFor(inv, { kmsKeyId: key });
    expect(plan.actions.find((a) => a.kind === 'create-log-group')?.input).toMatchObject({ logGroupName: GROUP, kmsKeyId: key });
    expect(operations(plan).filter((o) => o.startsWith('eu-west-1'))).toEqual([]);
    expect(plan.blocked).toEqual([expect.objectContaining({ region: 'eu-west-1', reason: expect.stringContaining('KMS keys are regional') })]);
    expect(plan.settings.kmsKeyId).toBe(key);
  });

  test('GIVEN the log group already exists in the other region THEN no key is needed there', () => {
    const inv = inventory([region('eu-west-1', { ...vpcWithSubnets('vpc-b', 1), logGroups: { [GROUP]: { name: GROUP, retentionInDays: 365 } } })]);
    expect(operations(planFor(inv, { kmsKeyId: key }))).toEqual(['global:CreateRole', 'global:PutRolePolicy', 'eu-west-1:CreateFlowLogs']);
  });
});

describe('publish policy across log groups', () => {
  const vars = { Partition: 'aws', AccountId: ACCOUNT };
  const templates = loadPolicyTemplates();

  test('GIVEN the role already publishes to /old WHEN planning with --log-group /new THEN the policy grants both', async () => {
    const { logGroupsGrantedBy, renderPublishPolicy } = await import('../../src/policy/publish-policy.js');
    const existing = role({ inlinePolicies: { 'flowfix-publish-flow-logs': renderPublishPolicy(templates.publish, vars, ['/old']) } });
    const plan = planFor(inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1))], existing), { destination: { type: 'cloud-watch-logs', logGroupName: '/new' } });
    const put = plan.actions.find((a) => a.kind === 'put-role-policy');
    const document = JSON.parse((put?.input as { PolicyDocument: string }).PolicyDocument);
    expect(logGroupsGrantedBy(document, templates.publish, vars)).toEqual(['/new', '/old']);
    expect(isAllowed(document, 'logs:PutLogEvents', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/old:log-stream:x`)).toBe(true);
    expect(put?.description).toContain('/new, /old');
  });

  test.each([
    ['a bare * resource', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] }],
    ['a wildcard log group', null],
  ])('GIVEN an inline policy with %s THEN it is not taken as flowfix\'s', async (_label, doc) => {
    const { logGroupsGrantedBy } = await import('../../src/policy/publish-policy.js');
    const widened = doc ?? JSON.parse(JSON.stringify(renderPolicy(templates.publish, { ...vars, LogGroupName: '*' })));
    expect(logGroupsGrantedBy(widened as never, templates.publish, vars)).toBeNull();
  });
});
