/**
 * For a test that runs commands once per call of a clean run (dozens of runs in one test): seconds on
 * an idle machine, ten times that or more when other work shares the cores. With jest's 20 s the
 * verdict would depend on the machine's speed; this bound only catches a run that hangs.
 */
export const EVERY_CALL_LOOP_TIMEOUT_MS = 300_000;
