// The settings-flag table: argv through the real yargs declarations and resolveSettings, error
// messages naming flags or file keys, --help listing every flag, and guided's equivalent command
// parsing back to the settings it came from.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yargs from 'yargs';

import { toCommandOptions, type RawArgs } from '../../src/cli/options.js';
import { applyCommandLine, flagsGiven, SETTINGS_FLAGS, settingsArgv, withGlobalSettingsFlags, withSettingsFlags } from '../../src/config/flags.js';
import { userSettingsSchema } from '../../src/config/resolve-settings.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/config/settings.js';
import { captureIo, runFlowfix } from '../helpers/capture-io.js';

const BOUNDARY = 'arn:aws:iam::111111111111:policy/lz/DeveloperBoundary';
const KMS = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const VPC_B = 'vpc-1a2b3c4d';
const SUBNET = 'subnet-0a1b2c3d4e5f60719';
/** 49 tags: with ManagedBy=flowfix, AWS's limit of 50. */
const TAGS_49 = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));

let dir: string;
let configFile: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flowfix-flags-'));
  configFile = path.join(dir, 'settings.json');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** argv as a settings command (plan/apply/verify) parses it, with the same declarations. */
async function parse(argv: string[]): Promise<RawArgs> {
  const parser = withSettingsFlags(withGlobalSettingsFlags(yargs(argv)), 'plan')
    .option('config', { type: 'string' })
    .strict()
    .exitProcess(false)
    .fail((message, err) => {
      throw err ?? new Error(message);
    });
  return (await parser.parseAsync()) as RawArgs;
}

/** Settings for argv, with `config` (when given) as the settings file; cwd has no flowfix.config.json. */
async function settingsFor(argv: string[], config?: object): Promise<Settings> {
  if (config) await writeFile(configFile, JSON.stringify(config));
  const args = await parse(config ? [...argv, '--config', configFile] : argv);
  return (await toCommandOptions(args, captureIo({ cwd: dir }))).settings;
}

describe('argv → settings', () => {
  const rows: [string, string[], object | undefined, Partial<Settings>][] = [
    ['no flags', [], undefined, {}],
    ['--profile', ['--profile', 'dev'], undefined, { profile: 'dev' }],
    ['--region: a region to work in', ['--region', 'eu-west-1'], undefined, { regions: ['eu-west-1'] }],
    ['--region, comma-separated', ['--region', 'eu-west-1,us-east-1'], undefined, { regions: ['eu-west-1', 'us-east-1'] }],
    ['--region and --regions together', ['--region', 'eu-west-1', '--regions', 'us-east-1,eu-west-1'], undefined, { regions: ['eu-west-1', 'us-east-1'] }],
    ["--region over the settings file's regions", ['--region', 'eu-west-1'], { regions: ['us-east-1'] }, { regions: ['eu-west-1'] }],
    ['region in the settings file', [], { region: 'eu-central-1' }, { regions: ['eu-central-1'] }],
    ['--connect-timeout and --read-timeout', ['--connect-timeout', '5', '--read-timeout', '120'], undefined, { connectTimeout: 5, readTimeout: 120 }],
    ['--endpoint-url', ['--endpoint-url', 'http://localhost:4566'], undefined, { endpointUrl: 'http://localhost:4566' }],
    ['--regions, comma-separated', ['--regions', 'us-east-1, eu-west-1'], undefined, { regions: ['us-east-1', 'eu-west-1'] }],
    ['--regions, repeated and duplicated', ['--regions', 'us-east-1', '--regions', 'eu-west-1,us-east-1'], undefined, { regions: ['us-east-1', 'eu-west-1'] }],
    ['--scope', ['--scope', 'subnet'], undefined, { scope: 'subnet' }],
    ['--scope in capitals', ['--scope', 'SUBNET'], undefined, { scope: 'subnet' }],
    ['--traffic-type', ['--traffic-type', 'ALL'], undefined, { trafficType: 'ALL' }],
    ['--traffic-type in lower case', ['--traffic-type', 'all'], undefined, { trafficType: 'ALL' }],
    ['--destination s3://', ['--destination', 's3://my-flow-logs/vpc'], undefined, { destination: { type: 's3', bucket: 'my-flow-logs', prefix: 'vpc/' } }],
    ['--destination cloud-watch-logs', ['--destination', 'cloud-watch-logs'], undefined, {}],
    ['--log-group', ['--log-group', '/team/flow-logs'], undefined, { destination: { type: 'cloud-watch-logs', logGroupName: '/team/flow-logs' } }],
    ['--role-name', ['--role-name', 'team-flow-logs'], undefined, { roleName: 'team-flow-logs' }],
    ['--policy-name', ['--policy-name', 'team-publish'], undefined, { policyName: 'team-publish' }],
    ['--retention', ['--retention', '400'], undefined, { retentionInDays: 400 }],
    ['--min-retention', ['--min-retention', '30'], undefined, { minRetentionDays: 30 }],
    ['--kms-key', ['--kms-key', KMS], undefined, { kmsKeyId: KMS }],
    ['--concurrency', ['--concurrency', '4'], undefined, { concurrency: 4 }],
    ['--permissions-boundary', ['--permissions-boundary', BOUNDARY], undefined, { permissionsBoundary: BOUNDARY }],
    ['--role-path', ['--role-path', '/landing-zone/network/'], undefined, { rolePath: '/landing-zone/network/' }],
    [
      'permissionsBoundary and rolePath in the file',
      [],
      { permissionsBoundary: BOUNDARY, rolePath: '/lz/' },
      { permissionsBoundary: BOUNDARY, rolePath: '/lz/' },
    ],
    ['file values in any case', [], { scope: 'SUBNET', trafficType: 'all' }, { scope: 'subnet', trafficType: 'ALL' }],
    [
      'a flag over a file value',
      ['--scope', 'vpc', '--retention', '30'],
      { scope: 'subnet', retentionInDays: 400, minRetentionDays: 30 },
      { scope: 'vpc', retentionInDays: 30, minRetentionDays: 30 },
    ],
    [
      '--exclude, comma-separated and repeated',
      ['--exclude', `${VPC},${SUBNET}`, '--exclude', VPC_B],
      undefined,
      {
        exclude: [
          { id: VPC, reason: 'given with --exclude' },
          { id: SUBNET, reason: 'given with --exclude' },
          { id: VPC_B, reason: 'given with --exclude' },
        ],
      },
    ],
    [
      '--exclude-tag, repeated, with and without a value (commas kept)',
      ['--exclude-tag', 'flowfix=skip', '--exclude-tag', 'Legacy', '--exclude-tag', 'owners=a,b'],
      undefined,
      {
        exclude: [
          { tag: 'flowfix=skip', reason: 'given with --exclude-tag' },
          { tag: 'Legacy', reason: 'given with --exclude-tag' },
          { tag: 'owners=a,b', reason: 'given with --exclude-tag' },
        ],
      },
    ],
    ['--skip-default-vpcs', ['--skip-default-vpcs'], undefined, { skipDefaultVpcs: true }],
    ["49 tags in the file (50 with ManagedBy, AWS's limit)", [], { tags: TAGS_49 }, { tags: TAGS_49 }],
    [
      '--tag with Unicode letters, 128 of them in the key (AWS counts characters)',
      ['--tag', `${'é'.repeat(128)}=Büro Zürich`],
      undefined,
      { tags: { ['é'.repeat(128)]: 'Büro Zürich' } },
    ],
    [
      '--tag, repeated',
      ['--tag', 'CostCentre=4711', '--tag', 'Owner=net team@example.com', '--tag', 'Empty='],
      undefined,
      { tags: { CostCentre: '4711', Owner: 'net team@example.com', Empty: '' } },
    ],
    [
      'exclude, skipDefaultVpcs and tags in the file',
      [],
      {
        exclude: [
          { id: VPC, reason: 'legacy, retired in Q3', expires: '2030-09-30' },
          { tag: 'flowfix=skip', reason: 'owned by the network team' },
        ],
        skipDefaultVpcs: true,
        tags: { CostCentre: '4711' },
      },
      {
        exclude: [
          { id: VPC, reason: 'legacy, retired in Q3', expires: '2030-09-30' },
          { tag: 'flowfix=skip', reason: 'owned by the network team' },
        ],
        skipDefaultVpcs: true,
        tags: { CostCentre: '4711' },
      },
    ],
    [
      'exclusions and tags from the file and from flags add up; a flag wins for the same tag key',
      ['--exclude', VPC_B, '--exclude-tag', 'Legacy', '--tag', 'Owner=cli', '--tag', 'Project=x'],
      { exclude: [{ id: VPC, reason: 'legacy' }], tags: { Owner: 'file', CostCentre: '4711' } },
      {
        exclude: [
          { id: VPC, reason: 'legacy' },
          { id: VPC_B, reason: 'given with --exclude' },
          { tag: 'Legacy', reason: 'given with --exclude-tag' },
        ],
        tags: { Owner: 'cli', CostCentre: '4711', Project: 'x' },
      },
    ],
  ];

  test.each(rows)('GIVEN %s THEN the settings follow', async (_name, argv, config, expected) => {
    expect(await settingsFor(argv, config)).toEqual({ ...DEFAULT_SETTINGS, ...expected });
  });

  test('GIVEN the table THEN every settings key has exactly one flag', () => {
    expect(SETTINGS_FLAGS.map((f) => f.key).sort()).toEqual(Object.keys(userSettingsSchema.shape).sort());
    expect(new Set(SETTINGS_FLAGS.map((f) => f.flag)).size).toBe(SETTINGS_FLAGS.length);
  });
});

describe('problems name the flag, or the file key, the value came from', () => {
  const rows: [string, string[], object | undefined, string][] = [
    ['--retention 42', ['--retention', '42'], undefined, '--retention: must be one of 1, 3, 5'],
    ['--retention abc', ['--retention', 'abc'], undefined, '--retention: is not a whole decimal number, like 365'],
    ['--min-retention x', ['--min-retention', 'x'], undefined, '--min-retention: is not a whole decimal number, like 365'],
    ['--concurrency many', ['--concurrency', 'many'], undefined, '--concurrency: is not a whole decimal number, like 365'],
    ['--region mars', ['--region', 'us-east-1,mars'], undefined, '--region[1]: is not a region name'],
    ['--read-timeout 0 (the AWS CLI\'s "forever")', ['--read-timeout', '0'], undefined, '--read-timeout: Too small: expected number to be >=1'],
    ['--connect-timeout soon', ['--connect-timeout', 'soon'], undefined, '--connect-timeout: is not a whole decimal number, like 365'],
    ['--retention 0x16d (hex, which Number() takes as 365)', ['--retention', '0x16d'], undefined, '--retention: is not a whole decimal number, like 365'],
    ['--concurrency 1e1', ['--concurrency', '1e1'], undefined, '--concurrency: is not a whole decimal number, like 365'],
    ['--read-timeout 0b101', ['--read-timeout', '0b101'], undefined, '--read-timeout: is not a whole decimal number, like 365'],
    ['--min-retention +365', ['--min-retention', '+365'], undefined, '--min-retention: is not a whole decimal number, like 365'],
    [
      '--endpoint-url with an erase code',
      ['--endpoint-url', 'http://localhost:4566/\u001b[2K\u001b[1A'],
      undefined,
      '--endpoint-url: must not contain spaces or control characters',
    ],
    [
      '--endpoint-url with a user and password',
      ['--endpoint-url', 'https://me:pw@example.com'],
      undefined,
      '--endpoint-url: must not carry a user name or password',
    ],
    ['endpointUrl ftp in the file', [], { endpointUrl: 'ftp://example.com' }, 'CONFIG: endpointUrl: must be a URL like http://localhost:4566'],
    [
      'a profile name with a line break',
      ['--profile', 'dev\nUsing endpoint https://aws.amazon.com'],
      undefined,
      '--profile: must be a profile name from ~/.aws/config',
    ],
    ['a __proto__ tag key in the file', [], { tags: JSON.parse('{"__proto__": "x", "Owner": "me"}') }, 'CONFIG: tags: tag key "__proto__" is not allowed'],
    ['a constructor tag key as a flag', ['--tag', 'constructor=x'], undefined, '--tag: tag key "constructor" is not allowed'],
    ['a prototype tag key in the file', [], { tags: { prototype: 'x' } }, 'CONFIG: tags: tag key "prototype" is not allowed'],
    ['--scope org', ['--scope', 'org'], undefined, '--scope: Invalid option: expected one of "vpc"|"subnet"'],
    ['retentionInDays 42 in the file', [], { retentionInDays: 42 }, 'CONFIG: retentionInDays: must be one of 1, 3, 5'],
    [
      '--permissions-boundary given a role',
      ['--permissions-boundary', 'arn:aws:iam::111111111111:role/Boundary'],
      undefined,
      '--permissions-boundary: must be a managed policy ARN',
    ],
    ['--role-path without the trailing slash', ['--role-path', '/landing-zone'], undefined, '--role-path: must start and end with /'],
    ['rolePath with a space in the file', [], { rolePath: '/landing zone/' }, 'CONFIG: rolePath: must start and end with /'],
    ['retentionInDays "30" in the file', [], { retentionInDays: '30' }, 'CONFIG: retentionInDays: Invalid input: expected number, received string'],
    ['--retention below the default minimum', ['--retention', '30'], undefined, '--retention 30 is shorter than --min-retention 365'],
    [
      'a file retention below a flag minimum',
      ['--min-retention', '400'],
      { retentionInDays: 365 },
      'retentionInDays 365 (CONFIG) is shorter than --min-retention 400',
    ],
    [
      'a file log group with an S3 flag',
      ['--destination', 's3://my-flow-logs'],
      { logGroupName: '/x' },
      'logGroupName (CONFIG) applies to CloudWatch Logs only; drop it or use --destination cloud-watch-logs',
    ],
    [
      '--log-group with a file S3 destination',
      ['--log-group', '/x'],
      { destination: 's3://my-flow-logs' },
      '--log-group applies to CloudWatch Logs only; drop it or use destination cloud-watch-logs (CONFIG)',
    ],
    ['--exclude with a bad id', ['--exclude', `${VPC},vpc-xyz`], undefined, '--exclude: "vpc-xyz" is not a VPC or subnet id'],
    ['--exclude with an instance id', ['--exclude', 'i-0a1b2c3d4e5f60718'], undefined, '--exclude: "i-0a1b2c3d4e5f60718" is not a VPC or subnet id'],
    ['--exclude-tag without a key', ['--exclude-tag', '=prod'], undefined, '--exclude-tag: tag "=prod" has no key: write KEY or KEY=VALUE'],
    ['--tag without a value', ['--tag', 'Owner'], undefined, '--tag: "Owner" is not KEY=VALUE'],
    ['--tag with an aws: key', ['--tag', 'aws:cost=1'], undefined, '--tag: tag key "aws:cost" starts with "aws:", which AWS reserves'],
    ['--tag with an AWS: value', ['--tag', 'Owner=AWS:me'], undefined, '--tag: tag Owner: value "AWS:me" starts with "aws:", which AWS reserves'],
    [
      '--tag with a character AWS refuses',
      ['--tag', 'Owner=a,b'],
      undefined,
      '--tag: tag Owner: value "a,b" may hold only letters, numbers, spaces and _ . : / = + - @',
    ],
    ['--tag with an empty key', ['--tag', '=x'], undefined, '--tag: a tag key cannot be empty'],
    [
      '--tag with a key of 129 characters',
      ['--tag', `${'k'.repeat(129)}=v`],
      undefined,
      '--tag: tag key "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk…" is longer than 128 characters',
    ],
    ['--tag with a value of 257 characters', ['--tag', `k=${'v'.repeat(257)}`], undefined, '--tag: tag k: value is longer than 256 characters'],
    [
      '--tag overriding ManagedBy',
      ['--tag', 'ManagedBy=me'],
      undefined,
      `--tag: tag key "ManagedBy" is flowfix's own (ManagedBy=flowfix) and cannot be set or overridden`,
    ],
    ['--tag overriding ManagedBy in other case', ['--tag', 'managedby=me'], undefined, `--tag: tag key "managedby" is flowfix's own`],
    [
      '50 tags in the file (51 with ManagedBy)',
      [],
      { tags: { ...TAGS_49, k49: 'v' } },
      'tags (CONFIG): 50 tags and ManagedBy=flowfix make 51; AWS allows at most 50 per resource',
    ],
    [
      '49 tags in the file and one more flag',
      ['--tag', 'k49=v'],
      { tags: TAGS_49 },
      'tags (CONFIG) and --tag: 50 tags and ManagedBy=flowfix make 51; AWS allows at most 50',
    ],
    [
      'an exclusion without a reason in the file',
      [],
      { exclude: [{ id: VPC }] },
      'CONFIG: exclude[0].reason: is required: say why flowfix should leave it alone',
    ],
    ['an exclusion with an empty reason in the file', [], { exclude: [{ id: VPC, reason: '  ' }] }, 'CONFIG: exclude[0].reason: is required'],
    ['a bare id in the file', [], { exclude: [VPC] }, 'CONFIG: exclude[0]: must be { "id": "vpc-…", "reason": "…" } or { "tag": "KEY=VALUE", "reason": "…" }'],
    [
      'an exclusion with both id and tag',
      [],
      { exclude: [{ id: VPC, tag: 'a=b', reason: 'r' }] },
      'CONFIG: exclude[0]: give either "id" or "tag" (one per entry)',
    ],
    ['an exclusion with a bad id in the file', [], { exclude: [{ id: 'vpc-1', reason: 'r' }] }, 'CONFIG: exclude[0].id: "vpc-1" is not a VPC or subnet id'],
    [
      'an exclusion whose expires is not a date',
      [],
      { exclude: [{ id: VPC, reason: 'r', expires: 'next year' }] },
      'CONFIG: exclude[0].expires: "next year" is not a date like 2025-12-31',
    ],
    [
      'an exclusion expiring on 31 February',
      [],
      { exclude: [{ id: VPC, reason: 'r', expires: '2030-02-31' }] },
      'CONFIG: exclude[0].expires: "2030-02-31" is not a date',
    ],
    ['an exclusion with an unknown key', [], { exclude: [{ id: VPC, reason: 'r', until: '2030-01-01' }] }, 'CONFIG: exclude[0]: unknown key "until"'],
    ['skipDefaultVpcs as a string', [], { skipDefaultVpcs: 'yes' }, 'CONFIG: skipDefaultVpcs: Invalid input: expected boolean, received string'],
    ['a tag in the file with an aws: key', [], { tags: { 'aws:x': '1' } }, 'CONFIG: tags: tag key "aws:x" starts with "aws:"'],
  ];

  test.each(rows)('GIVEN %s THEN the message says where', async (_name, argv, config, message) => {
    await expect(settingsFor(argv, config)).rejects.toThrow(message.replace('CONFIG', configFile));
  });

  test('GIVEN a bad value from the file THEN no flag is named', async () => {
    const message = await settingsFor([], { retentionInDays: 42 }).catch((err: Error) => err.message);
    expect(message).toContain('retentionInDays');
    expect(message).not.toContain('--retention');
  });
});

describe('flagsGiven', () => {
  test('GIVEN flags THEN only the typed ones, as settings values', async () => {
    expect(flagsGiven(await parse(['--regions', 'us-east-1,eu-west-1', '--traffic-type', 'all', '--retention', '30']))).toEqual([
      { flag: '--regions', key: 'regions', value: ['us-east-1', 'eu-west-1'] },
      { flag: '--traffic-type', key: 'trafficType', value: 'ALL' },
      { flag: '--retention', key: 'retentionInDays', value: 30 },
    ]);
    expect(flagsGiven(await parse([]))).toEqual([]);
  });
});

describe('--help', () => {
  async function help(argv: string[]): Promise<string> {
    const lines: unknown[] = [];
    const log = console.log; // yargs prints help with console.log, not through io
    console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
    try {
      await runFlowfix(argv);
    } finally {
      console.log = log;
    }
    return lines.join('\n');
  }

  test.each(['plan', 'apply', 'verify', 'rollback'] as const)(
    'GIVEN %s --help THEN every settings flag it reads is listed with its type, and no other',
    async (command) => {
      const text = await help([command, '--help']);
      // Numbers are read as text and checked as decimal digits by flowfix (yargs would take 0x16d as 365).
      for (const f of SETTINGS_FLAGS) {
        const reads = f.global === true || (f.commands ?? ['plan', 'apply', 'verify', 'rollback']).includes(command);
        const listed = new RegExp(`^\\s+${f.flag}\\s[\\s\\S]*?\\[${f.type === 'number' ? 'string' : f.type}\\]`, 'm').test(text);
        expect([f.flag, listed]).toEqual([f.flag, reads]);
      }
    },
  );

  test('GIVEN rollback --help THEN its own flags are described', async () => {
    const text = await help(['rollback', '--help']);
    for (const flag of ['--yes', '--dry-run', '--delete-log-groups']) expect(text).toContain(flag);
    expect(text.replace(/\s+/g, ' ')).toContain('log groups are kept unless --delete-log-groups');
  });

  test('GIVEN guided THEN it takes the global flags and --regions, but not the other per-command ones', async () => {
    const text = await help(['guided', '--help']);
    for (const f of SETTINGS_FLAGS) expect([f.flag, text.includes(`${f.flag} `)]).toEqual([f.flag, f.global === true || f.key === 'regions']);
    expect((await runFlowfix(['guided', '--scope', 'vpc'])).stderr).toMatch(
      /^flowfix: --scope is not an option of flowfix guided \(it is one of flowfix plan, flowfix apply and flowfix verify\)/,
    );
  });
});

describe('equivalent command', () => {
  const samples: [string, Settings][] = [
    ['defaults', { ...DEFAULT_SETTINGS, regions: ['us-east-1'] }],
    [
      'every CloudWatch setting changed',
      {
        profile: 'dev',
        endpointUrl: 'http://localhost:4566',
        connectTimeout: 5,
        readTimeout: 120,
        concurrency: 4,
        minRetentionDays: 30,
        regions: ['eu-west-1', 'us-east-1'],
        scope: 'subnet',
        trafficType: 'ALL',
        destination: { type: 'cloud-watch-logs', logGroupName: '/team/flow-logs#1' },
        retentionInDays: 30,
        kmsKeyId: KMS,
        roleName: 'team-flow-logs',
        policyName: 'team-publish',
        exclude: [
          { id: VPC, reason: 'given with --exclude' },
          { id: SUBNET, reason: 'given with --exclude' },
          { tag: 'flowfix=skip', reason: 'given with --exclude-tag' },
          { tag: 'Legacy', reason: 'given with --exclude-tag' },
        ],
        skipDefaultVpcs: true,
        tags: { CostCentre: '4711', Owner: 'net team' },
      },
    ],
    ['S3 with defaults', { ...DEFAULT_SETTINGS, regions: ['us-east-1'], destination: { type: 's3', bucket: 'my-flow-logs', prefix: '' } }],
    [
      'S3 with CloudWatch-side settings changed',
      {
        ...DEFAULT_SETTINGS,
        regions: ['us-east-1'],
        destination: { type: 's3', bucket: 'my-flow-logs', prefix: 'vpc/' },
        retentionInDays: 400,
        minRetentionDays: 400,
        roleName: 'r',
        policyName: 'p',
        kmsKeyId: KMS,
      },
    ],
  ];

  test.each(samples)('GIVEN %s THEN its argv parses back to the same settings', async (_name, settings) => {
    expect(await settingsFor(settingsArgv(settings))).toEqual(settings);
  });

  test('GIVEN a value the shell would split THEN it is quoted', () => {
    expect(applyCommandLine(samples[1]![1])).toContain(" --log-group '/team/flow-logs#1' ");
    expect(applyCommandLine(samples[1]![1])).toContain(" --tag 'Owner=net team' ");
  });

  test('GIVEN exclusions from a file (reasons, expiry) THEN the command still names every excluded id and tag, once each', () => {
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      regions: ['us-east-1'],
      exclude: [
        { id: VPC, reason: 'legacy', expires: '2030-01-01' },
        { id: VPC, reason: 'given with --exclude' },
        { tag: 'Legacy', reason: 'owned elsewhere' },
      ],
      skipDefaultVpcs: true,
    };
    expect(applyCommandLine(settings)).toBe(
      `flowfix apply --regions us-east-1 --exclude ${VPC} --exclude-tag Legacy --skip-default-vpcs --scope vpc --traffic-type REJECT --destination cloud-watch-logs --log-group /flowfix/vpc-flow-logs --retention 365 --role-name flowfix-vpc-flow-logs --yes`,
    );
  });

  test('GIVEN guided settings THEN the command applies them to the chosen regions', () => {
    expect(applyCommandLine({ ...DEFAULT_SETTINGS, destination: { type: 's3', bucket: 'b-1', prefix: '' }, regions: ['eu-west-1'] })).toBe(
      'flowfix apply --regions eu-west-1 --scope vpc --traffic-type REJECT --destination s3://b-1/ --yes',
    );
  });
});
