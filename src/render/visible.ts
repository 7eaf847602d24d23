// Text that did not come from flowfix is data, never terminal control. A VPC's Name tag, an AWS error
// message, an account name, an action id in a saved plan: anyone may put an escape sequence (erase the
// screen, conceal what follows, write the clipboard through OSC 52), a newline (a fake table row), a
// bidi override (text that reads backwards) or a GitHub Actions workflow command in them. Every text,
// Markdown and CSV renderer takes its data through `visibleData` once, at its entry (`takesUntrusted`),
// so each such character is shown as an escape (`\x1b`, `\u202e`, `\n`) instead of acting. JSON and
// SARIF keep the exact values: JSON.stringify escapes what a JSON reader needs.

/**
 * C0 (but tab) and C1 controls and DEL (Cc), format controls (Cf: bidi overrides and isolates, zero-width
 * characters, the soft hyphen, language tags) and the Unicode line and paragraph separators.
 */
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
const TAB = '\t';
/**
 * GitHub Actions runs a log line that starts (after spaces) with `::` as a workflow command (`::add-mask::`,
 * `::stop-commands::`), and a legacy `##[command]` anywhere in a line. Neither can be escaped the way a
 * control character is, so their first character is shown as an escape: `\x3a:`, `#\x23[`. A `::`
 * inside a word (an ARN's `arn:aws:iam::1234…`) is left alone: it never starts a line.
 */
const WORKFLOW_COMMAND = /(^|\s)::|##\[/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

function escapeOne(ch: string): string {
  if (ch === TAB) return ch;
  const named = NAMED[ch];
  if (named) return named;
  const cp = ch.codePointAt(0)!;
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  return cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\u{${cp.toString(16)}}`;
}

/** Whether showing `text` as it is could act on a terminal or a CI log. */
export const needsEscape = (text: string): boolean => /[\p{Cc}\p{Cf}\u2028\u2029]|::|##\[/u.test(text);

/** `text` with every control and format character shown as an escape, and workflow-command starts broken. */
export function visible(text: string): string {
  if (!needsEscape(text)) return text;
  return text
    .replace(CONTROL, escapeOne)
    .replace(WORKFLOW_COMMAND, (match, space: string | undefined) => (match === '##[' ? '#\\x23[' : `${space ?? ''}\\x3a:`));
}

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * A copy of `data` with `visible` applied to every string in it (keys too), at any depth: what a
 * renderer for people is handed. Arrays and plain objects are copied; functions (a Style), numbers and
 * other objects are kept as they are. Applying it twice changes nothing more.
 */
export function visibleData<T>(data: T): T {
  if (typeof data === 'string') return visible(data) as T;
  if (typeof data !== 'object' || data === null) return data;
  if (Array.isArray(data)) {
    // A loop, not map over a spread: reports may hold hundreds of thousands of rows.
    const copy = new Array<unknown>(data.length);
    for (let i = 0; i < data.length; i++) copy[i] = visibleData(data[i]);
    return copy as T;
  }
  if (!isPlainObject(data)) return data;
  const copy: Record<string, unknown> = Object.getPrototypeOf(data) === null ? (Object.create(null) as Record<string, unknown>) : {};
  for (const key of Object.keys(data)) {
    const value = visibleData((data as Record<string, unknown>)[key]);
    // A key "__proto__" from outside stays a plain property instead of setting the prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
    else copy[visible(key)] = value;
  }
  return copy as T;
}

const UNTRUSTED_INPUT = Symbol('flowfix.takesUntrusted');

/**
 * Wraps a renderer so everything it is handed passes through `visibleData` first: the one place a
 * renderer's input is made safe to show, whatever field of it came from outside.
 */
export function takesUntrusted<A extends unknown[], R>(render: (...args: A) => R): (...args: A) => R {
  const wrapped = (...args: A): R => render(...(visibleData(args) as A));
  Object.defineProperty(wrapped, UNTRUSTED_INPUT, { value: true });
  Object.defineProperty(wrapped, 'name', { value: render.name });
  return wrapped;
}

/** Whether `fn` is a renderer wrapped by `takesUntrusted` (a test checks every renderer is). */
export const isUntrustedSafe = (fn: unknown): boolean => typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[UNTRUSTED_INPUT] === true;
