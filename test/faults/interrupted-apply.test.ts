// An apply killed between any two AWS calls, then run again: the account converges, no resource gets
// a second flowfix flow log, and the delivery role never stays without its policy. "Killed before call
// k" = call k and every later call never take effect (the fake's onCall throws before handling them).

import { EVERY_CALL_LOOP_TIMEOUT_MS } from '../helpers/timeouts.js';
import { apply, applyKilledAt, cleanRun, convergenceProblems, GROUP, newEstate, POLICY, REGIONS, type CleanRun } from './estate.js';

describe('an apply killed at every step, then run again', () => {
  let clean: CleanRun;
  beforeAll(async () => {
    clean = await cleanRun();
  });

  test('GIVEN the estate THEN a clean apply makes every kind of write and leaves 365 days retention (sanity check for the loop below)', () => {
    expect(clean.mutating.map(({ call }) => `${call.operation}@${call.region}`).sort()).toEqual(
      [
        'CreateRole@us-east-1',
        'PutRolePolicy@us-east-1',
        'CreateLogGroup@us-east-1',
        'CreateLogGroup@eu-west-1',
        'PutRetentionPolicy@us-east-1',
        'PutRetentionPolicy@eu-west-1',
        'CreateFlowLogs@us-east-1',
        'CreateFlowLogs@eu-west-1',
      ].sort(),
    );
    expect(clean.end.role?.policies[POLICY]).toBeDefined();
    expect(clean.retention).toEqual([365, 365]);
    // Reads before the first write, between the writes, and the verification re-read after them.
    expect(clean.mutating[0]!.k).toBeGreaterThan(1);
    expect(clean.mutating[clean.mutating.length - 1]!.k).toBeLessThan(clean.calls.length);
  });

  test(
    'GIVEN the process is killed before call k, for every k of a clean apply, WHEN apply --yes runs again THEN it exits 0 and the account converges: no duplicate flow log, no role without policy, plan exits 0',
    async () => {
      const problems: string[] = [];
      for (let k = 1; k <= clean.calls.length; k++) {
        const { fake, targets } = newEstate();
        try {
          await applyKilledAt(fake, k); // whatever it prints: the process is dead from call k on
          const writesDone = fake.mutatingCalls().filter((c) => fake.calls.indexOf(c) < k - 1).length;

          const rerun = await apply();

          const context = `killed before call ${k} (${clean.calls[k - 1]}, after ${writesDone} writes)`;
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

  test('GIVEN the process is killed at the first write WHEN apply runs again THEN the re-run sends every write of a clean apply exactly once', async () => {
    const k = clean.mutating[0]!.k;
    const { fake } = newEstate();
    try {
      await applyKilledAt(fake, k);
      const before = fake.calls.length;

      expect((await apply()).code).toBe(0);

      const writes = fake.mutatingCalls().filter((c) => fake.calls.indexOf(c) >= before);
      expect(writes.map((c) => `${c.operation}@${c.region}`).sort()).toEqual(clean.mutating.map(({ call }) => `${call.operation}@${call.region}`).sort());
    } finally {
      fake.restore();
    }
  });

  // Killed between the two, the re-run finds flowfix's own group never expiring; its ManagedBy tag
  // tells it apart from a user's never-expire group, so the retention is still set.
  test('GIVEN the process is killed between CreateLogGroup and PutRetentionPolicy WHEN apply runs again THEN the log group gets the configured 365 days', async () => {
    const k = clean.mutating.find(({ call }) => call.operation === 'PutRetentionPolicy')!.k;
    const { fake } = newEstate();
    try {
      await applyKilledAt(fake, k);
      expect((await apply()).code).toBe(0);

      expect(REGIONS.map((region) => fake.logGroup(region, GROUP)?.retentionInDays)).toEqual([365, 365]);
    } finally {
      fake.restore();
    }
  });
});
