/** The exit codes CI users rely on (documented in the README). */
export const EXIT = { ok: 0, error: 1, changes: 2, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
