// The issue's own test, as a new user would run it: the bundle (`bin`) as a child process, `flowfix plan`
// over every enabled region of an AWS-compatible endpoint (FakeAws over HTTP on 127.0.0.1) listing 24
// regions, each with its default VPC; once against an endpoint that adds the latency to every call and
// once against one that adds nothing, interleaved. (wall with delay − wall without) ÷ latency is how
// many round trips the run waited for one after another, start-up, credentials and client creation
// included (they cost the same in both and cancel out, unless they wait for the network). The
// environment is a new user's, with nothing that turns the SDK's instance-metadata lookups off: keys
// and a region in the environment; or keys in ~/.aws/credentials and a region in ~/.aws/config, which
// the SDK's default credential chain reads.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DEFAULT_SETTINGS, type Settings } from '../src/config/settings.js';
import { sequentialRoundTrips } from '../test/helpers/call-timeline.js';
import { serveFakeAws } from '../test/helpers/fake-aws-http.js';
import { FakeAws } from '../test/helpers/fake-aws.js';
import { median, spawnTimed } from './cli-case.js';
import { countByOperation } from './clients.js';
import { HOME_REGION, seedEstate, summarizeEstate, type EstateSpec, type EstateSummary } from './estate.js';
import { computeFloor, type Floor } from './floor.js';
import { loadBenchPolicyTemplates, repoPath } from './paths.js';

export interface CliRoundTripTask {
  id: string;
  label: string;
  estate: EstateSpec;
  /** Added to every call by the delayed endpoint. */
  latencyMs: number;
  runs: number;
  /** Relative to the repository root: the bundle. */
  entry: string;
}

export interface CliRoundTripResult {
  id: string;
  label: string;
  estate: EstateSummary;
  latencyMs: number;
  runs: number;
  command: string;
  variants: CliRoundTripVariant[];
  floor: Floor;
}

export interface CliRoundTripVariant {
  /** Where the credentials come from. */
  credentials: string;
  withoutDelay: { wallMs: number; wallSamplesMs: number[] };
  withDelay: { wallMs: number; wallSamplesMs: number[] };
  /** (median wall with delay − median wall without) ÷ latency. */
  extraRoundTrips: number;
  /** From the delayed endpoint's call timeline (its last run): the longest chain of calls each sent after the one before was answered. */
  sequentialRoundTrips: number;
  calls: number;
  callsByOperation: Record<string, number>;
}

const KEYS = { id: 'AKIABENCHFAKE', secret: 'bench-fake-secret' };

export async function runCliRoundTripCase(task: CliRoundTripTask): Promise<CliRoundTripResult> {
  const settings: Settings = { ...DEFAULT_SETTINGS, scope: task.estate.scope };
  const templates = loadBenchPolicyTemplates();
  const endpoints = [0, task.latencyMs].map((latencyMs) => {
    const fake = new FakeAws({ regions: task.estate.regions, latencyMs, checkOperatorPolicy: false });
    return { fake, counts: seedEstate(fake, task.estate, settings, templates) };
  });
  const servers = await Promise.all(endpoints.map(({ fake }) => serveFakeAws(fake)));
  const home = mkdtempSync(path.join(tmpdir(), 'flowfix-bench-home-'));
  mkdirSync(path.join(home, '.aws'));
  writeFileSync(path.join(home, '.aws', 'credentials'), `[default]\naws_access_key_id = ${KEYS.id}\naws_secret_access_key = ${KEYS.secret}\n`);
  writeFileSync(path.join(home, '.aws', 'config'), `[default]\nregion = ${HOME_REGION}\n`);
  const base = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' };
  const setups = [
    {
      credentials: 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY and AWS_REGION',
      env: { ...base, HOME: path.join(home, 'empty'), AWS_ACCESS_KEY_ID: KEYS.id, AWS_SECRET_ACCESS_KEY: KEYS.secret, AWS_REGION: HOME_REGION },
    },
    { credentials: '~/.aws/credentials and ~/.aws/config (the default chain)', env: { ...base, HOME: home } },
  ];
  mkdirSync(path.join(home, 'empty'));
  const args = (url: string) => [repoPath(task.entry), 'plan', '--format', 'json', '--endpoint-url', url];
  try {
    const once = async (which: number, env: Record<string, string>) => {
      const { fake } = endpoints[which]!;
      fake.calls.length = 0;
      fake.timeline.length = 0;
      const started = performance.now();
      const run = await spawnTimed(args(servers[which]!.url), env, false);
      // 0: nothing to change; 2: changes planned. Anything else is a failed run, not a speed.
      if (run.code !== 0 && run.code !== 2) throw new Error(`bench: ${task.entry} plan exited ${String(run.code)}: ${run.stderr.slice(0, 500)}`);
      const report = JSON.parse(run.stdout) as { regions?: unknown[] };
      if (report.regions?.length !== task.estate.regions.length) throw new Error('bench: the CLI report lost regions');
      return run.endedAt - started;
    };
    const variants: CliRoundTripVariant[] = [];
    for (const { credentials, env } of setups) {
      const samples = [[] as number[], [] as number[]];
      // One warm-up of each (file cache), not counted.
      await once(0, env);
      await once(1, env);
      for (let run = 0; run < task.runs; run++) for (const which of [0, 1]) samples[which]!.push(await once(which, env));
      const slow = endpoints[1]!.fake;
      const without = median(samples[0]!);
      const withDelay = median(samples[1]!);
      variants.push({
        credentials,
        withoutDelay: { wallMs: round1(without), wallSamplesMs: samples[0]!.map(round1) },
        withDelay: { wallMs: round1(withDelay), wallSamplesMs: samples[1]!.map(round1) },
        extraRoundTrips: round1((withDelay - without) / task.latencyMs),
        sequentialRoundTrips: sequentialRoundTrips(slow.timeline),
        calls: slow.calls.length,
        callsByOperation: countByOperation(slow.calls),
      });
    }
    return {
      id: task.id,
      label: task.label,
      estate: summarizeEstate(task.estate.description, endpoints[1]!.counts, task.estate.scope),
      latencyMs: task.latencyMs,
      runs: task.runs,
      command: `node ${task.entry} plan --format json --endpoint-url URL`,
      variants,
      floor: computeFloor(endpoints[1]!.counts),
    };
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    rmSync(home, { recursive: true, force: true });
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;
