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

/**
 * The cases the issue named (test/workflow/parity.test.ts), as [name, argv, exit code expected of both,
 * options]; parity-flags.test.ts adds one for every flag they leave out.
 */
export const ISSUE_CASES: [string, string[], number, RunOptions?][] = [
  ['plan', ['plan'], 2],
  ['plan --out FILE (issue 17 #1: the file is written)', ['plan', '--out', '{dir}/plan.json'], 2],
  ['plan --out-dir DIR', ['plan', '--out-dir', '{dir}/plans'], 2],
  ['plan --format json', ['plan', '--format', 'json'], 2],
  ['plan --format sarif', ['plan', '--format', 'sarif'], 2],
  ['plan --format csv', ['plan', '--format', 'csv'], 2],
  ['plan --format markdown', ['plan', '--format', 'markdown'], 2],
  ['plan --check-permissions', ['plan', '--check-permissions'], 2],
  ['plan --check-permissions --format json', ['plan', '--check-permissions', '--format', 'json'], 2],
  ['verify (issue 17 #3: with the delivery check)', ['verify'], 2],
  ['verify --format json (with delivery)', ['verify', '--format', 'json'], 2],
  ['verify --format markdown', ['verify', '--format', 'markdown'], 2],
  ['apply --dry-run (issue 17 #4: with the permission preflight)', ['apply', '--dry-run'], 0],
  ['apply --dry-run --format json', ['apply', '--dry-run', '--format', 'json'], 0],
  ['apply --format json without --yes (issue 17 #2: refused)', ['apply', '--format', 'json'], 1],
  ['apply without --yes and without a terminal (refused)', ['apply'], 1],
  ['apply --yes', ['apply', '--yes'], 0],
  ['apply --yes --format json', ['apply', '--yes', '--format', 'json'], 0],
  ['apply --yes --out-dir DIR', ['apply', '--yes', '--out-dir', '{dir}/plans'], 0],
  ['apply FILE --yes (a saved plan)', ['apply', '{dir}/plan.json', '--yes'], 0, { before: ['plan', '--out', '{dir}/plan.json'] }],
  ['apply FILE --dry-run --format json', ['apply', '{dir}/plan.json', '--dry-run', '--format', 'json'], 0, { before: ['plan', '--out', '{dir}/plan.json'] }],
  ['rollback --dry-run after apply', ['rollback', '--dry-run'], 0, { before: ['apply', '--yes'] }],
  ['rollback --yes --format json after apply', ['rollback', '--yes', '--format', 'json'], 0, { before: ['apply', '--yes'] }],
  ['plan, Ctrl-C before the reads (issue 17 #5: 130 both ways)', ['plan'], 130, { interrupted: true }],
  ['verify, Ctrl-C before the reads', ['verify'], 130, { interrupted: true }],
  ['plan --format json, Ctrl-C before the reads', ['plan', '--format', 'json'], 130, { interrupted: true }],
  ['apply --yes, Ctrl-C before the reads', ['apply', '--yes'], 130, { interrupted: true }],
];
