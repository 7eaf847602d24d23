// Start-up cost: `flowfix --help` and `--version` of the tsc build and of the bundle (what `bin` runs)
// against a bare `node -e 0`, each run in a fresh process, interleaved so drift in machine load hits all
// alike.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { BUNDLE_ENTRY, repoPath } from './paths.js';

export interface StartupCommand {
  command: string;
  runsMs: number[];
  medianMs: number;
  /** Median minus the median of `node -e 0`. */
  overheadMs: number | null;
  /** Median ÷ the median of `node -e 0`. */
  ratio: number | null;
}

export interface StartupResult {
  runs: number;
  skipped?: string;
  commands: StartupCommand[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round1 = (n: number) => Math.round(n * 10) / 10;

export const STARTUP_ENTRIES = ['dist/cli/main.js', BUNDLE_ENTRY];

export function measureStartup(runs: number): StartupResult {
  const missing = STARTUP_ENTRIES.filter((entry) => !existsSync(repoPath(entry)));
  if (missing.length > 0) {
    return { runs, skipped: `${missing.join(', ')} missing: run \`npm run build\` first`, commands: [] };
  }
  const variants: { command: string; args: string[] }[] = [
    { command: 'node -e 0', args: ['-e', '0'] },
    ...STARTUP_ENTRIES.flatMap((entry) => [
      { command: `node ${entry} --help`, args: [repoPath(entry), '--help'] },
      { command: `node ${entry} --version`, args: [repoPath(entry), '--version'] },
    ]),
  ];
  const timings = variants.map(() => [] as number[]);
  const once = (args: string[]) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { stdio: 'pipe', env: { ...process.env, NO_COLOR: '1' } });
    const elapsed = performance.now() - started;
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${String(result.status)}: ${result.stderr.toString()}`);
    return elapsed;
  };
  for (const v of variants) once(v.args); // warm the file cache; not counted
  for (let run = 0; run < runs; run++) variants.forEach((v, i) => timings[i]!.push(once(v.args)));

  const nodeMedian = median(timings[0]!);
  return {
    runs,
    commands: variants.map((v, i) => {
      const m = median(timings[i]!);
      return {
        command: v.command,
        runsMs: timings[i]!.map(round1),
        medianMs: round1(m),
        overheadMs: i === 0 ? null : round1(m - nodeMedian),
        ratio: i === 0 ? null : Math.round((m / nodeMedian) * 100) / 100,
      };
    }),
  };
}
