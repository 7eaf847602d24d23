// Progress on long work (issue 21, item 4): one live status line at a terminal, rate-limited plain lines
// elsewhere, nothing on stdout; the waiting loops update the line instead of printing a line per round.
// Fake terminals (an isTTY stream that records what is written) and fake clocks: no real time.
import { applyCommand } from '../../src/cli/commands/apply.js';
import { toCommandOptions } from '../../src/cli/options.js';
import { runCli } from '../../src/cli/run.js';
import { createProgress, workLine } from '../../src/io/progress.js';
import { createStatusLine } from '../../src/io/status-line.js';
import { captureIo } from '../helpers/capture-io.js';
import { FAKE_ACCOUNT, FakeAws } from '../helpers/fake-aws.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { trustManagement, useManagementCredentials } from '../helpers/organization.js';

const CLEAR = '\r\x1b[2K';

/** A stream that records what is written; a terminal of 120 columns unless told otherwise. */
function stream(isTTY = true) {
  const written: string[] = [];
  return { written, text: () => written.join(''), write: (t: string) => written.push(t), isTTY, columns: 120 };
}

/** A clock that moves only when told. */
function manualClock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('the work line', () => {
  test.each([
    [
      { phase: 'Reading regions', done: 3, total: 17, account: '111111111111', region: 'eu-west-1' },
      4_200,
      'Reading regions 3/17 · account 111111111111 · eu-west-1 · 4 s',
    ],
    [{ phase: 'Applying', done: 0, total: 8, account: '111111111111' }, 0, 'Applying 0/8 · account 111111111111 · 0 s'],
    [{ phase: 'Waiting for first delivery', done: 1, total: 3 }, 125_000, 'Waiting for first delivery 1/3 · 2 min 5 s'],
    [{ phase: 'Verifying' }, 61_000, 'Verifying · 1 min 1 s'],
  ])('GIVEN %j after %i ms THEN it reads %j', (work, ms, expected) => {
    expect(workLine(work, ms)).toBe(expected);
  });
});

describe('progress at a terminal', () => {
  test('GIVEN work updates THEN one line is redrawn in place with the time in the phase, and cleared when the work ends', () => {
    const err = stream();
    const clock = manualClock();
    const progress = createProgress({ status: createStatusLine(err, true), now: clock.now, workNow: clock.now });

    progress.work({ phase: 'Reading regions', done: 1, total: 3, account: '111111111111', region: 'us-east-1' });
    clock.advance(2_000);
    progress.work({ phase: 'Reading regions', done: 2, total: 3, account: '111111111111', region: 'eu-west-1' });
    clock.advance(5_000);
    progress.work({ phase: 'Applying', done: 0, total: 5, account: '111111111111' });
    progress.work(undefined);
    progress.stop();

    expect(err.written).toEqual([
      `${CLEAR}Reading regions 1/3 · account 111111111111 · us-east-1 · 0 s`,
      `${CLEAR}Reading regions 2/3 · account 111111111111 · eu-west-1 · 2 s`,
      // A new phase counts its own time.
      `${CLEAR}Applying 0/5 · account 111111111111 · 0 s`,
      CLEAR,
    ]);
    expect(err.text()).not.toContain('\n');
  });

  test('GIVEN a line of news while the work line is shown THEN the news goes above it and the work line is drawn again', () => {
    const err = stream();
    const clock = manualClock();
    const progress = createProgress({ status: createStatusLine(err, true), now: clock.now, workNow: clock.now });

    progress.work({ phase: 'Verifying' });
    progress.notify('Waiting for first delivery of 2 flow logs (up to 10 min)…');
    progress.stop();

    expect(err.text()).toBe(`${CLEAR}Verifying · 0 s${CLEAR}Waiting for first delivery of 2 flow logs (up to 10 min)…\nVerifying · 0 s${CLEAR}`);
  });
});

describe('progress without a terminal', () => {
  test('GIVEN a quick phase THEN nothing is printed; GIVEN a long one THEN a plain line once it has lasted 30 s, then at most every 30 s', () => {
    const err = stream(false);
    const clock = manualClock();
    const progress = createProgress({ status: createStatusLine(err, false), now: clock.now, workNow: clock.now });

    progress.work({ phase: 'Reading regions', done: 1, total: 17 });
    clock.advance(29_000);
    progress.work({ phase: 'Reading regions', done: 16, total: 17 });
    expect(err.written).toEqual([]);

    clock.advance(1_000);
    progress.work({ phase: 'Reading regions', done: 16, total: 17, region: 'ap-south-1' });
    clock.advance(29_000);
    progress.work({ phase: 'Reading regions', done: 16, total: 17, region: 'ap-south-1' });
    clock.advance(1_000);
    progress.work({ phase: 'Reading regions', done: 16, total: 17, region: 'ap-south-1' });
    progress.stop();

    expect(err.written).toEqual(['Reading regions 16/17 · ap-south-1 · 30 s\n', 'Reading regions 16/17 · ap-south-1 · 1 min 0 s\n']);
  });
});

describe('apply at a terminal, against a stateful fake', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  /** stderr a terminal (stdout piped), the workflow's clock fake. */
  async function applyAtTerminal(flags: Record<string, unknown>, clock: FakeClock, timings = {}) {
    const err = stream();
    const io = captureIo({ env: { AWS_REGION: 'us-east-1' }, stderr: err });
    const options = await toCommandOptions({ yes: true, regions: 'us-east-1', ...flags }, io);
    const code = await applyCommand(options, io, { clock, timings });
    return { code, err: err.text(), out: io.out.join('') };
  }

  test('GIVEN apply --wait while nothing is delivered THEN the wait updates one line (no line per round), and nothing of it reaches stdout', async () => {
    fake.addVpcWithInterface('us-east-1');
    const clock = new FakeClock((n) => {
      if (n === 6) fake.deliverFlowLogs('us-east-1');
    });

    const result = await applyAtTerminal({ wait: true }, clock);

    expect(result.code).toBe(0);
    expect(clock.sleeps).toEqual(Array(6).fill(20_000));
    // Reading, applying and each round of the wait are status, drawn in place.
    expect(result.err).toContain(`${CLEAR}Reading regions 0/1 · account ${FAKE_ACCOUNT} · 0 s`);
    expect(result.err).toMatch(new RegExp(`\\r\\x1b\\[2KApplying 5/5 · account ${FAKE_ACCOUNT}`));
    for (const s of ['20 s', '40 s', '1 min 0 s', '1 min 20 s', '1 min 40 s'])
      expect(result.err).toContain(`${CLEAR}Waiting for first delivery 0/1 · account ${FAKE_ACCOUNT} · ${s}`);
    // The only lines kept: the wait announced once.
    expect(result.err.split('\n').map((l) => l.slice(l.lastIndexOf(CLEAR) + CLEAR.length))).toEqual([
      'Waiting for first delivery of 1 flow log (up to 10 min)…',
      '',
    ]);
    // The line is gone before the end (nothing left drawn after the last clear).
    expect(result.err.endsWith(CLEAR)).toBe(true);
    expect(result.out).not.toMatch(/Waiting|Reading regions|Applying \d/);
    expect(result.out).toMatch(/Verification: 1\/1 delivering/);
  });

  test('GIVEN apply --wait without a terminal THEN the wait is announced once, then plain lines at most every 30 s (not one per round)', async () => {
    fake.addVpcWithInterface('us-east-1');
    const clock = new FakeClock((n) => {
      if (n === 6) fake.deliverFlowLogs('us-east-1');
    });
    const err = stream(false);
    const io = captureIo({ env: { CI: 'true', AWS_REGION: 'us-east-1' }, stderr: err });
    const options = await toCommandOptions({ yes: true, wait: true, regions: 'us-east-1' }, io);

    const code = await applyCommand(options, io, { clock });

    expect(code).toBe(0);
    expect(clock.sleeps).toEqual(Array(6).fill(20_000));
    expect(err.text()).toBe(
      [
        'Waiting for first delivery of 1 flow log (up to 10 min)…',
        `Waiting for first delivery 0/1 · account ${FAKE_ACCOUNT} · 40 s`,
        `Waiting for first delivery 0/1 · account ${FAKE_ACCOUNT} · 1 min 20 s`,
        '',
      ].join('\n'),
    );
  });

  test('GIVEN a new role IAM has not propagated yet THEN the retries update the line with the wait, not a line each', async () => {
    fake.addVpc('us-east-1');
    fake.roleAssumableAfter(3);
    const clock = new FakeClock();

    const result = await applyAtTerminal({}, clock);

    expect(result.code).toBe(0);
    expect(clock.sleeps).toEqual([2000, 4000, 8000]);
    const waits = result.err.split(CLEAR).filter((l) => l.startsWith('Waiting for IAM'));
    // The last: redrawn as the call that succeeded ended, before the action is counted.
    expect(waits).toEqual([0, 2, 6, 14].map((s) => `Waiting for IAM to propagate the delivery role · account ${FAKE_ACCOUNT} · us-east-1 · ${s} s`));
    expect(result.err).not.toContain('\n');
  });
});

describe('plan over many accounts at a terminal', () => {
  useManagementCredentials();
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  test('GIVEN two accounts THEN the line counts accounts read, naming each, and is gone before the report', async () => {
    fake.addVpc('us-east-1');
    const member = fake.account('222222222222', { name: 'dev' });
    member.addRole('OrganizationAccountAccessRole', trustManagement());
    member.addVpc('us-east-1');
    const err = stream();
    const io = captureIo({ env: { AWS_REGION: 'us-east-1' }, stderr: err });

    const code = await runCli(
      ['plan', '--accounts', `${FAKE_ACCOUNT},222222222222`, '--assume-role', 'OrganizationAccountAccessRole', '--regions', 'us-east-1'],
      io,
      {
        clock: new FakeClock(),
      },
    );

    expect(code).toBe(2);
    const shown = err.text().split(CLEAR).filter(Boolean);
    expect(shown.filter((l) => l.startsWith('Reading accounts')).sort()).toEqual(
      [`Reading accounts 1/2 · account ${FAKE_ACCOUNT} · 0 s`, 'Reading accounts 2/2 · account 222222222222 · 0 s'].sort(),
    );
    expect(err.text().endsWith(CLEAR)).toBe(true);
    expect(io.out.join('')).not.toContain('Reading accounts');
  });
});
