// Data in, strings out: the terminal view of a PlanReport.
import type { Finding } from '../audit/types.js';
import type { PlanAction } from '../plan/types.js';
import { FINDING_KINDS, type PlanReport } from '../report/plan-report.js';
import { plainStyle, type Style } from './style.js';

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2, info: 3 } as const;

export function table(rows: string[][], style: Style = plainStyle, header = true): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  return rows
    .map((row, i) => {
      const line = row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  ').trimEnd();
      return header && i === 0 ? style.bold(line) : line;
    })
    .join('\n');
}

export function renderFinding(f: Finding): string[] {
  const name = f.name ? ` (${f.name})` : '';
  return [f.region, `${f.resourceId}${name}`, f.kind, f.reason];
}

export function renderAction(action: PlanAction): string[] {
  return [action.id.slice(0, 2), action.region, `${action.service}:${action.operation}`, action.description];
}

export function renderPlanReport(report: PlanReport, style: Style = plainStyle): string {
  const out: string[] = [];
  out.push(
    style.bold(`flowfix plan — account ${report.accountId} (${report.partition})`) +
      `, scope ${report.settings.scope}, ${report.settings.trafficType} → ${report.settings.destination}`,
  );

  const kinds = FINDING_KINDS.filter((k) => report.regions.some((r) => r.findings[k]));
  const summary = [['REGION', 'VPCS', 'SUBNETS', 'COMPLIANT', ...kinds.map((k) => k.toUpperCase())]];
  for (const r of report.regions) {
    if (r.status === 'error') {
      summary.push([r.region, '-', '-', style.red('unreadable'), ...kinds.map(() => '-')]);
      continue;
    }
    summary.push([r.region, String(r.vpcs), String(r.subnets), `${r.compliant}/${r.inScope}`, ...kinds.map((k) => String(r.findings[k] ?? 0))]);
  }
  out.push('', table(summary, style));

  const findings = [...report.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  out.push('', style.bold(`Findings (${findings.length})`));
  out.push(findings.length === 0 ? style.green('  none: every resource in scope has a working flow log') : indent(table(findings.map(renderFinding), style, false)));

  const covered = report.coverage.filter((c) => c.coveredBy?.level === 'vpc').length;
  if (report.settings.scope === 'subnet' && covered > 0) out.push(style.dim(`  (${covered} subnets are covered by their VPC's flow log)`));

  const { actions, blocked } = report.plan;
  out.push('', style.bold(`Plan (${actions.length} action${actions.length === 1 ? '' : 's'})`));
  out.push(actions.length === 0 ? '  nothing to change' : indent(table(actions.map(renderAction), style, false)));
  for (const b of blocked) out.push(style.yellow(`  blocked in ${b.region}: ${b.resourceIds.length} resources, because ${b.reason}`));

  if (report.errors.length > 0) {
    out.push('', style.bold(style.red(`Errors (${report.errors.length})`)));
    for (const e of report.errors) out.push(style.red(`  ${e.region}: ${e.code}: ${e.message}${e.action && !e.message.includes(e.action) ? ` (needs ${e.action})` : ''}`));
  }
  return out.join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
