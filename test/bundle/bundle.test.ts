// What users install: `npm pack` of the built package, unpacked into a folder of its own (no
// node_modules anywhere above it) and run as a child process, the way `npx flowfix` or a global install
// runs it. Its answers must equal the sources' (run in-process by the rest of the suite) on the bundled
// example estate, and on FakeAws served over HTTP for plan and apply. Needs `npm run build` first:
// .ci/run builds and sets FLOWFIX_TEST_BUNDLE=1, which makes a missing or stale bundle a failure; a
// plain `npm test` runs these only while dist/bundle is newer than every source file.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import stringWidth from 'string-width';

import type { PlanReport } from '../../src/report/plan-report.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { serveFakeAws, type FakeAwsServer } from '../helpers/fake-aws-http.js';
import { FakeAws } from '../helpers/fake-aws.js';
import { setProcessEnv } from '../helpers/process-env.js';
import { BIN, bundleProblem, describeBundle, REPO } from './bundle-gate.js';

const VERSION = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const ESTATE = path.join(REPO, 'examples/estate');

const run = promisify(execFile);

interface ChildRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Credentials and home region for both the child and the in-process run; an empty HOME, no ~/.aws. */
const AWS_ENV = { AWS_ACCESS_KEY_ID: 'AKIAFAKEBUNDLE', AWS_SECRET_ACCESS_KEY: 'fake', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };

describeBundle('the packed and installed bundle', () => {
  let work: string;
  let installed: string;
  let packedFiles: string[];
  let home: string;

  async function flowfix(argv: string[], extraEnv: Record<string, string> = {}): Promise<ChildRun> {
    const env = { PATH: process.env['PATH'] ?? '', HOME: home, CI: 'true', NO_COLOR: '1', ...extraEnv };
    try {
      const { stdout, stderr } = await run(process.execPath, [installed, ...argv], { env, cwd: work, maxBuffer: 64 * 1024 * 1024 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: unknown; stdout?: string; stderr?: string };
      if (typeof e.code !== 'number') throw err;
      return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  beforeAll(() => {
    const problem = bundleProblem();
    if (problem !== undefined) throw new Error(problem);
    work = mkdtempSync(path.join(tmpdir(), 'flowfix-installed-'));
    home = path.join(work, 'home');
    const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: REPO, encoding: 'utf8' });
    if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    packedFiles = info!.files.map((f) => f.path).sort();
    const untar = spawnSync('tar', ['-xzf', path.join(work, info!.filename), '-C', work]);
    if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr.toString()}`);
    installed = path.join(work, 'package', BIN);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('GIVEN npm pack THEN it holds the bin target and every chunk beside it, the policies, package.json and README, and no sources or tests', () => {
    expect(packedFiles).toContain(BIN);
    expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'README.md']));
    const policies = readdirSync(path.join(REPO, 'policies')).filter((f) => f.endsWith('.json'));
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) expect(packedFiles).toContain(`policies/${policy}`);
    const chunks = readdirSync(path.join(REPO, path.dirname(BIN))).map((f) => `${path.dirname(BIN)}/${f}`);
    expect(packedFiles.filter((f) => f.startsWith(`${path.dirname(BIN)}/`)).sort()).toEqual(chunks.sort());
    expect(packedFiles.filter((f) => /^(src|test|bench|scripts|examples|node_modules|dist\/(?!bundle\/))/.test(f))).toEqual([]);
    expect(readFileSync(installed, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  test('GIVEN --debug WHEN an error is shown THEN its stack trace names the source files and lines (source maps ship beside the chunks)', async () => {
    const { code, stderr } = await flowfix(['plan', '--snapshot', path.join(work, 'no-such-dir'), '--debug']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^\s+at .*\/src\/snapshot\/[\w-]+\.ts:\d+:\d+\)?$/m);
    // Without --debug: one line, no stack.
    const plain = await flowfix(['plan', '--snapshot', path.join(work, 'no-such-dir')]);
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('GIVEN the installed bundle WHEN --version THEN it prints package.json version', async () => {
    const { code, stdout } = await flowfix(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(VERSION);
  });

  test('GIVEN --help and a bad flag THEN the bundle says what the sources say', async () => {
    const help = await flowfix(['plan', '--help']);
    const lines: string[] = [];
    const log = console.log; // yargs prints help with console.log, not through io
    console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
    try {
      await runFlowfix(['plan', '--help']);
    } finally {
      console.log = log;
    }
    expect(help.code).toBe(0);
    expect(help.stdout.trimEnd()).toBe(lines.join('\n').trimEnd());

    const bad = await flowfix(['plan', '--scope', 'everything']);
    const source = await runFlowfix(['plan', '--scope', 'everything']);
    expect(bad.code).toBe(source.code);
    expect(bad.stderr).toBe(source.stderr);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  test.each([['text'], ['json']])('GIVEN the example estate WHEN plan --snapshot --format %s THEN the bundle prints what the sources print', async (format) => {
    const bundled = await flowfix(['plan', '--snapshot', ESTATE, '--format', format]);
    const source = await runFlowfix(['plan', '--snapshot', ESTATE, '--format', format], { env: { CI: 'true', NO_COLOR: '1' } });
    expect(bundled.stderr).toBe(source.stderr);
    expect(bundled.code).toBe(2);
    expect(bundled.code).toBe(source.code);
    expect(normalise(bundled.stdout)).toBe(normalise(source.stdout));
  });

  describe('against FakeAws over HTTP', () => {
    let fake: FakeAws;
    let server: FakeAwsServer;
    let restoreEnv: () => void = () => {};
    beforeEach(async () => {
      fake = new FakeAws();
      const bare = fake.addVpc('us-east-1', { name: 'bare' });
      fake.addSubnet('us-east-1', bare);
      const ok = fake.addVpc('us-east-1', { name: 'ok' });
      fake.addFlowLog('us-east-1', { resourceId: ok, trafficType: 'ALL', destinationType: 's3', destination: 'arn:aws:s3:::logs' });
      const acceptOnly = fake.addVpc('eu-west-1', { name: 'accept-only' });
      fake.addFlowLog('eu-west-1', { resourceId: acceptOnly, trafficType: 'ACCEPT', logGroupName: '/other' });
      server = await serveFakeAws(fake);
      // The in-process run's SDK reads credentials from process.env, as the child's does from its own.
      restoreEnv = setProcessEnv(AWS_ENV);
    });
    afterEach(async () => {
      await server.close();
      restoreEnv();
    });

    test('GIVEN a live estate WHEN plan --format json THEN the bundle sends the calls the sources send and prints the same report', async () => {
      const argv = ['plan', '--format', 'json', '--endpoint-url', server.url];
      const bundled = await flowfix(argv, AWS_ENV);
      const bundleCalls = fake.calls
        .splice(0)
        .map((c) => `${c.region} ${c.service}:${c.operation}`)
        .sort();
      const source = await runFlowfix(argv, { env: { CI: 'true', ...AWS_ENV } });
      const sourceCalls = fake.calls
        .splice(0)
        .map((c) => `${c.region} ${c.service}:${c.operation}`)
        .sort();

      // An endpoint typed as a flag is not repeated (test/cli/redirect-notice.test.ts); nothing is said on stderr.
      expect(bundled.stderr).toBe('');
      expect(bundled.code).toBe(2);
      expect(bundleCalls).toEqual(sourceCalls);
      expect(normalise(bundled.stdout)).toBe(normalise(source.stdout));
      // The delivery role is missing: its trust policy comes from policies/, found from the bundle's folder.
      const report = JSON.parse(bundled.stdout) as PlanReport;
      const trust = JSON.parse(readFileSync(path.join(REPO, 'policies/delivery-role-trust.json'), 'utf8')) as { Statement: unknown[] };
      const createRole = report.plan.actions.find((a) => a.kind === 'create-role');
      const document = JSON.parse(String((createRole?.input as { AssumeRolePolicyDocument?: string } | undefined)?.AssumeRolePolicyDocument)) as {
        Statement: unknown[];
      };
      expect(document.Statement).toHaveLength(trust.Statement.length);
    });

    test('GIVEN findings WHEN the bundle applies with --yes THEN the account converges and the next plan exits 0', async () => {
      const applied = await flowfix(['apply', '--yes', '--endpoint-url', server.url], AWS_ENV);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      // Delivering needs evidence at the destination (see README "Verification"): right after creation, no error yet.
      expect(applied.stdout).toMatch(
        /Verification: 0\/2 delivering \(log stream or object seen since creation\), 2 with no network interfaces: nothing to log yet/,
      );
      expect(fake.role('flowfix-vpc-flow-logs')?.tags).toEqual({ ManagedBy: 'flowfix' });

      const again = await flowfix(['plan', '--endpoint-url', server.url], AWS_ENV);
      expect(again.code).toBe(0);
    });
  });

  test('GIVEN --help and a JSON plan WHEN run THEN neither loads a chunk holding the SDK or inquirer', async () => {
    const meta = JSON.parse(readFileSync(path.join(REPO, 'dist/bundle-meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const heavy = Object.entries(meta.outputs)
      .filter(([, o]) => Object.keys(o.inputs).some((input) => /node_modules\/(@aws-sdk|@smithy|inquirer|@inquirer)\//.test(input)))
      .map(([file]) => path.basename(file));
    expect(heavy.length).toBeGreaterThan(0);
    const hook = `data:text/javascript,${encodeURIComponent(
      "import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(\"export async function load(url, context, next) { if (url.startsWith('file:')) process.stderr.write('loaded ' + url + '\\\\n'); return next(url, context); }\"));",
    )}`;
    for (const argv of [['--help'], ['plan', '--snapshot', ESTATE, '--format', 'json']]) {
      const child = spawnSync(process.execPath, ['--import', hook, installed, ...argv], {
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '', HOME: home },
      });
      const loaded = [...child.stderr.matchAll(/^loaded (.*)$/gm)].map((m) => path.basename(m[1]!));
      expect(loaded).toContain(path.basename(BIN));
      expect(loaded.filter((file) => heavy.includes(file))).toEqual([]);
    }
  });
});

describe('the ASCII-first string-width the bundle uses', () => {
  test('GIVEN ASCII, ANSI, wide and emoji text THEN it answers what string-width answers', async () => {
    const { build } = await import('esbuild');
    const shim = path.join(REPO, 'scripts/string-width-ascii-first.mjs');
    const samples = ['', 'plan', 'a b\tc', '\u001b[31mred\u001b[39m', '古池や', 'naïve', '👩‍👩‍👧', 'é'];
    const out = await build({
      stdin: { contents: `import w from ${JSON.stringify(shim)}; console.log(JSON.stringify(${JSON.stringify(samples)}.map((s) => w(s))));`, resolveDir: REPO },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    });
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', out.outputFiles[0]!.text], { encoding: 'utf8', cwd: REPO });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual(samples.map((s) => stringWidth(s)));
  });
});

/** Run-specific fields: when the report or plan was made, and the ids derived from that time. */
function normalise(stdout: string): string {
  return stdout.replace(/"(generatedAt|createdAt)": "[^"]*"/g, '"$1": "<time>"').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
}
