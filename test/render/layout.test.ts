import { stripAnsi, table, visibleWidth, wrap } from '../../src/render/layout.js';
import { plainStyle } from '../../src/render/style.js';

describe('layout', () => {
  test('visible width ignores colour codes and counts wide characters twice', () => {
    expect(visibleWidth('\u001b[31mred\u001b[39m')).toBe(3);
    expect(visibleWidth('東京')).toBe(4);
    expect(visibleWidth('e\u0301')).toBe(1);
  });

  test('a table pads by visible width', () => {
    expect(
      table(
        [
          ['東京', 'x'],
          ['ab', 'y'],
        ],
        plainStyle,
        false,
      ),
    ).toBe('東京  x\nab    y');
  });

  test('wrapping a coloured line closes the colour at each line end and reopens it on the next', () => {
    const wrapped = wrap(`\u001b[31m${'word '.repeat(6).trim()}\u001b[39m`, 12, 2);
    expect(wrapped.map(stripAnsi)).toEqual(['word word', '  word word', '  word word']);
    expect(wrapped[0]).toBe('\u001b[31mword word\u001b[0m');
    expect(wrapped[1]).toBe('  \u001b[31mword word\u001b[0m');
    expect(wrapped[2]).toBe('  \u001b[31mword word\u001b[39m');
  });

  test('a word longer than the line is cut', () => {
    expect(wrap('ab abcdefghij', 4)).toEqual(['ab', 'abcd', 'efgh', 'ij']);
  });

  test('colours nested in bold both carry over a line break', () => {
    const wrapped = wrap('\u001b[1m\u001b[3m\u001b[31maa bb\u001b[39m cc\u001b[23m\u001b[22m', 2);
    expect(wrapped).toEqual(['\u001b[1m\u001b[3m\u001b[31maa\u001b[0m', '\u001b[1;3;31mbb\u001b[39m\u001b[0m', '\u001b[1;3mcc\u001b[23m\u001b[22m']);
  });
});

describe('tables of any length', () => {
  test('GIVEN 130,000 rows (a saved plan with that many resources) WHEN laid out, with and without a width THEN no stack overflow, every row shown', () => {
    const rows = [
      ['STATUS', 'REGION', 'RESOURCE', 'DETAIL'],
      ...Array.from({ length: 130_000 }, (_, i) => ['applied', 'us-east-1', `vpc-${String(i).padStart(17, '0')}`, 'created']),
    ];
    for (const width of [undefined, 60]) {
      const lines = table(rows, undefined, true, width).split('\n');
      expect(lines.length).toBeGreaterThanOrEqual(130_001);
      expect(lines[130_000]).toContain('vpc-00000000000129999');
    }
  });
});
