// Data in, strings out: the terminal view of a PlanReport.
import type { Finding } from '../audit/types.js';
import type { PlanAction } from '../plan/types.js';
import { FINDING_KINDS, type PlanReport, type RegionSummary } from '../report/plan-report.js';
import { fit, indent, inner, plural, table, visibleWidth } from './layout.js';
import { plainStyle, type Style } from './style.js';

/** `width`: the terminal's columns; without it lines are as long as they need to be (pipes, files). */
export interface RenderOptions {
  width?: number | undefined;
}

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2, info: 3 } as const;

export function renderFinding(f: Finding): string[] {
  const name = f.name ? ` (${f.name})` : '';
  return [f.region, `${f.resourceId}${name}`, f.kind, f.reason];
}

/** One row per action: its number (the id up to the first '-', right-aligned), region, API call, description. */
export function actionRows(actions: PlanAction[]): string[][] {
  const numbers = actions.map((a) => a.id.split('-')[0]!);
  const width = Math.max(...numbers.map((n) => n.length));
  return actions.map((a, i) => [numbers[i]!.padStart(width), a.region, `${a.service}:${a.operation}`, a.description]);
}

export function renderPlanReport(report: PlanReport, style: Style = plainStyle, { width }: RenderOptions = {}): string {
  const out: string[] = [];
  out.push(
    fit(
      style.bold(`flowfix plan — account ${report.accountId} (${report.partition})`) +
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

  if (report.warnings.length > 0) {
    out.push('', style.bold(style.yellow(`Warnings (${report.warnings.length})`)));
    for (const w of report.warnings) out.push(fit(style.yellow(`  ${w.region}  ${w.resourceId}: ${w.message}`), width, 4));
  }

  if (report.errors.length > 0) {
    out.push('', style.bold(style.red(`Errors (${report.errors.length})`)));
    for (const e of report.errors) {
      out.push(fit(style.red(`  ${e.region}: ${e.code}: ${e.message}${e.action && !e.message.includes(e.action) ? ` (needs ${e.action})` : ''}`), width, 4));
    }
  }
  return out.join('\n');
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
