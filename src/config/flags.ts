// Every settings flag, once: its name, settings key, yargs declaration, how its value becomes a setting
// and how a setting renders back into argv. The parser, settingsFromFlags, error messages and guided's
// equivalent command are all derived from SETTINGS_FLAGS.
// No zod here: run.ts imports this for the yargs declarations, and --help should not load zod.
import type { Argv } from 'yargs';
import type { UserSettings } from './resolve-settings.js';
import { DEFAULT_SETTINGS, type Settings } from './settings.js';

export type SettingKey = keyof UserSettings;

export interface SettingsFlag {
  /** As typed, kebab-case. */
  flag: `--${string}`;
  /** As in the settings file. */
  key: SettingKey;
  /** Declared on the top-level parser, so every command (guided too) accepts it. */
  global?: true;
  type: 'string' | 'number';
  describe: string;
  /** Flag value → settings value, before validation. Absent: as yargs parsed it. */
  parse?: (value: unknown) => unknown;
  /** Applied to flag and settings-file values alike (the schema calls it), so both accept the same case. */
  normalise?: (value: unknown) => unknown;
  /** The value that reproduces this setting in argv; undefined to leave the flag out. */
  render: (s: Settings) => string | undefined;
}

const lowerCase = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
const upperCase = (v: unknown) => (typeof v === 'string' ? v.toUpperCase() : v);

/** Accepts repeated flags as well as commas: `--regions a,b --regions c`. */
function splitList(value: unknown): string[] {
  return [value]
    .flat()
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

type DefaultedKey = 'concurrency' | 'minRetentionDays' | 'retentionInDays' | 'roleName' | 'policyName';
const unlessDefault = (key: DefaultedKey) => (s: Settings) => (s[key] !== DEFAULT_SETTINGS[key] ? String(s[key]) : undefined);
/** Spelled out for CloudWatch Logs, where guided always showed it; for S3 only when it is not the default. */
const alwaysForCloudWatch = (key: DefaultedKey) => (s: Settings) =>
  s.destination.type === 'cloud-watch-logs' ? String(s[key]) : unlessDefault(key)(s);

/** In declaration (and so --help) order. */
export const SETTINGS_FLAGS: readonly SettingsFlag[] = [
  { flag: '--profile', key: 'profile', global: true, type: 'string', describe: 'AWS profile from ~/.aws/config', render: (s) => s.profile },
  {
    flag: '--region',
    key: 'region',
    global: true,
    type: 'string',
    describe: 'Home region for global calls (default: AWS_REGION, AWS_DEFAULT_REGION, profile, us-east-1)',
    render: (s) => s.region,
  },
  {
    flag: '--endpoint-url',
    key: 'endpointUrl',
    global: true,
    type: 'string',
    describe: 'Send every AWS call to this endpoint (LocalStack, moto); AWS_ENDPOINT_URL works too',
    render: (s) => s.endpointUrl,
  },
  {
    flag: '--regions',
    key: 'regions',
    type: 'string',
    describe: 'Comma-separated regions (default: every region enabled for the account)',
    parse: splitList,
    render: (s) => s.regions?.join(','),
  },
  {
    flag: '--scope',
    key: 'scope',
    type: 'string',
    describe: 'vpc (CIS, default) or subnet (every subnet needs its own or its VPC\'s flow log)',
    normalise: lowerCase,
    render: (s) => s.scope,
  },
  { flag: '--traffic-type', key: 'trafficType', type: 'string', describe: 'REJECT (default, CIS) or ALL', normalise: upperCase, render: (s) => s.trafficType },
  {
    flag: '--destination',
    key: 'destination',
    type: 'string',
    describe: 'cloud-watch-logs (default) or s3://bucket/prefix',
    render: ({ destination: d }) => (d.type === 's3' ? `s3://${d.bucket}/${d.prefix}` : 'cloud-watch-logs'),
  },
  {
    flag: '--log-group',
    key: 'logGroupName',
    type: 'string',
    describe: 'CloudWatch Logs group for new flow logs (default /flowfix/vpc-flow-logs)',
    render: ({ destination: d }) => (d.type === 'cloud-watch-logs' ? d.logGroupName : undefined),
  },
  { flag: '--role-name', key: 'roleName', type: 'string', describe: 'Delivery role name (default flowfix-vpc-flow-logs)', render: alwaysForCloudWatch('roleName') },
  {
    flag: '--policy-name',
    key: 'policyName',
    type: 'string',
    describe: 'Inline policy name on the role (default flowfix-publish-flow-logs)',
    render: unlessDefault('policyName'),
  },
  {
    flag: '--retention',
    key: 'retentionInDays',
    type: 'number',
    describe: 'Retention in days for log groups flowfix creates (default 365)',
    // With S3 it still sets retention on existing groups that keep logs too briefly.
    render: alwaysForCloudWatch('retentionInDays'),
  },
  {
    flag: '--min-retention',
    key: 'minRetentionDays',
    type: 'number',
    describe: 'Shorter retention on a destination group is a finding (default 365)',
    render: unlessDefault('minRetentionDays'),
  },
  {
    flag: '--permissions-boundary',
    key: 'permissionsBoundary',
    type: 'string',
    describe: 'Managed policy ARN to set as permissions boundary on the role flowfix creates',
    render: (s) => s.permissionsBoundary,
  },
  {
    flag: '--role-path',
    key: 'rolePath',
    type: 'string',
    describe: 'IAM path for the role flowfix creates (default /); an existing role is found by name at any path',
    render: (s) => s.rolePath,
  },
  { flag: '--kms-key', key: 'kmsKeyId', type: 'string', describe: 'KMS key ARN to encrypt log groups flowfix creates', render: (s) => s.kmsKeyId },
  { flag: '--concurrency', key: 'concurrency', type: 'number', describe: 'Regions read at once (default 8)', render: unlessDefault('concurrency') },
];

const byKey = new Map<string, SettingsFlag>(SETTINGS_FLAGS.map((f) => [f.key, f]));

/** The flag that sets a settings key, for messages about values that came from flags. */
export const flagFor = (key: string): string => byKey.get(key)?.flag ?? `--${key}`;

/** The shared case normalisation for a setting, for the schema to apply to file and flag values alike. */
export const normaliserFor = (key: string): ((value: unknown) => unknown) => byKey.get(key)?.normalise ?? ((v) => v);

const declare = <T>(y: Argv<T>, global: boolean): Argv<T> =>
  SETTINGS_FLAGS.filter((f) => (f.global ?? false) === global).reduce((acc, f) => acc.option(f.flag.slice(2), { type: f.type, describe: f.describe }), y);

/** --profile, --region, --endpoint-url: on the top-level parser. */
export const withGlobalSettingsFlags = <T>(y: Argv<T>): Argv<T> => declare(y, true);

/** The per-command settings flags (plan, apply, verify). */
export const withSettingsFlags = <T>(y: Argv<T>): Argv<T> => declare(y, false);

/** yargs hands kebab-case flags over camel-cased too; tests and callers pass the camel-cased form. */
const argName = (f: SettingsFlag) => f.flag.slice(2).replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

export interface FlagGiven {
  flag: string;
  key: SettingKey;
  /** As the setting, not as typed: lists split, case normalised. Not yet validated. */
  value: unknown;
}

/** The settings flags the user typed (none of them has a yargs default, so undefined means absent). */
export function flagsGiven(args: Record<string, unknown>): FlagGiven[] {
  return SETTINGS_FLAGS.flatMap((f) => {
    const raw = args[argName(f)];
    if (raw === undefined) return [];
    const parsed = f.parse ? f.parse(raw) : raw;
    return [{ flag: f.flag, key: f.key, value: f.normalise ? f.normalise(parsed) : parsed }];
  });
}

/** Settings as typed on the command line, for validation; only what the user typed, so config-file values survive the rest. */
export type FlagSettings = Partial<Record<SettingKey, unknown>>;

export function settingsFromFlags(args: Record<string, unknown>): FlagSettings {
  return Object.fromEntries(flagsGiven(args).map(({ key, value }) => [key, value]));
}

/** The order guided has always printed: connection, tuning, then what to fix and how (a key left out here still renders, first). */
const ARGV_ORDER: readonly SettingKey[] = [
  'profile', 'region', 'endpointUrl', 'concurrency', 'minRetentionDays',
  'regions', 'scope', 'trafficType', 'destination', 'logGroupName', 'retentionInDays', 'kmsKeyId', 'roleName', 'rolePath', 'permissionsBoundary', 'policyName',
];

const ARGV_FLAGS: SettingsFlag[] = [...SETTINGS_FLAGS].sort((a, b) => ARGV_ORDER.indexOf(a.key) - ARGV_ORDER.indexOf(b.key));

/** Flags that reproduce `settings` when parsed (defaults mostly left out). */
export function settingsArgv(settings: Settings): string[] {
  return ARGV_FLAGS.flatMap((f) => {
    const value = f.render(settings);
    return value === undefined ? [] : [f.flag, value];
  });
}

/** `flowfix apply ... --yes` for these settings, quoted for a POSIX shell. */
export function applyCommandLine(settings: Settings): string {
  return ['flowfix', 'apply', ...settingsArgv(settings), '--yes'].map(shellQuote).join(' ');
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
