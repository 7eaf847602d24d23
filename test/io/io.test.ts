import { liveStatusWanted, type Io } from '../../src/io/io.js';
import { listPageSize, withScrollNote } from '../../src/io/prompter.js';
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

describe('lists that scroll say so', () => {
  test.each([
    [undefined, 7],
    [24, 16],
    [10, 7],
    [80, 20],
  ])('GIVEN a terminal of %s rows THEN a list shows %s choices at once', (rows, size) => {
    expect(listPageSize(rows)).toBe(size);
  });

  test('GIVEN more choices than fit THEN the question says how many are shown of how many', () => {
    expect(withScrollNote('Step 4/5: which resources should get a flow log?', 14, 7)).toBe(
      'Step 4/5: which resources should get a flow log? (7 of 14 shown; ↑↓ scrolls)',
    );
    expect(withScrollNote('Scope', 2, 7)).toBe('Scope');
    expect(withScrollNote('Scope', 7, 7)).toBe('Scope');
  });
});
