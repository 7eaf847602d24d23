import { decorationsWanted, type Io } from '../../src/io/io.js';
import { styleFor } from '../../src/render/style.js';

const io = (tty: boolean, env: NodeJS.ProcessEnv, columns = 80): Io => ({
  stdout: { write: () => true, isTTY: tty, columns },
  stderr: { write: () => true, isTTY: tty, columns },
  interactive: tty,
  env,
  cwd: '/',
});

describe('decorations', () => {
  const cases: [string, Io, 'text' | 'json', boolean][] = [
    ['a terminal', io(true, {}), 'text', true],
    ['a pipe', io(false, {}), 'text', false],
    ['CI set', io(true, { CI: 'true' }), 'text', false],
    ['--format json', io(true, {}), 'json', false],
    ['a terminal reporting 0 columns', io(true, {}, 0), 'text', false],
  ];
  test.each(cases)('GIVEN %s THEN a spinner is wanted: see table', (_label, given, format, expected) => {
    expect(decorationsWanted(given, format)).toBe(expected);
  });

  test('GIVEN NO_COLOR or a pipe THEN no ANSI colour; a terminal gets colour', () => {
    expect(styleFor({ isTTY: true }, { NO_COLOR: '1' }).bold('x')).toBe('x');
    expect(styleFor({ isTTY: false }, {}).bold('x')).toBe('x');
    expect(styleFor({ isTTY: true }, {}).bold('x')).toBe('\u001b[1mx\u001b[22m');
  });
});
