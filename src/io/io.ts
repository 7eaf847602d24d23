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
  /** Whether a person can answer prompts. */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * Spinners only for a person watching a terminal: never in CI, pipes or JSON mode. A terminal that
 * reports zero columns (some pseudo-terminals) is treated as none: ora would loop clearing lines.
 */
export function decorationsWanted(io: Io, format: string): boolean {
  const sized = (io.stderr.columns ?? 0) > 0;
  return format === 'text' && io.stdout.isTTY === true && io.stderr.isTTY === true && sized && !io.env['CI'];
}
