// The telemetry rule equivalent to a plan's VPC/CloudWatch part, and what it would leave uncovered.
import { audit } from '../../src/audit/audit.js';
import { telemetryRuleDocument } from '../../src/report/telemetry-rule.js';
import { flowLog, inventory, NOW, region, settings, vpcWithSubnets } from '../helpers/builders.js';

describe('--emit telemetry-rule', () => {
  test('GIVEN the settings THEN the request carries the traffic type, retention and tags flowfix would use', () => {
    const doc = telemetryRuleDocument(settings({ trafficType: 'ALL', retentionInDays: 731, tags: { Team: 'sec' } }), []);
    expect(doc.request).toEqual({
      RuleName: 'flowfix-vpc-flow-logs',
      Rule: {
        ResourceType: 'AWS::EC2::VPC',
        TelemetryType: 'Logs',
        DestinationConfiguration: { DestinationType: 'cloud-watch-logs', RetentionInDays: 731, VPCFlowLogParameters: { TrafficType: 'ALL' } },
      },
      Tags: { Team: 'sec', ManagedBy: 'flowfix' },
    });
  });

  test('GIVEN a bare VPC, a failed flow log, an ACCEPT-only one and subnet scope THEN only what a rule cannot fix is left uncovered, with why', () => {
    const bare = vpcWithSubnets('vpc-bare', 1);
    const failed = vpcWithSubnets('vpc-fail', 1);
    const accept = vpcWithSubnets('vpc-acpt', 1);
    const flowLogs = [flowLog('vpc-fail', { deliverLogsStatus: 'FAILED' }), flowLog('vpc-acpt', { trafficType: 'ACCEPT' })];
    const inv = inventory([
      region('us-east-1', { vpcs: [...bare.vpcs, ...failed.vpcs, ...accept.vpcs], subnets: [...bare.subnets, ...failed.subnets, ...accept.subnets], flowLogs }),
    ]);

    const vpcScope = telemetryRuleDocument(settings(), [{ accountId: '111111111111', findings: audit(inv, settings(), NOW).findings }]);
    const subnetScope = telemetryRuleDocument(settings({ scope: 'subnet' }), [
      { accountId: '111111111111', findings: audit(inv, settings({ scope: 'subnet' }), NOW).findings },
    ]);
    const s3 = telemetryRuleDocument(settings({ destination: { type: 's3', bucket: 'b', prefix: '' } }), [
      { accountId: '111111111111', findings: audit(inv, settings(), NOW).findings },
    ]);

    expect(vpcScope.leftUncovered.map((u) => [u.resourceId, u.why.split(':')[0]])).toEqual([
      ['vpc-fail', 'its existing flow log fails delivery; the rule does not repair flow logs it did not create'],
      ['vpc-acpt', 'its existing flow log captures ACCEPT only; the rule does not replace flow logs it did not create'],
    ]);
    expect(subnetScope.leftUncovered.every((u) => u.why.startsWith('subnet scope'))).toBe(true);
    expect(subnetScope.leftUncovered).toHaveLength(3);
    expect(s3.leftUncovered.find((u) => u.resourceId === 'vpc-bare')?.why).toMatch(/S3/);
  });
});

describe('flowfix plan --emit telemetry-rule', () => {
  test("GIVEN the example estate THEN stdout is the rule document with what it leaves uncovered, and the exit code is plan's", async () => {
    const { runFlowfix } = await import('../helpers/capture-io.js');
    const result = await runFlowfix(['plan', '--snapshot', 'examples/estate', '--emit', 'telemetry-rule']);
    const doc = JSON.parse(result.stdout) as { schema: string; request: { Rule: { ResourceType: string } }; leftUncovered: { why: string }[] };
    expect(doc.schema).toBe('flowfix.telemetry-rule/v1');
    expect(doc.request.Rule.ResourceType).toBe('AWS::EC2::VPC');
    expect(doc.leftUncovered.map((u) => u.why).join('\n')).toMatch(/fails delivery|ACCEPT only/);
    expect(result.code).toBe(2);
  });

  test('GIVEN --emit with a report format THEN it is refused by name before any read', async () => {
    const { runFlowfix } = await import('../helpers/capture-io.js');
    const result = await runFlowfix(['plan', '--snapshot', 'examples/estate', '--emit', 'telemetry-rule', '--format', 'sarif']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--emit telemetry-rule prints one JSON document and cannot be combined with --format sarif/);
  });
});
