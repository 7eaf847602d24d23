// Excluded resources in the plan report: listed with their reason (JSON and text), counted per region,
// left out of the compliance counts and the exit code; warnings shown, never changing the exit code.
import { stripVTControlCharacters as stripAnsi } from 'node:util';

import type { Settings } from '../../src/config/settings.js';
import type { Inventory } from '../../src/inventory/types.js';
import { loadPolicyTemplates } from '../../src/policy/templates.js';
import { plainStyle, styleFor } from '../../src/render/style.js';
import { renderPlanReport } from '../../src/render/text.js';
import { planExitCode, type PlanReport } from '../../src/report/plan-report.js';
import { assessInventory } from '../../src/workflow/assess.js';
import { ACCOUNT, flowLog, inventory, NOW, region, settings } from '../helpers/builders.js';

const LEGACY = 'vpc-0a1b2c3d4e5f60001';
const OK = 'vpc-0a1b2c3d4e5f60002';
const BARE = 'vpc-0a1b2c3d4e5f60003';
const SHARED = 'vpc-0a1b2c3d4e5f60004';
const SUBNET = 'subnet-0a1b2c3d4e5f60011';
const GROUP = '/flowfix/vpc-flow-logs';

/** us-east-1: a bare legacy VPC (one subnet), a compliant VPC tagged Legacy, a bare VPC; eu-west-1: a shared VPC. */
function estate(): Inventory {
  return inventory([
    region('us-east-1', {
      vpcs: [
        { vpcId: LEGACY, ownerId: ACCOUNT, isDefault: false, name: 'legacy' },
        { vpcId: OK, ownerId: ACCOUNT, isDefault: false, tags: { Legacy: 'yes' } },
        { vpcId: BARE, ownerId: ACCOUNT, isDefault: false },
      ],
      subnets: [{ subnetId: SUBNET, vpcId: LEGACY, ownerId: ACCOUNT }],
      flowLogs: [flowLog(OK)],
      logGroups: { [GROUP]: { name: GROUP, retentionInDays: 365 } },
    }),
    region('eu-west-1', { vpcs: [{ vpcId: SHARED, ownerId: '999999999999', isDefault: false }] }),
  ]);
}

const report = (s: Partial<Settings>, inv = estate()): PlanReport => assessInventory(inv, settings(s), loadPolicyTemplates(), NOW).report;

const EXCLUDE: Settings['exclude'] = [
  { id: LEGACY, reason: 'retired in Q3', expires: '2026-09-30' },
  { tag: 'Legacy', reason: 'owned by the network team' },
  { id: SHARED, reason: 'the network account logs it' },
];

describe('the plan report with exclusions', () => {
  test('GIVEN exclusions by id and tag and an acknowledged shared VPC THEN each is listed with its reason and the finding it would have', () => {
    expect(report({ exclude: EXCLUDE }).excluded).toEqual([
      {
        region: 'us-east-1',
        resourceType: 'VPC',
        resourceId: LEGACY,
        vpcId: LEGACY,
        name: 'legacy',
        finding: 'no-flow-log',
        by: 'id',
        reason: 'retired in Q3',
        expires: '2026-09-30',
      },
      { region: 'us-east-1', resourceType: 'VPC', resourceId: OK, vpcId: OK, by: 'tag', tag: 'Legacy', reason: 'owned by the network team' },
      { region: 'eu-west-1', resourceType: 'VPC', resourceId: SHARED, vpcId: SHARED, finding: 'shared-vpc', by: 'id', reason: 'the network account logs it' },
    ]);
  });

  test('GIVEN exclusions THEN each region counts them, and leaves them out of in-scope, compliant and finding counts', () => {
    const regions = report({ exclude: EXCLUDE }).regions;
    expect(regions).toEqual([
      { region: 'us-east-1', status: 'ok', vpcs: 3, subnets: 1, inScope: 1, compliant: 0, findings: { 'no-flow-log': 1 }, excluded: 2 },
      { region: 'eu-west-1', status: 'ok', vpcs: 1, subnets: 0, inScope: 0, compliant: 0, findings: {}, excluded: 1 },
    ]);
  });

  test('GIVEN scope subnet and an excluded VPC THEN its subnet is listed as excluded through it', () => {
    expect(report({ scope: 'subnet', exclude: [EXCLUDE[0]!] }).excluded).toEqual([
      {
        region: 'us-east-1',
        resourceType: 'Subnet',
        resourceId: SUBNET,
        vpcId: LEGACY,
        finding: 'no-flow-log',
        by: 'id',
        reason: 'retired in Q3',
        expires: '2026-09-30',
        throughVpc: LEGACY,
      },
    ]);
  });

  test('GIVEN the only non-compliant resources are excluded THEN plan exits 0 (nothing to do)', () => {
    const withoutBare = estate();
    const us = withoutBare.regions[0]!;
    if (us.status === 'read') us.vpcs = us.vpcs.filter((v) => v.vpcId !== BARE);
    expect(planExitCode(report({}, withoutBare))).toBe(2);
    expect(planExitCode(report({ exclude: [EXCLUDE[0]!] }, withoutBare))).toBe(0);
  });

  test('GIVEN an exclusion that matches nothing THEN the report carries the warning and the exit code is unchanged', () => {
    const r = report({ exclude: [...EXCLUDE, { id: 'vpc-0a1b2c3d4e5f6000f', reason: 'typo' }] });
    expect(r.warnings).toEqual([
      { code: 'exclusion-unmatched', message: expect.stringContaining('exclusion vpc-0a1b2c3d4e5f6000f (typo) matches no VPC or subnet') },
    ]);
    expect(planExitCode(r)).toBe(2); // BARE still needs a flow log
  });
});

describe('the text report with exclusions', () => {
  const text = (r: PlanReport, width?: number) => stripAnsi(renderPlanReport(r, styleFor({ isTTY: true }, {}), { width }));

  test('GIVEN exclusions THEN an Excluded section lists each with its reason, and Findings does not', () => {
    const out = text(report({ exclude: EXCLUDE }));
    const findings = out.slice(out.indexOf('Findings ('), out.indexOf('Excluded ('));
    expect(findings).toMatch(/^Findings \(1\)$/m);
    expect(findings).toContain(BARE);
    expect(findings).not.toContain(LEGACY);
    expect(out).toContain('Excluded (3): left alone on purpose, never planned');
    expect(out).toMatch(new RegExp(`^  us-east-1  ${LEGACY} \\(legacy\\)  no-flow-log  excluded by id: retired in Q3 \\(until 2026-09-30\\)$`, 'm'));
    expect(out).toMatch(new RegExp(`^  us-east-1  ${OK} +compliant +excluded by tag Legacy: owned by the network team$`, 'm'));
    expect(out).toMatch(new RegExp(`^  eu-west-1  ${SHARED} +shared-vpc +excluded by id: the network account logs it$`, 'm'));
  });

  test('GIVEN exclusions THEN the region table has an EXCLUDED column', () => {
    const out = text(report({ exclude: EXCLUDE }));
    expect(out).toMatch(/^REGION +VPCS +SUBNETS +COMPLIANT +EXCLUDED +NO-FLOW-LOG$/m);
    expect(out).toMatch(/^us-east-1 +3 +1 +0\/1 +2 +1$/m);
    expect(out).toMatch(/^eu-west-1 +1 +0 +0\/0 +1 +0$/m);
  });

  test('GIVEN a default VPC and a subnet excluded through its VPC THEN each says so', () => {
    const inv = estate();
    const us = inv.regions[0]!;
    if (us.status === 'read') us.vpcs = us.vpcs.map((v) => (v.vpcId === LEGACY ? { ...v, isDefault: true } : v));
    const out = text(report({ scope: 'subnet', skipDefaultVpcs: true }, inv));
    expect(out).toMatch(new RegExp(`^  us-east-1  ${SUBNET}  no-flow-log  its VPC ${LEGACY} is default VPC \\(--skip-default-vpcs\\)$`, 'm'));
  });

  test('GIVEN warnings THEN a Warnings section shows each', () => {
    const out = text(report({ exclude: [{ id: LEGACY, reason: 'retired', expires: '2025-12-31' }] }));
    expect(out).toContain(`Warnings (1)\n  exclusion ${LEGACY} (retired) expired on 2025-12-31 and no longer excludes anything: extend "expires" or remove it`);
  });

  test.each([80, 60])('GIVEN long reasons and warnings WHEN rendered at %i columns THEN every line fits and no word is lost', (width) => {
    const long = 'kept out of flowfix because the network team manages its flow logs in their own account with their own tooling';
    const r = report({
      exclude: [
        { id: LEGACY, reason: long },
        { id: 'vpc-0a1b2c3d4e5f6000f', reason: long },
      ],
    });
    const out = text(r, width);
    expect(out.split('\n').filter((l) => l.length > width)).toEqual([]);
    const words = out.split(/\s+/).join(' ');
    expect(words).toContain(`excluded by id: ${long}`);
    expect(words).toContain(`exclusion vpc-0a1b2c3d4e5f6000f (${long}) matches no VPC or subnet`);
    expect(stripAnsi(renderPlanReport(r, styleFor({ isTTY: true }, {}), { width }))).toBe(renderPlanReport(r, plainStyle, { width }));
  });
});
