// Exclusions in the audit: an excluded resource keeps its finding and coverage, marked with why, so the
// planner skips it and the report lists it; expired exclusions and ones that match nothing are warnings.
import { audit } from '../../src/audit/audit.js';
import type { AuditResult } from '../../src/audit/types.js';
import type { Exclusion } from '../../src/config/settings.js';
import type { SubnetFacts, VpcFacts } from '../../src/facts/resources.js';
import { ACCOUNT, flowLog, inventory, NOW, region, settings, unreadable } from '../helpers/builders.js';

const VPC = 'vpc-0a1b2c3d4e5f60001';
const OTHER = 'vpc-0a1b2c3d4e5f60002';
const SUBNET_A = 'subnet-0a1b2c3d4e5f60011';
const SUBNET_B = 'subnet-0a1b2c3d4e5f60012';

const vpc = (vpcId: string, extra: Partial<VpcFacts> = {}): VpcFacts => ({ vpcId, ownerId: ACCOUNT, isDefault: false, ...extra });
const subnet = (subnetId: string, vpcId: string, extra: Partial<SubnetFacts> = {}): SubnetFacts => ({ subnetId, vpcId, ownerId: ACCOUNT, ...extra });

/** Two bare VPCs (no flow logs), the first with two subnets. */
function estate(vpcExtra: Partial<VpcFacts> = {}, subnetExtra: Partial<SubnetFacts> = {}, otherExtra: Partial<VpcFacts> = {}) {
  return inventory([
    region('us-east-1', {
      vpcs: [vpc(VPC, vpcExtra), vpc(OTHER, otherExtra)],
      subnets: [subnet(SUBNET_A, VPC, subnetExtra), subnet(SUBNET_B, VPC)],
    }),
  ]);
}

const byId = (id: string, reason = 'legacy, retired in Q3', expires?: string): Exclusion => ({ id, reason, ...(expires ? { expires } : {}) });
const byTag = (tag: string, reason = 'owned by the network team'): Exclusion => ({ tag, reason });

/** resourceId → its mark (or null), over findings and coverage alike. */
function marks(result: AuditResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of result.coverage) out[c.resourceId] = c.excluded ?? null;
  for (const f of result.findings) out[f.resourceId] = f.excluded ?? null;
  return out;
}

describe('exclusions, scope vpc', () => {
  test('GIVEN a VPC excluded by id THEN its finding and coverage carry the reason, the other VPC is untouched, no warning', () => {
    const result = audit(estate(), settings({ exclude: [byId(VPC, 'legacy', '2026-06-30')] }), NOW);

    expect(result.findings).toEqual([
      expect.objectContaining({ resourceId: VPC, kind: 'no-flow-log', excluded: { by: 'id', reason: 'legacy', expires: '2026-06-30' } }),
      expect.objectContaining({ resourceId: OTHER, kind: 'no-flow-log' }),
    ]);
    expect(result.findings[1]).not.toHaveProperty('excluded');
    expect(result.coverage.find((c) => c.resourceId === VPC)?.excluded).toEqual({ by: 'id', reason: 'legacy', expires: '2026-06-30' });
    expect(result.warnings).toEqual([]);
  });

  test('GIVEN a compliant VPC excluded THEN its coverage is marked too (listed, never dropped)', () => {
    const inv = inventory([region('us-east-1', { vpcs: [vpc(VPC)], flowLogs: [flowLog(VPC)] })]);
    const result = audit(inv, settings({ exclude: [byId(VPC)] }), NOW);
    expect(result.findings).toEqual([]);
    expect(result.coverage).toEqual([expect.objectContaining({ resourceId: VPC, compliant: true, excluded: { by: 'id', reason: 'legacy, retired in Q3' } })]);
  });

  test.each([
    ['KEY=VALUE with the same value', 'flowfix=skip', { flowfix: 'skip' }, true],
    ['KEY=VALUE with another value', 'flowfix=skip', { flowfix: 'keep' }, false],
    ['KEY=VALUE in another case (tags are case sensitive)', 'flowfix=skip', { flowfix: 'Skip' }, false],
    ['KEY alone, any value', 'Legacy', { Legacy: 'yes' }, true],
    ['KEY alone, empty value', 'Legacy', { Legacy: '' }, true],
    ['KEY= (the empty value only)', 'Legacy=', { Legacy: 'yes' }, false],
    ['a value holding =', 'owner=a=b', { owner: 'a=b' }, true],
    ['no such key', 'Legacy', { Name: 'Legacy' }, false],
  ])('GIVEN a tag exclusion %s THEN the VPC is excluded: %s', (_label, tag, tags, excluded) => {
    // The other VPC carries tags every case matches: the control.
    const result = audit(estate({ tags }, {}, { tags: { flowfix: 'skip', Legacy: '', owner: 'a=b' } }), settings({ exclude: [byTag(tag)] }), NOW);
    const mark = { by: 'tag', reason: 'owned by the network team', tag };
    expect(marks(result)).toEqual({ [VPC]: excluded ? mark : null, [OTHER]: mark });
  });

  test('GIVEN --skip-default-vpcs THEN only the default VPC is excluded, as a default VPC', () => {
    const result = audit(estate({ isDefault: true }), settings({ skipDefaultVpcs: true }), NOW);
    expect(marks(result)).toEqual({ [VPC]: { by: 'default-vpc', reason: 'default VPC (--skip-default-vpcs)' }, [OTHER]: null });
    expect(result.warnings).toEqual([]);
  });

  test('GIVEN an id and a tag exclusion on the same VPC THEN the id wins and neither is reported unmatched', () => {
    const result = audit(estate({ tags: { Legacy: '' } }), settings({ exclude: [byTag('Legacy'), byId(VPC, 'by id')] }), NOW);
    expect(marks(result)[VPC]).toEqual({ by: 'id', reason: 'by id' });
    expect(result.warnings).toEqual([]);
  });

  test('GIVEN the same id twice (settings file and --exclude) THEN no warning for the second', () => {
    const result = audit(estate(), settings({ exclude: [byId(VPC), byId(VPC, 'given with --exclude')] }), NOW);
    expect(result.warnings).toEqual([]);
  });

  test('GIVEN only a subnet excluded THEN nothing is excluded and a warning says scope vpc plans per VPC', () => {
    const result = audit(estate(), settings({ exclude: [byId(SUBNET_A)] }), NOW);
    expect(Object.values(marks(result))).toEqual([null, null]);
    expect(result.warnings).toEqual([
      {
        code: 'exclusion-no-effect',
        message: `exclusion ${SUBNET_A} (legacy, retired in Q3) matches only subnets (${SUBNET_A}), but with --scope vpc flowfix plans flow logs per VPC: exclude their VPC, or use --scope subnet`,
      },
    ]);
  });

  test('GIVEN a shared VPC excluded THEN its shared-vpc finding is acknowledged (marked), not remediable', () => {
    const inv = inventory([
      region('us-east-1', { vpcs: [vpc(VPC, { ownerId: '999999999999' })], subnets: [subnet(SUBNET_A, VPC, { ownerId: '999999999999' })] }),
    ]);
    const result = audit(inv, settings({ exclude: [byId(VPC, 'shared by the network account; they log it')] }), NOW);
    expect(result.findings).toEqual([
      expect.objectContaining({ kind: 'shared-vpc', remediable: false, excluded: { by: 'id', reason: 'shared by the network account; they log it' } }),
    ]);
    expect(result.warnings).toEqual([]);
  });

  test('GIVEN an excluded VPC whose own flow log delivers to a short-retention group THEN that group is left alone too', () => {
    const inv = inventory([
      region('us-east-1', {
        vpcs: [vpc(VPC)],
        flowLogs: [flowLog(VPC, { logGroupName: '/team/legacy' })],
        logGroups: { '/team/legacy': { name: '/team/legacy', retentionInDays: 7 } },
      }),
    ]);
    expect(audit(inv, settings(), NOW).findings.map((f) => f.kind)).toEqual(['short-retention']);
    expect(audit(inv, settings({ exclude: [byId(VPC)] }), NOW).findings).toEqual([]);
  });
});

describe('exclusions, scope subnet', () => {
  test('GIVEN a VPC excluded THEN each of its subnets is excluded through it, and says so', () => {
    const result = audit(estate(), settings({ scope: 'subnet', exclude: [byId(VPC, 'legacy')] }), NOW);
    expect(marks(result)).toEqual({
      [SUBNET_A]: { by: 'id', reason: 'legacy', throughVpc: VPC },
      [SUBNET_B]: { by: 'id', reason: 'legacy', throughVpc: VPC },
    });
    expect(result.warnings).toEqual([]);
  });

  test('GIVEN a default VPC skipped THEN its subnets are excluded through it', () => {
    const result = audit(estate({ isDefault: true }), settings({ scope: 'subnet', skipDefaultVpcs: true }), NOW);
    expect(marks(result)[SUBNET_A]).toEqual({ by: 'default-vpc', reason: 'default VPC (--skip-default-vpcs)', throughVpc: VPC });
  });

  test("GIVEN a subnet excluded by its own tag and its VPC by id THEN the subnet's own exclusion is the one shown", () => {
    const result = audit(estate({}, { tags: { Tier: 'pci' } }), settings({ scope: 'subnet', exclude: [byId(VPC, 'vpc'), byTag('Tier=pci', 'pci zone')] }), NOW);
    expect(marks(result)[SUBNET_A]).toEqual({ by: 'tag', reason: 'pci zone', tag: 'Tier=pci' });
    expect(marks(result)[SUBNET_B]).toEqual({ by: 'id', reason: 'vpc', throughVpc: VPC });
  });

  test('GIVEN one subnet excluded by id THEN only it is excluded', () => {
    const result = audit(estate(), settings({ scope: 'subnet', exclude: [byId(SUBNET_B)] }), NOW);
    expect(marks(result)).toEqual({ [SUBNET_A]: null, [SUBNET_B]: { by: 'id', reason: 'legacy, retired in Q3' } });
  });
});

describe('exclusions that do not exclude', () => {
  test('GIVEN an exclusion that expired yesterday THEN it no longer excludes and a warning says so', () => {
    const result = audit(estate(), settings({ exclude: [byId(VPC, 'legacy', '2025-12-31')] }), NOW);
    expect(marks(result)[VPC]).toBeNull();
    expect(result.warnings).toEqual([
      { code: 'exclusion-expired', message: `exclusion ${VPC} (legacy) expired on 2025-12-31 and no longer excludes anything: extend "expires" or remove it` },
    ]);
  });

  test('GIVEN an exclusion expiring today THEN it still holds (expires is inclusive)', () => {
    const result = audit(estate(), settings({ exclude: [byId(VPC, 'legacy', '2026-01-01')] }), NOW);
    expect(marks(result)[VPC]).toEqual({ by: 'id', reason: 'legacy', expires: '2026-01-01' });
    expect(result.warnings).toEqual([]);
  });

  test('GIVEN an id that matches nothing (a typo) THEN a warning names it and the regions read', () => {
    const inv = inventory([region('us-east-1', { vpcs: [vpc(VPC)] }), region('eu-west-1'), unreadable('ap-south-1')]);
    const result = audit(inv, settings({ exclude: [byId('vpc-0a1b2c3d4e5f6000f')] }), NOW);
    expect(marks(result)[VPC]).toBeNull();
    expect(result.warnings).toEqual([
      {
        code: 'exclusion-unmatched',
        message:
          'exclusion vpc-0a1b2c3d4e5f6000f (legacy, retired in Q3) matches no VPC or subnet in the regions read (us-east-1, eu-west-1); 1 could not be read: check it for a typo',
      },
    ]);
  });

  test('GIVEN a tag no VPC or subnet carries THEN a warning names it', () => {
    const result = audit(estate({ tags: { flowfix: 'skip' } }), settings({ exclude: [byTag('flowfx=skip')] }), NOW);
    expect(result.warnings.map((w) => [w.code, w.message])).toEqual([
      ['exclusion-unmatched', expect.stringContaining('exclusion tag flowfx=skip (owned by the network team) matches no VPC or subnet')],
    ]);
  });
});
