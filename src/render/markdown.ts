// Data in, GitHub-flavoured Markdown out: a summary for a pull-request comment or a CI job summary
// ($GITHUB_STEP_SUMMARY). Identifiers and names (a VPC's Name tag is anyone's free text) go into code
// spans, where Markdown, HTML, links and @mentions are inert; other text is escaped. Long tables are cut
// at MAX_ROWS rows (GitHub refuses comments over 65,536 characters) and say how much was left out.
import { describeExclusionMark } from '../audit/exclusions.js';
import { FINDING_KINDS } from '../audit/finding-kinds.js';
import type { Finding } from '../audit/types.js';
import { describeOrganizationPolicy } from '../aws/errors.js';
import type { PlanReport, RegionSummary } from '../report/plan-report.js';
import { maxOf } from '../util/collections.js';
import { describeFlowLogOptions } from './flow-log-options.js';
import { plural } from './layout.js';
import { renderPlanSummary, renderVerdict, type SummaryOptions } from './text.js';
import { takesUntrusted, visible } from './visible.js';

export const MAX_ROWS = 100;

export interface MarkdownOptions extends SummaryOptions {
  command: 'plan' | 'verify';
}

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2, info: 3 } as const;

/** Text in a table cell: on one line, Markdown punctuation escaped, @mentions (not e-mail addresses) broken by a zero-width space (as an entity: the source holds no invisible character). */
export function mdText(text: string): string {
  return visible(text)
    .replace(/[\\`*_{}[\]()<>#+!|~&]/g, (c) => `\\${c}`)
    .replace(/(?<!\w)@(?=\w)/g, '@&#8203;');
}

/** A code span that holds any text: fenced by more backticks than it contains, pipes escaped for tables. */
export function mdCode(text: string): string {
  const flat = visible(text).replace(/\|/g, '\\|');
  if (flat === '') return '';
  const longestRun = maxOf((flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = longestRun > 0 || flat.startsWith(' ') || flat.endsWith(' ') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;
const table = (header: string[], align: ('l' | 'r')[], rows: string[][]): string[] => [
  row(header),
  row(align.map((a) => (a === 'r' ? '--:' : '---'))),
  ...rows.map(row),
];

export const renderMarkdown = takesUntrusted(function renderMarkdown(report: PlanReport, options: MarkdownOptions): string {
  const out: string[] = [];
  out.push(`## flowfix ${options.command}: account ${mdCode(report.accountId)} (${mdText(report.partition)})`, '');
  out.push(
    `Scope ${mdCode(report.settings.scope)}, traffic ${mdCode(report.settings.trafficType)} to ${mdCode(report.settings.destination)}, as of ${mdText(report.generatedAt)}.`,
    '',
  );
  const flowLogOptions = describeFlowLogOptions(report.settings, mdCode);
  if (flowLogOptions.length > 0) out.push(`Flow-log options: ${flowLogOptions.join('; ')}.`, '');
  // Flowfix's own words; the one value in them a user typed (the command) is a code span.
  out.push(`**${options.command === 'plan' ? renderPlanSummary(report, { ...options, code: mdCode }) : renderVerdict(report)}**`, '');

  out.push(`### Regions (${report.regions.length})`, '', ...regionTable(report), '');

  const findings = [...report.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  out.push(`### Findings (${findings.length})`, '');
  if (findings.length === 0) out.push('None: every resource in scope has a working flow log.', '');
  else
    out.push(
      ...table(['Severity', 'Region', 'Resource', 'Kind', 'Reason'], ['l', 'l', 'l', 'l', 'l'], findings.slice(0, MAX_ROWS).map(findingRow)),
      ...leftOut(findings.length, 'finding'),
      '',
    );

  if (options.command === 'plan') out.push(...planSection(report));

  const denied = report.regions.filter((r) => r.status === 'denied' && r.deniedBy);
  if (denied.length > 0) {
    out.push(`### Denied by an organization policy (${denied.length})`, '', 'Skipped: flowfix can do nothing in these regions.', '');
    for (const r of denied)
      out.push(`- ${mdCode(r.region)}: ${mdText(describeOrganizationPolicy(r.deniedBy!))}${r.deniedBy!.action ? ` denies ${mdCode(r.deniedBy!.action)}` : ''}`);
    out.push('');
  }

  if (report.errors.length > 0) {
    out.push(`### Could not read (${report.errors.length})`, '');
    for (const e of report.errors)
      out.push(
        `- ${mdCode(e.region)}: ${mdCode(e.code)} ${mdText(e.message)}${e.action && !e.message.includes(e.action) ? ` (needs ${mdCode(e.action)})` : ''}`,
      );
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
});

function regionTable(report: PlanReport): string[] {
  const counts = (r: RegionSummary) =>
    FINDING_KINDS.filter((k) => r.findings[k])
      .map((k) => `${r.findings[k]} ${mdCode(k)}`)
      .join(', ') || 'none';
  const unread: Record<Exclude<RegionSummary['status'], 'ok'>, string> = {
    error: '**unreadable**',
    denied: '**denied by an organization policy**',
    'not-enabled': 'not enabled in this account',
  };
  const rows = report.regions.map((r) =>
    r.status !== 'ok'
      ? [mdCode(r.region), '–', '–', unread[r.status], '–']
      : [mdCode(r.region), String(r.vpcs), String(r.subnets), `${r.compliant}/${r.inScope}`, counts(r)],
  );
  const read = report.regions.filter((r) => r.status === 'ok');
  const sum = (pick: (r: RegionSummary) => number) => String(read.reduce((n, r) => n + pick(r), 0));
  const global = report.findings.filter((f) => f.region === 'global').length;
  rows.push([
    '**total**',
    sum((r) => r.vpcs),
    sum((r) => r.subnets),
    `${sum((r) => r.compliant)}/${sum((r) => r.inScope)}`,
    `${plural(report.findings.length, 'finding')}${global ? ` (${global} account-wide)` : ''}`,
  ]);
  return table(['Region', 'VPCs', 'Subnets', 'Compliant', 'Findings'], ['l', 'r', 'r', 'r', 'l'], rows);
}

function findingRow(f: Finding): string[] {
  const resource = `${mdCode(f.resourceId)}${f.name ? ` (${mdCode(f.name)})` : ''}`;
  const reason = f.excluded ? `**Excluded** (${mdText(describeExclusionMark(f.excluded))}): ${mdText(f.reason)}` : mdText(f.reason);
  return [f.severity, mdCode(f.region), resource, mdCode(f.kind), reason];
}

function planSection(report: PlanReport): string[] {
  const { actions, blocked } = report.plan;
  const out = [`### Plan (${plural(actions.length, 'action')})`, ''];
  if (actions.length === 0) out.push('Nothing to change.', '');
  else {
    const rows = actions
      .slice(0, MAX_ROWS)
      .map((a) => [mdText(a.id.split('-')[0]!), mdCode(a.region), mdCode(`${a.service}:${a.operation}`), mdText(a.description)]);
    out.push(...table(['#', 'Region', 'Call', 'What'], ['r', 'l', 'l', 'l'], rows), ...leftOut(actions.length, 'action'), '');
  }
  for (const b of blocked) out.push(`- Blocked in ${mdCode(b.region)}: ${plural(b.resourceIds.length, 'resource')}, because ${mdText(b.reason)}`);
  if (blocked.length > 0) out.push('');
  return out;
}

function leftOut(total: number, noun: string): string[] {
  return total > MAX_ROWS ? ['', `…and ${plural(total - MAX_ROWS, `more ${noun}`)}: \`--format csv\` or \`--format json\` lists every one.`] : [];
}
