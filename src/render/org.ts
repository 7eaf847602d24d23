// Data in, strings out: the terminal view of many accounts. One table of accounts, then each account's
// report exactly as a single-account run shows it.
import { takesUntrusted } from './visible.js';
import { FINDING_KINDS } from '../report/plan-report.js';
import type { AccountReport, OrgPlanReport } from '../report/org-report.js';
import { fit, plural, table } from './layout.js';
import { plainStyle, type Style } from './style.js';
import { renderPlanReport, type RenderOptions } from './text.js';

const label = (a: { accountId: string; name?: string }) => `${a.accountId}${a.name ? ` (${a.name})` : ''}`;

/** The line that opens each account's section, in every many-account view. */
export const accountHeading = takesUntrusted((a: { accountId: string; name?: string }, style: Style): string => style.bold(`== Account ${label(a)}`));

export const renderOrgPlanReport = takesUntrusted(function renderOrgPlanReport(report: OrgPlanReport, style: Style = plainStyle, options: RenderOptions = {}): string {
  const rows = [['ACCOUNT', 'NAME', 'REGIONS', 'COMPLIANT', 'ACTIONS', 'FINDINGS']];
  for (const account of report.accounts) rows.push(accountRow(account, style));
  const out = [style.bold(`flowfix — ${plural(report.accounts.length, 'account')}`), '', table(rows, style, true, options.width)];
  if (report.notActive.length > 0) {
    out.push(fit(style.dim(`Not entered (not ACTIVE): ${report.notActive.map((a) => `${label(a)} ${a.state}`).join(', ')}`), options.width));
  }
  for (const account of report.accounts) {
    out.push('', accountHeading(account, style));
    if (account.status === 'read') out.push(renderPlanReport({ ...account.report, schema: 'flowfix.plan-report/v1' }, style, options));
    else if (account.status === 'unreachable') out.push(fit(style.red(`  could not be read: ${account.error.code}: ${account.error.message} (${account.error.hint})`), options.width, 4));
    else out.push(style.yellow('  not started (interrupted)'));
  }
  return out.join('\n');
});

function accountRow(account: AccountReport, style: Style): string[] {
  if (account.status !== 'read') {
    return [account.accountId, account.name ?? '', '-', account.status === 'unreachable' ? style.red('unreachable') : style.yellow('not started'), '-', '-'];
  }
  const { regions, plan } = account.report;
  const read = regions.filter((r) => r.status === 'ok');
  const compliant = read.reduce((n, r) => n + r.compliant, 0);
  const inScope = read.reduce((n, r) => n + r.inScope, 0);
  const findings = FINDING_KINDS.map((kind) => [kind, read.reduce((n, r) => n + (r.findings[kind] ?? 0), 0)] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  // Regions denied by an organization policy or not enabled in the account are skipped, not failures: only unreadable ones are red.
  const regionCell = read.length === regions.length ? String(regions.length) : regions.some((r) => r.status === 'error') ? style.red(`${read.length}/${regions.length}`) : `${read.length}/${regions.length}`;
  return [account.accountId, account.name ?? '', regionCell, `${compliant}/${inScope}`, String(plan.actions.length), findings || 'none'];
}
