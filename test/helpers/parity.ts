// Runs a command on a fresh fake estate and captures everything it did, so two runs (one account alone,
// and --accounts with that account) can be compared (test/workflow/parity*.test.ts).
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { CommandDeps } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/run.js';
import { captureIo } from './capture-io.js';
import { FakeAws } from './fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };

/** Two regions: a VPC without flow logs in each, and a compliant one (so verify has a destination to look at). */
function seedEstate(fake: FakeAws): void {
  fake.addVpc('us-east-1', { name: 'bare' });
  fake.addVpc('eu-west-1', { name: 'eu-bare' });
  const ok = fake.addVpc('us-east-1', { name: 'ok' });
  fake.addLogGroup('us-east-1', '/team/flow-logs', { retentionInDays: 400 });
  fake.addFlowLog('us-east-1', { resourceId: ok, trafficType: 'ALL', logGroupName: '/team/flow-logs' });
}

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  files: Record<string, string>;
  calls: string[];
}

/** What differs between two identical runs by nature: the time, how long calls took and the temporary directory. */
const stable = (text: string, dir: string) =>
  text
    .split(dir)
    .join('DIR')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'TIME')
    .replace(/\b\d+ ms\b/g, 'N ms');

/** --debug's lines, one per call, come in the order the calls finish. */
const debugLinesSorted = (text: string) => {
  const lines = text.split('\n');
  const debug = lines.filter((line) => line.startsWith('debug: ')).sort();
  return [...lines.filter((line) => !line.startsWith('debug: ')), ...debug].join('\n');
};

export interface RunOptions {
  /** Run first on the same fake (e.g. saving a plan). */
  before?: string[];
  /** Ctrl-C came before the command started reading. */
  interrupted?: boolean;
  /** Written into the directory first ({dir}/NAME), e.g. a settings file. */
  files?: Record<string, string>;
  /** Beside the estate: what the case needs of AWS (a KMS key, the operator's opt-in policies). */
  seed?: (fake: FakeAws) => void;
  /** Beside the environment every run has ({dir} is the directory). */
  env?: Record<string, string>;
  /** e.g. apply --wait's timings, so the run does not depend on how fast the machine is. */
  deps?: Omit<CommandDeps, 'signal'>;
}

/** `argv` on a fresh estate, `{dir}` being a fresh directory. */
export async function runOnce(
  argv: string[],
  { before, interrupted = false, files: given = {}, seed, env: extra = {}, deps = {} }: RunOptions,
): Promise<Outcome> {
  const fake = new FakeAws({ pageSize: 2 }).install();
  const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-parity-'));
  const withDir = (args: string[]) => args.map((a) => a.replace('{dir}', dir));
  try {
    seedEstate(fake);
    seed?.(fake);
    const env = { ...ENV, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v.replace('{dir}', dir)])) };
    for (const [name, text] of Object.entries(given)) await writeFile(path.join(dir, name), text);
    if (before) expect([0, 2]).toContain(await runCli(withDir(before), captureIo({ env })));
    fake.calls.length = 0;
    const io = captureIo({ env });
    const controller = new AbortController();
    if (interrupted) controller.abort();
    const code = await runCli(withDir(argv), io, { ...deps, signal: controller.signal });
    const files: Record<string, string> = {};
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile())
        files[path.relative(dir, path.join(entry.parentPath, entry.name))] = stable(await readFile(path.join(entry.parentPath, entry.name), 'utf8'), dir);
    }
    return {
      code,
      stdout: stable(io.out.join(''), dir),
      stderr: debugLinesSorted(stable(io.err.join(''), dir)),
      files,
      calls: fake.calls.map((c) => `${c.account} ${c.region} ${c.service}:${c.operation}`).sort(),
    };
  } finally {
    fake.restore();
    await rm(dir, { recursive: true, force: true });
  }
}
