// What a user types in the first minutes: -h, a mistyped command, `help`.
import { runFlowfix } from '../helpers/capture-io.js';

/** yargs prints help with console.log, not through io. */
async function printed(argv: string[]): Promise<{ code: number; text: string; stderr: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
  try {
    const { code, stderr } = await runFlowfix(argv);
    return { code, text: lines.join('\n'), stderr };
  } finally {
    console.log = log;
  }
}

describe('-h', () => {
  test.each([[[]], [['plan']], [['apply']], [['verify']], [['guided']]])('GIVEN flowfix %j -h THEN the same help as --help, exit 0', async (command) => {
    const short = await printed([...command, '-h']);
    const long = await printed([...command, '--help']);
    expect(short.stderr).toBe('');
    expect(short.code).toBe(0);
    expect(short.text).toMatch(/^flowfix /);
    expect(short.text).toBe(long.text);
  });

  test('GIVEN --help THEN it lists -h beside it', async () => {
    expect((await printed(['--help'])).text).toMatch(/-h, --help\s+Show help/);
  });

  test('GIVEN flowfix help plan THEN the help of plan', async () => {
    const help = await printed(['help', 'plan']);
    expect(help.code).toBe(0);
    expect(help.text).toBe((await printed(['plan', '--help'])).text);
  });
});

describe('a mistyped command', () => {
  test.each([
    ['plna', 'plan'],
    ['aply', 'apply'],
    ['verfy', 'verify'],
    ['guidde', 'guided'],
    ['Plan', 'plan'],
  ])('GIVEN flowfix %s THEN one line "did you mean %s?", exit 1', async (typed, meant) => {
    const { code, stdout, stderr } = await runFlowfix([typed]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`flowfix: Unknown command ${typed}; did you mean ${meant}? (see flowfix --help)\n`);
  });

  test('GIVEN a mistyped command with options THEN the command is named first, not its options', async () => {
    for (const argv of [
      ['plna', '--regions', 'us-east-1'],
      ['--profile', 'dev', 'plna'],
      ['--format', 'json', 'plna'],
    ]) {
      const { code, stderr } = await runFlowfix(argv);
      expect([argv, code, stderr]).toEqual([argv, 1, 'flowfix: Unknown command plna; did you mean plan? (see flowfix --help)\n']);
    }
  });

  test('GIVEN a word close to no command THEN the commands are listed instead', async () => {
    const { code, stderr } = await runFlowfix(['bogus']);
    expect(code).toBe(1);
    expect(stderr).toBe('flowfix: Unknown command bogus (the commands are plan, apply, verify, guided, rollback; see flowfix --help)\n');
  });
});

describe('flags and their errors, in the words typed', () => {
  test.each([
    [
      ['plan', '--regions'],
      'flowfix: invalid settings: --regions: name at least one region (like eu-west-1), or all for every enabled region (flowfix --help lists every option)\n',
    ],
    [
      ['plan', '--region'],
      'flowfix: invalid settings: --region: name at least one region (like eu-west-1), or all for every enabled region (flowfix --help lists every option)\n',
    ],
    [
      ['plan', '--dry-run'],
      'flowfix: --dry-run is not an option of flowfix plan (it is one of flowfix apply and flowfix rollback) (see flowfix plan --help)\n',
    ],
    [['plan', '--regoins', 'eu-west-1'], 'flowfix: unknown option --regoins; did you mean --regions? (see flowfix plan --help)\n'],
    [
      ['plan', '--dryrun'],
      'flowfix: unknown option --dryrun; did you mean --dry-run (an option of flowfix apply and flowfix rollback)? (see flowfix plan --help)\n',
    ],
    [['rollback', '--delete-log-group'], 'flowfix: unknown option --delete-log-group; did you mean --delete-log-groups? (see flowfix rollback --help)\n'],
    [
      ['plan', '--format', 'sarf'],
      'flowfix: --format sarf is not one of text, json, sarif, markdown, csv; did you mean --format sarif? (see flowfix plan --help)\n',
    ],
    [
      ['rollback', '--scope', 'subnet'],
      'flowfix: --scope is not an option of flowfix rollback (it is one of flowfix plan, flowfix apply and flowfix verify) (see flowfix rollback --help)\n',
    ],
    [['--bogus'], 'flowfix: unknown option --bogus (see flowfix --help)\n'],
    [
      ['plan', '--region', 'all,eu-west-1'],
      'flowfix: invalid settings: --region all,eu-west-1: all already means every enabled region; give all or region names, not both (flowfix --help lists every option)\n',
    ],
  ])('GIVEN flowfix %j THEN one line in flowfix words, exit 1', async (argv, expected) => {
    const { code, stdout, stderr } = await runFlowfix(argv);
    expect([code, stdout, stderr]).toEqual([1, '', expected]);
    expect(stderr).not.toMatch(/dryRun|Too small|expected array|Unknown argument/);
  });

  test('GIVEN bare flowfix without a terminal THEN "see flowfix --help" is said once', async () => {
    const { code, stderr } = await runFlowfix([]);
    expect(code).toBe(1);
    expect(stderr.match(/see flowfix --help/g)).toHaveLength(1);
  });

  test("GIVEN bare flowfix --regions eu-west-1 (guided's option) THEN it is accepted: only the missing command is refused", async () => {
    const { stderr } = await runFlowfix(['--regions', 'eu-west-1']);
    expect(stderr).toBe('flowfix: Name a command: flowfix plan | apply | verify | rollback | guided (see flowfix --help)\n');
  });

  test('GIVEN --region all THEN it means every enabled region (no regions setting), as with no --region', async () => {
    const { resolveSettings } = await import('../../src/config/resolve-settings.js');
    const { settingsFromFlags } = await import('../../src/config/flags.js');
    expect(resolveSettings(settingsFromFlags({ region: 'all' }), null).regions).toBeUndefined();
    expect(resolveSettings(settingsFromFlags({ regions: 'all' }), null).regions).toBeUndefined();
    expect(resolveSettings(settingsFromFlags({ regions: 'eu-west-1' }), null).regions).toEqual(['eu-west-1']);
  });

  test('GIVEN rollback --help THEN it lists the options rollback reads, not those that shape what plan and apply create', async () => {
    const help = (await printed(['rollback', '--help'])).text;
    for (const flag of ['--role-name', '--policy-name', '--log-group', '--regions', '--delete-log-groups', '--assume-role']) expect(help).toContain(flag);
    for (const flag of [
      '--scope',
      '--traffic-type',
      '--retention',
      '--min-retention',
      '--kms-key',
      '--tag ',
      '--exclude ',
      '--skip-default-vpcs',
      '--permissions-boundary',
      '--role-path',
    ]) {
      expect([flag, help.includes(flag)]).toEqual([flag, false]);
    }
  });
});
