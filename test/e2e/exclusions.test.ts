// Exclusions end to end, over the stateful fake: each flag and the settings-file form leaves its
// resources alone (never planned, never created, listed with the reason in text and JSON), expired and
// unmatched exclusions are warnings, and saved plans are rebuilt with the exclusions they were made with.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { runFlowfix } from '../helpers/capture-io.js';
import { FakeAws } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
let dir: string;
/** Runs in `dir`, where no flowfix.config.json is unless a test writes one. */
const run = (argv: string[]) => runFlowfix(argv, { env: ENV, cwd: dir });
const json = async (argv: string[]) => {
  const result = await run([...argv, '--format', 'json']);
  return { ...result, report: JSON.parse(result.stdout) };
};

const LEGACY = 'vpc-0a1b2c3d4e5f60001';
const TAGGED = 'vpc-0a1b2c3d4e5f60002';
const BARE = 'vpc-0a1b2c3d4e5f60003';
const DEFAULT = 'vpc-0a1b2c3d4e5f60004';
const EU = 'vpc-0a1b2c3d4e5f60005';
const SHARED = 'vpc-0a1b2c3d4e5f60006';
const LEGACY_SUBNET = 'subnet-0a1b2c3d4e5f60011';
const BARE_SUBNET = 'subnet-0a1b2c3d4e5f60012';
const TYPO = 'vpc-0a1b2c3d4e5f6000f';

/** us-east-1: legacy (one subnet), tagged flowfix=skip, bare (one subnet), the default VPC, a shared VPC; eu-west-1: one bare VPC. None has a flow log. */
function seed(fake: FakeAws): void {
  fake.addVpc('us-east-1', { vpcId: LEGACY, name: 'legacy' });
  fake.addSubnet('us-east-1', LEGACY, { subnetId: LEGACY_SUBNET });
  fake.addVpc('us-east-1', { vpcId: TAGGED, name: 'network-team', tags: { flowfix: 'skip', Owner: 'net' } });
  fake.addVpc('us-east-1', { vpcId: BARE, name: 'bare' });
  fake.addSubnet('us-east-1', BARE, { subnetId: BARE_SUBNET });
  fake.addVpc('us-east-1', { vpcId: DEFAULT, isDefault: true });
  fake.addVpc('us-east-1', { vpcId: SHARED, ownerId: '999999999999' });
  fake.addVpc('eu-west-1', { vpcId: EU, name: 'eu' });
}

let fake: FakeAws;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flowfix-exclusions-'));
  fake = new FakeAws({ pageSize: 2 }).install();
  seed(fake);
});
afterEach(async () => {
  fake.restore();
  await rm(dir, { recursive: true, force: true });
});

/** Resource ids flowfix asked CreateFlowLogs for (DryRun probes left out). */
const flowLogsCreatedFor = () =>
  fake.calls
    .filter((c) => c.operation === 'CreateFlowLogs' && c.input.DryRun !== true)
    .flatMap((c) => c.input.ResourceIds as string[])
    .sort();
const plannedIds = (report: any): string[] =>
  report.plan.actions
    .filter((a: any) => a.kind === 'create-flow-logs')
    .flatMap((a: any) => a.input.ResourceIds)
    .sort();
const excludedIds = (report: any): string[] => report.excluded.map((e: any) => e.resourceId).sort();

async function writeConfig(config: object): Promise<string> {
  const file = path.join(dir, 'settings.json');
  await writeFile(file, JSON.stringify(config));
  return file;
}

describe('--exclude', () => {
  test('GIVEN --exclude with a VPC id WHEN plan THEN it is listed as excluded with the flag as reason, and not planned', async () => {
    const { report, code } = await json(['plan', '--exclude', LEGACY]);
    expect(code).toBe(2);
    expect(report.excluded).toEqual([
      {
        region: 'us-east-1',
        resourceType: 'VPC',
        resourceId: LEGACY,
        vpcId: LEGACY,
        name: 'legacy',
        finding: 'no-flow-log',
        by: 'id',
        reason: 'given with --exclude',
      },
    ]);
    expect(report.findings.find((f: any) => f.resourceId === LEGACY).excluded).toEqual({ by: 'id', reason: 'given with --exclude' });
    expect(plannedIds(report)).toEqual([BARE, DEFAULT, EU, TAGGED].sort());
    expect(report.regions.map((r: any) => [r.region, r.excluded])).toEqual([
      ['eu-west-1', 0],
      ['us-east-1', 1],
    ]);
    expect(report.plan.settings.exclude).toEqual([{ id: LEGACY, reason: 'given with --exclude' }]);
  });

  test('GIVEN --exclude of every VPC that needs a flow log WHEN apply --yes THEN nothing is created, and plan then exits 0 listing them as excluded', async () => {
    const all = ['--exclude', `${LEGACY},${TAGGED},${BARE}`, '--exclude', `${DEFAULT},${EU}`];
    const applied = await run(['apply', '--yes', ...all]);
    expect(applied.code).toBe(0);
    expect(fake.mutatingCalls()).toEqual([]);
    const after = await run(['plan', ...all]);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('Excluded (5): left alone on purpose, never planned');
  });

  test('GIVEN --exclude WHEN apply --yes THEN the excluded VPC gets no flow log and the rest converge', async () => {
    const applied = await run(['apply', '--yes', '--exclude', LEGACY]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(flowLogsCreatedFor()).toEqual([BARE, DEFAULT, EU, TAGGED].sort());
    expect(fake.flowLogs('us-east-1').map((f) => f.ResourceId)).not.toContain(LEGACY);
    expect((await run(['plan', '--exclude', LEGACY])).code).toBe(0);
    expect((await run(['verify', '--exclude', LEGACY])).code).toBe(0);
    expect((await run(['plan'])).code).toBe(2); // without the exclusion it is a finding again
  });

  test('GIVEN --scope subnet and --exclude of a VPC THEN its subnet is excluded through it, and a subnet can be excluded alone', async () => {
    const { report } = await json(['plan', '--scope', 'subnet', '--exclude', LEGACY, '--exclude', BARE_SUBNET, '--regions', 'us-east-1']);
    expect(report.excluded).toEqual([
      expect.objectContaining({ resourceId: LEGACY_SUBNET, resourceType: 'Subnet', by: 'id', reason: 'given with --exclude', throughVpc: LEGACY }),
      expect.objectContaining({ resourceId: BARE_SUBNET, resourceType: 'Subnet', by: 'id', reason: 'given with --exclude' }),
    ]);
    expect(plannedIds(report)).toEqual([]);
    const text = await run(['plan', '--scope', 'subnet', '--exclude', LEGACY, '--regions', 'us-east-1']);
    expect(text.stdout).toMatch(new RegExp(`${LEGACY_SUBNET} +no-flow-log +its VPC ${LEGACY} is excluded by id: given with --exclude`));
  });

  test('GIVEN --exclude of an id that matches nothing WHEN plan THEN a warning in text and JSON, and the exit code is unchanged', async () => {
    const text = await run(['plan', '--exclude', TYPO]);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain(
      `Warnings (1)\n  exclusion ${TYPO} (given with --exclude) matches no VPC or subnet in the regions read (eu-west-1, us-east-1): check it for a typo`,
    );
    const { report } = await json(['plan', '--exclude', TYPO]);
    expect(report.warnings).toEqual([
      { code: 'exclusion-unmatched', message: expect.stringContaining(`exclusion ${TYPO} (given with --exclude) matches no VPC or subnet`) },
    ]);
    expect(report.excluded).toEqual([]);
  });

  test('GIVEN --exclude of only a subnet with scope vpc THEN a warning says it has no effect', async () => {
    const { report } = await json(['plan', '--exclude', LEGACY_SUBNET]);
    expect(report.warnings).toEqual([{ code: 'exclusion-no-effect', message: expect.stringContaining('with --scope vpc flowfix plans flow logs per VPC') }]);
    expect(plannedIds(report)).toContain(LEGACY);
  });

  test('GIVEN an unmatched exclusion WHEN apply --format json --yes THEN the warning goes to stderr and stdout stays one JSON document', async () => {
    const applied = await run(['apply', '--yes', '--format', 'json', '--exclude', TYPO, '--regions', 'eu-west-1']);
    expect(applied.stderr).toBe(
      `flowfix: warning: exclusion ${TYPO} (given with --exclude) matches no VPC or subnet in the regions read (eu-west-1): check it for a typo\n`,
    );
    expect(JSON.parse(applied.stdout).schema).toBe('flowfix.apply-report/v1');
  });
});

describe('--exclude-tag', () => {
  test.each([['flowfix=skip'], ['flowfix'], ['Owner=net']])('GIVEN --exclude-tag %s THEN the tagged VPC is excluded by tag', async (tag) => {
    const { report } = await json(['plan', '--exclude-tag', tag]);
    expect(report.excluded).toEqual([expect.objectContaining({ resourceId: TAGGED, by: 'tag', tag, reason: 'given with --exclude-tag' })]);
    expect(plannedIds(report)).not.toContain(TAGGED);
  });

  test('GIVEN --exclude-tag with a value no VPC has THEN nothing is excluded and a warning names the tag', async () => {
    const { report } = await json(['plan', '--exclude-tag', 'flowfix=keep']);
    expect(report.excluded).toEqual([]);
    expect(report.warnings).toEqual([
      expect.objectContaining({ code: 'exclusion-unmatched', message: expect.stringContaining('exclusion tag flowfix=keep (given with --exclude-tag)') }),
    ]);
    expect(plannedIds(report)).toContain(TAGGED);
  });

  test('GIVEN --exclude-tag WHEN apply --yes THEN the tagged VPC gets no flow log', async () => {
    expect((await run(['apply', '--yes', '--exclude-tag', 'flowfix=skip'])).code).toBe(0);
    expect(flowLogsCreatedFor()).toEqual([BARE, DEFAULT, EU, LEGACY].sort());
  });
});

describe('--skip-default-vpcs', () => {
  test('GIVEN --skip-default-vpcs WHEN plan THEN the default VPC is listed as a default VPC, not planned', async () => {
    const { report } = await json(['plan', '--skip-default-vpcs']);
    expect(report.excluded).toEqual([expect.objectContaining({ resourceId: DEFAULT, by: 'default-vpc', reason: 'default VPC (--skip-default-vpcs)' })]);
    expect(report.plan.settings.skipDefaultVpcs).toBe(true);
    const text = await run(['plan', '--skip-default-vpcs']);
    expect(text.stdout).toMatch(new RegExp(`${DEFAULT} +no-flow-log +default VPC \\(--skip-default-vpcs\\)`));
  });

  test('GIVEN --skip-default-vpcs WHEN apply --yes THEN the default VPC gets no flow log', async () => {
    expect((await run(['apply', '--yes', '--skip-default-vpcs'])).code).toBe(0);
    expect(flowLogsCreatedFor()).toEqual([BARE, EU, LEGACY, TAGGED].sort());
  });
});

describe('exclude in the settings file', () => {
  const config = {
    exclude: [
      { id: LEGACY, reason: 'retired in Q3 (CHG-1234)', expires: '2099-09-30' },
      { tag: 'flowfix=skip', reason: 'the network team logs it' },
      { id: SHARED, reason: 'shared by the network account, which logs it' },
    ],
    skipDefaultVpcs: true,
  };

  test('GIVEN exclusions with reasons and expiry in the file WHEN plan THEN each is listed with its reason, in text and JSON', async () => {
    const file = await writeConfig(config);
    const { report } = await json(['plan', '--config', file]);
    expect(excludedIds(report)).toEqual([DEFAULT, LEGACY, SHARED, TAGGED].sort());
    expect(report.excluded.find((e: any) => e.resourceId === LEGACY)).toMatchObject({ by: 'id', reason: 'retired in Q3 (CHG-1234)', expires: '2099-09-30' });
    expect(report.excluded.find((e: any) => e.resourceId === SHARED)).toMatchObject({
      finding: 'shared-vpc',
      reason: 'shared by the network account, which logs it',
    });
    expect(plannedIds(report)).toEqual([BARE, EU]);
    const text = await run(['plan', '--config', file]);
    expect(text.stdout).toMatch(new RegExp(`${LEGACY} \\(legacy\\) +no-flow-log +excluded by id: retired in Q3 \\(CHG-1234\\) \\(until 2099-09-30\\)`));
    expect(text.stdout).toMatch(new RegExp(`${TAGGED} \\(network-team\\) +no-flow-log +excluded by tag flowfix=skip: the network team logs it`));
    expect(text.stdout).toMatch(/^us-east-1 +5 +2 +0\/1 +4 +1$/m);
  });

  test('GIVEN flowfix.config.json in the working directory WHEN apply --yes THEN the excluded VPCs get no flow log', async () => {
    await writeFile(path.join(dir, 'flowfix.config.json'), JSON.stringify(config));
    const applied = await run(['apply', '--yes']);
    expect(applied.code).toBe(0);
    expect(flowLogsCreatedFor()).toEqual([BARE, EU]);
    expect((await run(['plan'])).code).toBe(0);
  });

  test('GIVEN an exclusion that expired WHEN plan THEN it no longer excludes and a warning says so, in text and JSON', async () => {
    const file = await writeConfig({ exclude: [{ id: LEGACY, reason: 'retired in Q3', expires: '2020-09-30' }] });
    const { report } = await json(['plan', '--config', file]);
    expect(report.excluded).toEqual([]);
    expect(plannedIds(report)).toContain(LEGACY);
    expect(report.warnings).toEqual([
      {
        code: 'exclusion-expired',
        message: `exclusion ${LEGACY} (retired in Q3) expired on 2020-09-30 and no longer excludes anything: extend "expires" or remove it`,
      },
    ]);
    expect((await run(['plan', '--config', file])).stdout).toContain(`Warnings (1)\n  exclusion ${LEGACY} (retired in Q3) expired on 2020-09-30`);
  });

  test('GIVEN only a shared VPC, acknowledged in the file THEN plan and verify exit 0 and list it as excluded, not as a finding', async () => {
    const only = new FakeAws({ regions: ['us-east-1'] });
    fake.restore();
    fake = only.install();
    fake.addVpc('us-east-1', { vpcId: SHARED, ownerId: '999999999999' });
    const file = await writeConfig({ exclude: [{ id: SHARED, reason: 'the network account logs it' }] });
    const plan = await run(['plan', '--config', file]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/^Findings \(0\)$/m);
    expect(plan.stdout).toMatch(new RegExp(`${SHARED} +shared-vpc +excluded by id: the network account logs it`));
    expect((await run(['verify', '--config', file])).code).toBe(0);
  });
});

describe('saved plans keep their exclusions', () => {
  test('GIVEN a plan saved with --exclude WHEN applied later with no flags THEN the excluded VPC is still left alone', async () => {
    const file = path.join(dir, 'plan.json');
    expect((await run(['plan', '--exclude', LEGACY, '--exclude-tag', 'flowfix=skip', '--skip-default-vpcs', '--out', file])).code).toBe(2);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved.settings).toMatchObject({
      exclude: [
        { id: LEGACY, reason: 'given with --exclude' },
        { tag: 'flowfix=skip', reason: 'given with --exclude-tag' },
      ],
      skipDefaultVpcs: true,
    });
    const applied = await run(['apply', file, '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(flowLogsCreatedFor()).toEqual([BARE, EU]);
  });

  test('GIVEN a plan saved without exclusions and a settings file that has some now WHEN applied THEN the plan is rebuilt with its own (none)', async () => {
    const file = path.join(dir, 'plan.json');
    await run(['plan', '--regions', 'us-east-1', '--out', file]);
    await writeFile(path.join(dir, 'flowfix.config.json'), JSON.stringify({ exclude: [{ id: LEGACY, reason: 'decided after the review' }] }));
    const applied = await run(['apply', file, '--yes']);
    expect(applied.code).toBe(0);
    expect(flowLogsCreatedFor()).toContain(LEGACY);
  });

  test('GIVEN a saved plan edited to add an excluded VPC to CreateFlowLogs WHEN applied THEN it is refused, naming the exclusion, before any write', async () => {
    const file = path.join(dir, 'plan.json');
    await run(['plan', '--regions', 'us-east-1', '--exclude', LEGACY, '--out', file]);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    saved.actions.find((a: any) => a.kind === 'create-flow-logs').input.ResourceIds.push(LEGACY);
    await writeFile(file, JSON.stringify(saved));
    const applied = await run(['apply', file, '--yes']);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toMatch(new RegExp(`create-flow-logs-us-east-1: ${LEGACY} is excluded \\(excluded by id: given with --exclude\\)`));
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN a saved plan edited to drop an exclusion reason WHEN applied THEN it is refused as invalid settings, before any write', async () => {
    const file = path.join(dir, 'plan.json');
    await run(['plan', '--exclude', LEGACY, '--out', file]);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    delete saved.settings.exclude[0].reason;
    await writeFile(file, JSON.stringify(saved));
    const applied = await run(['apply', file, '--yes']);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toMatch(new RegExp(`${path.basename(file)} settings: exclude\\[0\\]\\.reason: is required`));
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test.each([
    ['--exclude of a VPC the plan does not exclude', ['--exclude', BARE], '--exclude differs'],
    ['--exclude-tag the plan does not have', ['--exclude-tag', 'Owner=net'], '--exclude-tag differs'],
    ['--skip-default-vpcs when the plan does not skip them', ['--skip-default-vpcs'], '--skip-default-vpcs differs'],
  ])('GIVEN a saved plan and %s WHEN applied THEN the flag is refused as a conflict', async (_label, flags, message) => {
    const file = path.join(dir, 'plan.json');
    await run(['plan', '--exclude', LEGACY, '--out', file]);
    const applied = await run(['apply', file, '--yes', ...flags]);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain(`${message} from the settings saved in ${file}`);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN a saved plan and the same --exclude it was made with WHEN applied THEN it is accepted', async () => {
    const file = path.join(dir, 'plan.json');
    await run(['plan', '--exclude', LEGACY, '--regions', 'eu-west-1', '--out', file]);
    expect((await run(['apply', file, '--yes', '--exclude', LEGACY])).code).toBe(0);
  });

  test('GIVEN a saved plan whose exclusion has expired since WHEN applied THEN a warning says so and only the saved work is done', async () => {
    const file = path.join(dir, 'plan.json');
    await run([
      'plan',
      '--regions',
      'us-east-1',
      '--out',
      file,
      '--config',
      await writeConfig({ exclude: [{ id: LEGACY, reason: 'retired', expires: '2099-01-01' }] }),
    ]);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    saved.settings.exclude[0].expires = '2020-01-01'; // as if the plan had waited that long
    await writeFile(file, JSON.stringify(saved));
    const applied = await run(['apply', file, '--yes']);
    expect(applied.stderr).toBe(
      `flowfix: warning: exclusion ${LEGACY} (retired) expired on 2020-01-01 and no longer excludes anything: extend "expires" or remove it\n`,
    );
    expect(applied.code).toBe(0);
    expect(flowLogsCreatedFor()).not.toContain(LEGACY);
  });
});

describe('a settings file that excludes everything is never silent (issue 19 §3)', () => {
  const everything = [LEGACY, TAGGED, BARE, DEFAULT, SHARED, EU].map((id) => ({ id, reason: 'handled by the network team' }));

  test('GIVEN flowfix.config.json in the working directory excluding every VPC WHEN plan and verify THEN stderr names the file and the closing line counts what was excluded', async () => {
    const file = path.join(dir, 'flowfix.config.json');
    await writeFile(file, JSON.stringify({ exclude: everything }));
    const planned = await run(['plan']);
    expect(planned.stderr).toContain(`Using settings file ${file}\n`);
    expect(planned.stdout).toMatch(/No changes: every VPC in scope has a working flow log\. \d+ resources excluded on purpose \(see Excluded\), not checked\./);
    const verified = await run(['verify']);
    expect(verified.stderr).toContain(`Using settings file ${file}\n`);
    expect(verified.stdout).toMatch(/Verified: every resource in scope has a working flow log[^\n]*\. \d+ resources excluded on purpose/);
  });

  test('GIVEN an excluded VPC with a finding WHEN Markdown, CSV and SARIF THEN each marks the finding as excluded, with the reason', async () => {
    const file = await writeConfig({ exclude: [{ id: BARE, reason: 'migrating in Q3' }] });
    const markdown = (await run(['plan', '--config', file, '--format', 'markdown'])).stdout;
    const row = markdown.split('\n').find((line) => line.includes(BARE) && line.startsWith('|'))!;
    expect(row).toContain('**Excluded** (excluded by id: migrating in Q3): ');

    const csv = (await run(['plan', '--config', file, '--format', 'csv'])).stdout.split('\r\n');
    const header = csv[0]!.split(',');
    const excludedColumn = header.indexOf('excluded');
    expect(excludedColumn).toBe(header.length - 1);
    const csvRow = csv.find((line) => line.includes(`,${BARE},`))!.split(',');
    expect(csvRow[excludedColumn]).toBe('excluded by id: migrating in Q3');
    expect(csv.filter((line) => line.includes(`,${LEGACY},`)).every((line) => line.endsWith(','))).toBe(true);

    const sarif = JSON.parse((await run(['plan', '--config', file, '--format', 'sarif'])).stdout);
    const results = sarif.runs[0].results;
    const suppressed = results.filter((r: any) => r.suppressions);
    expect(suppressed.map((r: any) => r.properties.resourceId)).toEqual([BARE]);
    expect(suppressed[0].suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'excluded by id: migrating in Q3' }]);
  });
});
