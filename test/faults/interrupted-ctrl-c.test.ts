// Ctrl-C during an apply, at every call: a read in flight is abandoned, a write in flight finishes,
// nothing more starts, exit 130; once writing has begun the output says what was done and what remains
// (not-started); running apply again completes it.
// The signal is ApplyDeps.signal, aborted from the fake's onCall at call k.

import { EVERY_CALL_LOOP_TIMEOUT_MS } from '../helpers/timeouts.js';
import { apply, cleanRun, convergenceProblems, describeCall, newEstate, type CleanRun } from './estate.js';

/** The plan action kind a write belongs to, as the apply report names it: CreateLogGroup → create-log-group. */
const kindOf = (operation: string) => operation.replace(/[A-Z]/g, (c, i: number) => `${i === 0 ? '' : '-'}${c.toLowerCase()}`);

describe('Ctrl-C during an apply, at every step', () => {
  let clean: CleanRun;
  beforeAll(async () => {
    clean = await cleanRun();
  });

  test(
    'GIVEN Ctrl-C during call k, for every k of a clean apply, THEN exit 130 with what was done and what remains, and a re-run completes the account',
    async () => {
      const firstWrite = clean.mutating[0]!.k;
      const lastWrite = clean.mutating[clean.mutating.length - 1]!.k;
      const problems: string[] = [];
      for (let k = 1; k <= clean.calls.length; k++) {
        const { fake, targets } = newEstate();
        try {
          const controller = new AbortController();
          fake.onCall = () => {
            if (fake.calls.length === k) controller.abort();
          };
          const result = await apply({ signal: controller.signal });
          const { code, stdout } = result;
          fake.onCall = undefined;
          const context = `Ctrl-C during call ${k} (${clean.calls[k - 1]})`;
          const writes = fake.mutatingCalls();

          const { stderr } = result;
          // Interrupted while reading (before the plan was shown): nothing was sent, nothing to list.
          const whileReading = stdout === '' && writes.length === 0;
          if (k <= lastWrite) {
            if (code !== 130) problems.push(`${context}: exit ${code}, expected 130`);
            if (!/Interrupted/i.test(stdout + stderr)) problems.push(`${context}: the output does not say it was interrupted`);
            if (k < firstWrite && writes.length > 0) problems.push(`${context}: interrupted while reading, yet ${writes.length} writes were sent`);
            if (k >= firstWrite && whileReading) problems.push(`${context}: interrupted while writing, yet nothing was reported`);
            // Nothing starts after Ctrl-C; with two regions in parallel, the other region's call may
            // already be on its way (started, not yet arrived), and finishes too.
            const late = writes.filter((c) => fake.calls.indexOf(c) >= k);
            if (late.length > 1) problems.push(`${context}: ${late.length} writes arrived after Ctrl-C: ${late.map(describeCall).join(', ')}`);
            if (!whileReading) {
              // What was done: an 'applied' row for each write sent (IAM is 'global' in the report).
              const appliedRows = new Set([...stdout.matchAll(/^applied\s+(\S+)\s+\S+\s+(\S+)/gm)].map((m) => `${m[2]}@${m[1]}`));
              const sent = new Set(writes.map((c) => `${kindOf(c.operation)}@${c.service === 'iam' ? 'global' : c.region}`));
              if ([...sent].some((s) => !appliedRows.has(s)) || appliedRows.size !== sent.size) {
                problems.push(`${context}: applied rows ${JSON.stringify([...appliedRows])} do not match the writes sent ${JSON.stringify([...sent])}`);
              }
              // What remains: a 'not-started' row for each write a clean apply makes and this one did not.
              const notStarted = new Set([...stdout.matchAll(/^not-started\s+(\S+)\s+\S+\s+(\S+)/gm)].map((m) => `${m[2]}@${m[1]}`));
              const missing = clean.mutating
                .map(({ call }) => `${kindOf(call.operation)}@${call.service === 'iam' ? 'global' : call.region}`)
                .filter((w) => !sent.has(w));
              if (missing.some((w) => !notStarted.has(w))) {
                problems.push(`${context}: not-started rows ${JSON.stringify([...notStarted])} do not cover the writes never sent ${JSON.stringify(missing)}`);
              }
            }
          } else {
            // While verifying: every change is made; the re-read is abandoned (130) or was already done (0).
            if (code !== 0 && code !== 130) problems.push(`${context}: Ctrl-C after the last write (while verifying) exited ${code}, expected 0 or 130`);
            if (code === 130 && !/Interrupted/.test(stdout)) problems.push(`${context}: verification interrupted, yet the apply report does not say so`);
          }

          const rerun = await apply();
          if (rerun.code !== 0) problems.push(`${context}: re-run exited ${rerun.code}:\n${rerun.stdout}${rerun.stderr}`);
          for (const p of await convergenceProblems(fake, targets, clean.end)) problems.push(`${context}: ${p}`);
        } finally {
          fake.restore();
        }
      }
      expect(problems).toEqual([]);
    },
    EVERY_CALL_LOOP_TIMEOUT_MS,
  );
});
