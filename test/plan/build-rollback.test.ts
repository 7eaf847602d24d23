// The rollback planner, pure: only what flowfix tagged is deleted, in the order that keeps nothing
// broken, and what stays is named with its reason. The normal planner never deletes.
import { ACTION_KINDS, isDeleteKind } from '../../src/actions/action-kinds.js';
import { audit } from '../../src/audit/audit.js';
import type { FlowLogFacts } from '../../src/facts/resources.js';
import type { Inventory } from '../../src/inventory/types.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { buildRollbackPlan, type RollbackInput } from '../../src/plan/build-rollback.js';
import { parsePlanFile } from '../../src/plan/plan-file.js';
import { loadPolicyTemplates } from '../../src/policy/templates.js';
import { ACCOUNT, flowLog, inventory, NOW, region, role, settings, unreadable, vpcWithSubnets } from '../helpers/builders.js';

const GROUP = '/flowfix/vpc-flow-logs';
const ROLE = 'flowfix-vpc-flow-logs';
const POLICY = 'flowfix-publish-flow-logs';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE}`;
const ours = (resourceId: string, extra: Partial<FlowLogFacts> = {}) =>
  flowLog(resourceId, { tags: { ManagedBy: 'flowfix' }, deliverLogsPermissionArn: ROLE_ARN, ...extra });
const OWN = { logGroupName: GROUP, roleArn: ROLE_ARN };
const NOTHING_ATTACHED: RollbackInput['roleAttachments'] = { managedPolicies: [], instanceProfiles: [] };
const flowfixRole = role({ tags: { ManagedBy: 'flowfix' }, inlinePolicies: { [POLICY]: { Statement: [] } } });

function plan(live: Inventory, extra: Partial<RollbackInput> = {}) {
  return buildRollbackPlan({
    live,
    otherRegions: [],
    logGroupTags: {},
    roleName: ROLE,
    policyName: POLICY,
    own: OWN,
    roleAttachments: NOTHING_ATTACHED,
    deleteLogGroups: false,
    ...extra,
  });
}
const kinds = (p: ReturnType<typeof plan>) => p.actions.map((a) => `${a.region}:${a.kind}`);

describe('buildRollbackPlan', () => {
  test("GIVEN flowfix's flow logs, role and group THEN flow logs, then the policy, then the role; the group is kept without --delete-log-groups", () => {
    const own = ours('vpc-a');
    const users = flowLog('vpc-b', { tags: {}, logGroupName: '/team/flow-logs' });
    const live = inventory([region('us-east-1', { flowLogs: [own, users], logGroups: { [GROUP]: { name: GROUP, storedBytes: 42 } } })], flowfixRole);
    const p = plan(live, { logGroupTags: { 'us-east-1': { [GROUP]: { ManagedBy: 'flowfix' } } } });
    expect(kinds(p)).toEqual(['us-east-1:delete-flow-logs', 'global:delete-role-policy', 'global:delete-role']);
    expect(p.actions[0]?.input).toEqual({ FlowLogIds: [own.flowLogId] });
    expect(p.kept).toEqual([{ type: 'log-group', region: 'us-east-1', name: GROUP, storedBytes: 42, reason: expect.stringContaining('--delete-log-groups') }]);
    expect(p.bytesToDelete).toBe(0);
  });

  test('GIVEN --delete-log-groups THEN only the flowfix-tagged group is deleted, after the flow logs, and its bytes counted', () => {
    const live = inventory([
      region('us-east-1', { flowLogs: [ours('vpc-a')], logGroups: { [GROUP]: { name: GROUP, storedBytes: 1000 } } }),
      region('eu-west-1', { logGroups: { [GROUP]: { name: GROUP, storedBytes: 7 } } }),
    ]);
    const p = plan(live, {
      deleteLogGroups: true,
      logGroupTags: { 'us-east-1': { [GROUP]: { ManagedBy: 'flowfix' } }, 'eu-west-1': { [GROUP]: { Owner: 'me' } } },
    });
    expect(kinds(p)).toEqual(['us-east-1:delete-flow-logs', 'us-east-1:delete-log-group']);
    expect(p.bytesToDelete).toBe(1000);
    expect(p.kept).toEqual([expect.objectContaining({ region: 'eu-west-1', reason: expect.stringContaining('not created by flowfix') })]);
  });

  test("GIVEN flowfix's group still receiving a user's flow log THEN it is kept even with --delete-log-groups", () => {
    const live = inventory([region('us-east-1', { flowLogs: [flowLog('vpc-u', { logGroupName: GROUP })], logGroups: { [GROUP]: { name: GROUP } } })]);
    const p = plan(live, { deleteLogGroups: true, logGroupTags: { 'us-east-1': { [GROUP]: { ManagedBy: 'flowfix' } } } });
    expect(p.actions).toEqual([]);
    expect(p.kept[0]?.reason).toMatch(/still receives flow log fl-\w+ \(vpc-u\)/);
  });

  test.each([
    ['not tagged by flowfix', role({ inlinePolicies: { [POLICY]: { Statement: [] } } }), [], /not created by flowfix/],
    [
      "used by a user's flow log",
      flowfixRole,
      [flowLog('vpc-u', { deliverLogsPermissionArn: `arn:aws:iam::${ACCOUNT}:role/some/path/${ROLE}` })],
      /still used by flow log fl-\w+ \(vpc-u in us-east-1\)/,
    ],
  ])('GIVEN a role %s THEN neither it nor its policy is deleted, and the reason is given', (_name, r, flowLogs, reason) => {
    const p = plan(inventory([region('us-east-1', { flowLogs })], r));
    expect(p.actions).toEqual([]);
    expect(p.kept).toEqual([expect.objectContaining({ type: 'role', name: ROLE, reason: expect.stringMatching(reason) })]);
  });

  test('GIVEN a region that could not be read (in the plan, or among the others with --regions) THEN the role is kept: flow logs there may use it', () => {
    const inPlan = plan(inventory([region('us-east-1'), unreadable('eu-west-1')], flowfixRole));
    expect(inPlan.actions).toEqual([]);
    expect(inPlan.kept.map((k) => k.type).sort()).toEqual(['region', 'role']);
    const other = plan(inventory([region('us-east-1')], flowfixRole), {
      otherRegions: [{ region: 'eu-west-1', flowLogs: null, error: { code: 'AccessDenied', message: 'no' } }],
    });
    expect(other.kept).toEqual([expect.objectContaining({ type: 'role', reason: expect.stringContaining('eu-west-1 could not be read') })]);
  });

  test.each([
    [
      'another log group',
      { logGroupName: '/seed/security' },
      true,
      /tagged ManagedBy=flowfix but delivers to \/seed\/security, not flowfix's group \/flowfix\/vpc-flow-logs \(vpc-t\)/,
    ],
    [
      'another role',
      { deliverLogsPermissionArn: `arn:aws:iam::${ACCOUNT}:role/security-team` },
      false,
      /but delivers through role arn:aws:iam::\d+:role\/security-team, not flowfix's role arn:aws:iam::\d+:role\/flowfix-vpc-flow-logs/,
    ],
    [
      'a bucket',
      { destinationType: 's3', logGroupName: undefined, destination: 'arn:aws:s3:::security-logs', deliverLogsPermissionArn: undefined },
      false,
      /but delivers to s3:\/\/security-logs, and this rollback is for log group/,
    ],
  ] as const)(
    "GIVEN a flow log tagged ManagedBy=flowfix that delivers to %s THEN it is kept, with the reason (through flowfix's role it keeps the role)",
    (_name, shape, usesOurRole, reason) => {
      const tagged = ours('vpc-t', shape as Partial<FlowLogFacts>);
      const own = ours('vpc-a');
      const p = plan(inventory([region('us-east-1', { flowLogs: [own, tagged] })], flowfixRole));
      expect(p.actions.map((a) => a.input)).toEqual([
        { FlowLogIds: [own.flowLogId] },
        ...(usesOurRole ? [] : [{ RoleName: ROLE, PolicyName: POLICY }, { RoleName: ROLE }]),
      ]);
      expect(p.kept).toContainEqual({ type: 'flow-log', region: 'us-east-1', name: tagged.flowLogId, reason: expect.stringMatching(reason) });
    },
  );

  test('GIVEN S3 settings THEN only tagged flow logs to that bucket and prefix are deleted', () => {
    const mine = ours('vpc-a', {
      destinationType: 's3',
      logGroupName: undefined,
      deliverLogsPermissionArn: undefined,
      destination: 'arn:aws:s3:::acme-logs/vpc/',
    });
    const otherPrefix = ours('vpc-b', {
      destinationType: 's3',
      logGroupName: undefined,
      deliverLogsPermissionArn: undefined,
      destination: 'arn:aws:s3:::acme-logs/audit/',
    });
    const toGroup = ours('vpc-c');
    const p = plan(inventory([region('us-east-1', { flowLogs: [mine, otherPrefix, toGroup] })]), { own: { s3Destination: 'arn:aws:s3:::acme-logs/vpc/' } });
    expect(p.actions.map((a) => a.input)).toEqual([{ FlowLogIds: [mine.flowLogId] }]);
    expect(p.kept.map((k) => [k.name, k.reason])).toEqual([
      [otherPrefix.flowLogId, expect.stringContaining("delivers to s3://acme-logs/audit/, not flowfix's s3://acme-logs/vpc/")],
      [toGroup.flowLogId, expect.stringContaining('delivers to CloudWatch Logs group /flowfix/vpc-flow-logs, and this rollback is for s3://acme-logs/vpc/')],
    ]);
  });

  test.each([
    [
      'a managed policy attached',
      { managedPolicies: [{ name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }], instanceProfiles: [] },
      /has managed policy ReadOnlyAccess attached/,
    ],
    ['an instance profile', { managedPolicies: [], instanceProfiles: ['web-servers'] }, /has instance profile web-servers/],
    [
      'attachments that could not be read',
      { error: { code: 'AccessDenied', message: 'no ListAttachedRolePolicies' } },
      /could not be read \(AccessDenied: no ListAttachedRolePolicies\)/,
    ],
  ] satisfies [string, RollbackInput['roleAttachments'], RegExp][])(
    "GIVEN flowfix's role with %s THEN it is kept whole, inline policy included, and its flow logs still go",
    (_name, roleAttachments, reason) => {
      const own = ours('vpc-a');
      const p = plan(inventory([region('us-east-1', { flowLogs: [own] })], flowfixRole), { roleAttachments });
      expect(kinds(p)).toEqual(['us-east-1:delete-flow-logs']);
      expect(p.kept).toEqual([{ type: 'role', region: 'global', name: ROLE, reason: expect.stringMatching(reason) }]);
      expect(p.kept[0]?.reason).toContain('kept whole, with its inline policy');
    },
  );

  test("GIVEN flowfix's role with another inline policy THEN only flowfix's policy is deleted and the role is kept", () => {
    const r = role({ tags: { ManagedBy: 'flowfix' }, inlinePolicies: { [POLICY]: { Statement: [] }, extra: { Statement: [] } } });
    const p = plan(inventory([region('us-east-1')], r));
    expect(kinds(p)).toEqual(['global:delete-role-policy']);
    expect(p.kept[0]?.reason).toContain('has inline policies flowfix did not write (extra)');
  });

  test("GIVEN a flow log and a group a CloudWatch telemetry rule made, even tagged ManagedBy=flowfix THEN neither is deleted, and both are named as the rule's", () => {
    const rule = { ManagedBy: 'flowfix', CloudWatchTelemetryRuleManaged: 'true' };
    const ruleLog = ours('vpc-r', { tags: rule });
    const live = inventory([region('us-east-1', { flowLogs: [ruleLog], logGroups: { [GROUP]: { name: GROUP, storedBytes: 5 } } })], role({ tags: {} }));

    const p = plan(live, { deleteLogGroups: true, logGroupTags: { 'us-east-1': { [GROUP]: rule } } });

    expect(p.actions).toEqual([]);
    expect(p.kept).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'flow-log', name: ruleLog.flowLogId, reason: expect.stringContaining('telemetry rule') }),
        expect.objectContaining({ type: 'log-group', name: GROUP, reason: expect.stringContaining('telemetry rule') }),
      ]),
    );
  });

  test('GIVEN 1001 flowfix flow logs in a region THEN two DeleteFlowLogs calls of at most 1000 ids', () => {
    const many = Array.from({ length: 1001 }, (_, i) => ours(`vpc-${i}`));
    const p = plan(inventory([region('us-east-1', { flowLogs: many })]));
    expect(p.actions.map((a) => (a.input as { FlowLogIds: string[] }).FlowLogIds.length)).toEqual([1000, 1]);
  });
});

describe('the normal planner and plan files never delete', () => {
  test("GIVEN an estate full of flowfix's resources and findings THEN buildPlan emits no delete kind", () => {
    const s = settings();
    const inv = inventory(
      [
        region('us-east-1', { ...vpcWithSubnets('vpc-a', 2), flowLogs: [ours('vpc-b', { deliverLogsStatus: 'FAILED' })] }),
        region('eu-west-1', vpcWithSubnets('vpc-c', 1)),
      ],
      flowfixRole,
    );
    const p = buildPlan({ inventory: inv, audit: audit(inv, s, NOW), settings: s, templates: loadPolicyTemplates(), createdAt: '2026-01-01T00:00:00Z' });
    expect(p.actions.length).toBeGreaterThan(0);
    expect(p.actions.filter((a) => isDeleteKind(a.kind))).toEqual([]);
  });

  test('GIVEN a plan file holding a delete action THEN it is refused when read', () => {
    const file = {
      schemaVersion: 1,
      accountId: ACCOUNT,
      partition: 'aws',
      createdAt: '2026-01-01T00:00:00Z',
      settings: { scope: 'vpc', trafficType: 'REJECT', destination: `cloud-watch-logs:${GROUP}`, roleName: ROLE, retentionInDays: 365, regions: ['us-east-1'] },
      actions: [{ id: '01-delete-role', kind: 'delete-role', region: 'global', because: [], input: { RoleName: ROLE } }],
      blocked: [],
    };
    expect(() => parsePlanFile(JSON.stringify(file), 'plan.json')).toThrow();
    expect(Object.keys(ACTION_KINDS).filter((k) => isDeleteKind(k as keyof typeof ACTION_KINDS))).toEqual([
      'delete-flow-logs',
      'delete-log-group',
      'delete-role-policy',
      'delete-role',
      'remove-bucket-policy-statements',
    ]);
  });
});
