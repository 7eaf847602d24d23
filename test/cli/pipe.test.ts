// The real process, its output piped to a reader that stops early (`flowfix plan --format json | head -1`):
// it ends quietly, with the exit code the command would have had, and no EPIPE stack trace.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { buildCli, type BuiltCli } from '../helpers/build-cli.js';

let cli: BuiltCli;
beforeAll(async () => {
  cli = await buildCli();
});
afterAll(async () => {
  await cli?.remove();
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Runs the CLI with stdout (and, with `closeStderr`, stderr) a pipe whose reader is gone before flowfix
 * writes: the reading end is closed as soon as the process starts, as `head` does once it has its line.
 * (With `| head -1` itself the race depends on pipe buffer sizes; closing first makes it certain.)
 */
function runWithClosedReader(argv: string[], { closeStderr = false } = {}): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli.main, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
    child.stdout.destroy();
    if (closeStderr) child.stderr.destroy();
    let stderr = '';
    if (!closeStderr) child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('output piped to a reader that stops early', () => {
  test.each([
    ['plan --format json', ['plan', '--snapshot', 'examples/estate', '--format', 'json']],
    ['plan (text)', ['plan', '--snapshot', 'examples/estate']],
    ['verify (text)', ['verify', '--snapshot', 'examples/estate']],
  ])('GIVEN flowfix %s | head -1 THEN no stack trace and the exit code the command would have had (2: findings)', async (_label, argv) => {
    const ended = await runWithClosedReader(argv);
    expect(ended.stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(ended.stderr).toBe('');
    expect(ended.signal).toBeNull();
    expect(ended.code).toBe(2);
  });

  test('GIVEN stdout and stderr both closed (2>&1 | head) WHEN plan --out THEN the plan is still saved and exit is 2', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-pipe-'));
    try {
      const out = path.join(dir, 'plan.json');
      const ended = await runWithClosedReader(['plan', '--snapshot', 'examples/estate', '--out', out], { closeStderr: true });
      expect(ended.code).toBe(2);
      expect(JSON.parse(await readFile(out, 'utf8')).schemaVersion).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
