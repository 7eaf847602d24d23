// Run the CLI in-process with captured output, as a test would see a terminal or a pipe.
import { runCli } from '../../src/cli/run.js';
import type { Io } from '../../src/io/io.js';
import { registerCapturedOutput } from './documents.js';

export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function captureIo(overrides: Partial<Io> = {}): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  registerCapturedOutput({ stdout: out });
  return {
    stdout: { write: (t: string) => out.push(t), isTTY: false },
    stderr: { write: (t: string) => err.push(t), isTTY: false },
    interactive: false,
    env: { CI: 'true' },
    cwd: process.cwd(),
    out,
    err,
    ...overrides,
  };
}

export async function runFlowfix(argv: string[], overrides: Partial<Io> = {}): Promise<CapturedRun> {
  const io = captureIo(overrides);
  const code = await runCli(argv, io);
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}
