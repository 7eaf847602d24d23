// Everything the commands say or ask goes through here, so the core never touches the console and
// tests run commands in-process with captured output.

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Whether a person can answer prompts: questions are read from stdin and asked on stderr. */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: canAsk(process.stdin, process.stderr),
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * A person can be asked when stdin and stderr are a terminal, whatever stdout is: `flowfix apply | tee
 * apply.log` still asks, on stderr, while the report goes to the pipe.
 */
export function canAsk(stdin: { isTTY?: boolean }, stderr: { isTTY?: boolean }): boolean {
  return stdin.isTTY === true && stderr.isTTY === true;
}

/**
 * A live status line (redrawn in place) only for a person watching stderr at a terminal, whatever
 * stdout is (a pipe, a file, JSON): never in CI. A terminal that reports zero columns (some
 * pseudo-terminals) is treated as none: a line that cannot be measured cannot be redrawn.
 */
export function liveStatusWanted(io: Pick<Io, 'stderr' | 'env'>): boolean {
  return io.stderr.isTTY === true && (io.stderr.columns ?? 0) > 0 && !io.env['CI'];
}
