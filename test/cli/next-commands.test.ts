// Every command flowfix prints as the next step runs as printed: a test copies it from the output
// (the plan's closing line, "Apply it with: …" after --out/--out-dir), runs it against the same fake
// account, answering "yes" where it asks, and the account converges.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { runCli } from '../../src/cli/run.js';
import type { Prompter } from '../../src/io/prompter.js';
import { captureIo } from '../helpers/capture-io.js';
import { FAKE_ACCOUNT, FakeAws } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const ROLE = 'OrganizationAccountAccessRole';
const MEMBER = '222222222222';
const ENDPOINT = 'http://localhost:4566';

/** A person who says yes. */
const yes: Prompter = {
  confirm: async () => true,
  select: async (_m, choices) => choices[0]!.value,
  checkbox: async (_m, choices) => choices.map((c) => c.value),
  input: async (_m, o) => o?.default ?? '',
  secret: async () => '123456',
};

async function flowfix(argv: string[]) {
  const io = captureIo({ env: ENV, interactive: true });
  const code = await runCli(argv, io, { prompter: yes });
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}

/** A POSIX shell's words of a command line flowfix printed (it quotes with '…' only). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)) words.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!);
  return words;
}

/** The commands printed as next steps: in the plan's closing line and after each saved plan. */
function nextCommands(output: string): string[][] {
  const lines = [...output.matchAll(/[Rr]un `(flowfix [^`]+)`/g), ...output.matchAll(/Apply it with: (flowfix .+)$/gm)].map((m) => m[1]!);
  return lines.map((line) => {
    const [program, ...args] = shellWords(line);
    expect(program).toBe('flowfix');
    return args;
  });
}

describe('the next commands flowfix prints run as printed', () => {
  let fake: FakeAws;
  let dir: string;
  const saved = { ...process.env };
  beforeAll(() => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAFAKEMANAGEMENT01', AWS_SECRET_ACCESS_KEY: 'fake-secret' });
  });
  afterAll(() => {
    process.env = saved;
  });
  beforeEach(async () => {
    fake = new FakeAws().install();
    dir = await mkdtemp(path.join(tmpdir(), 'flowfix-next-'));
  });
  afterEach(async () => {
    fake.restore();
    await rm(dir, { recursive: true, force: true });
  });

  const converged = async (extra: string[] = []) => (await flowfix(['plan', '--endpoint-url', ENDPOINT, ...extra])).code;

  test("GIVEN plan with flags THEN the closing line's apply keeps them (the endpoint included) and carries the plan out", async () => {
    fake.addVpc('us-east-1', { name: 'bare' });
    fake.addVpc('eu-west-1', { name: 'other-region' });

    const planned = await flowfix(['plan', '--regions', 'us-east-1', '--endpoint-url', ENDPOINT, '--traffic-type', 'ALL']);
    const [next, ...more] = nextCommands(planned.stdout + planned.stderr);

    expect(more).toEqual([]);
    expect(next).toEqual(['apply', '--endpoint-url', ENDPOINT, '--regions', 'us-east-1', '--traffic-type', 'ALL']);
    expect((await flowfix(next!)).code).toBe(0);
    expect(await converged(['--regions', 'us-east-1', '--traffic-type', 'ALL'])).toBe(0);
    // Only the region named: the printed command did not widen the work.
    expect(fake.flowLogs('eu-west-1')).toEqual([]);
  });

  test('GIVEN plan --out THEN "Apply it with" and the closing line both run the saved plan, reached the same way', async () => {
    fake.addVpc('us-east-1', { name: 'bare' });
    const file = path.join(dir, 'my plan.json');

    const planned = await flowfix(['plan', '--regions', 'us-east-1', '--endpoint-url', ENDPOINT, '--read-timeout', '30', '--out', file]);
    const printed = nextCommands(planned.stdout + planned.stderr);

    expect(printed).toEqual([
      ['apply', file, '--endpoint-url', ENDPOINT, '--read-timeout', '30'],
      ['apply', file, '--endpoint-url', ENDPOINT, '--read-timeout', '30'],
    ]);
    const applied = await flowfix(printed[0]!);
    expect([applied.code, applied.stderr]).toEqual([0, '']);
    expect(await converged(['--regions', 'us-east-1'])).toBe(0);
  });

  test("GIVEN plan --org --out-dir THEN each account's printed apply keeps --assume-role and applies in that account", async () => {
    fake.addVpc('us-east-1', { name: 'management' });
    const member = fake.account(MEMBER, { name: 'dev' });
    member.addRole(ROLE, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FAKE_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
    });
    member.addVpc('us-east-1', { name: 'dev' });

    const planned = await flowfix(['plan', '--org', '--assume-role', ROLE, '--regions', 'us-east-1', '--out-dir', dir]);
    const printed = nextCommands(planned.stderr);

    expect(printed.map((argv) => path.basename(argv[1]!)).sort()).toEqual([`${FAKE_ACCOUNT}.json`, `${MEMBER}.json`]);
    for (const argv of printed) {
      expect(argv.slice(2)).toEqual(['--assume-role', ROLE]);
      const applied = await flowfix(argv);
      expect([argv, applied.code, applied.stderr]).toEqual([argv, 0, '']);
    }
    expect(member.flowLogs('us-east-1')).toHaveLength(1);
    expect(fake.flowLogs('us-east-1')).toHaveLength(1);
  });

  test('GIVEN plan --org THEN it closes with a summary over the accounts, and its apply command carries out every account', async () => {
    fake.addVpc('us-east-1', { name: 'management' });
    const member = fake.account(MEMBER, { name: 'dev' });
    member.addRole(ROLE, {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FAKE_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
    });
    member.addVpc('us-east-1', { name: 'dev' });

    const planned = await flowfix(['plan', '--org', '--assume-role', ROLE, '--regions', 'us-east-1']);

    expect(planned.code).toBe(2);
    const closing = planned.stdout.trimEnd().split('\n').pop();
    expect(closing).toBe(
      `Plan: 2 accounts to change: 2 flow logs, 2 log groups, 2 roles to create; 2 retention policies, 2 role policies to set. Run \`flowfix apply --org --assume-role ${ROLE} --regions us-east-1\` to carry it out.`,
    );
    const [next, ...more] = nextCommands(planned.stdout + planned.stderr);
    expect(more).toEqual([]);
    const applied = await flowfix(next!);
    expect([applied.code, applied.stderr]).toEqual([0, '']);
    expect(member.flowLogs('us-east-1')).toHaveLength(1);
    expect(fake.flowLogs('us-east-1')).toHaveLength(1);

    const again = await flowfix(['plan', '--org', '--assume-role', ROLE, '--regions', 'us-east-1']);
    expect(again.code).toBe(0);
    expect(again.stdout.trimEnd().split('\n').pop()).toBe('No changes: every VPC in scope has a working flow log in the 2 accounts read.');
  });

  test('GIVEN plan --snapshot THEN the closing line says applying means planning the live account again, and its command runs', async () => {
    fake.addVpc('us-east-1', { name: 'bare' });
    const snapshot = path.join(process.cwd(), 'examples/estate');

    const planned = await flowfix(['plan', '--snapshot', snapshot, '--regions', 'us-east-1']);

    expect(planned.stdout).toMatch(
      /as of the snapshot\. To fix these findings, run `flowfix apply --regions us-east-1` with credentials for account \d{12}: it reads the account live, plans again and asks before changing anything\./,
    );
    expect(planned.stdout).not.toMatch(/Run `flowfix apply[^`]*` to carry it out/);
    const [next] = nextCommands(planned.stdout);
    expect((await flowfix(next!)).code).toBe(0);
  });
});
