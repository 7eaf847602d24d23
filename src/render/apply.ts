// Data in, strings out: what apply did, and the verification after it.
import type { ApplyReport, DryRunCall, Outcome } from '../apply/types.js';
import type { Verification } from '../apply/verify.js';
import { DELIVERY_STATUS_INFO, DELIVERY_STATUSES, type DeliveryCheck, type DeliveryStatus, type InterfaceSample } from '../facts/delivery-status.js';
import { actionNumber, type Plan } from '../plan/types.js';
import { groupBy } from '../util/collections.js';
import { fit, indent, inner, plural, table } from './layout.js';
import { plainStyle, type Style } from './style.js';
import { actionRows, type RenderOptions } from './text.js';
import { takesUntrusted } from './visible.js';

export const renderPlanActions = takesUntrusted(function renderPlanActions(
  plan: Pick<Plan, 'accountId' | 'actions'>,
  style: Style = plainStyle,
  { width }: RenderOptions = {},
): string {
  if (plan.actions.length === 0) return 'Plan: nothing to change';
  const title = style.bold(`Plan for account ${plan.accountId} (${plural(plan.actions.length, 'action')})`);
  return `${title}\n${indent(table(actionRows(plan.actions), style, false, inner(width)))}`;
});

export function countByStatus(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  return counts;
}

/** Parameters that hold an IAM policy as a JSON string (AWS's names for them all end so). */
const isPolicyDocument = (name: string, value: unknown): value is string => name.endsWith('PolicyDocument') && typeof value === 'string';

/** A policy document indented for reading; a string that is not JSON is shown as it is. */
function indentedPolicy(document: string): string {
  try {
    return JSON.stringify(JSON.parse(document), null, 2);
  } catch {
    return document;
  }
}

/**
 * Each call a dry run would send, once, in plan order. CreateFlowLogs' ResourceIds (up to 1000) are not
 * repeated here: each is a row of the table below, pointing at its call by number. Policy documents
 * (a JSON string inside the parameters, escaped twice if shown in place) follow the table, indented.
 */
export const renderDryRunCalls = takesUntrusted(function renderDryRunCalls(
  calls: DryRunCall[],
  style: Style = plainStyle,
  { width }: RenderOptions = {},
  command = 'apply',
): string {
  const policies: string[] = [];
  const rows = calls.map((c) => {
    const number = actionNumber(c.actionId);
    const { ResourceIds: ids, ...rest }: Record<string, unknown> = c.input;
    for (const [name, value] of Object.entries(rest)) {
      if (!isPolicyDocument(name, value)) continue;
      rest[name] = `(${name} of call ${number} below)`;
      policies.push('', `${name} of call ${number} (${c.call}):`, indent(indentedPolicy(value)));
    }
    const parameters = Array.isArray(ids)
      ? `${JSON.stringify(rest)} + ResourceIds: the ${plural(ids.length, 'resource')} of call ${number} below`
      : JSON.stringify(rest);
    return [number, c.region, c.call, parameters];
  });
  const title = style.bold(`Dry run: nothing was changed. ${command} would send these calls:`);
  return `${title}\n${indent([table(rows, style, false, inner(width)), ...policies].join('\n'))}`;
});

export const renderApplyReport = takesUntrusted(function renderApplyReport(
  report: ApplyReport,
  style: Style = plainStyle,
  { width }: RenderOptions = {},
  command = 'apply',
): string {
  const out: string[] = [];
  if (report.dryRunCalls.length > 0) out.push('', renderDryRunCalls(report.dryRunCalls, style, { width }, command), '');
  const colour = (o: Outcome) => (o.status === 'applied' || o.status === 'deleted' ? style.green : (t: string) => t);
  const rows = [['STATUS', 'REGION', 'RESOURCE', 'ACTION', 'DETAIL']];
  // Failures are said once per cause below, not once per resource.
  for (const o of report.outcomes.filter((o) => o.status !== 'failed')) rows.push([colour(o)(o.status), o.region, o.resourceId, o.kind, o.detail ?? '']);
  if (rows.length > 1) out.push(table(rows, style, true, width));
  const failures = groupFailures(report.outcomes);
  failures.forEach((f, i) => out.push(renderFailure(f, failures.length > 1 ? i + 1 : undefined, style, width)));
  for (const p of report.dryRunProbes) {
    const line = p.allowed
      ? `dry run ${p.region}: CreateFlowLogs would be allowed (${p.code})`
      : style.red(`dry run ${p.region}: CreateFlowLogs refused: ${p.code}: ${p.message}`);
    out.push(fit(line, width));
  }
  const counts = Object.entries(countByStatus(report.outcomes)).map(([status, n]) => `${n} ${status}`);
  // In the unit the plan and the confirm count in (actions), then the rows above (resources).
  const actions = new Set(report.outcomes.map((o) => o.actionId)).size;
  const summary = counts.length === 0 ? 'nothing to do' : `${plural(actions, 'action')} on ${plural(report.outcomes.length, 'resource')}: ${counts.join(', ')}`;
  out.push(fit(style.bold(`Summary: ${summary}`), width));
  if (report.interrupted)
    out.push(fit(style.yellow('Interrupted: the call in flight finished, nothing more was started. Run the same command again to finish.'), width));
  return out.join('\n');
});

/** Resources that failed the same way: one action, one region, the same code, message and hint. */
interface FailureGroup {
  actionId: string;
  kind: Outcome['kind'];
  region: string;
  resourceIds: string[];
  code?: string;
  message?: string;
  hint?: string;
}

/** Failed outcomes grouped by cause, in the order they happened; each resource stays listed. */
function groupFailures(outcomes: Outcome[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const o of outcomes) {
    if (o.status !== 'failed') continue;
    const key = JSON.stringify([o.actionId, o.region, o.code, o.message, o.hint]);
    const group = groups.get(key);
    if (group) group.resourceIds.push(o.resourceId);
    else
      groups.set(key, {
        actionId: o.actionId,
        kind: o.kind,
        region: o.region,
        resourceIds: [o.resourceId],
        ...(o.code === undefined ? {} : { code: o.code }),
        ...(o.message === undefined ? {} : { message: o.message }),
        ...(o.hint === undefined ? {} : { hint: o.hint }),
      });
  }
  return [...groups.values()];
}

/** Up to this many resources are named in a failure's line; the JSON report lists every one. */
const NAMED_RESOURCES = 5;

function resourceNoun(ids: string[]): [noun: string, nouns: string] {
  if (ids.every((id) => id.startsWith('vpc-'))) return ['VPC', 'VPCs'];
  if (ids.every((id) => id.startsWith('subnet-'))) return ['subnet', 'subnets'];
  return ['resource', 'resources'];
}

/** "vpc-1, vpc-2, vpc-3, vpc-4, vpc-5 and 7 more (every one in --format json)". */
function compactList(ids: string[], named = NAMED_RESOURCES): string {
  if (ids.length <= named + 1) return ids.join(', ');
  return `${ids.slice(0, named).join(', ')} and ${ids.length - named} more (every one in --format json)`;
}

/** One cause, once: what failed where, on which resources, AWS's words, then what would fix it. */
function renderFailure(f: FailureGroup, number: number | undefined, style: Style, width: number | undefined): string {
  const [noun, nouns] = resourceNoun(f.resourceIds);
  const head = `Failed${number === undefined ? '' : ` (${number})`}: ${f.kind} in ${f.region} (call ${actionNumber(f.actionId)}), ${plural(f.resourceIds.length, noun, nouns)}: ${compactList(f.resourceIds)}`;
  const lines = [fit(style.red(head), width)];
  if (f.code) lines.push(fit(`  ${f.code}: ${shortenEncoded(f.message ?? '', f.hint)}`, width, 4));
  if (f.hint) lines.push(fit(style.yellow(`  Fix: ${f.hint}`), width, 4));
  return lines.join('\n');
}

/**
 * EC2's encoded authorization message (a thousand characters or more) is printed at most once, in the
 * hint's decode command when AWS named no reason in words; the JSON report keeps it whole.
 */
function shortenEncoded(message: string, hint: string | undefined): string {
  return message.replace(
    /(Encoded authorization failure message:\s*)([A-Za-z0-9_-]{16,})/,
    (_all, label: string, encoded: string) =>
      `${label}(${encoded.length} characters, ${hint?.includes(encoded) ? 'in the command below' : 'in --format json'})`,
  );
}

/** "1 delivering (…); 2 with no delivery error yet …", in the one vocabulary, for the statuses present. */
function deliveryCounts(statuses: DeliveryStatus[], separator: string): string {
  const parts: string[] = [];
  for (const status of DELIVERY_STATUSES) {
    const n = statuses.filter((s) => s === status).length;
    if (n > 0 && status !== 'delivering') parts.push(`${n} ${DELIVERY_STATUS_INFO[status].counted}${status === 'no-error-yet' ? ` ${FIRST_DELIVERY}` : ''}`);
  }
  return parts.length > 0 ? `${separator}${parts.join(separator)}` : '';
}

const FIRST_DELIVERY = '(new flow logs take about 5 minutes to CloudWatch Logs, 10 to S3, and deliver only when traffic flows)';

/** Which interfaces' streams were looked at: "; looked at eni-1, eni-2 (2 of 7 network interfaces)". */
const sampleText = (c: { interfaces?: InterfaceSample | undefined }) =>
  c.interfaces ? `; looked at ${c.interfaces.sampled.join(', ')} (${c.interfaces.sampled.length} of ${plural(c.interfaces.total, 'network interface')})` : '';

export const renderVerification = takesUntrusted(function renderVerification(
  results: Verification[],
  style: Style = plainStyle,
  { width }: RenderOptions = {},
): string {
  if (results.length === 0) return '';
  const bad = results.filter((r) => r.status !== 'ok' && r.status !== 'pending');
  const pending = results.filter((r) => r.status === 'pending');
  const delivering = results.filter((r) => r.status === 'ok').length;
  const waiting = deliveryCounts(
    pending.map((r) => r.delivery ?? 'no-error-yet'),
    ', ',
  );
  const lines = [fit(style.bold(`Verification: ${delivering}/${results.length} ${DELIVERY_STATUS_INFO.delivering.counted}${waiting}`), width)];
  // Resources in the same state for the same reason (every VPC a refused call left without a flow log) on one line.
  for (const group of groupBy(bad, (r) => JSON.stringify([r.region, r.status, r.message])).values()) {
    const { region, status, message } = group[0]!;
    const ids = group.map((r) => r.resourceId);
    const which = ids.length === 1 ? ids[0]! : `${plural(ids.length, ...resourceNoun(ids))} (${compactList(ids)})`;
    lines.push(fit(style.red(`  ${region} ${which}: ${status}${message ? `: ${message}` : ''}`), width, 4));
  }
  for (const r of pending.filter((p) => p.delivery === 'not-checked' || p.delivery === 'no-network-interfaces'))
    lines.push(fit(style.yellow(`  ${r.region} ${r.resourceId}: ${r.message}`), width, 4));
  return lines.join('\n');
});

/** `flowfix verify`'s delivery line: what reached the destinations of the flow logs that count. */
export const renderDelivery = takesUntrusted(function renderDelivery(
  checks: DeliveryCheck[],
  style: Style = plainStyle,
  { width }: RenderOptions = {},
): string {
  if (checks.length === 0) return '';
  const delivering = checks.filter((c) => c.status === 'delivering').length;
  const rest = deliveryCounts(
    checks.map((c) => c.status).filter((s) => s !== 'delivering'),
    '; ',
  );
  const lines = [fit(`Delivery: ${delivering} of ${plural(checks.length, 'flow log')} ${DELIVERY_STATUS_INFO.delivering.counted}${rest}`, width)];
  for (const c of checks) {
    const about = `  ${c.region} ${c.flowLogId} (${c.resourceIds.join(', ')})`;
    if (c.status === 'not-checked' || c.status === 'no-network-interfaces') lines.push(fit(style.yellow(`${about}: ${c.why}`), width, 4));
    else if (c.status === 'no-error-yet' && c.interfaces) lines.push(fit(`${about}: nothing since creation${sampleText(c)}`, width, 4));
  }
  return lines.join('\n');
});
