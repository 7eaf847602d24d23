// The exit codes CI users rely on (documented in the README), and the one rule that turns a run's
// per-account outcomes into the code it exits with.
import type { AccountOutcome } from '../report/org-report.js';

export const EXIT = { ok: 0, error: 1, changes: 2, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** From least to most telling: findings (2) over nothing to do, could-not-check (1) over findings, Ctrl-C over all. */
const SEVERITY: readonly ExitCode[] = [EXIT.ok, EXIT.changes, EXIT.error, EXIT.interrupted];

/**
 * Any command, one account or many: an account not started (Ctrl-C) ⇒ 130, one unreachable ⇒ 1, else the
 * worst of the accounts' own codes (`codeOf`: what the command means for one account, e.g. plan's 2).
 */
export function runExitCode<T>(accounts: readonly AccountOutcome<T>[], codeOf: (value: T) => ExitCode): ExitCode {
  const codes = accounts.map((a) => (a.status === 'done' ? codeOf(a.value) : a.status === 'unreachable' ? EXIT.error : EXIT.interrupted));
  return codes.reduce<ExitCode>((worst, code) => (SEVERITY.indexOf(code) > SEVERITY.indexOf(worst) ? code : worst), EXIT.ok);
}
