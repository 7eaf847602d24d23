// Beside AWS's CloudWatch telemetry rules: what they created (tagged CloudWatchTelemetryRuleManaged=true)
// counts as coverage, is named as the rule's, and its retention is never flowfix's to change.
import { audit } from '../../src/audit/audit.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { loadPolicyTemplates } from '../../src/policy/templates.js';
import { flowLog, inventory, NOW, region, settings, vpcWithSubnets } from '../helpers/builders.js';

const RULE_TAGS = { CloudWatchTelemetryRuleManaged: 'true' };

describe('flow logs of a CloudWatch telemetry rule', () => {
  const a = vpcWithSubnets('vpc-aaaa', 1);
  const b = vpcWithSubnets('vpc-bbbb', 1);
  const c = vpcWithSubnets('vpc-cccc', 1);
  const vpcs = [...a.vpcs, ...b.vpcs, ...c.vpcs];
  const subnets = [...a.subnets, ...b.subnets, ...c.subnets];

  test('GIVEN one VPC covered by a rule, one by flowfix, one by its team THEN coverage names who keeps each', () => {
    const flowLogs = [
      flowLog('vpc-aaaa', { flowLogId: 'fl-rule', logGroupName: '/aws/vpc/vpc-aaaa', tags: RULE_TAGS }),
      flowLog('vpc-bbbb', { flowLogId: 'fl-ours', tags: { ManagedBy: 'flowfix' } }),
      flowLog('vpc-cccc', { flowLogId: 'fl-team', tags: { Team: 'net' } }),
    ];
    const result = audit(inventory([region('us-east-1', { vpcs, subnets, flowLogs })]), settings(), NOW);

    expect(result.findings).toEqual([]);
    expect(Object.fromEntries(result.coverage.map((cov) => [cov.resourceId, cov.coveredBy?.by]))).toEqual({
      'vpc-aaaa': 'telemetry-rule',
      'vpc-bbbb': 'flowfix',
      'vpc-cccc': 'user',
    });
  });

  test("GIVEN a rule's group keeps logs 30 days THEN the short retention is reported as the rule's to fix, and nothing is planned for it", () => {
    const flowLogs = [
      flowLog('vpc-aaaa', { logGroupName: '/aws/vpc/vpc-aaaa', tags: RULE_TAGS }),
      flowLog('vpc-cccc', { logGroupName: '/team/flow', tags: {} }),
    ];
    const logGroups = { '/aws/vpc/vpc-aaaa': { name: '/aws/vpc/vpc-aaaa', retentionInDays: 30 }, '/team/flow': { name: '/team/flow', retentionInDays: 30 } };
    const inv = inventory([region('us-east-1', { vpcs: [...a.vpcs, ...c.vpcs], subnets: [...a.subnets, ...c.subnets], flowLogs, logGroups })]);
    const s = settings();

    const result = audit(inv, s, NOW);
    const plan = buildPlan({ inventory: inv, audit: result, settings: s, templates: loadPolicyTemplates(), createdAt: NOW.toISOString() });

    const retention = result.findings.filter((f) => f.kind === 'short-retention');
    expect(retention).toEqual([
      expect.objectContaining({ resourceId: '/aws/vpc/vpc-aaaa', remediable: false, reason: expect.stringContaining("raise the rule's RetentionInDays") }),
      expect.objectContaining({ resourceId: '/team/flow', remediable: true }),
    ]);
    const retentionActions = plan.actions.filter((x) => x.kind === 'put-retention-policy').map((x) => (x.input as { logGroupName: string }).logGroupName);
    expect(retentionActions).not.toContain('/aws/vpc/vpc-aaaa');
    expect(retentionActions).toContain('/team/flow');
  });

  test("GIVEN the group itself carries the rule's tag THEN it is the rule's too", () => {
    const flowLogs = [flowLog('vpc-aaaa', { logGroupName: '/aws/vpc/vpc-aaaa', tags: {} })];
    const logGroups = { '/aws/vpc/vpc-aaaa': { name: '/aws/vpc/vpc-aaaa', retentionInDays: 7, tags: RULE_TAGS } };
    const result = audit(inventory([region('us-east-1', { vpcs: a.vpcs, subnets: a.subnets, flowLogs, logGroups })]), settings(), NOW);
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'short-retention', remediable: false })]);
  });
});
