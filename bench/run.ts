// `npm run bench`: measures flowfix's read path and apply against simulated estates, the seed procedure
// on the same estates, and start-up; writes bench-results/latest.json and latest.md. Not a test: a MISS
// only fails the process with --strict.
//
//   node dist-bench/bench/run.js [--latency-ms 40] [--repeats 3] [--baseline-cap 200] [--startup-runs 5]
//                                [--cli-latency-ms 10] [--cli-runs 5] [--cpu-prof]
//                                [--only read-default,read-24-regions,read-large,apply-default,apply-large,org,cli-account,cli-large,cli-24-regions,startup]
//                                [--out bench-results] [--strict]
// Experiments belong in --out bench-results/tmp (git-ignored); bench-results/latest.* are the quoted ones.
//
// Each case runs in a child process of its own, so its memory figures are not mixed with another's. The
// CLI cases (cli-case.ts) run the tsc build and the bundle as users do, against FakeAws over HTTP; with
// --cpu-prof one more run of each is profiled (node --cpu-prof) and summarised.

import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { runApplyCase, type ApplyCaseResult, type ApplyCaseTask } from './apply-case.js';
import { runCliCase, type CliCaseResult, type CliEntry } from './cli-case.js';
import { runCliRoundTripCase, type CliRoundTripResult } from './cli-round-trips.js';
import { summarizeCpuProfile } from './cpu-profile.js';
import { ACCOUNT_ESTATE, DEFAULT_ESTATE, LARGE_ESTATE, REGIONS_24_ESTATE } from './estate.js';
import { runOrgCase, type OrgCaseResult, type OrgCaseTask } from './org-case.js';
import { BUNDLE_ENTRY, linkPoliciesIntoBenchBuild, REPO_ROOT } from './paths.js';
import { runReadCase, type ReadCaseResult, type ReadCaseTask } from './read-case.js';
import { renderMarkdown, type BenchResults } from './render.js';
import { measureStartup } from './startup.js';
import { checkApplyCase, checkCliCase, checkCliRoundTrips, checkOrgCase, checkReadCase, checkStartup, type TargetCheck } from './targets.js';

type Task = ReadCaseTask | ApplyCaseTask | OrgCaseTask;
type TaskResult = ReadCaseResult | ApplyCaseResult | OrgCaseResult;

interface CaseEntry {
  task: Task;
  /** What-if runs: reported, never counted by --strict. */
  informational: boolean;
  rssLimit: boolean;
  /** Also run the case with 0 ms latency to show how much of the wall time is CPU. */
  cpuOnlyProbe?: boolean;
  /** Also run it once at this latency (ms), where CPU time hardly counts, to count flowfix's sequential round trips. */
  roundTripProbeMs?: number;
}

const ROLE_RETRY_WINDOW_MS = 1_000;
const ORG_LATENCY_MS = 200;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'latency-ms': { type: 'string', default: '40' },
      'baseline-cap': { type: 'string', default: '200' },
      repeats: { type: 'string', default: '3' },
      'startup-runs': { type: 'string', default: '5' },
      'cli-latency-ms': { type: 'string', default: '10' },
      'cli-runs': { type: 'string', default: '5' },
      'cpu-prof': { type: 'boolean', default: false },
      only: { type: 'string' },
      strict: { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench-results' },
      child: { type: 'string' },
    },
  });
  linkPoliciesIntoBenchBuild();
  if (values.child !== undefined) return runChild(JSON.parse(values.child) as Task);

  const latencyMs = nonNegativeInt(values['latency-ms'], '--latency-ms');
  const baselineCap = nonNegativeInt(values['baseline-cap'], '--baseline-cap');
  const startupRuns = nonNegativeInt(values['startup-runs'], '--startup-runs');
  const repeats = Math.max(1, nonNegativeInt(values.repeats, '--repeats'));
  const cliLatencyMs = nonNegativeInt(values['cli-latency-ms'], '--cli-latency-ms');
  const cliRuns = Math.max(1, nonNegativeInt(values['cli-runs'], '--cli-runs'));
  const only = values.only?.split(',').map((id) => id.trim());
  const strict = values.strict;
  const started = performance.now();

  const entries: CaseEntry[] = [
    {
      task: { kind: 'read', id: 'read-default', label: 'default', estate: DEFAULT_ESTATE, latencyMs, baselineCap },
      informational: false,
      rssLimit: false,
      cpuOnlyProbe: true,
      roundTripProbeMs: 400,
    },
    // A far endpoint and a new user's 24 regions: round trips, not calls, are the cost.
    {
      task: { kind: 'read', id: 'read-24-regions', label: '24 regions', estate: REGIONS_24_ESTATE, latencyMs, baselineCap: 0 },
      informational: false,
      rssLimit: false,
      roundTripProbeMs: 200,
    },
    {
      task: { kind: 'read', id: 'read-large', label: 'large (20,000 subnets)', estate: LARGE_ESTATE, latencyMs, baselineCap },
      informational: false,
      rssLimit: true,
      cpuOnlyProbe: true,
    },
    {
      task: { kind: 'apply', id: 'apply-default', label: 'default', estate: DEFAULT_ESTATE, latencyMs, roleRetryWindowMs: ROLE_RETRY_WINDOW_MS },
      informational: false,
      rssLimit: false,
    },
    {
      task: { kind: 'apply', id: 'apply-large', label: 'large (20,000 subnets)', estate: LARGE_ESTATE, latencyMs, roleRetryWindowMs: ROLE_RETRY_WINDOW_MS },
      informational: false,
      rssLimit: false,
    },
    // At 200 ms a call, with AWS's request-rate buckets per account, region and operation in the fake.
    {
      task: { kind: 'org', id: 'org', label: 'organization, 100 accounts × 17 regions', accounts: 100, latencyMs: ORG_LATENCY_MS },
      informational: false,
      rssLimit: false,
    },
  ];
  const cliEntries: CliEntry[] = [
    { name: 'tsc build', path: 'dist/cli/main.js' },
    { name: 'bundle', path: BUNDLE_ENTRY },
  ];
  const cliCases = [
    { id: 'cli-account', label: 'account', estate: ACCOUNT_ESTATE },
    { id: 'cli-large', label: 'large (20,000 subnets)', estate: LARGE_ESTATE },
  ];
  // The issue's own test: the bundle over 24 regions, with and without 400 ms added to every call.
  const cliRoundTripCase = {
    id: 'cli-24-regions',
    label: '24 regions, each with its default VPC',
    estate: REGIONS_24_ESTATE,
    latencyMs: 400,
    entry: BUNDLE_ENTRY,
  };
  const known = [...entries.map((e) => e.task.id), ...cliCases.map((c) => c.id), cliRoundTripCase.id, 'startup'];
  const unknown = only?.filter((id) => !known.includes(id)) ?? [];
  if (unknown.length > 0) throw new Error(`--only: unknown case ${unknown.join(', ')} (known: ${known.join(', ')})`);
  const selected = entries.filter((e) => !only || only.includes(e.task.id));
  const loadAtStart = loadavg()[0]!;

  const read: ReadCaseResult[] = [];
  const apply: ApplyCaseResult[] = [];
  const org: OrgCaseResult[] = [];
  const targets: TargetCheck[] = [];
  for (const entry of selected) {
    process.stderr.write(`bench: ${entry.task.id} …`);
    const caseStarted = performance.now();
    const result = entry.task.kind === 'read' ? await repeatedReadCase(entry.task, repeats, entry) : await inChild(entry.task);
    process.stderr.write(` ${Math.round(performance.now() - caseStarted)} ms\n`);
    if (result.kind === 'read') {
      read.push(result);
      targets.push(...checkReadCase(result, entry));
    } else if (result.kind === 'org') {
      org.push(result);
      targets.push(...checkOrgCase(result));
    } else {
      apply.push(result);
      targets.push(...checkApplyCase(result, entry));
    }
  }

  const outDir = path.resolve(REPO_ROOT, values.out) + path.sep;
  const cli: CliCaseResult[] = [];
  for (const c of cliCases.filter((c) => !only || only.includes(c.id))) {
    process.stderr.write(`bench: ${c.id} …`);
    const caseStarted = performance.now();
    const cpuProfileDir = values['cpu-prof'] ? path.join(REPO_ROOT, 'bench-results', 'tmp', 'cpu-profiles') : undefined;
    if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
    const result = await runCliCase({ ...c, latencyMs: cliLatencyMs, runs: cliRuns, entries: cliEntries, ...(cpuProfileDir ? { cpuProfileDir } : {}) });
    for (const v of result.variants) if (v.cpuProfile) v.cpuSummary = summarizeCpuProfile(path.join(REPO_ROOT, v.cpuProfile));
    cli.push(result);
    targets.push(...checkCliCase(result, BUNDLE_ENTRY));
    process.stderr.write(` ${Math.round(performance.now() - caseStarted)} ms\n`);
  }

  const cliRoundTrips: CliRoundTripResult[] = [];
  if (!only || only.includes(cliRoundTripCase.id)) {
    process.stderr.write(`bench: ${cliRoundTripCase.id} …`);
    const caseStarted = performance.now();
    const result = await runCliRoundTripCase({ ...cliRoundTripCase, runs: cliRuns });
    cliRoundTrips.push(result);
    targets.push(...checkCliRoundTrips(result));
    process.stderr.write(` ${Math.round(performance.now() - caseStarted)} ms\n`);
  }

  let startup = null;
  if (!only || only.includes('startup')) {
    process.stderr.write('bench: startup …');
    startup = startupRuns > 0 ? measureStartup(startupRuns) : null;
    if (startup) targets.push(...checkStartup(startup, BUNDLE_ENTRY));
    process.stderr.write(' done\n');
  }

  const cpu = cpus();
  const results: BenchResults = {
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    environment: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      totalMemMb: Math.round(totalmem() / 1024 / 1024),
      // Other work on the machine shows up in wall times; this says how busy it was.
      loadAverage1m: { atStart: round2(loadAtStart), atEnd: round2(loadavg()[0]!) },
    },
    options: { latencyMs, baselineCap, repeats, startupRuns, cliLatencyMs, cliRuns, strict },
    read,
    apply,
    org,
    cli,
    cliRoundTrips,
    startup,
    targets,
    totalMs: Math.round(performance.now() - started),
  };

  mkdirSync(outDir, { recursive: true });
  const markdown = renderMarkdown(results);
  writeFileSync(`${outDir}latest.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${outDir}latest.md`, markdown);
  const shown = path.relative(REPO_ROOT, outDir) || '.';
  process.stdout.write(`${markdown}\nWrote ${shown}/latest.json and ${shown}/latest.md\n`);

  const misses = targets.filter((t) => !t.pass && !t.informational);
  if (misses.length > 0) process.stderr.write(`bench: ${misses.length} target(s) missed${strict ? '' : ' (not failing: run with --strict to fail)'}\n`);
  return strict && misses.length > 0 ? 1 : 0;
}

/**
 * A read case `repeats` times, each in a fresh process (a real run is one cold process; this machine's
 * load varies), reported as the run with the median wall time. The seed procedure runs only in the
 * first; memory figures are the highest of all runs. With cpuOnlyProbe, the same again at 0 ms latency.
 */
async function repeatedReadCase(task: ReadCaseTask, repeats: number, probes: Pick<CaseEntry, 'cpuOnlyProbe' | 'roundTripProbeMs'>): Promise<ReadCaseResult> {
  const runs: ReadCaseResult[] = [];
  for (let i = 0; i < repeats; i++) runs.push(asRead(await inChild(i === 0 ? task : { ...task, baselineCap: 0 })));
  const samples = runs.map((r) => r.flowfix.wallMs);
  const result = { ...medianRun(runs) };
  result.baseline = runs[0]!.baseline;
  result.flowfix = {
    ...result.flowfix,
    wallSamplesMs: samples,
    memory: {
      ...result.flowfix.memory,
      peakSampledRssMb: Math.max(...runs.map((r) => r.flowfix.memory.peakSampledRssMb)),
      maxRssMb: Math.max(...runs.map((r) => r.flowfix.memory.maxRssMb)),
    },
  };
  if (probes.cpuOnlyProbe && task.latencyMs > 0) {
    const cpuRuns: ReadCaseResult[] = [];
    for (let i = 0; i < repeats; i++) cpuRuns.push(asRead(await inChild({ ...task, latencyMs: 0, baselineCap: 0 })));
    result.cpuOnly = { wallMs: medianRun(cpuRuns).flowfix.wallMs, wallSamplesMs: cpuRuns.map((r) => r.flowfix.wallMs) };
  }
  if (probes.roundTripProbeMs) {
    const latencyMs = probes.roundTripProbeMs;
    const slow = asRead(await inChild({ ...task, latencyMs, baselineCap: 0, followUps: true }));
    result.roundTrips = {
      latencyMs,
      wallMs: slow.flowfix.wallMs,
      observed: Math.round((slow.flowfix.wallMs / latencyMs) * 10) / 10,
      sequential: slow.flowfix.sequentialRoundTrips,
      followUps: slow.followUps,
    };
  }
  return result;
}

function medianRun(runs: ReadCaseResult[]): ReadCaseResult {
  const sorted = [...runs].sort((a, b) => a.flowfix.wallMs - b.flowfix.wallMs);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function asRead(result: TaskResult): ReadCaseResult {
  if (result.kind !== 'read') throw new Error('bench: expected a read result');
  return result;
}

/** Runs one case in a fresh Node process (this file with --child) and returns what it reports. */
function inChild(task: Task): Promise<TaskResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--child', JSON.stringify(task)], {
      execArgv: ['--expose-gc'],
      // The SDK warns on Node < 22 once per process; that is noise here (flowfix supports Node 20).
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: TaskResult | undefined;
    let error: string | undefined;
    child.on('message', (message: { result?: TaskResult; error?: string }) => {
      result = message.result;
      error = message.error;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`bench case ${task.id} failed (exit ${String(code)}): ${error ?? 'no result'}`));
    });
  });
}

async function runChild(task: Task): Promise<number> {
  try {
    const result = task.kind === 'read' ? await runReadCase(task) : task.kind === 'org' ? await runOrgCase(task) : await runApplyCase(task);
    await new Promise<void>((resolve) => process.send!({ result }, () => resolve()));
    return 0;
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    await new Promise<void>((resolve) => process.send!({ error }, () => resolve()));
    return 1;
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function nonNegativeInt(text: string | undefined, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} must be a whole number ≥ 0, got ${String(text)}`);
  return value;
}

process.exitCode = await main().catch((err: unknown) => {
  // A child's failure message already carries its stack; the runner's own errors are usage errors.
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  return 2;
});
