// What a person watching sees while flowfix works, on stderr (never stdout): what the work is at (phase,
// done/total, account and region, time in the phase), and, once an AWS call has gone unanswered for a few
// seconds, which endpoint it is waiting for and for how long. At a terminal that is one live line (see
// status-line.ts), redrawn as the work goes and every second, waits included; elsewhere (CI, a pipe)
// plain lines, rate-limited: a phase is named once it has lasted a while, then at most every half
// minute, so a quick run prints nothing. With --debug every AWS call is also logged as it ends.
import { callPlace, type AwsCall, type AwsCallEnd, type CallWatcher } from '../aws/call-guard.js';
import type { WorkStatus } from '../util/work-status.js';
import type { StatusLine } from './status-line.js';

export interface Progress {
  /** What the work is at, shown when no call is overdue; `undefined` clears the line (before a report is printed). */
  work(status: WorkStatus | undefined): void;
  /** A line of news kept in the output. */
  notify(line: string): void;
  /** Told of every AWS call (AwsClientOptions.watch). */
  watch: CallWatcher;
  /** Clears the live line and stops the timer; call once the work is done, however it ended. */
  stop(): void;
}

export interface ProgressTimings {
  /** A call unanswered this long is named. */
  waitingAfterMs: number;
  /** Without a terminal, a still-unanswered call is named again this often. */
  plainRepeatMs: number;
  /** How often the waiting time is looked at (and the live line redrawn). */
  tickMs: number;
  /** Without a terminal, a phase is named once it has lasted this long (then every plainRepeatMs). */
  plainAfterMs: number;
}

export const DEFAULT_PROGRESS_TIMINGS: ProgressTimings = { waitingAfterMs: 5_000, plainRepeatMs: 30_000, tickMs: 1_000, plainAfterMs: 30_000 };

export interface ProgressOptions {
  status: StatusLine;
  /** --debug: one line per AWS call (service, operation, region, HTTP status, attempts, time). */
  requestLog?: boolean;
  timings?: Partial<ProgressTimings>;
  /** The clock calls are timed with (real time: the SDK's calls are). */
  now?: () => number;
  /** The clock the work's phases are timed with (the workflow's, which tests fake). */
  workNow?: () => number;
}

const secondsOf = (ms: number) => Math.floor(ms / 1000);

export function createProgress({ status, requestLog = false, timings: given, now = Date.now, workNow = now }: ProgressOptions): Progress {
  const timings = { ...DEFAULT_PROGRESS_TIMINGS, ...given };
  const inFlight = new Map<number, { call: AwsCall; started: number; lastNamed?: number }>();
  let nextId = 0;
  /** The work as last told, since when its phase runs, and when it was last printed as a plain line. */
  let current: { work: WorkStatus; since: number; printed?: number } | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  const workText = () => (current ? workLine(current.work, workNow() - current.since) : '');

  const render = () => {
    const overdue = oldestOverdue();
    if (status.live) {
      const text = overdue ? `waiting for ${callPlace(overdue.call)} (${overdue.call.operation}) … ${secondsOf(now() - overdue.started)} s` : workText();
      if (text) status.show(text);
      else status.clear();
      return;
    }
    // Plain lines: the work once its phase has lasted plainAfterMs, then every plainRepeatMs.
    if (current) {
      const at = workNow();
      const due = current.printed === undefined ? at - current.since >= timings.plainAfterMs : at - current.printed >= timings.plainRepeatMs;
      if (due) {
        current.printed = at;
        status.print(workText());
      }
    }
    // Plain lines: each overdue call named once when it becomes overdue, then every plainRepeatMs.
    for (const entry of inFlight.values()) {
      const waited = now() - entry.started;
      if (waited < timings.waitingAfterMs) continue;
      if (entry.lastNamed !== undefined && now() - entry.lastNamed < timings.plainRepeatMs) continue;
      entry.lastNamed = now();
      status.print(`waiting for ${callPlace(entry.call)} (${entry.call.operation}): no answer for ${secondsOf(waited)} s`);
    }
  };

  const oldestOverdue = () => {
    let oldest: { call: AwsCall; started: number } | undefined;
    for (const entry of inFlight.values()) if (!oldest || entry.started < oldest.started) oldest = entry;
    return oldest && now() - oldest.started >= timings.waitingAfterMs ? oldest : undefined;
  };

  const tick = () => {
    render();
    if (inFlight.size === 0 && !current && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  /** Ticks while a call is in flight or work is shown (its time in the phase counts up). */
  const startTicking = () => {
    if (timer) return;
    timer = setInterval(tick, timings.tickMs);
    // Never what keeps the process alive.
    timer.unref?.();
  };

  return {
    work(next) {
      if (!next) current = undefined;
      // The same phase keeps its start (and its plain-line rhythm); a new phase starts its clock again.
      else if (current?.work.phase === next.phase) current = { ...current, work: next };
      else current = { work: next, since: workNow() };
      if (current) startTicking();
      render();
    },
    notify: (line) => status.print(line),
    watch(call) {
      const id = nextId++;
      inFlight.set(id, { call, started: now() });
      startTicking();
      return (end: AwsCallEnd) => {
        inFlight.delete(id);
        if (requestLog) status.print(requestLogLine(call, end));
        if (status.live) render();
      };
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      inFlight.clear();
      current = undefined;
      status.clear();
    },
  };
}

/** `Applying 3/8 · account 111111111111 · eu-west-1 · 12 s`: the phase, how far, where, and for how long. */
export function workLine(work: WorkStatus, elapsedMs: number): string {
  const parts = [work.total !== undefined ? `${work.phase} ${work.done ?? 0}/${work.total}` : work.phase];
  if (work.account) parts.push(`account ${work.account}`);
  if (work.region) parts.push(work.region);
  parts.push(elapsed(elapsedMs));
  return parts.join(' · ');
}

/** "12 s", "2 min 5 s". */
const elapsed = (ms: number): string => {
  const s = secondsOf(Math.max(0, ms));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
};

/** `debug: ec2 DescribeVpcs eu-west-1 200 143 ms` — names and numbers only, never a request's content. */
export function requestLogLine(call: AwsCall, end: AwsCallEnd): string {
  const status = end.status !== undefined ? String(end.status) : 'no answer';
  const error = end.error ? ` ${end.error}` : '';
  const attempts = end.attempts !== undefined && end.attempts > 1 ? ` (${end.attempts} attempts)` : '';
  return `debug: ${call.service} ${call.operation} ${call.region} ${status}${error} ${end.ms} ms${attempts}`;
}
