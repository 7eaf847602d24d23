// An endpoint that accepts connections and never answers (a local server on 127.0.0.1), with the
// production timeouts (60 s per attempt): Ctrl-C ends the read in flight at once and exits 130; after a
// few seconds stderr names what flowfix waits for; --debug logs every call without a secret.
import { spawn, type ChildProcess } from 'node:child_process';

import { runCli } from '../../src/cli/run.js';
import { buildCli, type BuiltCli } from '../helpers/build-cli.js';
import { captureIo } from '../helpers/capture-io.js';
import { LocalAws } from '../helpers/local-aws.js';

const ENV = { CI: 'true', HOME: '/nonexistent', AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret-key' };

let aws: LocalAws;
let endpoint: string;

beforeEach(async () => {
  aws = new LocalAws();
  endpoint = await aws.start();
});
afterEach(() => aws.stop());

async function plan(extra: string[], options: { interruptAt?: [string, string?]; io?: Parameters<typeof captureIo>[0]; progressTimings?: object } = {}) {
  const io = captureIo({ env: ENV, ...options.io });
  const interrupt = new AbortController();
  if (options.interruptAt) void aws.arrived(...options.interruptAt).then(() => interrupt.abort());
  const code = await runCli(['plan', '--endpoint-url', endpoint, ...extra], io, {
    signal: interrupt.signal,
    ...(options.progressTimings ? { progressTimings: options.progressTimings } : {}),
  });
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}

describe('Ctrl-C during a read that never ends', () => {
  test('GIVEN GetCallerIdentity never answers (60 s timeouts) WHEN Ctrl-C THEN the read ends at once: exit 130, one attempt, nothing on stdout', async () => {
    aws.behaviour = () => 'stall';

    const result = await plan([], { interruptAt: ['GetCallerIdentity'] });

    expect(result.code).toBe(130);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^flowfix: interrupted: the read in flight was abandoned, nothing more was started \(run the same command again to finish\)$/m,
    );
    expect(aws.count('GetCallerIdentity')).toBe(1);
  });

  test('GIVEN DescribeFlowLogs in eu-west-1 never answers WHEN Ctrl-C THEN exit 130, and the region is not reported as unreadable', async () => {
    aws.behaviour = (call) => (call.operation === 'DescribeFlowLogs' && call.region === 'eu-west-1' ? 'stall' : 'answer');

    const result = await plan(['--format', 'json'], { interruptAt: ['DescribeFlowLogs', 'eu-west-1'] });

    expect(result.code).toBe(130);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/interrupted: the read in flight was abandoned/);
    expect(aws.count('DescribeFlowLogs', 'eu-west-1')).toBe(1);
  });
});

describe('reads left in flight when a command stops at an error', () => {
  test('GIVEN GetCallerIdentity fails while the region list and the role read hang WHEN plan stops at the error THEN those reads are abandoned: no connection is left to keep the process alive', async () => {
    // The identity fails only once the two reads started beside it have arrived and stalled. With
    // 10-minute timeouts, a read left running would outlast jest's timeout: the process would not exit.
    aws.behaviour = async (call) => {
      if (call.operation !== 'GetCallerIdentity') return 'stall';
      await Promise.all([aws.arrived('DescribeRegions'), aws.arrived('GetRole')]);
      return 'reset';
    };

    const result = await plan(['--read-timeout', '600', '--connect-timeout', '600'], { io: { env: { ...ENV, AWS_MAX_ATTEMPTS: '1' } } });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/GetCallerIdentity/);
    expect(aws.count('DescribeRegions') + aws.count('GetRole')).toBe(2);
    await aws.noneStalled();
  });
});

describe('what flowfix waits for', () => {
  // One attempt of 5 s: the call is overdue after 1 s and given up after 5, so however late a busy
  // machine runs the progress ticks, at least one lands while the call is waiting.
  const hung = ['--read-timeout', '5', '--connect-timeout', '5'];
  const env = { ...ENV, AWS_MAX_ATTEMPTS: '1' };

  test('GIVEN no terminal WHEN a call goes unanswered THEN plain lines name the endpoint and the wait, and the error says it did not answer', async () => {
    aws.behaviour = () => 'stall';

    const result = await plan(hung, { io: { env }, progressTimings: { waitingAfterMs: 1_000, tickMs: 50 } });

    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split('\n');
    // Named once overdue (1 s); a busy machine may look a tick or more later, so the count is not pinned.
    expect(lines).toContainEqual(expect.stringMatching(/^waiting for sts\.us-east-1 \(GetCallerIdentity\): no answer for [1-5] s$/));
    // The attempt's 5 s end it, far within the bound on the read in all (twice the longer timeout: 10 s).
    expect(lines.at(-1)).toMatch(/^flowfix: sts\.us-east-1 at http:\/\/127\.0\.0\.1:\d+ did not answer GetCallerIdentity in 1 attempt \(5 s each\)/);
    expect(result.stderr).not.toMatch(/\r|\x1b/);
  });

  test('GIVEN a terminal on stderr (stdout piped) WHEN a call goes unanswered THEN one live line counts the seconds, and is cleared before the error', async () => {
    aws.behaviour = () => 'stall';
    const tty = { write: (t: string) => void t, isTTY: true, columns: 80 };
    const err: string[] = [];

    const result = await plan(hung, {
      io: { env: { ...env, CI: '' }, stderr: { ...tty, write: (t: string) => err.push(t) } },
      progressTimings: { waitingAfterMs: 1_000, tickMs: 50 },
    });

    expect(result.code).toBe(1);
    const shown = err.join('');
    // The oldest overdue call is shown (the first reads start together); which one that is at 1 s, and
    // whether a tick lands on exactly 1 s, depends on how fast the machine is.
    expect(shown).toMatch(/\r\x1b\[2Kwaiting for (sts|ec2|iam)\.us-east-1 \(\w+\) … [1-5] s/);
    // Redrawn in place, not a new line per tick; cleared before the error line.
    expect(shown).not.toMatch(/waiting for[^\r\n]*\n/);
    expect(shown).toMatch(/\r\x1b\[2Kflowfix: sts\.us-east-1 at \S+ did not answer GetCallerIdentity/);
  });
});

test('GIVEN --debug WHEN plan runs THEN each AWS call is logged (service, operation, region, status, ms) and no credential appears', async () => {
  const result = await plan(['--debug', '--regions', 'eu-west-1']);

  expect(result.code).not.toBe(130);
  const log = result.stderr.split('\n').filter((l) => l.startsWith('debug: '));
  expect(log).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^debug: sts GetCallerIdentity us-east-1 200 \d+ ms$/),
      expect.stringMatching(/^debug: ec2 DescribeRegions us-east-1 200 \d+ ms$/),
      expect.stringMatching(/^debug: ec2 DescribeVpcs eu-west-1 200 \d+ ms$/),
      expect.stringMatching(/^debug: iam GetRole us-east-1 200 \d+ ms$/),
    ]),
  );
  expect(result.stderr).not.toMatch(/AKIAFAKE|fake-secret-key|Signature=|Credential=/);
});

describe('at a real terminal (a pseudo-terminal from script(1))', () => {
  let cli: BuiltCli;
  beforeAll(async () => {
    cli = await buildCli();
  });
  afterAll(() => cli.remove());
  // A test that failed before the child exited must not leave it running: it would keep jest alive.
  let running: ChildProcess | undefined;
  afterEach(() => running?.kill('SIGKILL'));

  test('GIVEN `flowfix plan` hangs on an endpoint that never answers WHEN the user presses Ctrl-C THEN the process exits 130 at once', async () => {
    aws.behaviour = () => 'stall';
    const command = `${process.execPath} ${cli.main} plan --endpoint-url ${endpoint}`;
    // script -e returns the command's exit status; the pty's line discipline turns ^C into SIGINT.
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ...ENV, CI: '', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
    running = child;
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    await aws.arrived('GetCallerIdentity');
    child.stdin.write('\x03');
    // No bound of its own: without Ctrl-C, 5 attempts of the 60 s read timeout would outlast jest's test timeout.
    const code = await exited;

    expect(code).toBe(130);
    expect(output).toMatch(/Interrupted: stopping/);
    expect(output).toMatch(/interrupted: the read in flight was abandoned/);
    expect(aws.count('GetCallerIdentity')).toBe(1);
  });
});
