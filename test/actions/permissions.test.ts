// The IAM permissions each action kind declares: what error hints, plans and policies/ tell users to
// grant. They must name ARNs in the call's partition, account and region, and only what the call needs.
import type { CallScope, Permission } from '../../src/actions/action-kind.js';
import { ACTION_KINDS, kindOf, permissionsOf, type ActionKindName } from '../../src/actions/action-kinds.js';
import { buildCheckFlowLogs } from '../../src/actions/check-flow-logs.js';
import { buildCreateFlowLogs, type CreateFlowLogsInput } from '../../src/actions/create-flow-logs.js';
import { buildCreateLogGroup } from '../../src/actions/create-log-group.js';
import { buildCreateRole } from '../../src/actions/create-role.js';
import { buildDeleteFlowLogs } from '../../src/actions/delete-flow-logs.js';
import { buildDeleteLogGroup } from '../../src/actions/delete-log-group.js';
import { buildDeleteRolePolicy } from '../../src/actions/delete-role-policy.js';
import { buildDeleteRole } from '../../src/actions/delete-role.js';
import { buildPutBucketPolicy } from '../../src/actions/put-bucket-policy.js';
import { buildPutRetentionPolicy } from '../../src/actions/put-retention-policy.js';
import { buildPutRolePolicy } from '../../src/actions/put-role-policy.js';
import { buildRemoveBucketPolicyStatements } from '../../src/actions/remove-bucket-policy-statements.js';
import { renderPublishPolicy } from '../../src/policy/publish-policy.js';
import { loadPolicyTemplates, renderPolicy } from '../../src/policy/templates.js';

/** The tags flowfix puts on everything it creates. */
const managedTags = [{ Key: 'ManagedBy', Value: 'flowfix' }];

const PARTITION = 'aws-us-gov';
const ACCOUNT = '210987654321';
const REGION = 'us-gov-west-1';
const GROUP = '/flowfix/vpc-flow-logs';
const ROLE_NAME = 'flowfix-vpc-flow-logs';
const ROLE_ARN = `arn:${PARTITION}:iam::${ACCOUNT}:role/${ROLE_NAME}`;
const GROUP_ARN = `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:${GROUP}`;
const FLOW_LOG_ARNS = `arn:${PARTITION}:ec2:${REGION}:${ACCOUNT}:vpc-flow-log/*`;
const templates = loadPolicyTemplates();
const vars = { Partition: PARTITION, AccountId: ACCOUNT, LogGroupName: GROUP };

const scopeOf = (kind: ActionKindName): CallScope => ({ partition: PARTITION, accountId: ACCOUNT, region: ACTION_KINDS[kind].global ? 'global' : REGION });
const permissions = (kind: ActionKindName, input: unknown): Permission[] => kindOf({ kind }).permissions(input, scopeOf(kind));
const actionsOf = (ps: Permission[]) => ps.map((p) => p.action);

const cloudWatchFlowLogs = (tags = managedTags): CreateFlowLogsInput =>
  buildCreateFlowLogs(
    { accountId: ACCOUNT, region: REGION },
    'VPC',
    ['vpc-0a1b2c3d'],
    'REJECT',
    { type: 'cloud-watch-logs', logGroupName: GROUP, roleArn: ROLE_ARN },
    tags,
    [],
  ).input;
const s3FlowLogs = (tags = managedTags): CreateFlowLogsInput =>
  buildCreateFlowLogs(
    { accountId: ACCOUNT, region: REGION },
    'Subnet',
    ['subnet-0a1b2c3d'],
    'ALL',
    { type: 's3', bucket: 'flow-logs', prefix: 'vpc', partition: PARTITION },
    tags,
    [],
  ).input;

/** One input per kind, as the planner builds it for an aws-us-gov account (tags included). */
const INPUTS: Record<ActionKindName, unknown> = {
  'create-role': buildCreateRole(ROLE_NAME, renderPolicy(templates.trust, vars), managedTags).input,
  'put-role-policy': buildPutRolePolicy(ROLE_NAME, 'flowfix-publish-flow-logs', renderPublishPolicy(templates.publish, vars, [GROUP]), []).input,
  'create-log-group': buildCreateLogGroup(REGION, GROUP, undefined, { ManagedBy: 'flowfix' }).input,
  'put-retention-policy': buildPutRetentionPolicy(REGION, GROUP, 365, { kind: 'prerequisite', resourceIds: [] }).input,
  'create-flow-logs': cloudWatchFlowLogs(),
  'check-flow-logs': buildCheckFlowLogs(REGION, [{ FlowLogId: 'fl-0a1b2c3d4e5f60718', ResourceId: 'vpc-0a1b2c3d' }], '${version} ${srcaddr}', []).input,
  'delete-flow-logs': buildDeleteFlowLogs(REGION, ['fl-0a1b2c3d4e5f60718'], []).input,
  'delete-log-group': buildDeleteLogGroup(REGION, GROUP, []).input,
  'delete-role-policy': buildDeleteRolePolicy(ROLE_NAME, 'flowfix-publish-flow-logs', []).input,
  'delete-role': buildDeleteRole(ROLE_NAME, []).input,
  'put-bucket-policy': buildPutBucketPolicy('flow-logs', ACCOUNT, '{"Statement":[]}', []).input,
  'remove-bucket-policy-statements': buildRemoveBucketPolicyStatements('flow-logs', ACCOUNT, '{"Statement":[{"Effect":"Deny"}]}', []).input,
};
const kinds = Object.keys(ACTION_KINDS) as ActionKindName[];

describe('permissions declared by each action kind', () => {
  test('GIVEN the inputs table THEN it covers every kind in ACTION_KINDS', () => {
    expect(Object.keys(INPUTS).sort()).toEqual([...kinds].sort());
  });

  // DescribeFlowLogs takes no resource-level permissions (Service Authorization Reference): its check reads on '*'.
  test('GIVEN check-flow-logs WHEN declared THEN only ec2:DescribeFlowLogs, on *', () => {
    expect(permissions('check-flow-logs', INPUTS['check-flow-logs'])).toEqual([{ action: 'ec2:DescribeFlowLogs', resource: '*' }]);
  });

  test.each(kinds.filter((k) => k !== 'check-flow-logs'))(
    'GIVEN %s in an aws-us-gov account WHEN its permissions are declared THEN every ARN is in that partition and account',
    (kind) => {
      const arns = permissions(kind, INPUTS[kind])
        .map((p) => p.resource)
        .filter((resource) => resource !== '*');
      expect(arns.length).toBeGreaterThan(0);
      // S3 bucket ARNs name no account (arn:PARTITION:s3:::bucket): the partition is all they carry.
      for (const arn of arns)
        expect(arn.split(':').filter((_, i) => i === 1 || i === 4)).toEqual(arn.includes(':s3:::') ? [PARTITION, ''] : [PARTITION, ACCOUNT]);
    },
  );

  test.each(kinds)('GIVEN %s WHEN its permissions are declared THEN they include the call itself', (kind) => {
    const { service, operation } = ACTION_KINDS[kind];
    expect(actionsOf(permissions(kind, INPUTS[kind]))).toContain(`${service}:${operation}`);
  });

  test('GIVEN create-role WHEN declared THEN CreateRole and TagRole on the role ARN', () => {
    expect(permissions('create-role', INPUTS['create-role'])).toEqual([
      { action: 'iam:CreateRole', resource: ROLE_ARN },
      { action: 'iam:TagRole', resource: ROLE_ARN },
    ]);
  });

  test('GIVEN create-role without tags WHEN declared THEN no iam:TagRole', () => {
    const input = buildCreateRole(ROLE_NAME, renderPolicy(templates.trust, vars), []).input;
    expect(permissions('create-role', input)).toEqual([{ action: 'iam:CreateRole', resource: ROLE_ARN }]);
  });

  test('GIVEN put-role-policy WHEN declared THEN only PutRolePolicy on the role ARN, at any path (no PassRole)', () => {
    expect(permissions('put-role-policy', INPUTS['put-role-policy'])).toEqual([
      { action: 'iam:PutRolePolicy', resource: ROLE_ARN },
      { action: 'iam:PutRolePolicy', resource: ROLE_ARN.replace(':role/', ':role/*/') },
    ]);
  });

  test('GIVEN create-log-group with tags WHEN declared THEN CreateLogGroup and TagResource on the group ARN in the region', () => {
    expect(permissions('create-log-group', INPUTS['create-log-group'])).toEqual([
      { action: 'logs:CreateLogGroup', resource: GROUP_ARN },
      { action: 'logs:TagResource', resource: GROUP_ARN },
    ]);
  });

  test('GIVEN create-log-group without tags WHEN declared THEN no logs:TagResource', () => {
    expect(actionsOf(permissions('create-log-group', buildCreateLogGroup(REGION, GROUP, undefined, {}).input))).toEqual(['logs:CreateLogGroup']);
  });

  test('GIVEN put-retention-policy WHEN declared THEN PutRetentionPolicy on the group ARN', () => {
    expect(permissions('put-retention-policy', INPUTS['put-retention-policy'])).toEqual([{ action: 'logs:PutRetentionPolicy', resource: GROUP_ARN }]);
  });

  test('GIVEN delete-flow-logs WHEN declared THEN DeleteFlowLogs on each flow log ARN of the region', () => {
    expect(permissions('delete-flow-logs', buildDeleteFlowLogs(REGION, ['fl-1', 'fl-2'], []).input)).toEqual([
      { action: 'ec2:DeleteFlowLogs', resource: FLOW_LOG_ARNS.replace('*', 'fl-1') },
      { action: 'ec2:DeleteFlowLogs', resource: FLOW_LOG_ARNS.replace('*', 'fl-2') },
    ]);
  });

  test('GIVEN delete-role and delete-role-policy WHEN declared THEN only their call on the role ARN, at any path', () => {
    expect(permissions('delete-role', INPUTS['delete-role'])).toEqual([
      { action: 'iam:DeleteRole', resource: ROLE_ARN },
      { action: 'iam:DeleteRole', resource: ROLE_ARN.replace(':role/', ':role/*/') },
    ]);
    expect(actionsOf(permissions('delete-role-policy', INPUTS['delete-role-policy']))).toEqual(['iam:DeleteRolePolicy', 'iam:DeleteRolePolicy']);
  });

  test('GIVEN delete-log-group WHEN declared THEN DeleteLogGroup on the group ARN in the region', () => {
    expect(permissions('delete-log-group', INPUTS['delete-log-group'])).toEqual([{ action: 'logs:DeleteLogGroup', resource: GROUP_ARN }]);
  });

  test("GIVEN a regional action WHEN declared through permissionsOf THEN its ARNs name the action's own region", () => {
    const action = buildCreateLogGroup('us-gov-east-1', GROUP, undefined, {});
    expect(permissionsOf(action, { partition: PARTITION, accountId: ACCOUNT })).toEqual([
      { action: 'logs:CreateLogGroup', resource: `arn:${PARTITION}:logs:us-gov-east-1:${ACCOUNT}:log-group:${GROUP}` },
    ]);
  });

  test('GIVEN flow logs to CloudWatch Logs WHEN declared THEN iam:PassRole on the delivery role, and no log delivery permissions', () => {
    const declared = permissions('create-flow-logs', cloudWatchFlowLogs());
    expect(declared).toContainEqual({ action: 'iam:PassRole', resource: ROLE_ARN });
    expect(actionsOf(declared)).not.toContain('logs:CreateLogDelivery');
  });

  test('GIVEN flow logs to S3 WHEN declared THEN no iam:PassRole, and the log delivery permissions S3 needs', () => {
    const declared = actionsOf(permissions('create-flow-logs', s3FlowLogs()));
    expect(declared).not.toContain('iam:PassRole');
    expect(declared).toEqual(expect.arrayContaining(['ec2:CreateFlowLogs', 'logs:CreateLogDelivery']));
  });

  test.each([
    ['CloudWatch Logs', cloudWatchFlowLogs],
    ['S3', s3FlowLogs],
  ])('GIVEN tagged flow logs to %s WHEN declared THEN ec2:CreateTags on flow logs of the region and account', (_name, build) => {
    expect(permissions('create-flow-logs', build())).toContainEqual({ action: 'ec2:CreateTags', resource: FLOW_LOG_ARNS });
  });

  test.each([
    ['no tags in the tag specification', { TagSpecifications: [{ ResourceType: 'vpc-flow-log' as const, Tags: [] }] }],
    ['no tag specification', { TagSpecifications: [] }],
  ])('GIVEN flow logs with %s WHEN declared THEN no ec2:CreateTags', (_name, override) => {
    expect(actionsOf(permissions('create-flow-logs', { ...cloudWatchFlowLogs(), ...override }))).not.toContain('ec2:CreateTags');
  });
});

describe('permissions of the central bucket policy', () => {
  test('GIVEN a put or a rollback that leaves statements WHEN declared THEN s3:PutBucketPolicy on that one bucket; GIVEN nothing left THEN s3:DeleteBucketPolicy', () => {
    expect(permissions('put-bucket-policy', INPUTS['put-bucket-policy'])).toEqual([
      { action: 's3:PutBucketPolicy', resource: `arn:${PARTITION}:s3:::flow-logs` },
    ]);
    expect(actionsOf(permissions('remove-bucket-policy-statements', INPUTS['remove-bucket-policy-statements']))).toEqual(['s3:PutBucketPolicy']);
    const nothingLeft = buildRemoveBucketPolicyStatements('flow-logs', ACCOUNT, null, []).input;
    expect(actionsOf(permissions('remove-bucket-policy-statements', nothingLeft))).toEqual(['s3:DeleteBucketPolicy']);
  });
});
