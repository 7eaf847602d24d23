// Each action kind's reconcile, as a table of (kind × live state) → verdicts, one per target. Every kind
// in ACTION_KINDS must have rows here: a new kind cannot be added without saying when it is done.
import type { ActionCore, Because, LiveVerdict } from '../../src/actions/action-kind.js';
import { ACTION_KINDS, kindOf, type ActionKindName } from '../../src/actions/action-kinds.js';
import { buildCheckFlowLogs } from '../../src/actions/check-flow-logs.js';
import { buildCreateFlowLogs } from '../../src/actions/create-flow-logs.js';
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
import type { PolicyDocument } from '../../src/facts/policy-document.js';
import type { FlowLogFacts, LogGroupFacts, RoleFacts } from '../../src/facts/resources.js';
import type { Inventory, RoleRead } from '../../src/inventory/types.js';
import { renderPublishPolicy } from '../../src/policy/publish-policy.js';
import { loadPolicyTemplates, renderPolicy } from '../../src/policy/templates.js';
import { ACCOUNT, flowLog, inventory, region, role } from '../helpers/builders.js';

/** The tags flowfix puts on everything it creates. */
const managedTags = [{ Key: 'ManagedBy', Value: 'flowfix' }];

const REGION = 'us-east-1';
const GROUP = '/flowfix/vpc-flow-logs';
const USER_GROUP = '/team/flow-logs';
const ROLE_NAME = 'flowfix-vpc-flow-logs';
const POLICY_NAME = 'flowfix-publish-flow-logs';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;
const templates = loadPolicyTemplates();
const vars = { Partition: 'aws', AccountId: ACCOUNT, LogGroupName: GROUP };
const publishPolicy = renderPublishPolicy(templates.publish, vars, [GROUP]);

const action = <I>(draft: { kind: string; region: string; because: Because[]; input: I }): ActionCore<string, I> => ({ id: '01-test', ...draft });

// ---- the actions under test --------------------------------------------------------------------------
const createRole = action(buildCreateRole(ROLE_NAME, renderPolicy(templates.trust, vars), managedTags));
const putRolePolicy = action(buildPutRolePolicy(ROLE_NAME, POLICY_NAME, publishPolicy, [{ kind: 'prerequisite', resourceIds: [] }]));
const createLogGroup = action(buildCreateLogGroup(REGION, GROUP, undefined, { ManagedBy: 'flowfix' }));
const retentionOf = (name: string, because: Because) => action(buildPutRetentionPolicy(REGION, name, 365, because));
const prerequisite: Because = { kind: 'prerequisite', resourceIds: [] };
const shortRetention: Because = { kind: 'short-retention', resourceIds: [USER_GROUP] };
const flowLogsFor = (ids: string[]) =>
  action(
    buildCreateFlowLogs(
      { accountId: ACCOUNT, region: REGION },
      ids[0]!.startsWith('vpc-') ? 'VPC' : 'Subnet',
      ids,
      'REJECT',
      { type: 'cloud-watch-logs', logGroupName: GROUP, roleArn: ROLE_ARN },
      managedTags,
      [{ kind: 'no-flow-log', resourceIds: ids }],
    ),
  );

// ---- live states ---------------------------------------------------------------------------------------
const withRole = (roleRead: RoleFacts | RoleRead | null): Inventory => inventory([region(REGION)], roleRead);
const untrusted = role({
  trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
});
const trustedForAnotherAccount = role({
  trustPolicy: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '999999999999' } },
      },
    ],
  },
});
const withPolicy = (document: PolicyDocument) => withRole({ status: 'found', role: role({ inlinePolicies: { [POLICY_NAME]: document } }) });

/** The same document with every object's keys in reverse order (arrays keep their order). */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversedKeys(v)]),
    );
  return value;
}
const reorderedPolicy = reversedKeys(publishPolicy) as PolicyDocument;

const withGroups = (groups: Record<string, LogGroupFacts>, where = REGION): Inventory =>
  inventory([region(REGION), region('eu-west-1')].map((r) => (r.region === where ? { ...r, logGroups: groups } : r)));
const group = (name: string, extra: Partial<LogGroupFacts> = {}): Record<string, LogGroupFacts> => ({ [name]: { name, ...extra } });

const GONE = 'vpc-0000000a';
const WORKING = 'vpc-0000000b';
const FAILED_IDENTICAL = 'vpc-0000000c';
const ACCEPT_ELSEWHERE = 'vpc-0000000d';
const BARE = 'vpc-0000000e';
const SUBNET = 'subnet-0000000f';
const failedIdentical = flowLog(FAILED_IDENTICAL, { deliverLogsStatus: 'FAILED', deliverLogsErrorMessage: 'Access error' });
const workingToS3 = flowLog(WORKING, { destinationType: 's3', destination: 'arn:aws:s3:::elsewhere', logGroupName: undefined });
const estate = (flowLogs: FlowLogFacts[]): Inventory =>
  inventory([
    region(REGION, {
      vpcs: [WORKING, FAILED_IDENTICAL, ACCEPT_ELSEWHERE, BARE].map((vpcId) => ({ vpcId, ownerId: ACCOUNT, isDefault: false })),
      subnets: [{ subnetId: SUBNET, vpcId: BARE, ownerId: ACCOUNT }],
      flowLogs,
    }),
  ]);
const liveFlowLogs = estate([
  workingToS3,
  failedIdentical,
  flowLog(ACCEPT_ELSEWHERE, { trafficType: 'ACCEPT', logGroupName: USER_GROUP }),
  flowLog(SUBNET, { trafficType: 'ALL' }),
]);

const todo: LiveVerdict = { status: 'todo' };
const already = (detail: string) => ({ status: 'already-done', detail: expect.stringContaining(detail) });
const skipped = (detail: string) => ({ status: 'skipped', detail: expect.stringContaining(detail) });
const failed = (code: string, message: string) => ({ status: 'failed', code, message: expect.stringContaining(message) });

interface Row {
  state: string;
  action: ActionCore<string, unknown>;
  live: Inventory;
  expected: unknown[];
}

const rollback: Because[] = [{ kind: 'rollback', resourceIds: [] }];
const ownFlowLog = flowLog('vpc-0000000a', { tags: { ManagedBy: 'flowfix' } });
const deleteFlowLogsOf = (ids: string[]) => action(buildDeleteFlowLogs(REGION, ids, rollback));

const checkOf = (ids: string[]) =>
  action(
    buildCheckFlowLogs(
      REGION,
      ids.map((FlowLogId) => ({ FlowLogId, ResourceId: 'vpc-0000000a' })),
      '${version} ${tcp-flags}',
      [{ kind: 'missing-fields', resourceIds: ['vpc-0000000a'] }],
    ),
  );

// The central bucket in the log-archive account: its policy text as S3 returns it.
const USER_STATEMENT =
  '{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::central","Condition":{"Bool":{"aws:SecureTransport":"false"}}}';
const OURS =
  '{"Sid":"FlowfixFlowLogsDeliveryAclCheck","Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::central"}';
const policyOf = (...statements: string[]) => `{"Version":"2012-10-17","Statement":[${statements.join(',')}]}`;
const withBucket = (policy: string | null, status: 'found' | 'missing' = 'found'): Inventory => ({
  ...inventory([region(REGION)], null),
  logArchive: {
    accountId: ACCOUNT,
    bucket: 'central',
    prefix: '',
    deliveringAccounts: [ACCOUNT],
    read: status === 'found' ? { status, policy, ownership: null, encryption: null } : { status, error: { code: 'NoSuchBucket', message: 'gone' } },
  },
});
const putBucket = action(
  buildPutBucketPolicy('central', ACCOUNT, policyOf(USER_STATEMENT, OURS), [{ kind: 'bucket-policy-delivery', resourceIds: ['central'] }]),
);

const TABLE: Record<ActionKindName, Row[]> = {
  'put-bucket-policy': [
    { state: 'the policy lacks flowfix statements', action: putBucket, live: withBucket(policyOf(USER_STATEMENT)), expected: [todo] },
    { state: 'the planned policy is in place', action: putBucket, live: withBucket(policyOf(USER_STATEMENT, OURS)), expected: [already('already in place')] },
    {
      state: "someone changed the policy's other statements since the plan",
      action: putBucket,
      live: withBucket(policyOf(USER_STATEMENT.replace('false', 'FALSE'))),
      expected: [skipped('changed since this plan')],
    },
    { state: 'the bucket is gone', action: putBucket, live: withBucket(null, 'missing'), expected: [skipped('was not read')] },
  ],
  'remove-bucket-policy-statements': [
    {
      state: "the policy holds flowfix's statements beside a user's",
      action: action(buildRemoveBucketPolicyStatements('central', ACCOUNT, policyOf(USER_STATEMENT), rollback)),
      live: withBucket(policyOf(USER_STATEMENT, OURS)),
      expected: [todo],
    },
    {
      state: "only flowfix's statements, and the policy is already deleted",
      action: action(buildRemoveBucketPolicyStatements('central', ACCOUNT, null, rollback)),
      live: withBucket(null),
      expected: [already('already in place')],
    },
  ],
  'check-flow-logs': [
    // Whether the replacement is there is read after its create, never before: only a vanished old one is settled.
    { state: 'the old flow log is there', action: checkOf([ownFlowLog.flowLogId]), live: estate([ownFlowLog]), expected: [todo] },
    {
      state: 'the old flow log is gone',
      action: checkOf([ownFlowLog.flowLogId, 'fl-gone']),
      live: estate([ownFlowLog]),
      expected: [todo, already('nothing left to replace')],
    },
  ],
  'delete-flow-logs': [
    { state: 'the flow log is there', action: deleteFlowLogsOf([ownFlowLog.flowLogId]), live: estate([ownFlowLog]), expected: [todo] },
    {
      state: 'one is there, one already gone',
      action: deleteFlowLogsOf([ownFlowLog.flowLogId, 'fl-gone']),
      live: estate([ownFlowLog]),
      expected: [todo, already('already deleted')],
    },
    {
      state: 'it is there in another region only',
      action: deleteFlowLogsOf([ownFlowLog.flowLogId]),
      live: inventory([region(REGION), region('eu-west-1', { flowLogs: [ownFlowLog] })]),
      expected: [already('already deleted')],
    },
  ],
  'delete-log-group': [
    { state: 'the group is there', action: action(buildDeleteLogGroup(REGION, GROUP, rollback)), live: withGroups(group(GROUP)), expected: [todo] },
    { state: 'the group is gone', action: action(buildDeleteLogGroup(REGION, GROUP, rollback)), live: withGroups({}), expected: [already('already gone')] },
  ],
  'delete-role-policy': [
    {
      state: 'the policy is there',
      action: action(buildDeleteRolePolicy(ROLE_NAME, POLICY_NAME, rollback)),
      live: withPolicy(publishPolicy),
      expected: [todo],
    },
    {
      state: 'the role has no such policy',
      action: action(buildDeleteRolePolicy(ROLE_NAME, POLICY_NAME, rollback)),
      live: withRole(role()),
      expected: [already('already gone')],
    },
    {
      state: 'the role is gone',
      action: action(buildDeleteRolePolicy(ROLE_NAME, POLICY_NAME, rollback)),
      live: withRole(null),
      expected: [already('already gone')],
    },
  ],
  'delete-role': [
    { state: 'the role is there', action: action(buildDeleteRole(ROLE_NAME, rollback)), live: withRole(role()), expected: [todo] },
    { state: 'the role is gone', action: action(buildDeleteRole(ROLE_NAME, rollback)), live: withRole(null), expected: [already('already gone')] },
  ],
  'create-role': [
    { state: 'the role is missing', action: createRole, live: withRole(null), expected: [todo] },
    {
      state: 'the role exists and trusts vpc-flow-logs',
      action: createRole,
      live: withRole(role()),
      expected: [already('trusts vpc-flow-logs.amazonaws.com')],
    },
    {
      state: 'the role exists and trusts only ec2',
      action: createRole,
      live: withRole(untrusted),
      expected: [failed('RoleUntrusted', 'does not trust vpc-flow-logs.amazonaws.com')],
    },
    {
      state: 'the role trusts vpc-flow-logs for another account only',
      action: createRole,
      live: withRole(trustedForAnotherAccount),
      expected: [failed('RoleUntrusted', 'holds only when StringEquals aws:SourceAccount 999999999999')],
    },
  ],
  'put-role-policy': [
    { state: 'the role is missing', action: putRolePolicy, live: withRole(null), expected: [todo] },
    { state: 'the role has no inline policy of that name', action: putRolePolicy, live: withRole(role()), expected: [todo] },
    {
      state: 'the same document is in place with its keys in another order',
      action: putRolePolicy,
      live: withPolicy(reorderedPolicy),
      expected: [already('already in place')],
    },
    {
      state: 'a document for another log group is in place',
      action: putRolePolicy,
      live: withPolicy(renderPublishPolicy(templates.publish, vars, ['/other/group'])),
      expected: [todo],
    },
  ],
  'create-log-group': [
    { state: 'the group is absent', action: createLogGroup, live: withGroups({}), expected: [todo] },
    {
      state: 'the group is present',
      action: createLogGroup,
      live: withGroups(group(GROUP, { retentionInDays: 365 })),
      expected: [already('log group exists')],
    },
    { state: 'the group is present in another region only', action: createLogGroup, live: withGroups(group(GROUP), 'eu-west-1'), expected: [todo] },
  ],
  'put-retention-policy': [
    { state: 'the group is missing and this plan creates it', action: retentionOf(GROUP, prerequisite), live: withGroups({}), expected: [todo] },
    {
      state: 'a short-retention group is missing',
      action: retentionOf(USER_GROUP, shortRetention),
      live: withGroups({}),
      expected: [skipped('not found any more')],
    },
    {
      state: 'the retention is already the one wanted',
      action: retentionOf(USER_GROUP, shortRetention),
      live: withGroups(group(USER_GROUP, { retentionInDays: 365 })),
      expected: [already('retention is 365 days')],
    },
    {
      state: 'the retention is longer',
      action: retentionOf(USER_GROUP, shortRetention),
      live: withGroups(group(USER_GROUP, { retentionInDays: 731 })),
      expected: [skipped('keeps 731 days')],
    },
    {
      state: 'the retention is shorter',
      action: retentionOf(USER_GROUP, shortRetention),
      live: withGroups(group(USER_GROUP, { retentionInDays: 30 })),
      expected: [todo],
    },
    {
      state: "a user's group never expires",
      action: retentionOf(USER_GROUP, shortRetention),
      live: withGroups(group(USER_GROUP, { tags: {} })),
      expected: [skipped('never expires')],
    },
    {
      state: 'a never-expire group managed by another tool',
      action: retentionOf(GROUP, { kind: 'unfinished', resourceIds: [GROUP] }),
      live: withGroups(group(GROUP, { tags: { ManagedBy: 'terraform' } })),
      expected: [skipped('never expires')],
    },
    {
      state: 'a never-expire group tagged ManagedBy=flowfix (an unfinished apply)',
      action: retentionOf(GROUP, { kind: 'unfinished', resourceIds: [GROUP] }),
      live: withGroups(group(GROUP, { tags: { ManagedBy: 'flowfix' } })),
      expected: [todo],
    },
  ],
  'create-flow-logs': [
    { state: 'the VPC is gone', action: flowLogsFor([GONE]), live: liveFlowLogs, expected: [skipped(`${GONE} no longer exists in ${REGION}`)] },
    {
      state: 'the VPC has a counting flow log (to S3)',
      action: flowLogsFor([WORKING]),
      live: liveFlowLogs,
      expected: [already(`has working flow log ${workingToS3.flowLogId}`)],
    },
    {
      state: 'the VPC has an identical flow log whose delivery FAILED',
      action: flowLogsFor([FAILED_IDENTICAL]),
      live: liveFlowLogs,
      expected: [failed('FlowLogAlreadyExists', `aws ec2 delete-flow-logs --flow-log-ids ${failedIdentical.flowLogId}`)],
    },
    { state: 'the VPC has an ACCEPT-only flow log to another group', action: flowLogsFor([ACCEPT_ELSEWHERE]), live: liveFlowLogs, expected: [todo] },
    {
      state: 'the VPC has an ACCEPT-only flow log to the same group',
      action: flowLogsFor([BARE]),
      live: estate([flowLog(BARE, { trafficType: 'ACCEPT' })]),
      expected: [todo],
    },
    {
      state: 'the VPC has a FAILED flow log to another group',
      action: flowLogsFor([BARE]),
      live: estate([flowLog(BARE, { deliverLogsStatus: 'FAILED', logGroupName: USER_GROUP })]),
      expected: [todo],
    },
    { state: 'the VPC has no flow log', action: flowLogsFor([BARE]), live: liveFlowLogs, expected: [todo] },
    { state: 'the subnet has a counting flow log', action: flowLogsFor([SUBNET]), live: liveFlowLogs, expected: [already('has working flow log')] },
    {
      state: 'one batch of five VPCs in every state',
      action: flowLogsFor([BARE, GONE, FAILED_IDENTICAL, WORKING, ACCEPT_ELSEWHERE]),
      live: liveFlowLogs,
      expected: [todo, skipped('no longer exists'), failed('FlowLogAlreadyExists', failedIdentical.flowLogId), already(workingToS3.flowLogId), todo],
    },
  ],
};

const rows = Object.entries(TABLE).flatMap(([kind, kindRows]) =>
  kindRows.map((row) => ({
    ...row,
    name: `${kind} GIVEN ${row.state} WHEN reconciled THEN ${row.expected.map((v) => (v as { status: string }).status).join(', ')}`,
  })),
);

describe('reconcile', () => {
  test('GIVEN the table WHEN compared with ACTION_KINDS THEN every kind has rows, and no row names an unknown kind', () => {
    expect(Object.keys(TABLE).sort()).toEqual(Object.keys(ACTION_KINDS).sort());
    for (const [kind, kindRows] of Object.entries(TABLE)) {
      expect([kind, kindRows.length > 0]).toEqual([kind, true]);
      for (const row of kindRows) expect(row.action.kind).toBe(kind);
    }
  });

  test('GIVEN the reordered policy fixture THEN its text differs from the planned one (so the row tests key order)', () => {
    expect(JSON.stringify(reorderedPolicy)).not.toBe(JSON.stringify(publishPolicy));
  });

  test.each(rows)('$name', ({ action: a, live, expected }) => {
    const verdicts = kindOf(a as { kind: ActionKindName }).reconcile(a, live);
    expect(verdicts).toEqual(expected);
  });
});
