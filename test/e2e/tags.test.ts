// The organization's tags end to end, over the stateful fake: everything flowfix creates (role, log
// groups, flow logs) carries them beside ManagedBy=flowfix, from --tag or the settings file, and a saved
// plan is rebuilt with the tags it was made with. After each test the operator-policy check proves the
// tag-on-create permissions already declared cover the calls.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { runFlowfix } from '../helpers/capture-io.js';
import { FakeAws } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const GROUP = '/flowfix/vpc-flow-logs';
const ROLE = 'flowfix-vpc-flow-logs';
let dir: string;
const run = (argv: string[]) => runFlowfix(argv, { env: ENV, cwd: dir });

let fake: FakeAws;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flowfix-tags-'));
  fake = new FakeAws().install();
  fake.addVpc('us-east-1', { name: 'bare-us' });
  fake.addVpc('eu-west-1', { name: 'bare-eu' });
});
afterEach(async () => {
  fake.restore();
  await rm(dir, { recursive: true, force: true });
});

/** Tags on everything flowfix created, as AWS now holds them. */
function createdTags() {
  const flowLogs = [...fake.flowLogs('us-east-1'), ...fake.flowLogs('eu-west-1')];
  return {
    role: fake.role(ROLE)?.tags,
    logGroups: ['us-east-1', 'eu-west-1'].map((region) => fake.logGroup(region, GROUP)?.tags),
    flowLogs: flowLogs.map((f) => Object.fromEntries((f.Tags ?? []).map((t) => [t.Key, t.Value]))),
  };
}

const everywhere = (tags: Record<string, string>) => ({ role: tags, logGroups: [tags, tags], flowLogs: [tags, tags] });

describe('--tag', () => {
  test('GIVEN --tag twice WHEN apply --yes THEN the role, both log groups and both flow logs carry them beside ManagedBy=flowfix', async () => {
    const applied = await run(['apply', '--yes', '--tag', 'CostCentre=4711', '--tag', 'Owner=net team@example.com']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(createdTags()).toEqual(everywhere({ ManagedBy: 'flowfix', CostCentre: '4711', Owner: 'net team@example.com' }));
  });

  test('GIVEN --tag WHEN plan --format json THEN every create call in the plan carries the tags, and the plan settings keep them', async () => {
    const { stdout } = await run(['plan', '--format', 'json', '--tag', 'CostCentre=4711']);
    const plan = JSON.parse(stdout).plan;
    const tagged = { ManagedBy: 'flowfix', CostCentre: '4711' };
    const asList = [
      { Key: 'ManagedBy', Value: 'flowfix' },
      { Key: 'CostCentre', Value: '4711' },
    ];
    expect(plan.actions.find((a: any) => a.kind === 'create-role').input.Tags).toEqual(asList);
    for (const a of plan.actions.filter((a: any) => a.kind === 'create-log-group')) expect(a.input.tags).toEqual(tagged);
    for (const a of plan.actions.filter((a: any) => a.kind === 'create-flow-logs'))
      expect(a.input.TagSpecifications).toEqual([{ ResourceType: 'vpc-flow-log', Tags: asList }]);
    expect(plan.settings.tags).toEqual({ CostCentre: '4711' });
  });

  test('GIVEN --tag ManagedBy=… THEN it is refused in one line, nothing is sent', async () => {
    const refused = await run(['apply', '--yes', '--tag', 'ManagedBy=terraform']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^flowfix: invalid settings: --tag: tag key "ManagedBy" is flowfix's own \(ManagedBy=flowfix\) and cannot be set or overridden \(flowfix --help lists every option/,
    );
    expect(fake.calls).toEqual([]);
  });
});

describe('tags in the settings file', () => {
  test('GIVEN tags in flowfix.config.json and one more --tag WHEN apply --yes THEN everything created carries both', async () => {
    await writeFile(path.join(dir, 'flowfix.config.json'), JSON.stringify({ tags: { CostCentre: '4711', Owner: 'file' } }));
    expect((await run(['apply', '--yes', '--tag', 'Owner=cli'])).code).toBe(0);
    expect(createdTags()).toEqual(everywhere({ ManagedBy: 'flowfix', CostCentre: '4711', Owner: 'cli' }));
  });
});

describe('saved plans keep their tags', () => {
  test('GIVEN a plan saved with --tag WHEN applied later with no flags THEN what it creates carries the tags', async () => {
    const file = path.join(dir, 'plan.json');
    await run(['plan', '--tag', 'CostCentre=4711', '--out', file]);
    expect(JSON.parse(await readFile(file, 'utf8')).settings.tags).toEqual({ CostCentre: '4711' });
    const applied = await run(['apply', file, '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(createdTags()).toEqual(everywhere({ ManagedBy: 'flowfix', CostCentre: '4711' }));
  });

  test("GIVEN a plan saved with --tag and a settings file with other tags now WHEN applied THEN the plan's tags are used", async () => {
    const file = path.join(dir, 'plan.json');
    await run(['plan', '--tag', 'CostCentre=4711', '--out', file]);
    await writeFile(path.join(dir, 'flowfix.config.json'), JSON.stringify({ tags: { CostCentre: '9999' } }));
    expect((await run(['apply', file, '--yes'])).code).toBe(0);
    expect(createdTags()).toEqual(everywhere({ ManagedBy: 'flowfix', CostCentre: '4711' }));
  });

  test('GIVEN a saved plan and a --tag it was not made with WHEN applied THEN the flag is refused as a conflict, nothing written', async () => {
    const file = path.join(dir, 'plan.json');
    await run(['plan', '--tag', 'CostCentre=4711', '--out', file]);
    const applied = await run(['apply', file, '--yes', '--tag', 'CostCentre=9999']);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain(`--tag differs from the settings saved in ${file}`);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN a saved plan whose create calls were edited to carry other tags WHEN applied THEN it is refused before any write', async () => {
    const file = path.join(dir, 'plan.json');
    await run(['plan', '--tag', 'CostCentre=4711', '--out', file]);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    saved.actions.find((a: any) => a.kind === 'create-role').input.Tags[1].Value = '9999';
    await writeFile(file, JSON.stringify(saved));
    const applied = await run(['apply', file, '--yes']);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toMatch(/01-create-role: Tags .*9999.* \(flowfix would send .*4711/);
    expect(fake.mutatingCalls()).toEqual([]);
  });
});
