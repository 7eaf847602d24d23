// Everything the commands say or ask goes through here, so the core never touches the console and
// tests run commands in-process with captured output.

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
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

/** Spinners and colour only for a person watching a terminal: never in CI, pipes or JSON mode. */
export function decorationsWanted(io: Io, format: 'text' | 'json'): boolean {
  return format === 'text' && io.stdout.isTTY === true && io.stderr.isTTY === true && !io.env['CI'];
}
