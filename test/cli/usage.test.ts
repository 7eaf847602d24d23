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
    for (const argv of [['plna', '--regions', 'us-east-1'], ['--profile', 'dev', 'plna'], ['--format', 'json', 'plna']]) {
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
