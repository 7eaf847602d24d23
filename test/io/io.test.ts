import { liveStatusWanted, type Io } from '../../src/io/io.js';
import { styleFor } from '../../src/render/style.js';

const io = (tty: boolean, env: NodeJS.ProcessEnv, columns = 80, stdoutTty = tty): Io => ({
  stdout: { write: () => true, isTTY: stdoutTty, columns },
  stderr: { write: () => true, isTTY: tty, columns },
  interactive: tty,
  env,
  cwd: '/',
});

describe('the live status line', () => {
  const cases: [string, Io, boolean][] = [
    ['a terminal', io(true, {}), true],
    ['a pipe', io(false, {}), false],
    ['CI set', io(true, { CI: 'true' }), false],
    ['stdout piped (flowfix plan | tee), stderr the terminal', io(true, {}, 80, false), true],
    ['a terminal reporting 0 columns', io(true, {}, 0), false],
  ];
  test.each(cases)('GIVEN %s THEN a live line is wanted: see table', (_label, given, expected) => {
    expect(liveStatusWanted(given)).toBe(expected);
  });

  test('GIVEN NO_COLOR or a pipe THEN no ANSI colour; a terminal gets colour', () => {
    expect(styleFor({ isTTY: true }, { NO_COLOR: '1' }).bold('x')).toBe('x');
    expect(styleFor({ isTTY: false }, {}).bold('x')).toBe('x');
    expect(styleFor({ isTTY: true }, {}).bold('x')).toBe('\u001b[1mx\u001b[22m');
  });
});
