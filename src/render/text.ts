// Data in, strings out: the terminal view of a PlanReport.
import type { Finding } from '../audit/types.js';
import { actionNumber, type PlanAction } from '../plan/types.js';
import { FINDING_KINDS, type PlanReport, type RegionSummary } from '../report/plan-report.js';
import { fit, indent, inner, plural, table, visibleWidth } from './layout.js';
import { plainStyle, type Style } from './style.js';

/** `width`: the terminal's columns; without it lines are as long as they need to be (pipes, files). */
export interface RenderOptions {
  width?: number | undefined;
}

/** The command whose report this is: it names the report's header. */
export type ReportCommand = 'plan' | 'verify';

export interface ReportRenderOptions extends RenderOptions {
  command?: ReportCommand;
}

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2, info: 3 } as const;

export function renderFinding(f: Finding): string[] {
  const name = f.name ? ` (${f.name})` : '';
  return [f.region, `${f.resourceId}${name}`, f.kind, f.reason];
}

/** One row per action: its number (the id up to the first '-', right-aligned), region, API call, description. */
export function actionRows(actions: PlanAction[]): string[][] {
  const numbers = actions.map((a) => actionNumber(a.id));
  const width = Math.max(...numbers.map((n) => n.length));
  return actions.map((a, i) => [numbers[i]!.padStart(width), a.region, `${a.service}:${a.operation}`, a.description]);
}

export function renderPlanReport(report: PlanReport, style: Style = plainStyle, { width, command = 'plan' }: ReportRenderOptions = {}): string {
  const out: string[] = [];
  out.push(
    fit(
      style.bold(`flowfix ${command} — account ${report.accountId} (${report.partition})`) +
        `, scope ${report.settings.scope}, ${report.settings.trafficType} → ${report.settings.destination}`,
      width,
    ),
  );
  out.push('', regionTable(report, style, width));

  const findings = [...report.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  out.push('', style.bold(`Findings (${findings.length})`));
  out.push(findings.length === 0 ? style.green('  none: every resource in scope has a working flow log') : indent(table(findings.map(renderFinding), style, false, inner(width))));

  const covered = report.coverage.filter((c) => c.coveredBy?.level === 'vpc').length;
  if (report.settings.scope === 'subnet' && covered > 0) {
    out.push(fit(style.dim(`  (${covered === 1 ? "1 subnet is covered by its VPC's" : `${covered} subnets are covered by their VPC's`} flow log)`), width, 4));
  }

  const { actions, blocked } = report.plan;
  out.push('', style.bold(`Plan (${plural(actions.length, 'action')})`));
  out.push(actions.length === 0 ? '  nothing to change' : indent(table(actionRows(actions), style, false, inner(width))));
  for (const b of blocked) out.push(fit(style.yellow(`  blocked in ${b.region}: ${plural(b.resourceIds.length, 'resource')}, because ${b.reason}`), width, 4));

  out.push(...errorLines(report, style, width));
  return out.join('\n');
}

/** What could not be read, so a region that was not read never passes for compliant. */
function errorLines(report: PlanReport, style: Style, width: number | undefined): string[] {
  if (report.errors.length === 0) return [];
  const out = ['', style.bold(style.red(`Errors (${report.errors.length})`))];
  for (const e of report.errors) {
    out.push(fit(style.red(`  ${e.region}: ${e.code}: ${e.message}${e.action && !e.message.includes(e.action) ? ` (needs ${e.action})` : ''}`), width, 4));
  }
  return out;
}

/** The short form (guided's first step): counts per region, what could not be read, and one line of totals. */
export function renderRegionSummary(report: PlanReport, style: Style = plainStyle, { width }: RenderOptions = {}): string {
  const problems = report.findings.filter((f) => f.kind !== 'shared-vpc');
  const regions = new Set(problems.map((f) => f.region)).size;
  const total =
    problems.length === 0
      ? `No findings in ${plural(report.regions.length, 'region')} read.`
      : `${plural(problems.length, 'finding')} in ${plural(regions, 'region')}; \`flowfix plan\` lists each one.`;
  return [regionTable(report, style, width), ...errorLines(report, style, width), '', fit(total, width)].join('\n');
}

/**
 * One row per region, one count column per finding kind present. When that is wider than the
 * terminal, the counts move into one FINDINGS column ("3 no-flow-log, 1 accept-only"), which wraps.
 */
function regionTable(report: PlanReport, style: Style, width: number | undefined): string {
  const kinds = FINDING_KINDS.filter((k) => report.regions.some((r) => r.findings[k]));
  const row = (r: RegionSummary, counts: string[]) =>
    r.status === 'error' ? [r.region, '-', '-', style.red('unreadable'), ...counts.map(() => '-')] : [r.region, String(r.vpcs), String(r.subnets), `${r.compliant}/${r.inScope}`, ...counts];
  const wide = table(
    [['REGION', 'VPCS', 'SUBNETS', 'COMPLIANT', ...kinds.map((k) => k.toUpperCase())], ...report.regions.map((r) => row(r, kinds.map((k) => String(r.findings[k] ?? 0))))],
    style,
  );
  if (!width || width <= 0 || Math.max(...wide.split('\n').map(visibleWidth)) <= width) return wide;
  const counts = (r: RegionSummary) => kinds.filter((k) => r.findings[k]).map((k) => `${r.findings[k]} ${k}`).join(', ') || 'none';
  return table([['REGION', 'VPCS', 'SUBNETS', 'COMPLIANT', 'FINDINGS'], ...report.regions.map((r) => row(r, [counts(r)]))], style, true, width);
}
