// Terminal layout: widths as the terminal shows them (ANSI codes take no room, CJK takes two), tables, wrapping.
import { appendAll, maxOf } from '../util/collections.js';
import { plainStyle, type Style } from './style.js';

/** CSI (colours, cursor) and OSC (links, titles) escape sequences. */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
const ANSI_SPLIT = new RegExp(`(${ANSI.source})`);
const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}\p{Cc}]/u;

export const stripAnsi = (text: string): string => text.replace(ANSI, '');

/** East Asian wide and fullwidth characters and the common emoji blocks take two columns. */
const isWide = (cp: number): boolean =>
  (cp >= 0x1100 && cp <= 0x115f) ||
  (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
  (cp >= 0xac00 && cp <= 0xd7a3) ||
  (cp >= 0xf900 && cp <= 0xfaff) ||
  (cp >= 0xfe30 && cp <= 0xfe6f) ||
  (cp >= 0xff00 && cp <= 0xff60) ||
  (cp >= 0xffe0 && cp <= 0xffe6) ||
  (cp >= 0x1f300 && cp <= 0x1f64f) ||
  (cp >= 0x1f680 && cp <= 0x1f6ff) ||
  (cp >= 0x1f900 && cp <= 0x1f9ff) ||
  (cp >= 0x20000 && cp <= 0x3fffd);

const charWidth = (ch: string): number => (ZERO_WIDTH.test(ch) ? 0 : isWide(ch.codePointAt(0)!) ? 2 : 1);

export function visibleWidth(text: string): number {
  if (/^[ -~]*$/.test(text)) return text.length; // printable ASCII, the usual case
  let width = 0;
  for (const ch of stripAnsi(text)) width += charWidth(ch);
  return width;
}

const padEnd = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - visibleWidth(text)));

export { plural } from '../util/plural.js';

/** Cuts a word wider than the line into pieces of at most `width` columns, escape sequences kept in place. */
function breakWord(word: string, width: number): string[] {
  const pieces = [''];
  let used = 0;
  for (const part of word.split(ANSI_SPLIT)) {
    if (ANSI_SPLIT.test(part)) {
      pieces[pieces.length - 1] += part;
      continue;
    }
    for (const ch of part) {
      const w = charWidth(ch);
      if (used + w > width && used > 0) {
        pieces.push('');
        used = 0;
      }
      pieces[pieces.length - 1] += ch;
      used += w;
    }
  }
  return pieces;
}

/** SGR attribute group a code sets or clears: 1/2/22 intensity, 3/23 italic, 4/24 underline, …, 30–39/90–97 foreground, 40–49/100–107 background. */
const sgrGroup = (n: number): number => (n === 2 || n === 22 ? 1 : n < 30 ? n % 20 : n >= 90 ? (n < 100 ? 30 : 40) : n - (n % 10));

/** The SGR codes still in force after `text`, as one sequence that re-opens them (empty when none). */
function openSgr(text: string, state: Map<number, number>): string {
  for (const [, params] of text.matchAll(/\u001b\[([\d;]*)m/g)) {
    for (const n of (params || '0').split(';').map(Number)) {
      if (n === 0) state.clear();
      else if ((n > 20 && n < 30) || n === 39 || n === 49) state.delete(sgrGroup(n));
      else state.set(sgrGroup(n), n);
      if (n === 38 || n === 48) break; // extended colours: not re-opened exactly, rare enough
    }
  }
  return state.size ? `\u001b[${[...state.values()].join(';')}m` : '';
}

/**
 * Word-wraps `text` to `width` columns; continuation lines are indented by `hang` spaces.
 * Colours that span a break are closed at the end of the line and re-opened on the next,
 * so each line is styled on its own (table cells beside it stay uncoloured).
 * Without a width, or when it fits, the text comes back as it was.
 */
export function wrap(text: string, width?: number, hang = 0): string[] {
  if (!width || width <= 0 || visibleWidth(text) <= width) return [text];
  if (hang * 2 > width) hang = 0;
  const lines: string[] = [];
  let [line, used, fresh] = ['', 0, true];
  // A number stays with the word after it ("3 no-flow-log").
  const words = text.split(' ').reduce<string[]>((ws, w) => {
    if (ws.length && /^\d+$/.test(stripAnsi(ws[ws.length - 1]!))) ws[ws.length - 1] += ` ${w}`;
    else ws.push(w);
    return ws;
  }, []);
  for (const word of words) {
    const w = visibleWidth(word);
    const limit = lines.length ? width - hang : width;
    if (fresh ? w <= limit : used + 1 + w <= limit) {
      [line, used, fresh] = [fresh ? word : `${line} ${word}`, fresh ? w : used + 1 + w, false];
      continue;
    }
    if (!fresh) lines.push(line);
    const pieces = w > width - hang ? breakWord(word, width - hang) : [word];
    appendAll(lines, pieces.slice(0, -1));
    [line, fresh] = [pieces[pieces.length - 1]!, false];
    used = visibleWidth(line);
  }
  lines.push(line);
  const state = new Map<number, number>();
  let reopen = '';
  return lines.map((l, i) => {
    const body = reopen + l;
    reopen = openSgr(l, state);
    return (i > 0 ? ' '.repeat(hang) + breakCommandStart(body) : body) + (reopen ? '\u001b[0m' : '');
  });
}

/**
 * A break inside a long word can put `::` at the start of a line, which GitHub Actions would run as a
 * workflow command; `visible` already breaks every `::` after a space. The first colon is shown escaped.
 */
const breakCommandStart = (line: string): string => line.replace(/^((?:\u001b\[[\d;]*m)*\s*):(?=:)/, '$1\\x3a');

/** `wrap` for one line of text, joined back into a string. */
export const fit = (text: string, width: number | undefined, hang = 2): string => wrap(text, width, hang).join('\n');

/** The width left inside a two-space `indent`. */
export const inner = (width: number | undefined): number | undefined => (width && width > 2 ? width - 2 : undefined);

/** Prefixes every line with two spaces. */
export const indent = (text: string): string =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');

/** Below this many columns the last (free text) column moves onto its own lines under each row. */
const MIN_TEXT = 30;
const STACK_INDENT = 4;

/** Narrows the widest columns until the row fits `avail` (never below a few columns each). */
function shrink(widths: number[], avail: number): number[] {
  const total = (cap: number) => widths.reduce((sum, w) => sum + Math.min(w, cap), 0);
  let cap = maxOf(widths);
  while (cap > 6 && total(cap) > avail) cap--;
  return widths.map((w) => Math.min(w, cap));
}

/**
 * Columns two spaces apart, measured by visible width. With a `width`, a table that would be wider
 * wraps its last column under itself (hanging indent); when that leaves it too narrow (or narrower
 * than its longest word), the last column goes on its own indented lines below each row and the
 * other columns wrap to fit.
 */
export function table(rows: string[][], style: Style = plainStyle, header = true, width?: number): string {
  // maxOf, not Math.max(...): a table may have hundreds of thousands of rows, too many for a spread.
  const natural = rows[0]!.map((_, col) => maxOf(rows.map((r) => visibleWidth(r[col] ?? ''))));
  const gaps = 2 * (natural.length - 1);
  let [widths, stacked] = [natural, false];
  if (width && width > 0 && natural.reduce((a, b) => a + b, 0) + gaps > width) {
    const fixed = natural.slice(0, -1);
    const room = width - gaps - fixed.reduce((a, b) => a + b, 0);
    const longestWord = maxOf(rows.flatMap((r) => (r[fixed.length] ?? '').split(' ').map(visibleWidth)));
    [widths, stacked] = room >= Math.max(MIN_TEXT, longestWord) ? [[...fixed, room], false] : [shrink(fixed, width - gaps + 2), true];
  }
  const shown = stacked ? natural.length - 1 : natural.length;
  const cells = rows.map((row) => row.slice(0, shown).map((cell, col) => wrap(cell, widths[col])));
  const used = widths.map((_, col) => maxOf(cells.map((row) => maxOf((row[col] ?? ['']).map(visibleWidth)))));
  const out: string[] = [];
  cells.forEach((row, i) => {
    const paint = header && i === 0 ? style.bold : (text: string) => text;
    const height = maxOf(row.map((c) => c.length));
    for (let k = 0; k < height; k++) {
      out.push(
        paint(
          row
            .map((c, col) => (col === row.length - 1 ? (c[k] ?? '') : padEnd(c[k] ?? '', used[col]!)))
            .join('  ')
            .trimEnd(),
        ),
      );
    }
    const below = stacked ? rows[i]![shown] : undefined;
    if (below)
      appendAll(
        out,
        wrap(below, width! - STACK_INDENT).map((l) => ' '.repeat(STACK_INDENT) + paint(l)),
      );
  });
  return out.join('\n');
}
