// --require-fields: flowfix replaces its own flow logs that lack the fields (create, check, delete the old
// one, in that order); anyone else's, or a tagged one of another shape, it only reports.
import { audit } from '../../src/audit/audit.js';
import { resolveSettings } from '../../src/config/resolve-settings.js';
import type { Settings } from '../../src/config/settings.js';
import { DEFAULT_LOG_FORMAT } from '../../src/facts/flow-log-format.js';
import type { FlowLogFacts } from '../../src/facts/resources.js';
import type { Inventory } from '../../src/inventory/types.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import type { Plan } from '../../src/plan/types.js';
import { renderPublishPolicy } from '../../src/policy/publish-policy.js';
import { loadPolicyTemplates } from '../../src/policy/templates.js';
import { ACCOUNT, flowLog, inventory, NOW, region, role, settings, vpcWithSubnets } from '../helpers/builders.js';

const GROUP = '/flowfix/vpc-flow-logs';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/flowfix-vpc-flow-logs`;
const FORMAT = `${DEFAULT_LOG_FORMAT} \${tcp-flags} \${pkt-srcaddr}`;
const templates = loadPolicyTemplates();
const publishPolicy = renderPublishPolicy(templates.publish, { Partition: 'aws', AccountId: ACCOUNT }, [GROUP]);

const flowfixs = (resourceId: string, overrides: Partial<FlowLogFacts> = {}) =>
  flowLog(resourceId, { tags: { ManagedBy: 'flowfix' }, logGroupName: GROUP, deliverLogsPermissionArn: ROLE_ARN, trafficType: 'ALL', ...overrides });

function estate(flowLogs: FlowLogFacts[]): Inventory {
  return inventory(
    [
      region('us-east-1', {
        ...vpcWithSubnets('vpc-00000001', 0),
        vpcs: ['vpc-00000001', 'vpc-00000002'].map((vpcId) => ({ vpcId, ownerId: ACCOUNT, isDefault: false })),
        flowLogs,
        logGroups: { [GROUP]: { name: GROUP, retentionInDays: 365, tags: { ManagedBy: 'flowfix' } } },
      }),
    ],
    role({ inlinePolicies: { 'flowfix-publish-flow-logs': publishPolicy }, tags: { ManagedBy: 'flowfix' } }),
  );
}

function planFor(inv: Inventory, overrides: Partial<Settings> = {}): Plan {
  const s = settings({ requireFields: ['tcp-flags', 'pkt-srcaddr'], logFormat: FORMAT, ...overrides });
  return buildPlan({ inventory: inv, audit: audit(inv, s, NOW), settings: s, templates, createdAt: '2026-01-01T00:00:00Z' });
}

const calls = (plan: Plan) => plan.actions.map((a) => `${a.region}:${a.operation}`);

describe('replacing flowfix flow logs that lack required fields', () => {
  test('GIVEN a flowfix flow log without the fields THEN create (its traffic, the new format, same destination), check, then delete the old one', () => {
    const old = flowfixs('vpc-00000001');
    const inv = estate([old, flowLog('vpc-00000002', { logFormat: FORMAT })]);
    const plan = planFor(inv);
    expect(calls(plan)).toEqual(['us-east-1:CreateFlowLogs', 'us-east-1:DescribeFlowLogs', 'us-east-1:DeleteFlowLogs']);
    const [create, check, remove] = plan.actions;
    expect(create!.input).toMatchObject({
      ResourceIds: ['vpc-00000001'],
      TrafficType: 'ALL',
      LogGroupName: GROUP,
      DeliverLogsPermissionArn: ROLE_ARN,
      LogFormat: FORMAT,
      TagSpecifications: [{ ResourceType: 'vpc-flow-log', Tags: [{ Key: 'ManagedBy', Value: 'flowfix' }] }],
    });
    expect(check!.input).toEqual({ Replacements: [{ FlowLogId: old.flowLogId, ResourceId: 'vpc-00000001' }], LogFormat: FORMAT });
    expect(remove!.input).toEqual({ FlowLogIds: [old.flowLogId] });
    for (const a of plan.actions) expect(a.because).toEqual([{ kind: 'missing-fields', resourceIds: ['vpc-00000001'] }]);
    expect(plan.settings.requireFields).toEqual(['tcp-flags', 'pkt-srcaddr']);
  });

  test("GIVEN flow logs that are not flowfix's to replace THEN each is reported (not remediable), saying why, and nothing is planned", () => {
    const inv = estate([
      flowLog('vpc-00000001', { logGroupName: GROUP, deliverLogsPermissionArn: ROLE_ARN }),
      flowfixs('vpc-00000002', { logGroupName: '/team/flow-logs' }),
    ]);
    const s = settings({ requireFields: ['tcp-flags'], logFormat: FORMAT });
    const findings = audit(inv, s, NOW).findings.filter((f) => f.kind === 'missing-fields');
    expect(findings.map((f) => [f.resourceId, f.remediable])).toEqual([
      ['vpc-00000001', false],
      ['vpc-00000002', false],
    ]);
    expect(findings[0]!.reason).toContain('not created by flowfix (no ManagedBy=flowfix tag)');
    expect(findings[1]!.reason).toContain("tagged ManagedBy=flowfix but delivers to /team/flow-logs, not flowfix's group");
    expect(planFor(inv).actions).toEqual([]);
  });

  test("GIVEN a telemetry rule's flow log tagged ManagedBy=flowfix too THEN it is the rule's: reported, never replaced", () => {
    const inv = estate([
      flowfixs('vpc-00000001', { tags: { ManagedBy: 'flowfix', CloudWatchTelemetryRuleManaged: 'true' } }),
      flowLog('vpc-00000002', { logFormat: FORMAT }),
    ]);
    const s = settings({ requireFields: ['tcp-flags'], logFormat: FORMAT });
    expect(audit(inv, s, NOW).findings).toEqual([
      expect.objectContaining({ kind: 'missing-fields', remediable: false, reason: expect.stringContaining('made by a CloudWatch telemetry rule') }),
    ]);
    expect(planFor(inv).actions).toEqual([]);
  });

  test('GIVEN an old REJECT flow log THEN its replacement captures REJECT, or ALL with --traffic-type ALL (never less than either)', () => {
    const inv = () => estate([flowfixs('vpc-00000001', { trafficType: 'REJECT' }), flowLog('vpc-00000002', { logFormat: FORMAT })]);
    expect(planFor(inv()).actions[0]!.input).toMatchObject({ TrafficType: 'REJECT' });
    expect(planFor(inv(), { trafficType: 'ALL' }).actions[0]!.input).toMatchObject({ TrafficType: 'ALL' });
  });

  test('GIVEN a run cut off after the create (old and new both there) THEN only the check and the delete are planned; once the old one is gone, nothing', () => {
    const old = flowfixs('vpc-00000001');
    const fresh = flowfixs('vpc-00000001', { logFormat: FORMAT });
    expect(calls(planFor(estate([old, fresh, flowLog('vpc-00000002', { logFormat: FORMAT })])))).toEqual([
      'us-east-1:DescribeFlowLogs',
      'us-east-1:DeleteFlowLogs',
    ]);
    expect(planFor(estate([fresh, flowLog('vpc-00000002', { logFormat: FORMAT })])).actions).toEqual([]);
  });

  test('GIVEN the delivery role no longer trusts VPC Flow Logs THEN the replacement is blocked and the old flow log is left alone', () => {
    const inv = estate([flowfixs('vpc-00000001'), flowLog('vpc-00000002', { logFormat: FORMAT })]);
    const untrusted = {
      ...inv,
      role: {
        status: 'found' as const,
        role: { ...(inv.role as { role: ReturnType<typeof role> }).role, trustPolicy: { Version: '2012-10-17', Statement: [] } },
      },
    };
    const plan = planFor(untrusted);
    expect(plan.actions.filter((a) => a.region === 'us-east-1')).toEqual([]);
    expect(plan.blocked).toEqual([expect.objectContaining({ region: 'us-east-1', resourceIds: ['vpc-00000001'] })]);
  });
});

describe('--require-fields and --log-format together', () => {
  test('GIVEN --require-fields alone THEN flow logs are created with the default fields and the required ones added', () => {
    const s = resolveSettings({ requireFields: ['tcp-flags', 'srcaddr', 'pkt-srcaddr'] }, null);
    expect(s.logFormat).toBe(`${DEFAULT_LOG_FORMAT} \${tcp-flags} \${pkt-srcaddr}`);
  });

  test('GIVEN a --log-format without a required field THEN a usage error names the fields to add', () => {
    expect(() => resolveSettings({ requireFields: ['tcp-flags', 'pkt-srcaddr'], logFormat: '${version} ${srcaddr} ${tcp-flags}' }, null)).toThrow(
      /--log-format does not record pkt-srcaddr, which --require-fields asks for; add \$\{pkt-srcaddr\} to it/,
    );
  });
});
