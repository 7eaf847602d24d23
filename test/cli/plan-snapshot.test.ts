import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { PlanReport } from '../../src/report/plan-report.js';
import { runFlowfix } from '../helpers/capture-io.js';

const ESTATE = 'examples/estate';
const COMPLIANT = 'examples/compliant';

describe('flowfix plan --snapshot', () => {
  test('GIVEN the example estate WHEN planning as text THEN the summary, findings and plan are shown and exit is 2', async () => {
    const { code, stdout, stderr } = await runFlowfix(['plan', '--snapshot', ESTATE]);

    expect(stderr).toBe('');
    expect(code).toBe(2);
    expect(stdout).toContain('account 123456789012');
    expect(stdout).toMatch(/REGION\s+VPCS\s+SUBNETS\s+COMPLIANT/);
    for (const kind of ['no-flow-log', 'accept-only', 'delivery-failed', 'subnet-level-only', 'shared-vpc', 'short-retention']) {
      expect(stdout).toContain(kind);
    }
    expect(stdout).toMatch(/Plan \(\d+ actions?\)/);
    expect(stdout).not.toContain('\u001b['); // no colour when stdout is not a terminal
  });

  test('GIVEN the example estate WHEN planning as JSON THEN stdout is one versioned document with findings, plan and errors', async () => {
    const { code, stdout } = await runFlowfix(['plan', '--snapshot', ESTATE, '--format', 'json']);

    const report = JSON.parse(stdout) as PlanReport;
    expect(code).toBe(2);
    expect(report.schema).toBe('flowfix.plan-report/v1');
    expect(report.accountId).toBe('123456789012');
    expect(report.regions.map((r) => r.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(report.findings.length).toBeGreaterThan(5);
    expect(report.plan.schemaVersion).toBe(1);
    expect(report.errors).toEqual([]);
  });

  test('GIVEN a compliant estate THEN the plan is empty and exit is 0', async () => {
    const { code, stdout } = await runFlowfix(['plan', '--snapshot', COMPLIANT, '--format', 'json']);
    const report = JSON.parse(stdout) as PlanReport;
    expect(report.plan.actions).toEqual([]);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });

  test('GIVEN --scope subnet THEN findings are per subnet', async () => {
    const { stdout } = await runFlowfix(['plan', '--snapshot', ESTATE, '--scope', 'subnet', '--format', 'json']);
    const report = JSON.parse(stdout) as PlanReport;
    expect(report.findings.some((f) => f.resourceType === 'Subnet')).toBe(true);
    expect(report.coverage.every((c) => c.resourceType === 'Subnet')).toBe(true);
  });

  test('GIVEN --out WHEN planning THEN the plan is saved as JSON and stdout stays pure', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-'));
    const out = path.join(dir, 'plan.json');
    const { stdout, stderr } = await runFlowfix(['plan', '--snapshot', ESTATE, '--format', 'json', '--out', out]);
    const saved = JSON.parse(await readFile(out, 'utf8'));
    expect(saved).toEqual((JSON.parse(stdout) as PlanReport).plan);
    expect(stderr).toContain(`Plan saved to ${out}`);
  });

  test('GIVEN a config file THEN its settings apply and flags win over it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-'));
    const config = path.join(dir, 'flowfix.config.json');
    await writeFile(config, JSON.stringify({ scope: 'subnet', trafficType: 'ALL' }));
    const { stdout } = await runFlowfix(['plan', '--snapshot', ESTATE, '--format', 'json', '--config', config, '--traffic-type', 'REJECT']);
    const report = JSON.parse(stdout) as PlanReport;
    expect(report.settings).toMatchObject({ scope: 'subnet', trafficType: 'REJECT' });
  });
});

describe('flowfix bad input', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown scope', ['--scope', 'account'], /--scope: Invalid option: expected one of "vpc"\|"subnet"/],
    ['a bad traffic type', ['--traffic-type', 'ACCEPT'], /--traffic-type/],
    ['a retention CloudWatch does not accept', ['--retention', '42'], /--retention: must be one of 1, 3, 5/],
    ['a log group under aws/', ['--log-group', 'aws/flowlogs'], /--log-group: must not start with "aws\/"/],
    ['a malformed region', ['--regions', 'us-east-1,mars'], /--regions\[1\]: is not a region name/],
    ['an unknown flag', ['--bogus'], /unknown option --bogus/],
    ['a missing snapshot dir', ['--snapshot', 'no/such/dir'], /no\/such\/dir/],
    ['a bad S3 destination', ['--destination', 's3://AB'], /--destination: must be "cloud-watch-logs" or s3:\/\//],
    ['retention below the minimum', ['--retention', '30'], /--retention 30 is shorter than --min-retention 365/],
  ];

  test.each(cases)('GIVEN %s THEN one line on stderr, exit 1, no stack trace', async (_label, flags, message) => {
    const { code, stdout, stderr } = await runFlowfix(['plan', '--snapshot', ESTATE, ...flags]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  test('GIVEN several bad values THEN every problem is reported at once, each on its own line under one summary line', async () => {
    const { code, stderr } = await runFlowfix(['plan', '--snapshot', ESTATE, '--scope', 'x', '--retention', '2', '--concurrency', '0']);
    expect(code).toBe(1);
    const [summary, ...problems] = stderr.trimEnd().split('\n');
    expect(summary).toBe('flowfix: invalid settings: 3 problems (fix each one listed below; flowfix --help lists every option)');
    expect(problems).toEqual([expect.stringMatching(/^  --scope: /), expect.stringMatching(/^  --retention: /), expect.stringMatching(/^  --concurrency: /)]);
  });

  test('GIVEN a config file with an unknown key and a wrong type THEN both are named with their path', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-'));
    const config = path.join(dir, 'c.json');
    await writeFile(config, JSON.stringify({ scop: 'vpc', regions: ['us-east-1', 7] }));
    const { code, stderr } = await runFlowfix(['plan', '--snapshot', ESTATE, '--config', config]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${config}: regions[1]`);
    expect(stderr).toContain('unknown key "scop"');
  });

  test('GIVEN malformed JSON in the config file THEN it says so', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-'));
    const config = path.join(dir, 'c.json');
    await writeFile(config, '{"scope": ');
    const { code, stderr } = await runFlowfix(['plan', '--snapshot', ESTATE, '--config', config]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/is not valid JSON/);
  });

  test('GIVEN --debug THEN the stack trace is shown', async () => {
    const { stderr } = await runFlowfix(['plan', '--snapshot', 'no/such/dir', '--debug']);
    expect(stderr).toMatch(/\n\s+at /);
  });

  test('GIVEN no command THEN a one-line usage error', async () => {
    const { code, stderr } = await runFlowfix([]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/Name a command/);
  });
});

describe('--snapshot is offline and read-only', () => {
  test.each([['apply'], ['guided']])('GIVEN flowfix %s --snapshot THEN it is an unknown option, exit 1', async (command) => {
    const { code, stderr } = await runFlowfix([command, '--snapshot', ESTATE]);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`--snapshot is not an option of flowfix ${command} \\(it is one of flowfix plan and flowfix verify\\)`));
  });
});
