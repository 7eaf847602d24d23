// Data in, strings out: the terminal view of many accounts. One table of accounts, then each account's
// report exactly as a single-account run shows it.
import { singleReport, type AccountReport, type OrgPlanReport } from '../report/org-report.js';
import { FINDING_KINDS, isReportOnly, isVerified, type PlanReport } from '../report/plan-report.js';
import { fit, plural, table } from './layout.js';
import { mdCode, mdText, renderMarkdown, type MarkdownOptions } from './markdown.js';
import { plainStyle, type Style } from './style.js';
import { countPlannedActions, planCountsSentence, renderPlanReport, type RenderOptions } from './text.js';
import { takesUntrusted } from './visible.js';

const label = (a: { accountId: string; name?: string }) => `${a.accountId}${a.name ? ` (${a.name})` : ''}`;

/** The line that opens each account's section, in every many-account view. */
export const accountHeading = takesUntrusted((a: { accountId: string; name?: string }, style: Style): string => style.bold(`== Account ${label(a)}`));

/**
 * The table of accounts, then each account's report; `sections`: what a single-account run of the
 * command shows after its report (permissions, delivery, verdict), shown in the account's section too.
 */
export const renderOrgPlanReport = takesUntrusted(function renderOrgPlanReport(
  report: OrgPlanReport,
  style: Style = plainStyle,
  options: RenderOptions & { command?: 'plan' | 'verify' } = {},
  sections: (report: PlanReport) => string[] = () => [],
): string {
  const rows = [['ACCOUNT', 'NAME', 'REGIONS', 'COMPLIANT', 'ACTIONS', 'FINDINGS']];
  for (const account of report.accounts) rows.push(accountRow(account, style));
  const out = [style.bold(`flowfix — ${plural(report.accounts.length, 'account')}`), '', table(rows, style, true, options.width)];
  if (report.notActive.length > 0) {
    out.push(fit(style.dim(`Not entered (not ACTIVE): ${report.notActive.map((a) => `${label(a)} ${a.state}`).join(', ')}`), options.width));
  }
  for (const account of report.accounts) {
    out.push('', accountHeading(account, style));
    if (account.status === 'read') {
      const single = singleReport(account.report);
      out.push(renderPlanReport(single, style, options), ...sections(single));
    } else if (account.status === 'unreachable')
      out.push(fit(style.red(`  could not be read: ${account.error.code}: ${account.error.message} (${account.error.hint})`), options.width, 4));
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
  const regionCell =
    read.length === regions.length
      ? String(regions.length)
      : regions.some((r) => r.status === 'error')
        ? style.red(`${read.length}/${regions.length}`)
        : `${read.length}/${regions.length}`;
  return [account.accountId, account.name ?? '', regionCell, `${compliant}/${inScope}`, String(plan.actions.length), findings || 'none'];
}

/**
 * `plan` over many accounts: one closing line for the whole run, as a single account's plan ends — what
 * would change in how many accounts, the command that does it (`nextStep`, the flags typed), and the
 * accounts not read.
 */
export const renderOrgPlanSummary = takesUntrusted(function renderOrgPlanSummary(
  report: OrgPlanReport,
  { nextStep = 'flowfix apply', savedPlans = false }: { nextStep?: string; savedPlans?: boolean } = {},
): string {
  const read = report.accounts.flatMap((a) => (a.status === 'read' ? [a.report] : []));
  const changing = read.filter((r) => r.plan.actions.length > 0);
  const sentences: string[] = [];
  if (changing.length > 0) {
    const counted = countPlannedActions({ actions: changing.flatMap((r) => r.plan.actions) });
    const saved = savedPlans ? " (or each account's saved plan, with the command printed after it)" : '';
    sentences.push(`Plan: ${plural(changing.length, 'account')} to change: ${planCountsSentence(counted)}. Run \`${nextStep}\`${saved} to carry it out.`);
  } else if (read.length > 0) {
    const open = read.filter((r) => r.findings.some((f) => !isReportOnly(f)) || r.plan.blocked.length > 0).length;
    sentences.push(
      open > 0
        ? `No changes flowfix can make: ${plural(open, 'account')} with findings that need your action (see above).`
        : `No changes: every ${read[0]!.settings.scope === 'subnet' ? 'subnet' : 'VPC'} in scope has a working flow log in the ${plural(read.length, 'account')} read.`,
    );
  }
  const partlyRead = read.filter((r) => r.errors.length > 0).length;
  if (partlyRead > 0) sentences.push(`${plural(partlyRead, 'account')} with regions or roles that could not be read (see above): fix access and run again.`);
  const unreachable = report.accounts.filter((a) => a.status === 'unreachable').length;
  const notStarted = report.accounts.filter((a) => a.status === 'not-started').length;
  if (unreachable > 0) sentences.push(`${plural(unreachable, 'account')} could not be read (see above): nothing there is in this plan.`);
  if (notStarted > 0) sentences.push(`${plural(notStarted, 'account')} not started (interrupted): run the same command again.`);
  return sentences.join(' ');
});

/** `verify` over many accounts: one closing line for the whole run. */
export const renderOrgVerdict = takesUntrusted(function renderOrgVerdict(report: OrgPlanReport): string {
  const unverified = report.accounts.filter((a) => a.status !== 'read' || !isVerified(a.report)).length;
  return unverified === 0
    ? `Verified: every resource in scope has a working flow log in ${plural(report.accounts.length, 'account')}.`
    : `Not verified: ${plural(unverified, 'account')} with findings or errors.`;
});

/** Markdown for many accounts: each account's section as a single-account run writes it; one line for an account not read. */
export const renderOrgMarkdown = takesUntrusted(function renderOrgMarkdown(report: OrgPlanReport, options: MarkdownOptions): string {
  return report.accounts
    .map((a) => {
      if (a.status === 'read') return renderMarkdown(singleReport(a.report), options);
      const why =
        a.status === 'unreachable'
          ? `could not be read: ${mdCode(a.error.code)} ${mdText(a.error.message)} (${mdText(a.error.hint)})`
          : 'not started (interrupted)';
      return `## flowfix ${options.command}: account ${mdCode(a.accountId)}${a.name ? ` (${mdCode(a.name)})` : ''}\n\n${why}\n`;
    })
    .join('\n');
});
