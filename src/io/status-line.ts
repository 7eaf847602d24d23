// The one place that tells a person what flowfix is busy with, always on stderr (stdout stays the
// report). At a terminal: one line, redrawn in place, that other stderr lines are written above.
// Anywhere else (CI, a pipe, a file): plain lines, each said once, never redrawn.
import type { OutputStream } from './io.js';

export interface StatusLine {
  /** What is going on now; at a terminal it replaces the line shown, elsewhere it is printed when it differs from the last line printed. */
  show(text: string): void;
  /** Removes the live line (a terminal); nothing to do elsewhere. */
  clear(): void;
  /** A line of news, kept in the output: at a terminal written above the live line. */
  print(line: string): void;
  /** Whether the line is redrawn in place (a terminal) rather than printed. */
  readonly live: boolean;
}

const CLEAR_LINE = '\r\x1b[2K';

export function createStatusLine(stream: OutputStream, live: boolean): StatusLine {
  let shown = '';
  let printed = '';
  // Cut to the width: a wrapped line could not be cleared with one \r.
  const fit = (text: string) => {
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  };
  if (!live) {
    return {
      live,
      show(text) {
        if (text === printed) return;
        printed = text;
        stream.write(`${text}\n`);
      },
      clear() {},
      print(line) {
        stream.write(`${line}\n`);
      },
    };
  }
  return {
    live,
    show(text) {
      const next = fit(text);
      if (next === shown) return;
      shown = next;
      stream.write(`${CLEAR_LINE}${shown}`);
    },
    clear() {
      if (shown === '') return;
      shown = '';
      stream.write(CLEAR_LINE);
    },
    print(line) {
      stream.write(`${shown ? CLEAR_LINE : ''}${line}\n${shown}`);
    },
  };
}
