import { stripVTControlCharacters as stripAnsi } from 'node:util';

import type { ApplyReport, Outcome } from '../../src/apply/types.js';
import type { Verification } from '../../src/apply/verify.js';
import type { Finding } from '../../src/audit/types.js';
import type { PlanDocument } from '../../src/plan/plan-file.js';
import type { CreateFlowLogsAction, Plan, PlanAction } from '../../src/plan/types.js';
import { renderApplyReport, renderPlanActions, renderVerification } from '../../src/render/apply.js';
import { plainStyle, styleFor } from '../../src/render/style.js';
import { renderPlanReport } from '../../src/render/text.js';
import { FINDING_KINDS, REPORT_SCHEMA, type PlanReport } from '../../src/report/plan-report.js';

const ansi = styleFor({ isTTY: true }, {});
const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'sa-east-1',
];
const LONG = 'this sentence is deliberately long so that it cannot fit on one line of an eighty column terminal next to the other columns';

function action(n: number, region: string): CreateFlowLogsAction {
  return {
    id: `${String(n).padStart(2, '0')}-create-flow-logs-${region}`,
    kind: 'create-flow-logs',
    service: 'ec2',
    operation: 'CreateFlowLogs',
    region,
    description: `Create a REJECT flow log for vpc-${n} in ${region}: ${LONG} (end ${n})`,
    because: [{ kind: 'no-flow-log', resourceIds: [`vpc-${n}`] }],
    permissions: ['ec2:CreateFlowLogs'],
    input: {
      ResourceType: 'VPC',
      ResourceIds: [`vpc-${n}`],
      TrafficType: 'REJECT',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: '/flowfix/vpc-flow-logs',
      TagSpecifications: [],
      ClientToken: `token-${n}`,
    },
  };
}

function plan(actions: PlanAction[], blocked: Plan['blocked'] = []): PlanDocument {
  return {
    schemaVersion: 1,
    accountId: '123456789012',
    partition: 'aws',
    createdAt: '2025-01-01T00:00:00.000Z',
    settings: {
      scope: 'vpc',
      trafficType: 'REJECT',
      destination: 'cloud-watch-logs:/flowfix/vpc-flow-logs',
      roleName: 'flowfix-vpc-flow-logs',
      policyName: 'flowfix-publish-flow-logs',
      retentionInDays: 30,
      minRetentionDays: 30,
      regions: REGIONS,
    },
    actions,
    blocked,
  };
}

function finding(kind: Finding['kind'], region: string, i: number): Finding {
  return {
    kind,
    severity: 'high',
    region,
    resourceType: 'VPC',
    resourceId: `vpc-0123456789abcdef${i}`,
    name: `production-shared-services-${i}`,
    reason: `${kind} in ${region}: ${LONG} (end ${region} ${kind})`,
    remediable: true,
  };
}

/** 17 regions (one unreadable), every finding kind in every region, long descriptions, 105 actions. */
function bigReport(): PlanReport {
  const readable = REGIONS.slice(0, -1);
  const actions = Array.from({ length: 105 }, (_, i) => action(i + 1, REGIONS[i % REGIONS.length]!));
  return {
    schema: REPORT_SCHEMA,
    accountId: '123456789012',
    partition: 'aws',
    generatedAt: '2025-01-01T00:00:00.000Z',
    settings: {
      scope: 'vpc',
      trafficType: 'REJECT',
      destination: 'cloud-watch-logs:/flowfix/vpc-flow-logs-with-a-long-name-for-this-account',
      roleName: 'flowfix-vpc-flow-logs',
      minRetentionDays: 30,
    },
    regions: [
      ...readable.map((region, i) => ({
        region,
        status: 'ok' as const,
        vpcs: 3 + i,
        subnets: 12 * i,
        inScope: 3 + i,
        compliant: i % 3,
        findings: Object.fromEntries(FINDING_KINDS.map((k, j) => [k, 1 + ((i + j) % 4)])),
        excluded: 0,
      })),
      { region: REGIONS.at(-1)!, status: 'error', vpcs: 0, subnets: 0, inScope: 0, compliant: 0, findings: {}, excluded: 0 },
    ],
    findings: readable.flatMap((region, i) => FINDING_KINDS.map((k) => finding(k, region, i))),
    coverage: [],
    excluded: [],
    warnings: [],
    plan: plan(actions, [
      { region: 'us-east-1', resourceIds: ['vpc-1'], reason: `delivery role flowfix-vpc-flow-logs does not trust vpc-flow-logs.amazonaws.com; ${LONG}` },
    ]),
    errors: [
      {
        region: REGIONS.at(-1)!,
        code: 'UnauthorizedOperation',
        message: `You are not authorized to perform this operation. ${LONG}`,
        action: 'ec2:DescribeVpcs',
      },
    ],
  };
}

/** Two regions, one unreadable, two finding kinds: fits 80 columns as it is. */
function smallReport(): PlanReport {
  const report = bigReport();
  return {
    ...report,
    settings: { ...report.settings, destination: 's3://logs/vpc' },
    regions: [
      { region: 'us-east-1', status: 'ok', vpcs: 3, subnets: 12, inScope: 3, compliant: 1, findings: { 'no-flow-log': 2, 'short-retention': 1 }, excluded: 0 },
      { region: 'eu-west-1', status: 'error', vpcs: 0, subnets: 0, inScope: 0, compliant: 0, findings: {}, excluded: 0 },
      { region: 'ap-southeast-2', status: 'ok', vpcs: 10, subnets: 40, inScope: 10, compliant: 10, findings: {}, excluded: 0 },
    ],
    findings: [{ ...finding('no-flow-log', 'us-east-1', 1), name: 'web', reason: 'No flow log.' }],
    plan: plan(
      [{ ...action(1, 'us-east-1'), description: 'Create a flow log' }],
      [{ region: 'us-east-1', resourceIds: ['vpc-2'], reason: 'the role is not trusted' }],
    ),
    errors: [{ region: 'eu-west-1', code: 'UnauthorizedOperation', message: 'not authorized' }],
  };
}

function outcome(status: Outcome['status'], i: number, overrides: Partial<Outcome> = {}): Outcome {
  return {
    actionId: `${i}-create-flow-logs-us-east-1`,
    kind: 'create-flow-logs',
    region: REGIONS[i % REGIONS.length]!,
    resourceId: `vpc-0123456789abcdef${i}`,
    status,
    detail: `detail ${i}: ${LONG}`,
    ...overrides,
  };
}

const applyReport: ApplyReport = {
  outcomes: [
    outcome('applied', 1),
    outcome('failed', 2, { code: 'AccessDenied', message: `not allowed: ${LONG}`, detail: undefined }),
    outcome('already-done', 3),
    outcome('skipped', 4, { kind: 'create-log-group', resourceId: '/flowfix/vpc-flow-logs-with-a-rather-long-log-group-name' }),
    outcome('not-started', 5),
  ],
  dryRunCalls: [],
  dryRunProbes: [{ region: 'eu-west-1', allowed: false, code: 'UnauthorizedOperation', message: LONG }],
  interrupted: true,
};

const lines = (text: string) => stripAnsi(text).split('\n');

/** Each cell of each row starts at the column its header (first row) starts at. */
function expectAligned(tableLines: string[], cells: string[][]): void {
  const header = cells[0]!;
  const offsets = [0];
  for (let c = 1; c < header.length; c++) offsets.push(tableLines[0]!.indexOf(header[c]!, offsets[c - 1]! + header[c - 1]!.length));
  cells.forEach((row, r) =>
    row.forEach((cell, c) => {
      expect({ row: r, col: c, at: tableLines[r]!.slice(offsets[c]!, offsets[c]! + cell.length) }).toEqual({ row: r, col: c, at: cell });
      if (c > 0) expect(tableLines[r]![offsets[c]! - 1]).toBe(' ');
    }),
  );
}

describe('coloured terminal output', () => {
  test('GIVEN an unreadable region in colour THEN the region table columns line up in every row', () => {
    const report = smallReport();
    const out = lines(renderPlanReport(report, ansi));
    const start = out.findIndex((l) => l.startsWith('REGION'));
    expectAligned(out.slice(start, start + 4), [
      ['REGION', 'VPCS', 'SUBNETS', 'COMPLIANT', 'NO-FLOW-LOG', 'SHORT-RETENTION'],
      ['us-east-1', '3', '12', '1/3', '2', '1'],
      ['eu-west-1', '-', '-', 'unreadable', '-', '-'],
      ['ap-southeast-2', '10', '40', '10/10', '0', '0'],
    ]);
  });

  test('GIVEN coloured statuses THEN the apply table columns line up in every row', () => {
    const report: ApplyReport = {
      outcomes: [outcome('applied', 1), outcome('failed', 2, { code: 'X', message: 'y' }), outcome('already-done', 3)],
      dryRunCalls: [],
      dryRunProbes: [],
      interrupted: false,
    };
    const out = lines(renderApplyReport(report, ansi));
    expectAligned(out.slice(0, 3), [
      ['STATUS', 'REGION', 'RESOURCE', 'ACTION', 'DETAIL'],
      ['applied', 'us-east-2', 'vpc-0123456789abcdef1', 'create-flow-logs', 'detail 1'],
      ['already-done', 'us-west-2', 'vpc-0123456789abcdef3', 'create-flow-logs', 'detail 3'],
    ]);
    // A failure is said below the table, once per cause.
    expect(out.slice(3, 5)).toEqual(['Failed: create-flow-logs in us-west-1 (call 2), 1 VPC: vpc-0123456789abcdef2', '  X: y']);
  });

  test.each([undefined, 80, 60])('GIVEN width %s THEN coloured output without its colour codes is the plain output', (width) => {
    for (const report of [smallReport(), bigReport()]) {
      expect(stripAnsi(renderPlanReport(report, ansi, { width }))).toBe(renderPlanReport(report, plainStyle, { width }));
    }
    expect(stripAnsi(renderApplyReport(applyReport, ansi, { width }))).toBe(renderApplyReport(applyReport, plainStyle, { width }));
    expect(renderPlanReport(smallReport(), ansi, { width })).toContain('\u001b[31m');
  });
});

describe('action numbers', () => {
  test('GIVEN 105 actions THEN action 100 prints as 100 and the numbers are right-aligned', () => {
    const actions = Array.from({ length: 105 }, (_, i) => action(i + 1, 'us-east-1'));
    for (const text of [renderPlanActions(plan(actions)), renderPlanReport({ ...bigReport(), plan: plan(actions) })]) {
      const out = lines(text);
      expect(out).toContainEqual(expect.stringMatching(/^ {2}100 {2}us-east-1 {2}ec2:CreateFlowLogs {2}Create .* \(end 100\)$/));
      expect(out).toContainEqual(expect.stringMatching(/^ {3}01 {2}us-east-1 {2}ec2:CreateFlowLogs/));
      expect(out).toContainEqual(expect.stringMatching(/^ {2}105 {2}us-east-1/));
    }
  });
});

describe('80 columns', () => {
  const everyLineFits = (text: string, width: number) => expect(lines(text).filter((l) => l.length > width)).toEqual([]);

  test.each([80, 60])('GIVEN 17 regions, every finding kind and long descriptions WHEN rendered at %i columns THEN no line is wider', (width) => {
    const report = bigReport();
    for (const style of [plainStyle, ansi]) {
      everyLineFits(renderPlanReport(report, style, { width }), width);
      everyLineFits(renderPlanActions(report.plan, style, { width }), width);
      everyLineFits(renderApplyReport(applyReport, style, { width }), width);
    }
    const verification: Verification[] = [{ region: 'us-east-1', resourceId: 'vpc-1', status: 'delivery-failed', message: LONG }];
    everyLineFits(renderVerification(verification, ansi, { width }), width);
  });

  test('GIVEN the same report at 80 columns THEN nothing is dropped: every region, count, reason and description is still there', () => {
    const report = bigReport();
    const text = lines(renderPlanReport(report, plainStyle, { width: 80 })).join('\n');
    const words = text.split(/\s+/).join(' ');
    expect(text).toMatch(/^REGION +VPCS +SUBNETS +COMPLIANT +FINDINGS$/m);
    expect(text).toMatch(/^sa-east-1 +- +- +unreadable +-$/m);
    for (const r of report.regions.filter((r) => r.status === 'ok')) {
      expect(text).toMatch(new RegExp(`^${r.region} +${r.vpcs} +${r.subnets} +${r.compliant}/${r.inScope} +${r.findings['no-flow-log']} no-flow-log,`, 'm'));
    }
    // Wrapped text keeps its words in order once the table's padding is collapsed.
    expect(words).toContain(`${FINDING_KINDS.map((k) => `${report.regions[0]!.findings[k]} ${k}`).join(', ')}`);
    for (const f of report.findings) expect(words).toContain(`(end ${f.region} ${f.kind})`);
    for (const a of report.plan.actions) expect(words).toContain(`(end ${a.id.split('-')[0]!.replace(/^0/, '')})`);
    expect(words).toContain(`does not trust vpc-flow-logs.amazonaws.com; ${LONG}`);
  });

  test('GIVEN a report that fits THEN a width changes nothing', () => {
    expect(renderPlanReport(smallReport(), ansi, { width: 80 })).toBe(renderPlanReport(smallReport(), ansi));
    expect(renderPlanReport(bigReport(), plainStyle, { width: 0 })).toBe(renderPlanReport(bigReport()));
  });
});

describe('plurals', () => {
  test('GIVEN one action and one blocked resource THEN the words are singular', () => {
    const text = renderPlanReport(smallReport());
    expect(text).toContain('Plan (1 action)');
    expect(text).toContain('blocked in us-east-1: 1 resource, because');
    expect(renderPlanActions(smallReport().plan)).toContain('(1 action)');
    expect(renderPlanActions(bigReport().plan)).toContain('(105 actions)');
  });

  test("GIVEN subnet scope THEN one covered subnet is 'is covered by its VPC's flow log'", () => {
    const coverage = (id: string) => ({
      region: 'us-east-1',
      resourceType: 'Subnet' as const,
      resourceId: id,
      vpcId: 'vpc-1',
      compliant: true,
      coveredBy: { flowLogId: 'fl-1', resourceId: 'vpc-1', level: 'vpc' as const, by: 'user' as const },
    });
    const report = { ...smallReport(), settings: { ...smallReport().settings, scope: 'subnet' as const } };
    expect(renderPlanReport({ ...report, coverage: [coverage('s-1')] })).toContain("(1 subnet is covered by its VPC's flow log)");
    expect(renderPlanReport({ ...report, coverage: [coverage('s-1'), coverage('s-2')] })).toContain("(2 subnets are covered by their VPC's flow log)");
  });
});
