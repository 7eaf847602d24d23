// --require-fields: counting flow logs whose record format lacks a required field are findings, report-only.
import { audit } from '../../src/audit/audit.js';
import { DEFAULT_SETTINGS } from '../../src/config/settings.js';
import { flowLog, inventory, region, vpcWithSubnets } from '../helpers/builders.js';

const NOW = new Date('2026-01-01T00:00:00Z');

describe('missing-fields', () => {
  const inv = () =>
    inventory([
      region('us-east-1', {
        ...vpcWithSubnets('vpc-00000001', 2),
        flowLogs: [flowLog('vpc-00000001', { logFormat: '${version} ${srcaddr} ${tcp-flags}' })],
      }),
    ]);

  test('GIVEN a VPC flow log without pkt-srcaddr WHEN --require-fields pkt-srcaddr,tcp-flags THEN one finding per flow log (not per subnet), naming only what is missing', () => {
    for (const scope of ['vpc', 'subnet'] as const) {
      const { findings } = audit(inv(), { ...DEFAULT_SETTINGS, scope, requireFields: ['pkt-srcaddr', 'tcp-flags'] }, NOW);
      const missing = findings.filter((f) => f.kind === 'missing-fields');
      expect(missing).toHaveLength(1);
      expect(missing[0]).toMatchObject({ resourceId: 'vpc-00000001', resourceType: 'VPC', remediable: false, severity: 'medium' });
      expect(missing[0]!.reason).toMatch(/does not record pkt-srcaddr \(/);
    }
  });

  test('GIVEN no --require-fields, or fields the format has THEN no finding', () => {
    expect(audit(inv(), DEFAULT_SETTINGS, NOW).findings.filter((f) => f.kind === 'missing-fields')).toEqual([]);
    expect(audit(inv(), { ...DEFAULT_SETTINGS, requireFields: ['tcp-flags'] }, NOW).findings.filter((f) => f.kind === 'missing-fields')).toEqual([]);
  });

  test('GIVEN a flow log that reports no format THEN it is read as the default format (which has srcaddr, not vpc-id)', () => {
    const plain = inventory([region('us-east-1', { ...vpcWithSubnets('vpc-00000001', 0), flowLogs: [flowLog('vpc-00000001')] })]);
    expect(audit(plain, { ...DEFAULT_SETTINGS, requireFields: ['srcaddr'] }, NOW).findings).toEqual([]);
    expect(audit(plain, { ...DEFAULT_SETTINGS, requireFields: ['vpc-id'] }, NOW).findings.map((f) => f.kind)).toEqual(['missing-fields']);
  });
});
