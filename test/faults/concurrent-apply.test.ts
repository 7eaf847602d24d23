// Two applies at once against one account: no duplicate flow log, exactly one role (with its policy),
// both succeed (the later one finds work already done).
//
// Which run made a call is told by AsyncLocalStorage (both run in this process), so the tests decide
// where the runs overlap by holding one run inside a call, not by timers: the verdict does not depend
// on how fast the machine is.

import { AsyncLocalStorage } from 'node:async_hooks';

import { runFlowfix } from '../helpers/capture-io.js';
import { mutatingOperations, type RecordedCall } from '../helpers/fake-aws.js';
import { EVERY_CALL_LOOP_TIMEOUT_MS } from '../helpers/timeouts.js';
import { apply, cleanRun, convergenceProblems, ENV, newEstate, ROLE, type CleanRun } from './estate.js';

type Run = 'first' | 'second';

/** A promise with its resolve function outside, for a gate a test opens. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const isWrite = (call: RecordedCall) => mutatingOperations([call]).length === 1;

describe('two applies at once', () => {
  let clean: CleanRun;
  beforeAll(async () => {
    clean = await cleanRun();
  });

  test('GIVEN two `flowfix apply --yes` started together WHEN both finish THEN both exit 0, one role, one flowfix flow log per VPC', async () => {
    const { fake, targets } = newEstate();
    const run = new AsyncLocalStorage<Run>();
    // Neither run writes before both have read the account (or one has ended without writing).
    const readDone = { first: gate(), second: gate() };
    const bothRead = Promise.all([readDone.first.opened, readDone.second.opened]).then(() => {});
    fake.onCall = (call) => {
      const which = run.getStore();
      if (!which || !isWrite(call)) return;
      readDone[which].open();
      return bothRead;
    };
    try {
      const started = (which: Run) => run.run(which, () => runFlowfix(['apply', '--yes'], { env: ENV })).finally(() => readDone[which].open());
      const [first, second] = await Promise.all([started('first'), started('second')]);

      expect([first.code, second.code]).toEqual([0, 0]);
      expect([first.stderr, second.stderr]).toEqual(['', '']);
      // Both read the account before either wrote, so both tried to create the same things: the
      // loser of each race reports it as already done.
      expect(fake.calls.filter((c) => c.operation === 'CreateRole')).toHaveLength(2);
      expect(`${first.stdout}${second.stdout}`).toMatch(/^already-done\s+global\s+flowfix-vpc-flow-logs\s+create-role/m);
      expect(fake.role(ROLE)).toBeDefined();
      fake.onCall = undefined;
      expect(await convergenceProblems(fake, targets, clean.end)).toEqual([]);
    } finally {
      fake.restore();
    }
  });

  test(
    'GIVEN the second apply starts when the first reaches call j, for every j, THEN both exit 0 and the account has no duplicates',
    async () => {
      const problems: string[] = [];
      const raced = new Set<string>();
      for (let j = 1; j <= clean.calls.length; j++) {
        const { fake, targets } = newEstate();
        try {
          const run = new AsyncLocalStorage<Run>();
          const secondStart = gate();
          const secondRead = gate();
          let firstCalls = 0;
          // The first run is held inside its call j (before AWS acts on it) until the second has read
          // the account: the second plans from the state the first had reached at call j.
          fake.onCall = (call) => {
            if (run.getStore() === 'second') {
              if (isWrite(call)) secondRead.open();
              return;
            }
            if (++firstCalls !== j) return;
            secondStart.open();
            return secondRead.opened;
          };
          const first = run.run('first', () => apply());
          void first.finally(() => secondStart.open()); // the first may make fewer calls than the clean run
          const second = secondStart.opened.then(() => run.run('second', () => apply()));
          void second.finally(() => secondRead.open()); // a second run with nothing to write
          const [a, b] = await Promise.all([first, second]);

          const context = `second apply started at call ${j} (${clean.calls[j - 1]})`;
          if (a.code !== 0 || b.code !== 0) problems.push(`${context}: exits ${a.code}/${b.code}:\n${a.stdout}${a.stderr}\n---\n${b.stdout}${b.stderr}`);
          fake.onCall = undefined;
          for (const op of ['CreateRole', 'CreateLogGroup', 'CreateFlowLogs']) {
            if (fake.calls.filter((c) => c.operation === op && c.region === 'us-east-1').length > 1) raced.add(op);
          }
          for (const p of await convergenceProblems(fake, targets, clean.end)) problems.push(`${context}: ${p}`);
        } finally {
          fake.restore();
        }
      }
      expect(problems).toEqual([]);
      // The loop did make the two runs race for the same resources, not just run one after the other.
      expect([...raced].sort()).toEqual(['CreateFlowLogs', 'CreateLogGroup', 'CreateRole']);
    },
    EVERY_CALL_LOOP_TIMEOUT_MS,
  );
});
