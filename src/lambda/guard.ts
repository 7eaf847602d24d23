// One guard invocation: read the event, run `flowfix apply --yes --format json` for the function's own
// region (the same pipeline, plan, checks and verification a person gets), and return one JSON report
// for the function's log and its optional SNS destination.
import { formatError, runCli } from '../cli/run.js';
import type { Io } from '../io/io.js';
import { EXIT } from '../workflow/exit-codes.js';
import { guardTrigger, type GuardTrigger } from './guard-event.js';
import { guardSettingsArgv } from './guard-settings.js';

export const GUARD_REPORT_SCHEMA = 'flowfix.guard-report/v1';

export interface GuardReport {
  schema: typeof GUARD_REPORT_SCHEMA;
  trigger: GuardTrigger;
  /** The flowfix command the guard ran (settings included), as a person would type it. */
  argv: string[];
  exitCode: number;
  /** Resources this run changed (CreateFlowLogs and the rest), by action. */
  changed: { kind: string; region: string; resourceId: string }[];
  /** `flowfix apply --format json`'s own document, unchanged. */
  apply?: unknown;
  /** What flowfix said on stderr (notices, or the one-line error when it could not run). */
  messages: string[];
}

export interface GuardDeps {
  /** The function's environment: AWS_REGION and the stack's FLOWFIX_* parameters. */
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Thrown after the report is logged, so Lambda counts the invocation as failed (retries, OnFailure destination). */
export class GuardFailed extends Error {
  constructor(readonly report: GuardReport) {
    super(`flowfix guard: apply exited ${report.exitCode}${report.messages[0] ? `: ${report.messages[0]}` : ''}`);
    this.name = 'GuardFailed';
  }
}

export async function runGuard(event: unknown, deps: GuardDeps): Promise<GuardReport> {
  const region = deps.env['AWS_REGION'] ?? '';
  const trigger = guardTrigger(event, region);
  const base = { schema: GUARD_REPORT_SCHEMA, trigger, changed: [] as GuardReport['changed'] } as const;
  if (trigger.kind === 'ignored') return { ...base, argv: [], exitCode: EXIT.ok, messages: [] };
  let argv: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  try {
    argv = ['apply', '--yes', '--format', 'json', `--regions=${trigger.region}`, ...guardSettingsArgv(deps.env)];
  } catch (error) {
    return { ...base, argv, exitCode: EXIT.error, messages: [formatError(error, false)] };
  }
  const io: Io = {
    stdout: { write: (t: string) => out.push(t), isTTY: false },
    stderr: { write: (t: string) => err.push(t), isTTY: false },
    interactive: false,
    env: { ...deps.env, CI: 'true' },
    cwd: deps.cwd,
  };
  const exitCode = await runCli(argv, io);
  const apply = parseJson(out.join(''));
  return {
    ...base,
    argv,
    exitCode,
    changed: changedBy(apply),
    ...(apply !== undefined ? { apply } : {}),
    messages: err
      .join('')
      .split('\n')
      .filter((line) => line !== ''),
  };
}

/** SNS takes 256 KiB; a report too large for it goes without flowfix's full apply document. */
const MAX_NOTIFICATION_BYTES = 256 * 1024;

/**
 * What the stack's topic hears of a run: runs that changed something or failed (a quiet sweep is not news),
 * as the report itself.
 */
export function notificationOf(report: GuardReport): { subject: string; message: string } | undefined {
  if (report.trigger.kind === 'ignored' || (report.exitCode === EXIT.ok && report.changed.length === 0)) return undefined;
  const where = report.trigger.region;
  const subject =
    report.exitCode === EXIT.ok
      ? `flowfix guard: ${report.changed.length} change(s) in ${where}`
      : `flowfix guard: failed in ${where} (exit ${report.exitCode})`;
  const whole = JSON.stringify(report);
  if (Buffer.byteLength(whole) <= MAX_NOTIFICATION_BYTES) return { subject, message: whole };
  const { apply: _apply, ...summary } = report;
  return { subject, message: JSON.stringify({ ...summary, applyOmitted: 'too large for SNS: see the function log' }) };
}

function parseJson(text: string): unknown {
  try {
    return text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function changedBy(apply: unknown): GuardReport['changed'] {
  const outcomes = (apply as { outcomes?: unknown } | undefined)?.outcomes;
  if (!Array.isArray(outcomes)) return [];
  return outcomes
    .filter(
      (o): o is { kind: string; region: string; resourceId: string; status: string } =>
        typeof o === 'object' && o !== null && (o as { status?: unknown }).status === 'applied',
    )
    .map(({ kind, region, resourceId }) => ({ kind, region, resourceId }));
}
