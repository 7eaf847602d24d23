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
  const parser = withSettingsFlags(withGlobalSettingsFlags(yargs(argv)))
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
    ['--region', ['--region', 'eu-west-1'], undefined, { region: 'eu-west-1' }],
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
    ['permissionsBoundary and rolePath in the file', [], { permissionsBoundary: BOUNDARY, rolePath: '/lz/' }, { permissionsBoundary: BOUNDARY, rolePath: '/lz/' }],
    ['file values in any case', [], { scope: 'SUBNET', trafficType: 'all' }, { scope: 'subnet', trafficType: 'ALL' }],
    ['a flag over a file value', ['--scope', 'vpc', '--retention', '30'], { scope: 'subnet', retentionInDays: 400, minRetentionDays: 30 }, { scope: 'vpc', retentionInDays: 30, minRetentionDays: 30 }],
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
    ['--retention abc', ['--retention', 'abc'], undefined, '--retention: is not a number'],
    ['--min-retention x', ['--min-retention', 'x'], undefined, '--min-retention: is not a number'],
    ['--concurrency many', ['--concurrency', 'many'], undefined, '--concurrency: is not a number'],
    ['--scope org', ['--scope', 'org'], undefined, '--scope: Invalid option: expected one of "vpc"|"subnet"'],
    ['retentionInDays 42 in the file', [], { retentionInDays: 42 }, 'CONFIG: retentionInDays: must be one of 1, 3, 5'],
    ['--permissions-boundary given a role', ['--permissions-boundary', 'arn:aws:iam::111111111111:role/Boundary'], undefined, '--permissions-boundary: must be a managed policy ARN'],
    ['--role-path without the trailing slash', ['--role-path', '/landing-zone'], undefined, '--role-path: must start and end with /'],
    ['rolePath with a space in the file', [], { rolePath: '/landing zone/' }, 'CONFIG: rolePath: must start and end with /'],
    ['retentionInDays "30" in the file', [], { retentionInDays: '30' }, 'CONFIG: retentionInDays: Invalid input: expected number, received string'],
    ['--retention below the default minimum', ['--retention', '30'], undefined, '--retention 30 is shorter than --min-retention 365'],
    ['a file retention below a flag minimum', ['--min-retention', '400'], { retentionInDays: 365 }, 'retentionInDays 365 (CONFIG) is shorter than --min-retention 400'],
    ['a file log group with an S3 flag', ['--destination', 's3://my-flow-logs'], { logGroupName: '/x' }, 'logGroupName (CONFIG) applies to CloudWatch Logs only; drop it or use --destination cloud-watch-logs'],
    ['--log-group with a file S3 destination', ['--log-group', '/x'], { destination: 's3://my-flow-logs' }, '--log-group applies to CloudWatch Logs only; drop it or use destination cloud-watch-logs (CONFIG)'],
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

  test.each(['plan', 'apply', 'verify'])('GIVEN %s --help THEN every settings flag is listed with its type', async (command) => {
    const text = await help([command, '--help']);
    for (const f of SETTINGS_FLAGS) expect(text).toMatch(new RegExp(`^\\s+${f.flag}\\s[\\s\\S]*?\\[${f.type}\\]`, 'm'));
  });

  test('GIVEN guided THEN it takes the global flags but not the per-command ones', async () => {
    const text = await help(['guided', '--help']);
    for (const f of SETTINGS_FLAGS) expect(text.includes(`${f.flag} `)).toBe(f.global === true);
    expect((await runFlowfix(['guided', '--scope', 'vpc'])).stderr).toMatch(/Unknown argument: scope/);
  });
});

describe('equivalent command', () => {
  const samples: [string, Settings][] = [
    ['defaults', { ...DEFAULT_SETTINGS, regions: ['us-east-1'] }],
    [
      'every CloudWatch setting changed',
      {
        profile: 'dev',
        region: 'eu-west-1',
        endpointUrl: 'http://localhost:4566',
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
      },
    ],
    ['S3 with defaults', { ...DEFAULT_SETTINGS, regions: ['us-east-1'], destination: { type: 's3', bucket: 'my-flow-logs', prefix: '' } }],
    [
      'S3 with CloudWatch-side settings changed',
      { ...DEFAULT_SETTINGS, regions: ['us-east-1'], destination: { type: 's3', bucket: 'my-flow-logs', prefix: 'vpc/' }, retentionInDays: 400, minRetentionDays: 400, roleName: 'r', policyName: 'p', kmsKeyId: KMS },
    ],
  ];

  test.each(samples)('GIVEN %s THEN its argv parses back to the same settings', async (_name, settings) => {
    expect(await settingsFor(settingsArgv(settings))).toEqual(settings);
  });

  test('GIVEN a value the shell would split THEN it is quoted', () => {
    expect(applyCommandLine(samples[1]![1])).toContain(" --log-group '/team/flow-logs#1' ");
  });

  test('GIVEN guided settings THEN the command applies them to the chosen regions', () => {
    expect(applyCommandLine({ ...DEFAULT_SETTINGS, destination: { type: 's3', bucket: 'b-1', prefix: '' }, regions: ['eu-west-1'] })).toBe(
      'flowfix apply --regions eu-west-1 --scope vpc --traffic-type REJECT --destination s3://b-1/ --yes',
    );
  });
});
