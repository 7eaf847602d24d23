// The whole CLI as users run it: `node <entry> plan --format json --endpoint-url …` in a fresh process,
// against FakeAws served over HTTP on 127.0.0.1 (test/helpers/fake-aws-http.ts) that answers every call
// after the case's latency. What the in-process read cases leave out is here: starting Node, loading
// flowfix and the SDK, the credential chain, HTTP, JSON output and exit. Each entry (the tsc build, the
// bundle) and a bare `node -e 0` run interleaved, so drift in machine load hits all alike.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DEFAULT_SETTINGS, type Settings } from '../src/config/settings.js';
import { serveFakeAws } from '../test/helpers/fake-aws-http.js';
import { FakeAws } from '../test/helpers/fake-aws.js';
import { countByOperation } from './clients.js';
import type { CpuSummary } from './cpu-profile.js';
import { HOME_REGION, seedEstate, summarizeEstate, type EstateSpec, type EstateSummary } from './estate.js';
import { computeFloor, type Floor } from './floor.js';
import { loadBenchPolicyTemplates, REPO_ROOT, repoPath } from './paths.js';

export interface CliEntry {
  /** What it is: 'tsc build', 'bundle'. */
  name: string;
  /** Relative to the repository root. */
  path: string;
}

export interface CliCaseTask {
  id: string;
  label: string;
  estate: EstateSpec;
  latencyMs: number;
  runs: number;
  entries: CliEntry[];
  /** Also write a CPU profile (`node --cpu-prof`) of one run per entry into this folder. */
  cpuProfileDir?: string;
}

export interface CliVariantResult {
  name: string;
  command: string;
  wallMs: number;
  wallSamplesMs: number[];
  /** From spawning the process to the first request the fake received (start-up, settings, credentials). */
  firstCallMs: number;
  firstCallSamplesMs: number[];
  /** wallMs minus the median of `node -e 0`. */
  overBareNodeMs: number;
  calls: number;
  callsByOperation: Record<string, number>;
  /** From one more run with a preload that reports process.resourceUsage() at exit. */
  maxRssMb: number;
  cpuMs: number;
  /** Relative to the repository root (under the git-ignored bench-results/tmp/). */
  cpuProfile?: string;
  /** Filled in by run.ts from cpuProfile. */
  cpuSummary?: CpuSummary;
}

export interface CliCaseResult {
  id: string;
  label: string;
  estate: EstateSummary;
  latencyMs: number;
  runs: number;
  bareNodeMs: number;
  bareNodeSamplesMs: number[];
  floor: Floor & { wallMs: number };
  variants: CliVariantResult[];
}

const FAKE_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIABENCHFAKE', AWS_SECRET_ACCESS_KEY: 'bench-fake-secret' };

/** Reports the child's own peak RSS and CPU time on fd 3 as it exits; loaded with --import, measuring runs only. */
const USAGE_PRELOAD =
  'data:text/javascript,' +
  encodeURIComponent(
    "import { writeSync } from 'node:fs'; process.on('exit', () => { const u = process.resourceUsage(); " +
      'writeSync(3, JSON.stringify({ maxRssKb: u.maxRSS, cpuUs: u.userCPUTime + u.systemCPUTime })); });',
  );

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export async function runCliCase(task: CliCaseTask): Promise<CliCaseResult> {
  const settings: Settings = { ...DEFAULT_SETTINGS, scope: task.estate.scope };
  const fake = new FakeAws({ regions: task.estate.regions, latencyMs: task.latencyMs, checkOperatorPolicy: false });
  const counts = seedEstate(fake, task.estate, settings, loadBenchPolicyTemplates());
  const server = await serveFakeAws(fake);
  // An empty HOME: no ~/.aws files of whoever runs the bench, and the same credential chain every run.
  const home = mkdtempSync(path.join(tmpdir(), 'flowfix-bench-home-'));
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    ...FAKE_CREDENTIALS,
    AWS_REGION: HOME_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
  };
  const argv = ['plan', '--format', 'json', '--scope', task.estate.scope, '--endpoint-url', server.url];

  const once = async (args: string[], extra: { usage?: boolean; checkOutput?: boolean } = {}) => {
    fake.calls.length = 0;
    server.firstRequestAt = undefined;
    const started = performance.now();
    const run = await spawnTimed(args, env, extra.usage ?? false);
    const wallMs = run.endedAt - started;
    const firstCallMs = server.firstRequestAt === undefined ? NaN : server.firstRequestAt - started;
    if (extra.checkOutput) {
      // Exit 2: changes are planned, as the estate is built to need them.
      if (run.code !== 2) throw new Error(`bench: node ${args.join(' ')} exited ${String(run.code)}: ${run.stderr.slice(0, 500)}`);
      const report = JSON.parse(run.stdout) as { regions?: unknown[] };
      if (report.regions?.length !== counts.regions.length) throw new Error('bench: the CLI report lost regions');
    }
    return { wallMs, firstCallMs, usage: run.usage, calls: [...fake.calls] };
  };

  try {
    const bare: number[] = [];
    const samples = task.entries.map(() => ({ wall: [] as number[], first: [] as number[] }));
    const calls = task.entries.map(() => [] as typeof fake.calls);
    const timeFirst = async (entryIndex: number, args: string[]) => {
      const result = await once(args, { checkOutput: true });
      samples[entryIndex]!.wall.push(result.wallMs);
      samples[entryIndex]!.first.push(result.firstCallMs);
      calls[entryIndex] = result.calls;
    };
    // One warm-up of each (file cache), not counted.
    await once(['-e', '0']);
    for (const [i, entry] of task.entries.entries()) await timeFirst(i, [repoPath(entry.path), ...argv]);
    for (const s of samples) {
      s.wall.length = 0;
      s.first.length = 0;
    }
    for (let run = 0; run < task.runs; run++) {
      bare.push((await once(['-e', '0'])).wallMs);
      for (const [i, entry] of task.entries.entries()) await timeFirst(i, [repoPath(entry.path), ...argv]);
    }

    const bareNodeMs = median(bare);
    const variants: CliVariantResult[] = [];
    for (const [i, entry] of task.entries.entries()) {
      const measured = await once(['--import', USAGE_PRELOAD, repoPath(entry.path), ...argv], { usage: true, checkOutput: true });
      let cpuProfile: string | undefined;
      if (task.cpuProfileDir) {
        const name = `${task.id}-${entry.name.replace(/\W+/g, '-')}.cpuprofile`;
        await once(['--cpu-prof', `--cpu-prof-dir=${task.cpuProfileDir}`, `--cpu-prof-name=${name}`, repoPath(entry.path), ...argv], { checkOutput: true });
        cpuProfile = path.relative(REPO_ROOT, path.join(task.cpuProfileDir, name));
      }
      const wallMs = median(samples[i]!.wall);
      variants.push({
        name: entry.name,
        command: `node ${entry.path} ${argv.slice(0, -1).join(' ')} URL`,
        wallMs: round1(wallMs),
        wallSamplesMs: samples[i]!.wall.map(round1),
        firstCallMs: round1(median(samples[i]!.first)),
        firstCallSamplesMs: samples[i]!.first.map(round1),
        overBareNodeMs: round1(wallMs - bareNodeMs),
        calls: calls[i]!.length,
        callsByOperation: countByOperation(calls[i]!),
        maxRssMb: round1((measured.usage?.maxRssKb ?? NaN) / 1024),
        cpuMs: round1((measured.usage?.cpuUs ?? NaN) / 1000),
        ...(cpuProfile ? { cpuProfile } : {}),
      });
    }
    const floor = computeFloor(counts);
    return {
      id: task.id,
      label: task.label,
      estate: summarizeEstate(task.estate.description, counts, task.estate.scope),
      latencyMs: task.latencyMs,
      runs: task.runs,
      bareNodeMs: round1(bareNodeMs),
      bareNodeSamplesMs: bare.map(round1),
      floor: { ...floor, wallMs: floor.roundTrips * task.latencyMs },
      variants,
    };
  } finally {
    await server.close();
    rmSync(home, { recursive: true, force: true });
  }
}

interface TimedRun {
  code: number | null;
  endedAt: number;
  stdout: string;
  stderr: string;
  usage: { maxRssKb: number; cpuUs: number } | undefined;
}

export function spawnTimed(args: string[], env: Record<string, string>, usage: boolean): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe', usage ? 'pipe' : 'ignore'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const fd3: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    (child.stdio[3] as NodeJS.ReadableStream | null)?.on('data', (b: Buffer) => fd3.push(b));
    let endedAt = 0;
    child.on('exit', () => {
      endedAt = performance.now();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const text = Buffer.concat(fd3).toString('utf8');
      resolve({
        code,
        endedAt,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        usage: text ? (JSON.parse(text) as { maxRssKb: number; cpuUs: number }) : undefined,
      });
    });
  });
}

const round1 = (n: number) => Math.round(n * 10) / 10;
