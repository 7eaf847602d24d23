// Paths are taken as what they are (issue 19 §2): an empty or "-" plan argument is an error, never a
// fresh unreviewed apply; plans are written 0600 through a temporary file renamed over the target, so a
// symlink planted at the target is replaced, never written through, and a directory others may write in
// is refused; plan and settings readers open regular files only (a FIFO would hang) and read no
// further than their cap (sparse 600 MB files stand in for huge ones).
import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { runFlowfix } from '../helpers/capture-io.js';
import { FAKE_ACCOUNT, FakeAws } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
let dir: string;
let fake: FakeAws;
const run = (argv: string[]) => runFlowfix(argv, { env: ENV, cwd: dir });
const oneLine = (text: string) => expect(text.trimEnd().split('\n')).toHaveLength(1);
const HUGE = 600 * 1024 * 1024;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flowfix-paths-'));
  fake = new FakeAws().install();
  fake.addVpc('us-east-1', { name: 'bare' });
});
afterEach(async () => {
  fake.restore();
  await rm(dir, { recursive: true, force: true });
});

describe('a plan argument that names no file', () => {
  test.each([['-'], [''], ['  ']])('GIVEN apply --yes %j THEN exit 1, one line, nothing read or changed', async (arg) => {
    const result = await run(['apply', '--yes', arg]);
    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(/^flowfix: the plan file argument is (empty|"-"): name a plan file saved with flowfix plan --out/);
    expect(fake.calls).toEqual([]);
  });
});

describe('--out and --out-dir write safely', () => {
  test('GIVEN --out THEN the plan is written with mode 0600 and no temporary file is left', async () => {
    const file = path.join(dir, 'plan.json');
    expect((await run(['plan', '--out', file])).code).toBe(2);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['plan.json']);
  });

  test('GIVEN a symlink planted at the --out target THEN it is replaced by the plan; the file it pointed to is untouched', async () => {
    const victim = path.join(dir, 'victim.txt');
    await writeFile(victim, 'precious');
    const file = path.join(dir, 'plan.json');
    await symlink(victim, file);
    expect((await run(['plan', '--out', file])).code).toBe(2);
    expect(await readFile(victim, 'utf8')).toBe('precious');
    expect((await lstat(file)).isSymbolicLink()).toBe(false);
    expect(JSON.parse(await readFile(file, 'utf8')).accountId).toBe(FAKE_ACCOUNT);
  });

  test("GIVEN a symlink planted in --out-dir at the account's file name THEN it is not followed", async () => {
    const out = path.join(dir, 'plans');
    await mkdir(out, { mode: 0o700 });
    const victim = path.join(dir, 'victim.txt');
    await writeFile(victim, 'precious');
    await symlink(victim, path.join(out, `${FAKE_ACCOUNT}.json`));
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAFAKEMANAGEMENT01', AWS_SECRET_ACCESS_KEY: 'fake-secret' });
    try {
      const result = await run(['plan', '--org', '--assume-role', 'OrganizationAccountAccessRole', '--out-dir', out]);
      expect(result.stderr).toContain(`Plan saved to ${path.join(out, `${FAKE_ACCOUNT}.json`)}`);
    } finally {
      process.env = saved;
    }
    const written = await lstat(path.join(out, `${FAKE_ACCOUNT}.json`));
    expect(await readFile(victim, 'utf8')).toBe('precious');
    expect(written.isSymbolicLink()).toBe(false);
    expect(written.mode & 0o777).toBe(0o600);
  });

  test.each([
    ['0777', 0o777, 'everyone'],
    ['0770', 0o770, 'its group'],
  ])('GIVEN an --out directory with mode %s THEN it is refused in one line, nothing written', async (_octal, mode, who) => {
    const shared = path.join(dir, 'shared');
    await mkdir(shared);
    await chmod(shared, mode);
    const result = await run(['plan', '--out', path.join(shared, 'plan.json')]);
    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(result.stderr).toContain(`directory ${shared} is writable by ${who}, who could replace the plan`);
    expect(await readdir(shared)).toEqual([]);
  });

  test('GIVEN a sticky directory writable by everyone (like /tmp) THEN the plan is written there', async () => {
    const sticky = path.join(dir, 'sticky');
    await mkdir(sticky);
    await chmod(sticky, 0o1777);
    const result = await run(['plan', '--out', path.join(sticky, 'plan.json')]);
    expect(result.code).toBe(2);
    expect((await stat(path.join(sticky, 'plan.json'))).mode & 0o777).toBe(0o600);
  });

  test('GIVEN --out naming a directory THEN it is refused, the directory left as it was', async () => {
    await mkdir(path.join(dir, 'plan.json'));
    const result = await run(['plan', '--out', path.join(dir, 'plan.json')]);
    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(result.stderr).toContain('is a directory');
  });
});

describe('readers open regular files only, and only so far', () => {
  const fifo = async (name: string) => {
    const file = path.join(dir, name);
    execFileSync('mkfifo', [file]);
    return file;
  };

  test('GIVEN apply FIFO THEN one line says it is a FIFO, nothing hangs or changes', async () => {
    const file = await fifo('fifo.json');
    const result = await run(['apply', file]);
    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(result.stderr).toContain(`cannot read plan file ${file}: it is a FIFO (named pipe), not a regular file`);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN --config FIFO THEN one line, before any AWS call', async () => {
    const file = await fifo('settings.json');
    const result = await run(['plan', '--config', file]);
    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(result.stderr).toContain(`cannot read config file ${file}: it is a FIFO (named pipe), not a regular file`);
    expect(fake.calls).toEqual([]);
  });

  test('GIVEN a FIFO named flowfix.config.json in the working directory THEN one line says what to do, before any AWS call', async () => {
    const file = await fifo('flowfix.config.json');
    const result = await run(['plan']);
    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(result.stderr).toContain(`cannot read config file ${file}: it is a FIFO (named pipe), not a regular file (remove or rename ${file}`);
    expect(fake.calls).toEqual([]);
  });

  test('GIVEN --config naming a directory THEN one line', async () => {
    const result = await run(['plan', '--config', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot read config file ${dir}: it is a directory, not a regular file`);
  });

  test('GIVEN a 600 MB --config (sparse) THEN it is refused by its size, unread', async () => {
    const file = path.join(dir, 'huge.json');
    await writeFile(file, '');
    await truncate(file, HUGE);
    const result = await run(['plan', '--config', file]);
    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(result.stderr).toContain(`cannot read config file ${file}: it is larger than 4 MiB, the most flowfix reads from it`);
    expect(fake.calls).toEqual([]);
  });

  test('GIVEN a 600 MB plan file (sparse) THEN it is refused by its size, nothing changed', async () => {
    const file = path.join(dir, 'huge-plan.json');
    await writeFile(file, '');
    await truncate(file, HUGE);
    const result = await run(['apply', '--yes', file]);
    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(/is not a valid flowfix plan: larger than 50 MB/);
    expect(fake.mutatingCalls()).toEqual([]);
  });
});
