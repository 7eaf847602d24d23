// What a person watching sees while flowfix works, on stderr: the phase it is in, and, once an AWS call
// has gone unanswered for a few seconds, which endpoint it is waiting for and for how long. At a
// terminal that is one live line (see status-line.ts); elsewhere plain lines, the waiting ones repeated
// only every half minute. With --debug every AWS call is also logged as it ends.
import { callPlace, type AwsCall, type AwsCallEnd, type CallWatcher } from '../aws/call-guard.js';
import type { StatusLine } from './status-line.js';

export interface Progress {
  /** The phase shown when no call is overdue ('' for none). */
  phase(text: string): void;
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
}

export const DEFAULT_PROGRESS_TIMINGS: ProgressTimings = { waitingAfterMs: 5_000, plainRepeatMs: 30_000, tickMs: 1_000 };

export interface ProgressOptions {
  status: StatusLine;
  /** --debug: one line per AWS call (service, operation, region, HTTP status, attempts, time). */
  requestLog?: boolean;
  timings?: Partial<ProgressTimings>;
  now?: () => number;
}

const secondsOf = (ms: number) => Math.floor(ms / 1000);

export function createProgress({ status, requestLog = false, timings: given, now = Date.now }: ProgressOptions): Progress {
  const timings = { ...DEFAULT_PROGRESS_TIMINGS, ...given };
  const inFlight = new Map<number, { call: AwsCall; started: number; lastNamed?: number }>();
  let nextId = 0;
  let phase = '';
  let timer: ReturnType<typeof setInterval> | undefined;

  const render = () => {
    const overdue = oldestOverdue();
    if (status.live) {
      const text = overdue ? `waiting for ${callPlace(overdue.call)} (${overdue.call.operation}) … ${secondsOf(now() - overdue.started)} s` : phase;
      if (text) status.show(text);
      else status.clear();
      return;
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
    if (inFlight.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  return {
    phase(text) {
      phase = text;
      // Without a terminal the phases are not printed: the report says what was done.
      if (status.live) render();
    },
    notify: (line) => status.print(line),
    watch(call) {
      const id = nextId++;
      inFlight.set(id, { call, started: now() });
      if (!timer) {
        timer = setInterval(tick, timings.tickMs);
        // Never what keeps the process alive.
        timer.unref?.();
      }
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
      status.clear();
    },
  };
}

/** `debug: ec2 DescribeVpcs eu-west-1 200 143 ms` — names and numbers only, never a request's content. */
export function requestLogLine(call: AwsCall, end: AwsCallEnd): string {
  const status = end.status !== undefined ? String(end.status) : 'no answer';
  const error = end.error ? ` ${end.error}` : '';
  const attempts = end.attempts !== undefined && end.attempts > 1 ? ` (${end.attempts} attempts)` : '';
  return `debug: ${call.service} ${call.operation} ${call.region} ${status}${error} ${end.ms} ms${attempts}`;
}
