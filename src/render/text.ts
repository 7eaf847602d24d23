// Data in, strings out: the terminal view of a PlanReport.
import type { CountedVerb } from '../actions/action-kind.js';
import { ACTION_KINDS, targetsOf, type ActionKindName } from '../actions/action-kinds.js';
import { describeExclusionMark } from '../audit/exclusions.js';
import { FINDING_KINDS } from '../audit/finding-kinds.js';
import type { Finding } from '../audit/types.js';
import { describeOrganizationPolicy } from '../aws/errors.js';
import { actionNumber, type Plan, type PlanAction } from '../plan/types.js';
import { deniedRegionNames, isReportOnly, isVerified, type ExcludedResource, type PlanReport, type RegionSummary } from '../report/plan-report.js';
import { maxOf } from '../util/collections.js';
import { describeFlowLogOptions } from './flow-log-options.js';
import { fit, indent, inner, plural, table, visibleWidth } from './layout.js';
import { plainStyle, type Style } from './style.js';
import { takesUntrusted } from './visible.js';

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

export const renderFinding = takesUntrusted(function renderFinding(f: Finding): string[] {
  const name = f.name ? ` (${f.name})` : '';
  return [f.region, `${f.resourceId}${name}`, f.kind, f.reason];
});

function renderExcluded(e: ExcludedResource): string[] {
  const name = e.name ? ` (${e.name})` : '';
  return [e.region, `${e.resourceId}${name}`, e.finding ?? 'compliant', describeExclusionMark(e)];
}

/** One row per action: its number (the id up to the first '-', right-aligned), region, API call, description. */
export const actionRows = takesUntrusted(function actionRows(actions: PlanAction[]): string[][] {
  const numbers = actions.map((a) => actionNumber(a.id));
  const width = maxOf(numbers.map((n) => n.length));
  return actions.map((a, i) => [numbers[i]!.padStart(width), a.region, `${a.service}:${a.operation}`, a.description]);
});

export const renderPlanReport = takesUntrusted(function renderPlanReport(
  report: PlanReport,
  style: Style = plainStyle,
  { width, command = 'plan' }: ReportRenderOptions = {},
): string {
  const out: string[] = [];
  out.push(
    fit(
      style.bold(`flowfix ${command} — account ${report.accountId} (${report.partition})`) +
        `, scope ${report.settings.scope}, ${report.settings.trafficType} → ${report.settings.destination}`,
      width,
    ),
  );
  const options = describeFlowLogOptions(report.settings);
  if (options.length > 0) out.push(fit(style.dim(`  flow-log options: ${options.join('; ')}`), width, 4));
  out.push('', regionTable(report, style, width));

  // Excluded resources' findings are listed with the exclusions, not here.
  const findings = report.findings.filter((f) => !f.excluded).sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  out.push('', style.bold(`Findings (${findings.length})`));
  out.push(
    findings.length === 0
      ? style.green('  none: every resource in scope has a working flow log')
      : indent(table(findings.map(renderFinding), style, false, inner(width))),
  );

  if (report.excluded.length > 0) {
    out.push('', style.bold(`Excluded (${report.excluded.length}): left alone on purpose, never planned`));
    out.push(indent(table(report.excluded.map(renderExcluded), style, false, inner(width))));
  }

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
    for (const w of report.warnings) out.push(fit(style.yellow(`  ${'region' in w ? `${w.region}  ${w.resourceId}: ` : ''}${w.message}`), width, 4));
  }

  out.push(...deniedLines(report, style, width));
  out.push(...errorLines(report, style, width));
  return out.join('\n');
});

/**
 * Regions an organization policy denies, with the policy AWS named: no advice to fix access (the
 * caller's IAM cannot), and apart from Errors (they are not errors). AWS's message is data, shown as is.
 */
function deniedLines(report: PlanReport, style: Style, width: number | undefined): string[] {
  const denied = report.regions.filter((r) => r.status === 'denied' && r.deniedBy);
  const notEnabled = report.regions.filter((r) => r.status === 'not-enabled').map((r) => r.region);
  const out: string[] = [];
  if (denied.length > 0) {
    out.push('', style.bold(style.yellow(`Denied by an organization policy (${denied.length}): skipped, flowfix can do nothing there`)));
    for (const r of denied) {
      const by = r.deniedBy!;
      out.push(fit(style.yellow(`  ${r.region}: ${describeOrganizationPolicy(by)}${by.action ? ` denies ${by.action}` : ''}`), width, 4));
    }
  }
  if (notEnabled.length > 0) out.push('', fit(style.dim(`Not enabled in this account (skipped): ${notEnabled.join(', ')}`), width));
  return out;
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
export const renderRegionSummary = takesUntrusted(function renderRegionSummary(
  report: PlanReport,
  style: Style = plainStyle,
  { width }: RenderOptions = {},
): string {
  const problems = report.findings.filter((f) => !isReportOnly(f));
  const regions = new Set(problems.map((f) => f.region)).size;
  const excluded = report.excluded.length > 0 ? ` ${plural(report.excluded.length, 'resource')} excluded.` : '';
  const total =
    problems.length === 0
      ? `No findings in ${plural(report.regions.filter((r) => r.status === 'ok').length, 'region')} read.${excluded}`
      : `${plural(problems.length, 'finding')} in ${plural(regions, 'region')}; \`flowfix plan\` lists each one.${excluded}`;
  return [regionTable(report, style, width), ...deniedLines(report, style, width), ...errorLines(report, style, width), '', fit(total, width)].join('\n');
});

/**
 * One row per region, one count column per finding kind present. When that is wider than the
 * terminal, the counts move into one FINDINGS column ("3 no-flow-log, 1 accept-only"), which wraps.
 */
function regionTable(report: PlanReport, style: Style, width: number | undefined): string {
  const kinds = FINDING_KINDS.filter((k) => report.regions.some((r) => r.findings[k]));
  // The EXCLUDED column only when something is excluded, so reports without exclusions read as before.
  const excludedColumn = report.regions.some((r) => r.excluded > 0);
  const fixedHeads = ['REGION', 'VPCS', 'SUBNETS', 'COMPLIANT', ...(excludedColumn ? ['EXCLUDED'] : [])];
  const unread: Record<Exclude<RegionSummary['status'], 'ok'>, string> = {
    error: style.red('unreadable'),
    denied: style.yellow('denied (org policy)'),
    'not-enabled': style.dim('not enabled'),
  };
  const row = (r: RegionSummary, counts: string[]) =>
    r.status !== 'ok'
      ? [r.region, '-', '-', unread[r.status], ...(excludedColumn ? ['-'] : []), ...counts.map(() => '-')]
      : [r.region, String(r.vpcs), String(r.subnets), `${r.compliant}/${r.inScope}`, ...(excludedColumn ? [String(r.excluded)] : []), ...counts];
  const wide = table(
    [
      [...fixedHeads, ...kinds.map((k) => k.toUpperCase())],
      ...report.regions.map((r) =>
        row(
          r,
          kinds.map((k) => String(r.findings[k] ?? 0)),
        ),
      ),
    ],
    style,
  );
  if (!width || width <= 0 || maxOf(wide.split('\n').map(visibleWidth)) <= width) return wide;
  const counts = (r: RegionSummary) =>
    kinds
      .filter((k) => r.findings[k])
      .map((k) => `${r.findings[k]} ${k}`)
      .join(', ') || 'none';
  return table([[...fixedHeads, 'FINDINGS'], ...report.regions.map((r) => row(r, [counts(r)]))], style, true, width);
}

export interface SummaryOptions {
  /** The command the summary suggests: the apply that carries out this plan. */
  nextStep?: string;
  /** How a command is quoted in the sentence (Markdown needs a code span that survives any text). */
  code?: (command: string) => string;
  /** The report was read from a snapshot (--snapshot): the plan cannot be applied as it is, only redone live. */
  fromSnapshot?: boolean;
}

/**
 * The last line of `flowfix plan`, as Terraform ends its plan: what will be created and set, and the
 * command that does it; or that nothing needs doing; and, whatever else, what could not be read.
 */
export const renderPlanSummary = takesUntrusted(function renderPlanSummary(
  report: PlanReport,
  { nextStep = 'flowfix apply', code = (c) => `\`${c}\``, fromSnapshot = false }: SummaryOptions = {},
): string {
  const { actions, blocked } = report.plan;
  const sentences: string[] = [];
  if (actions.length > 0) {
    const counted = countPlanned(report.plan);
    sentences.push(
      fromSnapshot
        ? // A snapshot is files, not the account: applying its findings means planning again against the live account.
          `Plan: ${planCountsSentence(counted)}, as of the snapshot. To fix these findings, run ${code(nextStep)} with credentials for account ${report.accountId}: it reads the account live, plans again and asks before changing anything.`
        : `Plan: ${planCountsSentence(counted)}. Run ${code(nextStep)} to carry it out.`,
    );
    const blockedIds = blocked.reduce((n, b) => n + b.resourceIds.length, 0);
    if (blockedIds > 0) sentences.push(`${plural(blockedIds, 'resource')} blocked (see above).`);
  } else {
    const open = report.findings.filter((f) => !isReportOnly(f)).length;
    const unit = report.settings.scope === 'subnet' ? 'subnet' : 'VPC';
    if (open > 0 || blocked.length > 0)
      sentences.push(`No changes flowfix can make: ${plural(open, 'finding')} need${open === 1 ? 's' : ''} your action (see above).`);
    else if (report.errors.length > 0) sentences.push(`No changes in what could be read.`);
    else if (!report.regions.some((r) => r.status === 'ok') && deniedRegionNames(report).length > 0)
      sentences.push('Nothing checked: every region is denied by an organization policy.');
    else
      sentences.push(
        `No changes: every ${unit} in scope has a working flow log${deniedRegionNames(report).length > 0 ? ' in the regions flowfix may use' : ''}.`,
      );
  }
  const denied = deniedSentence(report);
  if (denied) sentences.push(denied);
  if (report.excluded.length > 0) sentences.push(excludedSentence(report));
  if (report.errors.length > 0) sentences.push(unreadSentence(report));
  return sentences.join(' ');
});

/** "Skipped eu-west-1 and ap-south-1: denied by an organization policy." (no advice: the caller's IAM cannot change it) */
function deniedSentence(report: PlanReport): string | undefined {
  const names = deniedRegionNames(report);
  return names.length === 0 ? undefined : `Skipped ${listed(names)}: denied by an organization policy.`;
}

const listed = (names: string[]) => (names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`);

/** Exclusions can leave nothing to do: the closing line says how much was left out on purpose. */
const excludedSentence = (report: PlanReport): string => `${plural(report.excluded.length, 'resource')} excluded on purpose (see Excluded), not checked.`;

/** "Could not read eu-west-1 and the delivery role (IAM): nothing there is in this plan; fix access and run again." */
function unreadSentence(report: PlanReport): string {
  const names = report.errors.map((e) => (e.region === 'global' ? 'the delivery role (IAM)' : e.region));
  return `Could not read ${listed(names)}: nothing there is in this plan; fix access and run again.`;
}

/** "4 flow logs, 1 role to create; 1 role policy to set" (and "… to delete" for rollback plans). */
export const planCountsSentence = (counted: Partial<Record<CountedVerb, string>>): string =>
  [
    counted.create && `${counted.create} to create`,
    counted.set && `${counted.set} to set`,
    counted.check && `${counted.check} to check`,
    counted.delete && `${counted.delete} to delete`,
  ]
    .filter(Boolean)
    .join('; ');

/** The counts of a plan's actions by verb, for summary lines. */
export const countPlannedActions = (plan: Pick<Plan, 'actions'>) => countPlanned(plan);

/** "4 flow logs, 2 log groups, 1 role" to create, "1 role policy" to set: each action counted by its targets. */
function countPlanned(plan: Pick<Plan, 'actions'>): Record<CountedVerb, string> {
  const counts = new Map<ActionKindName, number>();
  for (const a of plan.actions) counts.set(a.kind, (counts.get(a.kind) ?? 0) + targetsOf(a).length);
  // Flow logs first: what the user asked for, then what they need (deletes are listed flow logs first already).
  const kinds = (Object.keys(ACTION_KINDS) as ActionKindName[]).reverse();
  const phrase = (verb: CountedVerb) =>
    (verb === 'delete' ? [...kinds].reverse() : kinds)
      .filter((k) => ACTION_KINDS[k].counted.verb === verb && counts.has(k))
      .map((k) => plural(counts.get(k)!, ACTION_KINDS[k].counted.noun, ACTION_KINDS[k].counted.nouns))
      .join(', ');
  return { create: phrase('create'), set: phrase('set'), check: phrase('check'), delete: phrase('delete') };
}

/** The verdict `flowfix verify` ends with. */
export const renderVerdict = takesUntrusted(function renderVerdict(report: PlanReport): string {
  const denied = deniedRegionNames(report);
  if (isVerified(report) && denied.length > 0 && !report.regions.some((r) => r.status === 'ok'))
    return `Not verified: every region is denied by an organization policy (${denied.join(', ')}).`;
  if (isVerified(report)) {
    const excluded = report.excluded.length > 0 ? ` ${excludedSentence(report)}` : '';
    return `Verified: every resource in scope has a working flow log${denied.length > 0 ? ` (skipped ${listed(denied)}: denied by an organization policy)` : ''}.${excluded}`;
  }
  const problems = report.findings.filter((f) => !isReportOnly(f)).length;
  const unreadable = report.errors.map((e) => (e.region === 'global' ? 'the delivery role (IAM)' : e.region));
  if (unreadable.length > 0)
    return `Not verified: could not read ${unreadable.join(', ')}${problems > 0 ? `; ${plural(problems, 'finding')} in what was read` : ''}.`;
  return `Not verified: ${plural(problems, 'finding')} to fix.`;
});
