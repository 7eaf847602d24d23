// `flowfix apply | tee apply.log` at a real terminal (a pseudo-terminal from script(1)): stdin and
// stderr are the terminal, stdout a pipe. flowfix asks on the terminal; the report goes to the log.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { canAsk } from '../../src/io/io.js';
import { buildCli, type BuiltCli } from '../helpers/build-cli.js';
import { LocalAws } from '../helpers/local-aws.js';

test.each([
  ['stdin, stdout and stderr a terminal', true, true, true, true],
  ['stdout piped (apply | tee)', true, false, true, true],
  ['stderr redirected', true, true, false, false],
  ['stdin not a terminal', false, true, true, false],
])('GIVEN %s THEN a person can be asked: see table', (_label, stdin, _stdout, stderr, expected) => {
  expect(canAsk({ isTTY: stdin }, { isTTY: stderr })).toBe(expected);
});

describe('apply | tee at a terminal', () => {
  let cli: BuiltCli;
  let aws: LocalAws;
  let dir: string;
  beforeAll(async () => {
    cli = await buildCli();
  });
  afterAll(() => cli.remove());
  beforeEach(async () => {
    aws = new LocalAws();
    dir = await mkdtemp(path.join(tmpdir(), 'flowfix-tee-'));
  });
  // A test that failed before the child exited must not leave it running: it would keep jest alive.
  let running: ChildProcess | undefined;
  afterEach(async () => {
    running?.kill('SIGKILL');
    await aws.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('GIVEN `flowfix apply | tee apply.log` WHEN the plan has work THEN the question is asked on the terminal, "n" changes nothing, and the log holds the report', async () => {
    const endpoint = await aws.start();
    const log = path.join(dir, 'apply.log');
    const pipeline = `${process.execPath} ${cli.main} apply --endpoint-url ${endpoint} --regions eu-west-1 | tee ${log}`;
    const child = spawn('script', ['-qec', `bash -o pipefail -c '${pipeline}'`, '/dev/null'], {
      env: { ...process.env, HOME: dir, CI: '', TERM: 'dumb', AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    running = child;
    let terminal = '';
    let answered = false;
    child.stdout.on('data', (d: Buffer) => {
      terminal += d.toString();
      if (!answered && /Apply this action|Apply these \d+ actions/.test(terminal)) {
        answered = true;
        child.stdin.write('n\r');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));

    expect(terminal).not.toMatch(/no terminal to ask on/);
    expect(answered).toBe(true);
    expect(code).toBe(0);
    const written = await readFile(log, 'utf8');
    expect(written).toMatch(/Nothing was changed\./);
    // The question is for the person, not the log.
    expect(written).not.toMatch(/Apply th(is|ese)/);
    expect(aws.requests.filter((r) => /^(Create|Put|Delete)/.test(r.operation))).toEqual([]);
  });
});
