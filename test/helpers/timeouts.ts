/**
 * For a test that runs commands once per call of a clean run (dozens of runs in one test): seconds on
 * an idle machine, ten times that or more when other work shares the cores. A bound only catches a
 * run that hangs, so it is far above jest's testTimeout, itself only a hang guard.
 */
export const EVERY_CALL_LOOP_TIMEOUT_MS = 300_000;

/** How long a gate a test holds stays shut before `openIfStuck` opens it: only a run that would hang waits this long. */
export const GATE_FALLBACK_MS = 60_000;

/**
 * Opens a test's gate after GATE_FALLBACK_MS, so a run whose gate never opens on its own ends with the
 * test's assertion (saying what was in flight) instead of hanging. Only a hang waits that long, so the
 * verdict does not depend on how fast the machine is. Unref'd: a test that fails before cancelling it
 * does not keep jest alive. Returns the cancel function.
 */
export function openIfStuck(open: () => void): () => void {
  const timer = setTimeout(open, GATE_FALLBACK_MS);
  timer.unref();
  return () => clearTimeout(timer);
}
