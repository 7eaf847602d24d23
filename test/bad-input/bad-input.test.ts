// Bad input, end to end: every case goes through the CLI with a stateful fake AWS installed, so any
// call flowfix makes is recorded. A bad config, flag, plan file or snapshot must end with exit 1, one
// line on stderr that names the file/path/flag and says how to fix it, and zero mutating calls.
//
// The corpus lives in test/fixtures/bad/ (see its README.md); the huge files are generated here, in
// os.tmpdir(), and deleted afterwards.
import { cp, mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { runFlowfix } from '../helpers/capture-io.js';
import { FakeAws, mutatingOperations } from '../helpers/fake-aws.js';

const BAD = 'test/fixtures/bad';
const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const run = (argv: string[]) => runFlowfix(argv, { env: ENV });

/** The estate plan-valid.json was generated from (`flowfix plan --out` against the fake, account 111111111111). */
const US_VPC = 'vpc-0a1b2c3d4e5f60718';
const US_SUBNET = 'subnet-0a1b2c3d4e5f60719';
const EU_VPC = 'vpc-0b1c2d3e4f5a60728';
function seedEstate(fake: FakeAws): void {
  fake.addVpc('us-east-1', { vpcId: US_VPC, name: 'bare-us' });
  fake.addSubnet('us-east-1', US_VPC, { subnetId: US_SUBNET });
  fake.addVpc('eu-west-1', { vpcId: EU_VPC, name: 'bare-eu' });
}

/** Every settings error ends with this hint. */
const SETTINGS_FIX = /flowfix --help lists every option/;

/** "One clear line": a problem list longer than this is not read by anyone. */
const MAX_LINE = 4096;

const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The message names `where` (a file, or a flag) and then says `what`. */
const names = (where: string, what: string) => new RegExp(`${esc(where)}.*${what}`);

interface BadCase {
  name: string;
  /** argv; `tmp` is the directory the generated (huge or unreadable) inputs were written to. */
  argv: (tmp: string) => string[];
  /** The line names the problem: the file, JSON path or flag, and what is wrong. */
  problem: (tmp: string) => RegExp;
  /** The line says how to fix it. */
  fix: RegExp;
  /** Reads (STS, DescribeRegions...) are expected before the refusal; otherwise no AWS call at all. */
  reads?: boolean;
  /** The fixture files this case uses, so the corpus test can find unused ones. */
  uses?: string[];
}

const config = (file: string, problem: string, fix = SETTINGS_FIX): BadCase => ({
  name: `config ${file}`,
  argv: () => ['apply', '--yes', '--config', `${BAD}/${file}`],
  problem: () => names(`${BAD}/${file}`, problem),
  fix,
  uses: [file],
});
const flags = (argv: string[], problem: string, extra: Partial<BadCase> = {}): BadCase => ({
  name: `flags ${argv.join(' ')}`,
  argv: () => ['apply', '--yes', ...argv],
  problem: () => new RegExp(problem),
  fix: SETTINGS_FIX,
  ...extra,
});
const PLAN_FIX = /flowfix plan --out FILE/;
const plan = (file: string, problem: string, extra: Partial<BadCase> = {}): BadCase => ({
  name: `plan ${file}`,
  argv: () => ['apply', `${BAD}/${file}`, '--yes'],
  problem: () => names(`${BAD}/${file}`, problem),
  fix: PLAN_FIX,
  uses: [file],
  ...extra,
});
const snapshot = (dir: string, file: string, problem: string, fix: RegExp): BadCase => ({
  name: `snapshot ${dir}`,
  argv: () => ['plan', '--snapshot', `${BAD}/${dir}`],
  problem: () => names(path.join(BAD, dir, file), problem),
  fix,
  uses: [dir],
});
const regenerate = (command: string) => new RegExp(`regenerate it with \`${esc(command)}`);

/** Cases flowfix handles today. */
const cases: BadCase[] = [
  // ---- config files
  config('config-malformed.json', 'is not valid JSON', /fix the JSON syntax/),
  config('config-truncated.json', 'is not valid JSON', /fix the JSON syntax/),
  config('config-empty.json', 'is not valid JSON: Unexpected end of JSON input', /fix the JSON syntax/),
  {
    // Three problems: counted on the first line, then each on its own line, so each can be found.
    ...config('config-wrong-types.json', ''),
    problem: () =>
      new RegExp(
        [
          '^flowfix: invalid settings: 3 problems \\(fix each one listed below; flowfix --help lists every option\\)',
          ...[
            'retentionInDays: Invalid input: expected number, received string',
            'regions: Invalid input: expected array, received string',
            'concurrency: Invalid input: expected number, received boolean',
          ].map((p) => `  ${esc(`${BAD}/config-wrong-types.json`)}: ${p}`),
        ].join('\n') + '\n$',
      ),
  },
  config('config-retention-42.json', ': retentionInDays: must be one of 1, 3, 5, 7, 14, 30'),
  config('config-log-group-aws.json', ': logGroupName: must not start with "aws/"'),
  config('config-regions-mars.json', ': regions\\[0\\]: is not a region name'),
  config('config-exclude-expires-not-a-date.json', ': exclude\\[0\\]\\.expires: "end of Q3" is not a date like 2025-12-31'),
  config('config-exclude-no-reason.json', ': exclude\\[0\\]\\.reason: is required: say why flowfix should leave it alone'),
  {
    ...config('config-tags-51.json', ''),
    problem: () => new RegExp(`tags \\(${esc(`${BAD}/config-tags-51.json`)}\\): 50 tags and ManagedBy=flowfix make 51; AWS allows at most 50 per resource`),
  },
  {
    name: 'config file that does not exist',
    argv: () => ['apply', '--yes', '--config', `${BAD}/no-such-config.json`],
    problem: () => names(`cannot read config file ${BAD}/no-such-config.json`, 'ENOENT'),
    fix: /check the path given to --config/,
  },

  // ---- flags
  flags(['--retention', '0'], '--retention: must be one of 1, 3, 5'),
  flags(['--retention', 'abc'], '--retention: is not a whole decimal number, like 365'),
  flags(['--log-group', 'aws/flowlogs'], '--log-group: must not start with "aws/"'),
  flags(['--regions', 'us-east-1,nowhere'], '--regions\\[1\\]: is not a region name'),
  flags(['--regions', 'eu-nowhere-9'], '--regions: unknown region eu-nowhere-9', {
    fix: /Run without --regions to scan every enabled region \(eu-west-1, us-east-1\)/,
    reads: true,
  }),
  flags(['--traffic-type', 'accept'], '--traffic-type: Invalid option: expected one of "REJECT"\\|"ALL"'),
  flags(['--scope', 'org'], '--scope: Invalid option: expected one of "vpc"\\|"subnet"'),
  flags(['--concurrency', '-1'], '--concurrency: is not a whole decimal number, like 365'),
  flags(['--concurrency', '0'], '--concurrency: Too small: expected number to be >=1'),
  flags(['--retention', '0x16d'], '--retention: is not a whole decimal number, like 365'),
  flags(['--endpoint-url', 'not-a-url'], '--endpoint-url: must be a URL like http://localhost:4566'),
  // ---- output formats: reports are of findings (plan, verify); apply and guided speak text or JSON
  ...(['sarif', 'markdown', 'csv'] as const).map((format) =>
    flags(['--format', format], `--format ${format} is not available for apply: it prints text or json`, {
      fix: /reports in sarif, markdown, csv come from flowfix plan and flowfix verify/,
    }),
  ),
  {
    name: 'guided --format csv',
    argv: () => ['guided', '--format', 'csv'],
    problem: () => /--format csv is not available for guided/,
    fix: /use --format text\|json/,
  },
  {
    name: 'plan --format xml',
    argv: () => ['plan', '--format', 'xml'],
    problem: () => /--format xml is not one of text, json, sarif, markdown, csv/,
    fix: /see flowfix plan --help/,
  },
  flags(['--exclude', `${US_VPC},vpc_0b1c2d3e4f5a60728`], '--exclude: "vpc_0b1c2d3e4f5a60728" is not a VPC or subnet id'),
  flags(['--exclude', 'sg-0a1b2c3d4e5f60718'], '--exclude: "sg-0a1b2c3d4e5f60718" is not a VPC or subnet id'),
  flags(['--exclude-tag', '=skip'], '--exclude-tag: tag "=skip" has no key: write KEY or KEY=VALUE'),
  flags(['--tag', 'CostCentre'], '--tag: "CostCentre" is not KEY=VALUE'),
  flags(['--tag', 'Owner=a;b'], '--tag: tag Owner: value "a;b" may hold only letters, numbers, spaces and _ \\. : / = \\+ - @'),
  flags(['--tag', 'aws:createdBy=me'], '--tag: tag key "aws:createdBy" starts with "aws:", which AWS reserves'),
  flags(['--tag', 'ManagedBy=terraform'], '--tag: tag key "ManagedBy" is flowfix\'s own \\(ManagedBy=flowfix\\) and cannot be set or overridden'),
  flags(
    Array.from({ length: 50 }, (_, i) => ['--tag', `Tag${i}=x`]).flat(),
    '--tag: 50 tags and ManagedBy=flowfix make 51; AWS allows at most 50 per resource',
  ),

  // ---- saved plans, edited by hand
  plan('plan-malformed.json', 'is not a valid flowfix plan: not JSON'),
  plan('plan-truncated.json', 'is not a valid flowfix plan: not JSON'),
  plan('plan-empty.json', 'is not a valid flowfix plan: not JSON \\(Unexpected end of JSON input\\)'),
  // Names the file and the fix; "schemaVersion undefined" undersells "this is not a plan at all" (see README).
  plan('plan-array.json', '(is not a valid flowfix plan|has schemaVersion undefined)'),
  plan('plan-schema-version-2.json', 'has schemaVersion 2; this flowfix reads version 1'),
  plan('plan-schema-version-string.json', 'has schemaVersion "1"; this flowfix reads version 1'),
  {
    ...plan('plan-foreign-account.json', 'was made for account 222222222222, but these credentials are for 111111111111'),
    fix: /use credentials of account 222222222222 \(--profile\), or enter it from here with --assume-role ROLE/,
    reads: true,
  },
  plan('plan-trust-policy-widened.json', "01-create-role: policy document differs from flowfix's least-privilege policy", { reads: true }),
  plan('plan-publish-policy-widened.json', "02-put-role-policy: policy document differs from flowfix's least-privilege policy", { reads: true }),
  plan('plan-unknown-action-kind.json', 'actions\\[4\\]\\.kind: Invalid discriminator value'),
  plan('plan-extra-key.json', 'Unrecognized key: "approvedBy"'),
  plan('plan-extra-input-key.json', 'actions\\[4\\]\\.input: Unrecognized key: "DeliverCrossAccountRole"'),
  plan('plan-1001-resource-ids.json', 'actions\\[7\\]\\.input\\.ResourceIds: Too big: expected array to have <=1000 items'),
  plan('plan-region-mars.json', 'actions\\[2\\]\\.region: is not a region name'),
  {
    name: 'plan file that does not exist',
    argv: () => ['apply', `${BAD}/no-such-plan.json`, '--yes'],
    problem: () => names(`cannot read plan file ${BAD}/no-such-plan.json`, 'ENOENT'),
    fix: /check the path/,
  },
  {
    name: 'plan file of 60 MB',
    argv: (tmp) => ['apply', path.join(tmp, 'plan-huge.json'), '--yes'],
    problem: (tmp) => names(path.join(tmp, 'plan-huge.json'), 'is not a valid flowfix plan: larger than 50 MB'),
    fix: PLAN_FIX,
  },

  // ---- snapshots (each a copy of examples/estate with one file broken)
  snapshot(
    'snapshot-vpcs-malformed',
    'regions/us-east-1/ec2-describe-vpcs.json',
    ': not valid JSON: .* at line 38 column 9',
    regenerate('aws ec2 describe-vpcs --region us-east-1 --output json'),
  ),
  snapshot(
    'snapshot-vpcs-not-array',
    'regions/us-east-1/ec2-describe-vpcs.json',
    ': Vpcs: expected array, got object',
    regenerate('aws ec2 describe-vpcs --region us-east-1 --output json'),
  ),
  snapshot(
    'snapshot-vpc-missing-id',
    'regions/us-east-1/ec2-describe-vpcs.json',
    ': Vpcs\\[2\\]\\.VpcId: expected string, but it is missing',
    regenerate('aws ec2 describe-vpcs --region us-east-1 --output json'),
  ),
  snapshot(
    'snapshot-subnets-wrong-shape',
    'regions/us-east-1/ec2-describe-subnets.json',
    ': Subnets: expected array, but it is missing',
    regenerate('aws ec2 describe-subnets --region us-east-1 --output json'),
  ),
  snapshot(
    'snapshot-flow-logs-traffic-type-7',
    'regions/us-east-1/ec2-describe-flow-logs.json',
    ': FlowLogs\\[0\\]\\.TrafficType: expected one of ACCEPT \\| REJECT \\| ALL, got 7',
    regenerate('aws ec2 describe-flow-logs --region us-east-1 --output json'),
  ),
  snapshot(
    'snapshot-no-caller-identity',
    'sts-get-caller-identity.json',
    ': required file is missing',
    regenerate('aws sts get-caller-identity --output json'),
  ),
  {
    name: 'snapshot dir that does not exist',
    argv: () => ['plan', '--snapshot', `${BAD}/snapshot-does-not-exist`],
    problem: () => names(`${BAD}/snapshot-does-not-exist`, ': cannot read the snapshot directory \\(ENOENT'),
    fix: /check the path; a snapshot directory holds sts-get-caller-identity\.json/,
  },
  {
    name: 'snapshot path that is a file',
    argv: () => ['plan', '--snapshot', `${BAD}/plan-valid.json`],
    problem: () => names(`${BAD}/plan-valid.json`, ': is a file, not a directory'),
    fix: /pass the directory that contains sts-get-caller-identity\.json/,
  },
  {
    name: 'snapshot with an unreadable file (a directory where sts-get-caller-identity.json should be)',
    argv: (tmp) => ['plan', '--snapshot', path.join(tmp, 'snapshot-unreadable')],
    problem: (tmp) => names(path.join(tmp, 'snapshot-unreadable', 'sts-get-caller-identity.json'), ': cannot read it \\(EISDIR'),
    fix: regenerate('aws sts get-caller-identity --output json'),
  },
];

/** Cases that found production bugs (fixed): kept apart with the note on what each one caught. */
const formerBugs: BadCase[] = [
  // resolve-settings.ts describeIssues drops the file name for issues at the top level of the file.
  config('config-unknown-keys.json', '.*unknown key "retention", "logGroup"'),
  config('config-array.json', '.*expected object'),
  {
    // resolveSettings spreads every issue into push(): ~125k+ issues overflow the stack (a crash, not
    // a FlowfixError); below that the line is megabytes long.
    name: 'config of ~3.5 MB with 150k bad region names',
    argv: (tmp) => ['apply', '--yes', '--config', path.join(tmp, 'config-huge-regions.json')],
    problem: (tmp) =>
      new RegExp(
        `^flowfix: invalid settings: 150000 problems .*\n  ${esc(path.join(tmp, 'config-huge-regions.json'))}: regions\\[0\\]: is not a region name.*\n(.*\n){7}  and 149992 more\n$`,
      ),
    fix: SETTINGS_FIX,
  },
  {
    // One zod issue listing 200k keys: a 2 MB "line" that does not name the file either.
    name: 'config of ~2 MB with 200k unknown keys',
    argv: (tmp) => ['apply', '--yes', '--config', path.join(tmp, 'config-huge-unknown-keys.json')],
    problem: (tmp) => names(path.join(tmp, 'config-huge-unknown-keys.json'), '.*unknown key "k0"'),
    fix: SETTINGS_FIX,
  },
  // plan-file.ts checks only the two policy documents against what flowfix renders; every other
  // AWS-facing value in a hand-edited plan is sent as is.
  plan('plan-retention-42.json', '.*retentionInDays', { reads: true }),
  plan('plan-log-group-aws.json', '.*(logGroupName|aws/x)', { reads: true }),
  plan('plan-region-not-enabled.json', '.*eu-nowhere-9', { reads: true }),
  plan('plan-foreign-delivery-role.json', '.*(DeliverLogsPermissionArn|222222222222)', { reads: true }),
  plan('plan-destination-swapped.json', '.*(LogDestination|someone-elses-bucket)', { reads: true }),
];

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'flowfix-bad-input-'));

  // A 60 MB plan: the valid plan with one description padded out (written in chunks: no 60 MB string).
  const [head, tail] = (await readFile(`${BAD}/plan-valid.json`, 'utf8')).split('"description": "', 2) as [string, string];
  const file = await open(path.join(tmp, 'plan-huge.json'), 'w');
  await file.write(`${head}"description": "`);
  const chunk = Buffer.alloc(4 * 1024 * 1024, 'x');
  for (let i = 0; i < 15; i++) await file.write(chunk);
  await file.write(tail);
  await file.close();

  await writeFile(path.join(tmp, 'config-huge-regions.json'), JSON.stringify({ regions: Array.from({ length: 150_000 }, () => 'mars-xxxxxxxxxxxxxx-1') }));
  await writeFile(path.join(tmp, 'config-huge-unknown-keys.json'), JSON.stringify(Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, 1]))));

  // Root reads through chmod 000, so "unreadable" is a directory where a file should be (EISDIR).
  const unreadable = path.join(tmp, 'snapshot-unreadable');
  await cp('examples/estate', unreadable, { recursive: true });
  await rm(path.join(unreadable, 'sts-get-caller-identity.json'));
  await mkdir(path.join(unreadable, 'sts-get-caller-identity.json'));
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('bad input: one clear line, exit 1, zero mutating calls', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
    seedEstate(fake); // findings exist: flowfix would change things if it got past the bad input
    // Tripwire: a mutating call is recorded, then fails, so a case that gets through fails fast
    // (no 2-minute IAM propagation retry) instead of converging the fake.
    fake.onCall = (call) => {
      if (mutatingOperations([call]).length > 0) throw Object.assign(new Error('bad-input tripwire: mutating call'), { name: 'Tripwire' });
    };
  });
  afterEach(() => fake.restore());

  async function expectRefused(c: BadCase): Promise<void> {
    const { code, stdout, stderr } = await run(c.argv(tmp));

    expect(code).toBe(1);
    expect(stderr.length).toBeLessThanOrEqual(MAX_LINE); // before any matcher prints a multi-MB string
    expect(stderr).toMatch(/^flowfix: [^\n]+\n(  [^\n]+\n)*$/); // one line; a list it counts goes one item per indented line under it
    expect(stderr).not.toMatch(/^\s+at /m); // no stack frames
    expect(stderr).not.toContain('unexpected error'); // a FlowfixError, not a crash
    expect(stderr).toMatch(c.problem(tmp));
    expect(stderr).toMatch(c.fix);
    expect(stdout).toBe('');
    expect(fake.mutatingCalls()).toEqual([]);
    if (!c.reads) expect(fake.calls).toEqual([]);
  }

  test.each(cases.map((c) => [c.name, c] as const))('GIVEN %s THEN it is refused', async (_name, c) => {
    await expectRefused(c);
  });

  test.each(formerBugs.map((c) => [c.name, c] as const))('GIVEN %s THEN it is refused', async (_name, c) => {
    await expectRefused(c);
  });
});

describe('a saved plan whose resource ids do not exist (any more)', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
    seedEstate(fake);
  });
  afterEach(() => fake.restore());

  const createFlowLogsIds = () => fake.calls.filter((c) => c.operation === 'CreateFlowLogs').flatMap((c) => c.input.ResourceIds as string[]);

  test('GIVEN the untouched plan (control) WHEN applied THEN it converges with exit 0', async () => {
    const applied = await run(['apply', `${BAD}/plan-valid.json`, '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(createFlowLogsIds().sort()).toEqual([EU_VPC, US_VPC].sort());
  });

  test('GIVEN one unknown id beside real ones WHEN applied THEN it is skipped as gone, never sent, and the rest is applied', async () => {
    const applied = await run(['apply', `${BAD}/plan-unknown-ids-mixed.json`, '--yes']);

    expect(applied.stderr).toBe('');
    expect(applied.stdout).toMatch(/skipped\s+us-east-1\s+vpc-0dead0000000000e3\s+create-flow-logs\s+vpc-0dead0000000000e3 no longer exists in us-east-1/);
    expect(createFlowLogsIds()).not.toContain('vpc-0dead0000000000e3');
    expect(fake.flowLogs('us-east-1').map((f) => f.ResourceId)).toEqual([US_VPC]);
    expect(fake.flowLogs('eu-west-1').map((f) => f.ResourceId)).toEqual([EU_VPC]);
  });

  // verifyTargets once counted the skipped-because-gone id as "missing".
  test('GIVEN one unknown id beside real ones WHEN applied THEN exit is 0 (gone is not a failure)', async () => {
    const applied = await run(['apply', `${BAD}/plan-unknown-ids-mixed.json`, '--yes']);
    expect(applied.stdout).not.toMatch(/vpc-0dead0000000000e3: missing/);
    expect(applied.code).toBe(0);
  });

  test('GIVEN only unknown ids WHEN applied THEN no CreateFlowLogs is sent, each id is reported gone, nothing crashes', async () => {
    const applied = await run(['apply', `${BAD}/plan-unknown-ids-only.json`, '--yes']);

    expect(applied.stderr).toBe('');
    expect(createFlowLogsIds()).toEqual([]);
    expect(applied.stdout).toMatch(/vpc-0dead0000000000e1 no longer exists in eu-west-1/);
    expect(applied.stdout).toMatch(/vpc-0dead0000000000e2 no longer exists in us-east-1/);
    expect([...fake.flowLogs('us-east-1'), ...fake.flowLogs('eu-west-1')]).toEqual([]);
  });

  // applyPlan once ran the prerequisites (role, policy, log groups, retention) with no flow log left to create.
  test('GIVEN only unknown ids WHEN applied THEN zero mutating calls', async () => {
    await run(['apply', `${BAD}/plan-unknown-ids-only.json`, '--yes']);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN only unknown ids WHEN applied THEN exit is 0', async () => {
    const applied = await run(['apply', `${BAD}/plan-unknown-ids-only.json`, '--yes']);
    expect(applied.code).toBe(0);
  });
});

describe('the corpus', () => {
  test('GIVEN test/fixtures/bad THEN every config-, plan- and snapshot- entry is used by a case', async () => {
    const used = new Set([...cases, ...formerBugs].flatMap((c) => c.uses ?? []));
    used.add('plan-valid.json').add('plan-unknown-ids-mixed.json').add('plan-unknown-ids-only.json');
    const entries = (await readdir(BAD)).filter((name) => /^(config|plan|snapshot)-/.test(name));
    expect(entries.filter((name) => !used.has(name))).toEqual([]);
  });

  test('GIVEN the hand-edited plans THEN each differs from plan-valid.json', async () => {
    const valid = await readFile(`${BAD}/plan-valid.json`, 'utf8');
    const plans = (await readdir(BAD)).filter((name) => /^plan-.*\.json$/.test(name) && name !== 'plan-valid.json');
    for (const name of plans) expect([name, await readFile(`${BAD}/${name}`, 'utf8')]).not.toEqual([name, valid]);
  });
});
