import { readdirSync } from 'node:fs';
import path from 'node:path';

import { isUntrustedSafe, visible, visibleData } from '../../src/render/visible.js';

describe('visible: control characters shown, never acted on', () => {
  test.each([
    ['erase line, cursor up, conceal', 'a\u001b[2K\u001b[1A\u001b[8mb', 'a\\x1b[2K\\x1b[1A\\x1b[8mb'],
    ['OSC 52 clipboard write ended by BEL', '\u001b]52;c;ZXZpbA==\u0007', '\\x1b]52;c;ZXZpbA==\\x07'],
    ['C1: 8-bit CSI and NEL, DEL', '\u009b31m\u0085\u007f', '\\x9b31m\\x85\\x7f'],
    ['bidi override and isolate, zero-width space, BOM', '\u202eabc\u2066\u200b\ufeff', '\\u202eabc\\u2066\\u200b\\ufeff'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['language tag above the BMP', 'a\u{e0001}', 'a\\u{e0001}'],
    ['CR and LF as \\r and \\n', 'one\r\ntwo', 'one\\r\\ntwo'],
    ['a workflow command after a line break', 'x\n::add-mask::y', 'x\\n::add-mask::y'],
    ['a workflow command at the start or after a space', '::error::a b ::warning::c', '\\x3a:error::a b \\x3a:warning::c'],
    ['a legacy ##[command] anywhere', 'x ##[error]y', 'x #\\x23[error]y'],
  ])('%s', (_, raw, shown) => {
    expect(visible(raw)).toBe(shown);
    expect(visible(shown)).toBe(shown); // idempotent: nothing left to escape
  });

  test.each([
    ['a tab stays', 'a\tb'],
    ['an ARN keeps its ::', 'arn:aws:iam::123456789012:role/x'],
    ['CJK, emoji and accents stay', '東京 🚀 café'],
    ['backslashes stay as typed', 'C:\\x1b'],
  ])('%s', (_, text) => expect(visible(text)).toBe(text));

  test('GIVEN nested data THEN every string (keys too) is shown, numbers, booleans and functions kept, a __proto__ key stays a plain key', () => {
    const fn = () => 'x';
    const data = JSON.parse('{"__proto__": {"polluted": "\\u001b"}, "rows": [["a\\nb", 1, true, null]], "k\\u202e": "v"}') as Record<string, unknown>;
    const shown = visibleData({ ...data, fn }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(shown)).toBe(Object.prototype);
    expect(Object.keys(shown)).toEqual(['__proto__', 'rows', 'k\\u202e', 'fn']);
    expect(Object.getOwnPropertyDescriptor(shown, '__proto__')!.value).toEqual({ polluted: '\\x1b' });
    expect(shown['rows']).toEqual([['a\\nb', 1, true, null]]);
    expect(shown['fn']).toBe(fn);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  test('GIVEN 130,000 rows THEN visibleData copies them without a spread (no stack overflow)', () => {
    const rows = Array.from({ length: 130_000 }, (_, i) => ({ name: i % 2 ? 'x\u001b' : 'y' }));
    const shown = visibleData(rows);
    expect(shown).toHaveLength(130_000);
    expect(shown[1]!.name).toBe('x\\x1b');
  });
});

/** Exports of the renderers that take no text from outside (counts, sizes, sentences of flowfix's own), or escape each value themselves. */
const TAKES_NO_OUTSIDE_TEXT = new Set([
  'text.ts:planCountsSentence',
  'text.ts:countPlannedActions',
  'apply.ts:countByStatus',
  'rollback.ts:formatBytes',
  'layout.ts:*',
  'style.ts:*',
  'visible.ts:*',
  'markdown.ts:mdText', // escapes through visible itself
  'markdown.ts:mdCode', // escapes through visible itself
  'csv.ts:csvCell', // escapes through visible itself
  'sarif.ts:*', // SARIF is JSON: exact values
]);

describe('every renderer for people takes its input through visibleData', () => {
  const dir = path.join(process.cwd(), 'src', 'render');
  test.each(readdirSync(dir).filter((f) => f.endsWith('.ts')))('%s', async (file) => {
    const module = (await import(path.join(dir, file))) as Record<string, unknown>;
    const unwrapped = Object.entries(module)
      .filter(([name, value]) => typeof value === 'function' && !TAKES_NO_OUTSIDE_TEXT.has(`${file}:${name}`) && !TAKES_NO_OUTSIDE_TEXT.has(`${file}:*`))
      .filter(([, value]) => !isUntrustedSafe(value))
      .map(([name]) => name);
    expect(unwrapped).toEqual([]);
  });
});
