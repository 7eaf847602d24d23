// Two applies at once against one account: no duplicate flow log, exactly one role (with its policy),
// both succeed (the later one finds work already done).

import { runFlowfix } from '../helpers/capture-io.js';
import { apply, cleanRun, convergenceProblems, ENV, newEstate, ROLE, type CleanRun } from './estate.js';

describe('two applies at once', () => {
  let clean: CleanRun;
  beforeAll(async () => {
    clean = await cleanRun();
  });

  test('GIVEN two `flowfix apply --yes` started together WHEN both finish THEN both exit 0, one role, one flowfix flow log per VPC', async () => {
    const { fake, targets } = newEstate({ latencyMs: 1 });
    try {
      const [first, second] = await Promise.all([runFlowfix(['apply', '--yes'], { env: ENV }), runFlowfix(['apply', '--yes'], { env: ENV })]);

      expect([first.code, second.code]).toEqual([0, 0]);
      expect([first.stderr, second.stderr]).toEqual(['', '']);
      // Both read the account before either wrote, so both tried to create the same things: the
      // loser of each race reports it as already done.
      expect(fake.calls.filter((c) => c.operation === 'CreateRole')).toHaveLength(2);
      expect(`${first.stdout}${second.stdout}`).toMatch(/^already-done\s+global\s+flowfix-vpc-flow-logs\s+create-role/m);
      expect(fake.role(ROLE)).toBeDefined();
      expect(await convergenceProblems(fake, targets, clean.end)).toEqual([]);
    } finally {
      fake.restore();
    }
  });

  test('GIVEN the second apply starts when the first reaches call j, for every j, THEN both exit 0 and the account has no duplicates', async () => {
    const problems: string[] = [];
    const raced = new Set<string>();
    for (let j = 1; j <= clean.calls.length; j++) {
      const { fake, targets } = newEstate({ latencyMs: 1 });
      try {
        let startSecond: () => void = () => {};
        const secondMayStart = new Promise<void>((resolve) => {
          startSecond = resolve;
        });
        let firstCalls = 0;
        fake.onCall = () => {
          if (++firstCalls === j) startSecond();
        };
        const first = apply();
        void first.finally(() => startSecond()); // never wait forever if the first makes fewer calls
        const second = secondMayStart.then(() => apply());
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
  });
});
