import { audit } from '../../src/audit/audit.js';
import type { Settings } from '../../src/config/settings.js';
import type { Inventory } from '../../src/inventory/types.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import type { CreateFlowLogsAction, Plan, PutRetentionPolicyAction } from '../../src/plan/types.js';
import { isAllowed } from '../../src/policy/evaluate.js';
import { loadPolicyTemplates, renderPolicy } from '../../src/policy/templates.js';
import { ACCOUNT, flowLog, inventory, NOW, region, role, settings, unreadable, vpcWithSubnets } from '../helpers/builders.js';

function planFor(inv: Inventory, overrides: Partial<Settings> = {}): Plan {
  const s = settings(overrides);
  return buildPlan({ inventory: inv, audit: audit(inv, s, NOW), settings: s, templates: loadPolicyTemplates(), createdAt: '2026-01-01T00:00:00Z' });
}

const operations = (plan: Plan) => plan.actions.map((a) => `${a.region}:${a.operation}`);
const GROUP = '/flowfix/vpc-flow-logs';

describe('buildPlan', () => {
  test('GIVEN a compliant account THEN the plan is empty', () => {
    const inv = inventory([
      region('us-east-1', { ...vpcWithSubnets('vpc-ok', 2), flowLogs: [flowLog('vpc-ok')], logGroups: { [GROUP]: { name: GROUP, retentionInDays: 365 } } }),
    ]);
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
    expect(plan.actions.find((a) => a.kind === 'create-role')?.input).toMatchObject({
      RoleName: 'flowfix-vpc-flow-logs',
      Path: '/lz/network/',
      PermissionsBoundary: boundary,
    });
    expect(plan.actions.find((a) => a.kind === 'create-role')?.description).toBe(
      `Create IAM role flowfix-vpc-flow-logs (path /lz/network/, permissions boundary ${boundary}) that VPC Flow Logs can assume (this account only)`,
    );
    expect((plan.actions.find((a) => a.kind === 'create-flow-logs') as CreateFlowLogsAction).input.DeliverLogsPermissionArn).toBe(
      `arn:aws:iam::${ACCOUNT}:role/lz/network/flowfix-vpc-flow-logs`,
    );
    expect(plan.settings).toMatchObject({ rolePath: '/lz/network/', permissionsBoundary: boundary });
  });

  test('GIVEN an existing role at another path than --role-path THEN it is reused by name with its real ARN, not created again', () => {
    const existing = role({ arn: `arn:aws:iam::${ACCOUNT}:role/team/flowfix-vpc-flow-logs` });
    const plan = planFor(inventory([region('us-east-1', { ...vpcWithSubnets('vpc-a', 1), logGroups: { [GROUP]: { name: GROUP } } })], existing), {
      rolePath: '/lz/',
    });
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

  test("GIVEN flowfix's own role whose inline policy is not flowfix's THEN flowfix's statements are added, the role is not recreated", () => {
    const theirs = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/mine:*' }],
    };
    const existing = role({ tags: { ManagedBy: 'flowfix' }, inlinePolicies: { 'flowfix-publish-flow-logs': theirs } });
    const inv = inventory([region('us-east-1', { ...vpcWithSubnets('vpc-a', 1), logGroups: { [GROUP]: { name: GROUP } } })], existing);
    const plan = planFor(inv);
    expect(operations(plan)).toEqual(['global:PutRolePolicy', 'us-east-1:CreateFlowLogs']);
    expect(JSON.parse((plan.actions[0]?.input as { PolicyDocument: string }).PolicyDocument).Statement[0]).toEqual(theirs.Statement[0]);
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
    const orgOnly = role({
      trustPolicy: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceOrgID': 'o-abc123' } },
          },
        ],
      },
    });
    const plan = planFor(inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1))], orgOnly));
    expect(plan.actions).toEqual([]);
    expect(plan.blocked).toEqual([
      expect.objectContaining({ region: 'us-east-1', reason: expect.stringMatching(/cannot be shown to trust .*aws:SourceOrgID/) }),
    ]);
  });

  test('GIVEN IAM could not be read THEN no role is created and CloudWatch flow logs are blocked, not guessed', () => {
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1))], {
      status: 'unreadable',
      error: { code: 'AccessDenied', message: 'no iam:GetRole' },
    });
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

describe('buildPlan with exclusions', () => {
  test('GIVEN one of two VPCs excluded THEN only the other gets a flow log, and the plan settings carry the exclusion', () => {
    const inv = inventory([region('us-east-1', { vpcs: [...vpcWithSubnets('vpc-a', 1).vpcs, ...vpcWithSubnets('vpc-b', 1).vpcs] })]);
    const exclude = [{ id: 'vpc-a', reason: 'legacy', expires: '2026-06-30' }];
    const plan = planFor(inv, { exclude });
    const flowLogs = plan.actions.filter((a): a is CreateFlowLogsAction => a.kind === 'create-flow-logs');
    expect(flowLogs.map((a) => a.input.ResourceIds)).toEqual([['vpc-b']]);
    expect(plan.settings.exclude).toEqual(exclude);
    // Without exclusions the key is left out, so plans without them read as before.
    expect(Object.keys(planFor(inv).settings)).not.toContain('exclude');
  });

  test('GIVEN every VPC with a finding excluded THEN nothing is planned: no role, no log group, nothing blocked', () => {
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1)), region('eu-west-1', vpcWithSubnets('vpc-b', 1))]);
    const plan = planFor(inv, {
      exclude: [
        { id: 'vpc-a', reason: 'r' },
        { id: 'vpc-b', reason: 'r' },
      ],
    });
    expect(plan.actions).toEqual([]);
    expect(plan.blocked).toEqual([]);
  });

  test('GIVEN a default VPC and --skip-default-vpcs THEN it is not planned, and the plan settings say so', () => {
    const inv = inventory([
      region('us-east-1', {
        vpcs: [
          { vpcId: 'vpc-d', ownerId: ACCOUNT, isDefault: true },
          { vpcId: 'vpc-a', ownerId: ACCOUNT, isDefault: false },
        ],
      }),
    ]);
    const plan = planFor(inv, { skipDefaultVpcs: true });
    expect(plan.actions.filter((a): a is CreateFlowLogsAction => a.kind === 'create-flow-logs').flatMap((a) => a.input.ResourceIds)).toEqual(['vpc-a']);
    expect(plan.settings.skipDefaultVpcs).toBe(true);
  });

  test("GIVEN an excluded VPC, scope subnet THEN none of its subnets are planned, the other VPC's are", () => {
    const inv = inventory([
      region('us-east-1', {
        vpcs: [...vpcWithSubnets('vpc-a', 2).vpcs, ...vpcWithSubnets('vpc-b', 1).vpcs],
        subnets: [...vpcWithSubnets('vpc-a', 2).subnets, ...vpcWithSubnets('vpc-b', 1).subnets],
      }),
    ]);
    const plan = planFor(inv, { scope: 'subnet', exclude: [{ id: 'vpc-a', reason: 'r' }] });
    expect(plan.actions.filter((a): a is CreateFlowLogsAction => a.kind === 'create-flow-logs').flatMap((a) => a.input.ResourceIds)).toEqual(['subnet-b0']);
  });
});

describe("buildPlan with the organization's tags", () => {
  const tags = { CostCentre: '4711', Owner: 'net team' };
  const expected = [
    { Key: 'ManagedBy', Value: 'flowfix' },
    { Key: 'CostCentre', Value: '4711' },
    { Key: 'Owner', Value: 'net team' },
  ];

  test('GIVEN --tag THEN the role, the log group and the flow logs carry them after ManagedBy=flowfix, and the plan settings keep them', () => {
    const plan = planFor(inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1))]), { tags });
    const input = (kind: string) => plan.actions.find((a) => a.kind === kind)?.input as Record<string, any>;
    expect(input('create-role').Tags).toEqual(expected);
    expect(input('create-log-group').tags).toEqual({ ManagedBy: 'flowfix', CostCentre: '4711', Owner: 'net team' });
    expect(Object.keys(input('create-log-group').tags)[0]).toBe('ManagedBy');
    expect(input('create-flow-logs').TagSpecifications).toEqual([{ ResourceType: 'vpc-flow-log', Tags: expected }]);
    expect(plan.settings.tags).toEqual(tags);
  });

  test('GIVEN a ManagedBy tag that slipped past validation THEN ManagedBy=flowfix still wins', () => {
    const plan = planFor(inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1))]), { tags: { ManagedBy: 'terraform', Owner: 'x' } });
    const flowLogs = plan.actions.find((a): a is CreateFlowLogsAction => a.kind === 'create-flow-logs');
    expect(flowLogs?.input.TagSpecifications[0]?.Tags).toEqual([
      { Key: 'ManagedBy', Value: 'flowfix' },
      { Key: 'Owner', Value: 'x' },
    ]);
  });

  test('GIVEN other tags THEN the client token differs (AWS would refuse the same token with other parameters)', () => {
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1))]);
    const token = (plan: Plan) => plan.actions.find((a): a is CreateFlowLogsAction => a.kind === 'create-flow-logs')?.input.ClientToken;
    expect(token(planFor(inv, { tags }))).not.toEqual(token(planFor(inv)));
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
      id: '01-put-retention-policy-us-east-1',
      kind: 'put-retention-policy',
      region: 'us-east-1',
      service: 'logs',
      operation: 'PutRetentionPolicy',
      description: '',
      because: [{ kind: 'short-retention', resourceIds: ['/vpc/old'] }],
      permissions: [],
      input: { logGroupName: '/vpc/old', retentionInDays: 365 },
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
    const existing = role({
      tags: { ManagedBy: 'flowfix' },
      inlinePolicies: { 'flowfix-publish-flow-logs': renderPublishPolicy(templates.publish, vars, ['/old']) },
    });
    const plan = planFor(inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1))], existing), {
      destination: { type: 'cloud-watch-logs', logGroupName: '/new' },
    });
    const put = plan.actions.find((a) => a.kind === 'put-role-policy');
    const document = JSON.parse((put?.input as { PolicyDocument: string }).PolicyDocument);
    expect(logGroupsGrantedBy(document, templates.publish, vars)).toEqual(['/new', '/old']);
    expect(isAllowed(document, 'logs:PutLogEvents', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/old:log-stream:x`)).toBe(true);
    expect(put?.description).toContain('/new, /old');
  });

  test.each([
    ['a bare * resource', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] }],
    ['a wildcard log group', null],
  ])("GIVEN an inline policy with %s THEN it is not taken as flowfix's", async (_label, doc) => {
    const { logGroupsGrantedBy } = await import('../../src/policy/publish-policy.js');
    const widened = doc ?? JSON.parse(JSON.stringify(renderPolicy(templates.publish, { ...vars, LogGroupName: '*' })));
    expect(logGroupsGrantedBy(widened as never, templates.publish, vars)).toBeNull();
  });
});

describe('buildPlan reusing a role or policy flowfix did not write', () => {
  const templates = loadPolicyTemplates();
  const ROLE = 'seed-flowlogs-role';
  const POLICY = 'seed-flowlogs-publish';
  const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE}`;
  const reuse = { roleName: ROLE, policyName: POLICY };
  const streamArn = (group: string) => `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${group}:log-stream:eni-1`;
  const ours = renderPolicy(templates.publish, { Partition: 'aws', AccountId: ACCOUNT, LogGroupName: GROUP });

  /** A bare VPC to fix and one whose flow log already delivers to /seed/legacy through the role. */
  function estateWith(document: object, tags: Record<string, string> = {}) {
    const delivering = flowLog('vpc-old', { logGroupName: '/seed/legacy', deliverLogsPermissionArn: ROLE_ARN });
    const vpcs = [...vpcWithSubnets('vpc-new', 0).vpcs, ...vpcWithSubnets('vpc-old', 0).vpcs];
    const logGroups = { [GROUP]: { name: GROUP, retentionInDays: 365 }, '/seed/legacy': { name: '/seed/legacy', retentionInDays: 365 } };
    const existing = role({ roleName: ROLE, arn: ROLE_ARN, tags, inlinePolicies: { [POLICY]: document as never } });
    return { inv: inventory([region('us-east-1', { vpcs, flowLogs: [delivering], logGroups })], existing), delivering };
  }
  const putOf = (plan: Plan) => plan.actions.find((a) => a.kind === 'put-role-policy');
  const documentOf = (plan: Plan) => JSON.parse((putOf(plan)?.input as { PolicyDocument: string }).PolicyDocument);

  test('GIVEN the seed policy (logs:* on *) THEN it is left alone: nothing but the flow log is planned', () => {
    const { inv } = estateWith({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] });
    const plan = planFor(inv, reuse);
    expect(operations(plan)).toEqual(['us-east-1:CreateFlowLogs']);
    expect((plan.actions[0] as CreateFlowLogsAction).input.DeliverLogsPermissionArn).toBe(ROLE_ARN);
  });

  test("GIVEN a narrower user policy THEN every statement it had is kept as is and flowfix's are added, naming the flow logs that use the role", () => {
    const legacy = {
      Sid: 'LegacyDelivery',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `arn:aws:logs:*:${ACCOUNT}:log-group:/seed/legacy:*`,
    };
    const { inv, delivering } = estateWith({ Version: '2012-10-17', Statement: [legacy] });
    const plan = planFor(inv, reuse);
    const document = documentOf(plan);
    expect(document.Statement[0]).toEqual(legacy);
    expect(document.Statement.slice(1)).toEqual(ours.Statement);
    expect(isAllowed(document, 'logs:PutLogEvents', streamArn('/seed/legacy'))).toBe(true);
    expect(isAllowed(document, 'logs:PutLogEvents', streamArn(GROUP))).toBe(true);
    expect(putOf(plan)?.because).toContainEqual({ kind: 'in-use', resourceIds: [delivering.flowLogId] });
    expect(putOf(plan)?.description).toBe(
      `Put inline policy ${POLICY} on role ${ROLE}: publish to log groups named ${GROUP} (and keep 1 other statement it already had)`,
    );
  });

  test("GIVEN the user policy uses flowfix's Sids already THEN the added statements get Sids of their own", () => {
    const clash = {
      Sid: 'PublishToFlowfixLogGroups',
      Effect: 'Allow',
      Action: 'logs:PutLogEvents',
      Resource: `arn:aws:logs:*:${ACCOUNT}:log-group:/seed/legacy:*`,
    };
    const { inv } = estateWith({ Version: '2012-10-17', Statement: [clash] });
    const document = documentOf(planFor(inv, reuse));
    expect(document.Statement[0]).toEqual(clash);
    const sids = document.Statement.map((s: { Sid: string }) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
  });

  test("GIVEN logs:* allowed only under a condition THEN it does not count as granting delivery: flowfix's statements are added", () => {
    const conditional = { Effect: 'Allow', Action: 'logs:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } };
    const { inv } = estateWith({ Version: '2012-10-17', Statement: [conditional] });
    expect(documentOf(planFor(inv, reuse)).Statement[0]).toEqual(conditional);
  });

  test('GIVEN the user policy denies what delivery needs THEN the CloudWatch part is blocked, the policy untouched', () => {
    const { inv } = estateWith({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'logs:*', Resource: '*' },
        { Effect: 'Deny', Action: 'logs:PutLogEvents', Resource: `arn:aws:logs:*:${ACCOUNT}:log-group:/flowfix/*` },
      ],
    });
    const plan = planFor(inv, reuse);
    expect(plan.actions).toEqual([]);
    expect(plan.blocked).toEqual([
      expect.objectContaining({ resourceIds: ['vpc-new'], reason: expect.stringMatching(new RegExp(`${POLICY}.*denies logs:PutLogEvents`)) }),
    ]);
  });

  test('GIVEN a flowfix-rendered policy on a role flowfix did not create THEN it is not rewritten, only added to', async () => {
    const { renderPublishPolicy } = await import('../../src/policy/publish-policy.js');
    const old = renderPublishPolicy(templates.publish, { Partition: 'aws', AccountId: ACCOUNT }, ['/seed/legacy']);
    const { inv } = estateWith(old);
    const document = documentOf(planFor(inv, reuse));
    expect(document.Statement.slice(0, 2)).toEqual(old.Statement);
    expect(putOf(planFor(inv, reuse))?.description).toContain(`publish to log groups named ${GROUP}, /seed/legacy only`);
  });
});

describe('put-role-policy description', () => {
  const publish = (resource: string) => ({
    Sid: 'Mine',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    Resource: [resource],
  });
  const ours = renderPolicy(loadPolicyTemplates().publish, { Partition: 'aws', AccountId: ACCOUNT, LogGroupName: GROUP });
  const describeWith = async (statements: object[]) => {
    const { putRolePolicy } = await import('../../src/actions/put-role-policy.js');
    return putRolePolicy.describe({
      RoleName: 'r',
      PolicyName: 'p',
      PolicyDocument: JSON.stringify({ ...ours, Statement: [...statements, ...(ours.Statement as object[])] }),
    });
  };

  test.each([
    ['publishing to every log group', publish(`arn:aws:logs:*:${ACCOUNT}:log-group:*`)],
    ['logs:* on everything', { Effect: 'Allow', Action: 'logs:*', Resource: '*' }],
    ['another service on a log group ARN', { Effect: 'Allow', Action: 's3:*', Resource: `arn:aws:logs:*:${ACCOUNT}:log-group:/x` }],
  ])('GIVEN a kept statement %s THEN it is counted as kept, never read as a publish grant', async (_label, statement) => {
    expect(await describeWith([statement])).toBe(
      `Put inline policy p on role r: publish to log groups named ${GROUP} (and keep 1 other statement it already had)`,
    );
  });

  test("GIVEN a kept statement shaped like flowfix's for another group THEN that group is named", async () => {
    expect(await describeWith([publish(`arn:aws:logs:*:${ACCOUNT}:log-group:/x:*`)])).toBe(
      `Put inline policy p on role r: publish to log groups named ${GROUP}, /x only`,
    );
  });
});
