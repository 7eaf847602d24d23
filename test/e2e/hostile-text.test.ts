// Text from AWS is data, never terminal control (issue 19 §1). Over the stateful fake, every place such
// text reaches a person is fed one hostile string: VPC and subnet Name tags, AWS error messages (a region
// read, a CloudWatch Logs write, a delivery error, an AssumeRole refusal), an exclusion reason, an
// organization account's name, a saved plan's action id and description. Every command and every
// format for people (text, Markdown, CSV) must leave no control or format character in what it writes
// (stdout, stderr, and the questions asked), and no line GitHub Actions would run as a workflow command.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { guidedCommand } from '../../src/cli/commands/guided.js';
import { rollbackCommand } from '../../src/cli/commands/rollback.js';
import { toCommandOptions } from '../../src/cli/options.js';
import type { Choice, Prompter } from '../../src/io/prompter.js';
import { renderPlanReport } from '../../src/render/text.js';
import { inventory, region, role } from '../helpers/builders.js';
import { captureIo, runFlowfix } from '../helpers/capture-io.js';
import { FAKE_ACCOUNT, FakeAws } from '../helpers/fake-aws.js';
import { reportOf } from '../helpers/reports.js';

/**
 * Erase line, cursor up, conceal (ESC[8m), an OSC 8 link, an OSC 52 clipboard write, a window title, an
 * 8-bit CSI and NEL (C1), BEL, DEL, bidi override and isolate, a zero-width space, the Unicode line
 * separator, CR/LF starting workflow commands (plain and indented), and a legacy ##[command].
 */
const HOSTILE =
  'pwn\u001b[2K\u001b[1A\u001b[8m' +
  '\u001b]8;;https://evil.example/\u0007link\u001b]8;;\u0007' +
  '\u001b]52;c;ZXZpbA==\u0007\u001b]0;title\u0007' +
  '\u009b31m\u0085\u0007\u007f\u202eevil\u2066\u200b\u2028' +
  '\r\n::add-mask::secret\n  ::error::fake\n##[warning]legacy';
const NAME = HOSTILE.slice(0, 250); // an EC2 tag value holds up to 256 characters

/** Every control (Cc) or format (Cf) character and the line/paragraph separators, but the newline and the tab. */
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/** The output is inert: no control character but line ends and tabs, no line that starts a workflow command. */
function expectInert(label: string, text: string, { crlf = false } = {}): void {
  const body = crlf ? text.replace(/\r\n/g, '\n') : text;
  const bad = [...body].filter((ch) => ch !== '\n' && ch !== '\t' && CONTROL.test(ch));
  expect({ label, control: bad.map((ch) => `U+${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`) }).toEqual({ label, control: [] });
  const commands = body.split('\n').filter((line) => line.trimStart().startsWith('::') || line.includes('##['));
  expect({ label, commands }).toEqual({ label, commands: [] });
}

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
let dir: string;
let fake: FakeAws;
const run = (argv: string[]) => runFlowfix(argv, { env: ENV, cwd: dir });
const runInert = async (label: string, argv: string[], options: { crlf?: boolean } = {}) => {
  const result = await run(argv);
  expectInert(`${label} stdout`, result.stdout, options);
  expectInert(`${label} stderr`, result.stderr);
  return result;
};

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flowfix-hostile-'));
  fake = new FakeAws({ regions: ['us-east-1', 'eu-west-1', 'ap-south-1'] }).install();
});
afterEach(async () => {
  fake.restore();
  await rm(dir, { recursive: true, force: true });
});

/** VPCs and a subnet named hostile, one excluded for a hostile reason, a delivery error and an unreadable region with hostile messages. */
async function seedHostile() {
  const vpc = fake.addVpc('us-east-1', { name: NAME, tags: { [NAME.slice(0, 120)]: NAME } });
  fake.addSubnet('us-east-1', vpc, { name: NAME });
  const excluded = fake.addVpc('us-east-1', { name: NAME });
  const failing = fake.addVpc('eu-west-1', { name: NAME });
  fake.addFlowLog('eu-west-1', { resourceId: failing, trafficType: 'ALL', deliverLogsStatus: 'FAILED', deliverLogsErrorMessage: HOSTILE, logGroupName: '/x' });
  fake.failNext('DescribeVpcs', { name: 'UnauthorizedOperation', message: HOSTILE, httpStatusCode: 403 }, { region: 'ap-south-1', times: 100 });
  await writeFile(path.join(dir, 'flowfix.config.json'), JSON.stringify({ exclude: [{ id: excluded, reason: HOSTILE }] }));
  return { vpc, excluded, failing };
}

describe('hostile text from AWS and files is shown, never acted on', () => {
  test.each(['text', 'markdown', 'csv'])(
    'GIVEN hostile names, messages and an exclusion reason WHEN plan --format %s THEN the output is inert',
    async (format) => {
      await seedHostile();
      const result = await runInert(`plan ${format}`, ['plan', '--format', format], { crlf: format === 'csv' });
      expect(result.code).toBe(1); // a region could not be read
      // The hostile text is there, shown: its escapes are visible.
      expect(result.stdout).toContain(format === 'markdown' ? '\\\\x1b\\[2K' : '\\x1b[2K');
      expect(result.stdout).toContain('\\u202e');
    },
  );

  test.each(['text', 'markdown', 'csv'])('GIVEN the same WHEN verify --format %s THEN the output is inert', async (format) => {
    await seedHostile();
    await runInert(`verify ${format}`, ['verify', '--format', format], { crlf: format === 'csv' });
  });

  test('GIVEN a terminal width WHEN plan wraps hostile names THEN no wrapped line starts a workflow command', async () => {
    const long = `${'a'.repeat(70)}::add-mask::x ${'b '.repeat(20)}::error::y`;
    const inv = inventory([region('us-east-1', { vpcs: [{ vpcId: 'vpc-00000001', ownerId: '123456789012', isDefault: false, name: long }] })], role());
    for (const width of [40, 60, 80, 100]) expectInert(`width ${width}`, renderPlanReport(reportOf(inv), undefined, { width }));
  });

  test('GIVEN JSON THEN the exact values are kept (JSON escapes what it must)', async () => {
    const { vpc } = await seedHostile();
    const result = await run(['plan', '--format', 'json']);
    const report = JSON.parse(result.stdout);
    expect(report.findings.find((f: any) => f.resourceId === vpc).name).toBe(NAME);
    expect(report.excluded[0].reason).toBe(HOSTILE);
  });

  test('GIVEN CloudWatch Logs refusing with a hostile message WHEN apply --yes THEN the outcome table and summary are inert', async () => {
    fake.addVpc('us-east-1', { name: NAME });
    fake.addVpc('eu-west-1', { name: NAME });
    fake.failNext('CreateLogGroup', { name: 'InvalidParameterException', message: HOSTILE, httpStatusCode: 400 }, { region: 'eu-west-1' });
    const result = await runInert('apply', ['apply', '--yes']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Failed: create-log-group in eu-west-1 .*\n {2}InvalidParameterException: pwn\\x1b\[2K/m);
    expect(result.stdout).toMatch(/Summary: /);
  });

  test('GIVEN a saved plan whose action id and description are hostile WHEN apply FILE THEN what is shown before the refusal is inert', async () => {
    fake.addVpc('us-east-1', { name: NAME });
    const file = path.join(dir, 'plan.json');
    expect((await run(['plan', '--out', file])).code).toBe(2);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    saved.actions[0].id = `1-${HOSTILE}`.slice(0, 200);
    saved.actions[0].description = HOSTILE;
    await writeFile(file, JSON.stringify(saved));
    const result = await runInert('apply FILE', ['apply', file]);
    expect(result.code).toBe(1);
  });

  test('GIVEN an applied account, an unreadable region and a refused delete WHEN rollback THEN the plan, the confirm and the outcome are inert', async () => {
    fake.addVpc('us-east-1', { name: NAME });
    fake.addVpc('eu-west-1', { name: NAME });
    expect((await run(['apply', '--yes'])).code).toBe(0);
    fake.failNext('DescribeVpcs', { name: 'UnauthorizedOperation', message: HOSTILE, httpStatusCode: 403 }, { region: 'ap-south-1', times: 100 });
    fake.failNext('DescribeFlowLogs', { name: 'UnauthorizedOperation', message: HOSTILE, httpStatusCode: 403 }, { region: 'ap-south-1', times: 100 });
    fake.failNext('DeleteFlowLogs', { name: 'UnauthorizedOperation', message: HOSTILE, httpStatusCode: 403 }, { region: 'eu-west-1' });
    const io = captureIo({ env: ENV, cwd: dir, interactive: true });
    const asked: string[] = [];
    const confirm: Prompter['confirm'] = async (message) => {
      asked.push(message);
      return true;
    };
    const never = async (): Promise<never> => {
      throw new Error('unexpected question');
    };
    const code = await rollbackCommand(await toCommandOptions({}, io), io, {
      prompter: { confirm, select: never, checkbox: never, input: never, secret: never },
    });
    expectInert('rollback stdout', io.out.join(''));
    expectInert('rollback stderr', io.err.join(''));
    expectInert('rollback question', asked.join('\n'));
    expect(asked).toHaveLength(1);
    expect(code).toBe(1);
  });

  test('GIVEN hostile VPC names WHEN guided THEN every question, choice and line it shows is inert', async () => {
    fake.addVpc('us-east-1', { name: NAME });
    fake.addVpc('eu-west-1', { name: NAME });
    const shown: string[] = [];
    const record = <T>(message: string, choices: Choice<T>[] = []) => shown.push(message, ...choices.flatMap((c) => [c.name, c.description ?? '']));
    const prompter: Prompter = {
      confirm: async (message) => (record(message), /^Step 5\/5: apply/.test(message)),
      select: async (message, choices, options) => (record(message, choices), options?.default ?? choices[0]!.value),
      checkbox: async (message, choices) => (record(message, choices), choices.filter((c) => c.checked).map((c) => c.value)),
      input: async (message, options) => (record(message), options?.default ?? ''),
      secret: async () => {
        throw new Error('unexpected');
      },
    };
    const io = captureIo({ env: ENV, cwd: dir, interactive: true });
    const code = await guidedCommand(await toCommandOptions({}, io), io, { prompter });
    expect(code).toBe(0);
    expect(shown.some((s) => s.includes('\\u202e'))).toBe(true); // the names were offered, shown
    expectInert('guided questions', shown.join('\n'));
    expectInert('guided stdout', io.out.join(''));
    expectInert('guided stderr', io.err.join(''));
  });

  test('GIVEN an organization account with a hostile name and a member refusing AssumeRole with a hostile message WHEN plan --org THEN the output is inert', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAFAKEMANAGEMENT01', AWS_SECRET_ACCESS_KEY: 'fake-secret' });
    try {
      const trust = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FAKE_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
      };
      const member = fake.account('222222222222', { name: NAME });
      member.addRole('OrganizationAccountAccessRole', trust);
      member.addVpc('us-east-1', { name: NAME });
      fake.account('333333333333', { name: NAME }).failNext('AssumeRole', { name: 'AccessDenied', message: HOSTILE, httpStatusCode: 403 }, { times: 100 });
      for (const format of ['text', 'json']) {
        const result =
          format === 'text'
            ? await runInert('plan --org', ['plan', '--org', '--assume-role', 'OrganizationAccountAccessRole'])
            : await run(['plan', '--org', '--assume-role', 'OrganizationAccountAccessRole', '--format', 'json']);
        if (format === 'text') expect(result.stdout).toContain('\\u202e');
        else expect(JSON.parse(result.stdout).accounts.find((a: any) => a.accountId === '222222222222').name).toBe(NAME);
      }
    } finally {
      process.env = saved;
    }
  });
});
