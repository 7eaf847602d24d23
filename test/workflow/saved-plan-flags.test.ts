// A saved plan is applied with its own settings: a flag typed with `apply FILE` for a setting the plan
// records must agree with it. The cases come from the tables: every settings flag that feeds a recorded
// setting (PLAN_SETTING_KEYS), rendered from settings by the flag table itself (settingsArgv) and parsed
// by the real declarations, so a setting added to plans is checked here without a new case. All of it
// happens before any AWS call.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yargs from 'yargs';

import type { AwsClients } from '../../src/aws/api.js';
import { settingOf, SETTINGS_FLAGS, settingsArgv, settingsFromFlags, withGlobalSettingsFlags, withSettingsFlags } from '../../src/config/flags.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/config/settings.js';
import { isFlowfixError } from '../../src/errors.js';
import { renderPlanFile } from '../../src/plan/plan-file.js';
import { PLAN_SETTING_KEYS, recordPlanSettings } from '../../src/plan/plan-settings.js';
import type { Plan } from '../../src/plan/types.js';
import { loadSavedPlan } from '../../src/workflow/saved-plan.js';
import { ACCOUNT } from '../helpers/builders.js';

const REGIONS = ['us-east-1', 'eu-west-1'];

/** Two saved plans: CloudWatch Logs with defaults, and S3 (for the S3-only options). */
const CLOUD_WATCH: Settings = { ...DEFAULT_SETTINGS, regions: REGIONS };
const S3: Settings = { ...DEFAULT_SETTINGS, regions: REGIONS, destination: { type: 's3', bucket: 'central-logs', prefix: 'flow/' } };

/** A value for every recorded setting that no saved plan here has (what a typed flag that disagrees says). */
const OTHER: Settings = {
  ...DEFAULT_SETTINGS,
  scope: 'subnet',
  trafficType: 'ALL',
  destination: { type: 'cloud-watch-logs', logGroupName: '/other/flow-logs' },
  roleName: 'other-role',
  policyName: 'other-policy',
  retentionInDays: 731,
  minRetentionDays: 30,
  kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/other-boundary`,
  rolePath: '/other/',
  regions: ['us-east-1'],
  exclude: [
    { id: 'vpc-0123456789abcdef0', reason: 'given with --exclude' },
    { tag: 'Team=data', reason: 'given with --exclude-tag' },
  ],
  skipDefaultVpcs: true,
  tags: { Env: 'prod' },
  logFormat: '${version} ${vpc-id} ${srcaddr} ${dstaddr} ${action}',
  maxAggregationInterval: 60,
  fileFormat: 'parquet',
  hiveCompatiblePartitions: true,
  perHourPartition: true,
  requireFields: ['vpc-id'],
};
const S3_ONLY = new Set(['fileFormat', 'hiveCompatiblePartitions', 'perHourPartition']);

/**
 * The flag saying what OTHER says. --destination for CloudWatch Logs is the plan's (the group is
 * --log-group's), so it names a bucket; an S3-only option keeps the S3 plan's destination; a flag that
 * renders nothing itself (--region) says what the setting it feeds renders.
 */
function otherArgv(flag: string, key: string): string[] {
  const other: Settings =
    key === 'destination'
      ? { ...OTHER, destination: { type: 's3', bucket: 'other-bucket', prefix: '' } }
      : S3_ONLY.has(key)
        ? { ...OTHER, destination: S3.destination }
        : OTHER;
  const own = settingsArgv(other, [key]);
  if (own.length > 0) return own;
  if (settingOf(key as never) === key) throw new Error(`OTHER has no value for ${key}: give it one that differs from the saved plans`);
  return [flag, ...settingsArgv(other, [settingOf(key as never)]).slice(1)];
}

/** The flags apply accepts that set a recorded setting. */
const RECORDED_FLAGS = SETTINGS_FLAGS.filter((f) => (PLAN_SETTING_KEYS as string[]).includes(settingOf(f.key)) && (f.commands?.includes('apply') ?? true));

/** The settings flags argv holds, as apply's parser reads them. */
async function typed(argv: string[]) {
  const parser = withSettingsFlags(withGlobalSettingsFlags(yargs(argv)), 'apply')
    .strict()
    .exitProcess(false)
    .fail((message, err) => {
      throw err ?? new Error(message);
    });
  return settingsFromFlags((await parser.parseAsync()) as Record<string, unknown>);
}

/** Any AWS call fails the test: the flags are checked before the account is read. */
const NO_AWS = {
  clients: new Proxy({} as AwsClients, {
    get: () => () => {
      throw new Error('an AWS call before the flags were checked');
    },
  }),
  clock: { now: () => 0 },
} as never;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flowfix-saved-flags-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function savedPlan(settings: Settings): Promise<string> {
  const plan: Plan = {
    schemaVersion: 1,
    accountId: ACCOUNT,
    partition: 'aws',
    createdAt: '2026-01-01T00:00:00Z',
    settings: recordPlanSettings(settings, REGIONS),
    actions: [],
    blocked: [],
  };
  const file = path.join(dir, `${settings.destination.type}.json`);
  await writeFile(file, renderPlanFile(plan));
  return file;
}

const refusal = async (file: string, argv: string[]) =>
  loadSavedPlan(file, await typed(argv), DEFAULT_SETTINGS, NO_AWS).then(
    () => 'accepted',
    (err: unknown) => (isFlowfixError(err) ? `${err.code}: ${err.message}` : `unexpected: ${String(err)}`),
  );

describe('flags typed with a saved plan', () => {
  test('GIVEN the recorded settings THEN each has flags to compare (the cases below exist for every one)', () => {
    const fed = new Set(RECORDED_FLAGS.map((f) => settingOf(f.key)));
    expect(PLAN_SETTING_KEYS.filter((key) => !fed.has(key))).toEqual([]);
  });

  test.each(RECORDED_FLAGS.map((f) => [f.flag, f.key] as const))('GIVEN %s saying otherwise than the plan THEN it is refused, naming it', async (flag, key) => {
    const base = S3_ONLY.has(key) ? S3 : CLOUD_WATCH;
    const file = await savedPlan(base);
    const argv = otherArgv(flag, key);
    expect(argv[0]).toBe(flag);

    expect(await refusal(file, argv)).toBe(`PlanFlagConflict: ${flag} differs from the settings saved in ${file}`);
  });

  test.each([
    ['CloudWatch Logs', CLOUD_WATCH],
    ['S3', S3],
  ])('GIVEN every recorded flag repeating a saved %s plan THEN it is accepted', async (_name, settings) => {
    const file = await savedPlan(settings);
    const keys = RECORDED_FLAGS.map((f) => f.key).filter((key) => settings.destination.type === 's3' || !S3_ONLY.has(key));
    const argv = settingsArgv(settings, keys);

    expect(await refusal(file, argv)).toMatch(/^unexpected: Error: an AWS call before the flags were checked/);
  });
});
