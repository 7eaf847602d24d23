// Every settings flag, once: its name, settings key, yargs declaration, how its value becomes a setting
// and how a setting renders back into argv. The parser, settingsFromFlags, error messages and guided's
// equivalent command are all derived from SETTINGS_FLAGS.
// No zod here: run.ts imports this for the yargs declarations, and --help should not load zod.
import type { Argv } from 'yargs';

import type { UserSettings } from './resolve-settings.js';
import { DEFAULT_SETTINGS, type Settings } from './settings.js';

export type SettingKey = keyof UserSettings;

export type SettingsCommand = 'plan' | 'apply' | 'verify' | 'rollback' | 'guided';
const READ_BY_DEFAULT: readonly SettingsCommand[] = ['plan', 'apply', 'verify', 'rollback'];
/**
 * What the audit or the plan reads (verify's report shows the plan too), and rollback does not: it deletes
 * what is tagged ManagedBy=flowfix, whatever the scope, exclusions or the settings of what is created.
 */
const NOT_ROLLBACK: readonly SettingsCommand[] = ['plan', 'apply', 'verify'];

export interface SettingsFlag {
  /** As typed, kebab-case. */
  flag: `--${string}`;
  /** As in the settings file. */
  key: SettingKey;
  /** The resolved setting it feeds, when that is not `key` (--log-group feeds the destination). */
  setting?: keyof Settings;
  /** Declared on the top-level parser, so every command (guided too) accepts it. */
  global?: true;
  /**
   * The commands that read it, and so list it in their --help and accept it (default: plan, apply, verify
   * and rollback). Guided asks for the rest itself.
   */
  commands?: readonly SettingsCommand[];
  /**
   * How to reach the account (credentials, endpoint, timeouts, the role to enter it), not what to change:
   * every command flowfix suggests keeps it as typed, or the suggestion would run elsewhere.
   */
  reach?: true;
  type: 'string' | 'number' | 'boolean';
  describe: string;
  /** Flag value → settings value, before validation. Absent: as yargs parsed it. */
  parse?: (value: unknown) => unknown;
  /** Applied to flag and settings-file values alike (the schema calls it), so both accept the same case. */
  normalise?: (value: unknown) => unknown;
  /**
   * Problems name the flag alone, not a path inside the setting: the setting's shape is not what was
   * typed, and the messages quote the value typed.
   */
  quotesValue?: true;
  /**
   * The value that reproduces this setting in argv; undefined to leave the flag out, a list to repeat
   * the flag. A boolean flag is given alone when its value is 'true'.
   */
  render: (s: Settings) => string | string[] | undefined;
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

type DefaultedKey = 'concurrency' | 'minRetentionDays' | 'retentionInDays' | 'roleName' | 'policyName' | 'connectTimeout' | 'readTimeout';
const unlessDefault = (key: DefaultedKey) => (s: Settings) => (s[key] !== DEFAULT_SETTINGS[key] ? String(s[key]) : undefined);
/** Spelled out for CloudWatch Logs, where guided always showed it; for S3 only when it is not the default. */
const alwaysForCloudWatch = (key: DefaultedKey) => (s: Settings) => (s.destination.type === 'cloud-watch-logs' ? String(s[key]) : unlessDefault(key)(s));

/** The reason recorded for an exclusion typed on the command line, which has no room for one. */
export const FLAG_EXCLUSION_REASON = { id: 'given with --exclude', tag: 'given with --exclude-tag' } as const;

/** Repeated flags, each value as typed (tag values may hold commas). */
const repeated = (value: unknown): string[] => [value].flat().map(String);

const unique = (values: string[]) => [...new Set(values)];

/** In declaration (and so --help) order. */
export const SETTINGS_FLAGS: readonly SettingsFlag[] = [
  {
    flag: '--profile',
    reach: true,
    key: 'profile',
    global: true,
    type: 'string',
    describe: 'AWS profile (~/.aws/config, ~/.aws/credentials); wins over AWS_PROFILE and keys in the environment',
    render: (s) => s.profile,
  },
  {
    flag: '--region',
    key: 'region',
    setting: 'regions',
    global: true,
    type: 'string',
    // As in the AWS CLI and Cloud Custodian: where to work. The home region for STS/IAM is never a flag (see README).
    describe: 'Region(s) to work in, comma-separated (as --regions; default: every region enabled for the account)',
    parse: splitList,
    // Merged into `regions` by resolveSettings, which --regions renders.
    render: () => undefined,
  },
  {
    flag: '--endpoint-url',
    reach: true,
    key: 'endpointUrl',
    global: true,
    type: 'string',
    describe: "Send every AWS call to this endpoint (LocalStack, moto); AWS_ENDPOINT_URL and a profile's endpoint_url work too",
    render: (s) => s.endpointUrl,
  },
  {
    flag: '--regions',
    commands: [...READ_BY_DEFAULT, 'guided'],
    key: 'regions',
    type: 'string',
    describe: 'Comma-separated regions to work in (as --region; default: every region enabled for the account)',
    parse: splitList,
    render: (s) => s.regions?.join(','),
  },
  {
    flag: '--scope',
    commands: NOT_ROLLBACK,
    key: 'scope',
    type: 'string',
    describe: "vpc (CIS, default) or subnet (every subnet needs its own or its VPC's flow log)",
    normalise: lowerCase,
    render: (s) => s.scope,
  },
  {
    flag: '--traffic-type',
    commands: NOT_ROLLBACK,
    key: 'trafficType',
    type: 'string',
    describe: 'REJECT (default, CIS) or ALL',
    normalise: upperCase,
    render: (s) => s.trafficType,
  },
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
    setting: 'destination',
    type: 'string',
    describe: 'CloudWatch Logs group for new flow logs (default /flowfix/vpc-flow-logs)',
    render: ({ destination: d }) => (d.type === 'cloud-watch-logs' ? d.logGroupName : undefined),
  },
  {
    flag: '--role-name',
    key: 'roleName',
    type: 'string',
    describe: 'Delivery role name (default flowfix-vpc-flow-logs)',
    render: alwaysForCloudWatch('roleName'),
  },
  {
    flag: '--policy-name',
    key: 'policyName',
    type: 'string',
    describe: 'Inline policy name on the role (default flowfix-publish-flow-logs)',
    render: unlessDefault('policyName'),
  },
  {
    flag: '--retention',
    commands: NOT_ROLLBACK,
    key: 'retentionInDays',
    type: 'number',
    describe: 'Retention in days for log groups flowfix creates (default 365)',
    // With S3 it still sets retention on existing groups that keep logs too briefly.
    render: alwaysForCloudWatch('retentionInDays'),
  },
  {
    flag: '--min-retention',
    commands: NOT_ROLLBACK,
    key: 'minRetentionDays',
    type: 'number',
    describe: 'Shorter retention on a destination group is a finding (default 365)',
    render: unlessDefault('minRetentionDays'),
  },
  {
    flag: '--permissions-boundary',
    commands: NOT_ROLLBACK,
    key: 'permissionsBoundary',
    type: 'string',
    describe: 'Managed policy ARN to set as permissions boundary on the role flowfix creates',
    render: (s) => s.permissionsBoundary,
  },
  {
    flag: '--role-path',
    commands: NOT_ROLLBACK,
    key: 'rolePath',
    type: 'string',
    describe: 'IAM path for the role flowfix creates (default /); an existing role is found by name at any path',
    render: (s) => s.rolePath,
  },
  {
    flag: '--kms-key',
    commands: NOT_ROLLBACK,
    key: 'kmsKeyId',
    type: 'string',
    describe: 'KMS key ARN to encrypt log groups flowfix creates',
    render: (s) => s.kmsKeyId,
  },
  {
    flag: '--log-format',
    commands: NOT_ROLLBACK,
    key: 'logFormat',
    type: 'string',
    describe: "Record format of flow logs flowfix creates, like '${version} ${vpc-id} ${srcaddr} ${dstaddr} ${action}' (default: AWS's default format)",
    render: (s) => s.logFormat,
  },
  {
    flag: '--max-aggregation-interval',
    commands: NOT_ROLLBACK,
    key: 'maxAggregationInterval',
    type: 'number',
    describe: 'Seconds each record of the flow logs flowfix creates aggregates: 60 or 600 (default 600)',
    render: (s) => (s.maxAggregationInterval === undefined ? undefined : String(s.maxAggregationInterval)),
  },
  {
    flag: '--file-format',
    commands: NOT_ROLLBACK,
    key: 'fileFormat',
    type: 'string',
    describe: 'S3 only: plain-text (default) or parquet files',
    normalise: lowerCase,
    render: (s) => s.fileFormat,
  },
  {
    flag: '--hive-compatible-partitions',
    commands: NOT_ROLLBACK,
    key: 'hiveCompatiblePartitions',
    type: 'boolean',
    describe: 'S3 only: Hive-compatible S3 prefixes (key=value), for Athena and Glue',
    render: (s) => (s.hiveCompatiblePartitions ? 'true' : undefined),
  },
  {
    flag: '--per-hour-partition',
    commands: NOT_ROLLBACK,
    key: 'perHourPartition',
    type: 'boolean',
    describe: 'S3 only: one S3 prefix per hour instead of per day',
    render: (s) => (s.perHourPartition ? 'true' : undefined),
  },
  {
    flag: '--require-fields',
    commands: NOT_ROLLBACK,
    key: 'requireFields',
    type: 'string',
    describe: 'Fields every counting flow log must record, comma-separated (like pkt-srcaddr,tcp-flags); one without them is a missing-fields finding',
    parse: splitList,
    quotesValue: true,
    render: (s) => s.requireFields?.join(','),
  },
  {
    flag: '--concurrency',
    key: 'concurrency',
    type: 'number',
    describe:
      'Calls in flight per region of each account, and per account for IAM, where AWS throttles (default 8); the same in every command, and regions never wait for each other',
    render: unlessDefault('concurrency'),
  },
  {
    flag: '--org',
    key: 'org',
    type: 'boolean',
    describe: 'Every ACTIVE account of the organization (from the management account or a delegated administrator)',
    render: (s) => (s.org ? 'true' : undefined),
  },
  { flag: '--ou', key: 'ou', type: 'string', describe: 'With --org: only the accounts under this OU and its children', render: (s) => s.ou },
  { flag: '--accounts', key: 'accounts', type: 'string', describe: 'Comma-separated account ids', parse: splitList, render: (s) => s.accounts?.join(',') },
  {
    flag: '--exclude-accounts',
    key: 'excludeAccounts',
    type: 'string',
    describe: 'Comma-separated account ids to leave out',
    parse: splitList,
    render: (s) => s.excludeAccounts?.join(','),
  },
  {
    flag: '--assume-role',
    reach: true,
    key: 'assumeRole',
    type: 'string',
    describe: "Role name flowfix assumes in each account but the caller's own (required with --org, and --accounts naming others)",
    render: (s) => s.assumeRole,
  },
  {
    flag: '--log-archive-account',
    key: 'logArchiveAccount',
    type: 'string',
    describe: 'With --destination s3://BUCKET: the account that owns the bucket (log archive); flowfix plans its bucket policy for every delivering account',
    render: (s) => s.logArchiveAccount,
  },
  { flag: '--external-id', reach: true, key: 'externalId', type: 'string', describe: 'ExternalId for --assume-role', render: (s) => s.externalId },
  {
    flag: '--role-session-name',
    reach: true,
    key: 'roleSessionName',
    type: 'string',
    describe: 'Session name for --assume-role (default flowfix-<your user or session name>, so CloudTrail tells operators apart)',
    render: (s) => s.roleSessionName,
  },
  {
    flag: '--exclude',
    commands: NOT_ROLLBACK,
    key: 'exclude',
    type: 'string',
    describe: 'Leave these VPCs or subnets alone (ids, comma-separated, repeatable); the report lists them as excluded',
    parse: (value) => splitList(value).map((id) => ({ id, reason: FLAG_EXCLUSION_REASON.id })),
    quotesValue: true,
    render: (s) => unique(s.exclude.flatMap((e) => (e.id === undefined ? [] : [e.id]))).join(',') || undefined,
  },
  {
    flag: '--exclude-tag',
    commands: NOT_ROLLBACK,
    key: 'excludeTags',
    setting: 'exclude',
    type: 'string',
    describe: 'Leave VPCs and subnets tagged KEY (any value) or KEY=VALUE alone (repeatable)',
    parse: (value) => repeated(value).map((tag) => ({ tag, reason: FLAG_EXCLUSION_REASON.tag })),
    quotesValue: true,
    render: (s) => unique(s.exclude.flatMap((e) => (e.tag === undefined ? [] : [e.tag]))),
  },
  {
    flag: '--skip-default-vpcs',
    commands: NOT_ROLLBACK,
    key: 'skipDefaultVpcs',
    type: 'boolean',
    describe: 'Leave the default VPCs (and their subnets) alone',
    render: (s) => (s.skipDefaultVpcs ? 'true' : undefined),
  },
  {
    flag: '--fail-on-denied-regions',
    key: 'failOnDeniedRegions',
    type: 'boolean',
    describe: 'Exit 1 when an organization policy (SCP or RCP) denies flowfix a region, instead of skipping that region',
    render: (s) => (s.failOnDeniedRegions ? 'true' : undefined),
  },
  {
    flag: '--tag',
    commands: NOT_ROLLBACK,
    key: 'tags',
    type: 'string',
    describe: 'Add the tag KEY=VALUE to everything flowfix creates, beside ManagedBy=flowfix (repeatable)',
    parse: repeated,
    quotesValue: true,
    render: (s) => Object.entries(s.tags).map(([key, value]) => `${key}=${value}`),
  },
  {
    flag: '--connect-timeout',
    reach: true,
    key: 'connectTimeout',
    global: true,
    type: 'number',
    describe: "Seconds to wait for a connection to AWS before retrying (default 60, as the AWS CLI's --cli-connect-timeout)",
    render: unlessDefault('connectTimeout'),
  },
  {
    flag: '--read-timeout',
    reach: true,
    key: 'readTimeout',
    global: true,
    type: 'number',
    describe: "Seconds to wait for data from AWS on an open connection before retrying (default 60, as the AWS CLI's --cli-read-timeout)",
    render: unlessDefault('readTimeout'),
  },
];

const byKey = new Map<string, SettingsFlag>(SETTINGS_FLAGS.map((f) => [f.key, f]));

/** The flag that sets a settings key, for messages about values that came from flags. */
export const flagFor = (key: string): string => byKey.get(key)?.flag ?? `--${key}`;

/** The resolved setting a settings key feeds (its own key, unless the flag says otherwise). */
export const settingOf = (key: SettingKey): string => byKey.get(key)?.setting ?? key;

/** Where a problem with a flag's value is: the flag, and the path inside the setting unless the message quotes the value. */
export function flagIssueLocation(key: string, path: readonly PropertyKey[]): { flag: string; path: readonly PropertyKey[] } {
  return { flag: flagFor(key), path: byKey.get(key)?.quotesValue ? [] : path };
}

/** The shared case normalisation for a setting, for the schema to apply to file and flag values alike. */
export const normaliserFor = (key: string): ((value: unknown) => unknown) => byKey.get(key)?.normalise ?? ((v) => v);

// Numbers are declared as strings: yargs would take 0x16d as 365 and 1e3 as 1000 (Number()'s rules).
const declare = <T>(y: Argv<T>, global: boolean, command?: SettingsCommand): Argv<T> =>
  SETTINGS_FLAGS.filter((f) => (f.global ?? false) === global && (!command || (f.commands ?? READ_BY_DEFAULT).includes(command))).reduce(
    (acc, f) => acc.option(f.flag.slice(2), { type: f.type === 'number' ? 'string' : f.type, describe: f.describe }),
    y,
  );

/** A numeric flag's text: decimal digits only (no 0x16d, 1e3, 0b1, +5 or 36.5), else NaN, which validation names. */
const decimalInteger = (value: unknown): unknown => (typeof value === 'string' ? (/^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN) : value);

/** --profile, --region, --endpoint-url, the timeouts: on the top-level parser. */
export const withGlobalSettingsFlags = <T>(y: Argv<T>): Argv<T> => declare(y, true);

/** The settings flags `command` reads (SettingsFlag.commands). */
export const withSettingsFlags = <T>(y: Argv<T>, command: SettingsCommand): Argv<T> => declare(y, false, command);

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
    const given = args[argName(f)];
    if (given === undefined) return [];
    const raw = f.type === 'number' ? decimalInteger(given) : given;
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
  'profile',
  'region',
  'endpointUrl',
  'connectTimeout',
  'readTimeout',
  'concurrency',
  'minRetentionDays',
  'org',
  'ou',
  'accounts',
  'excludeAccounts',
  'assumeRole',
  'externalId',
  'roleSessionName',
  'logArchiveAccount',
  'regions',
  'exclude',
  'excludeTags',
  'skipDefaultVpcs',
  'failOnDeniedRegions',
  'scope',
  'trafficType',
  'destination',
  'logGroupName',
  'retentionInDays',
  'kmsKeyId',
  'roleName',
  'rolePath',
  'permissionsBoundary',
  'policyName',
  'tags',
  'logFormat',
  'maxAggregationInterval',
  'fileFormat',
  'hiveCompatiblePartitions',
  'perHourPartition',
  'requireFields',
];

const ARGV_FLAGS: SettingsFlag[] = [...SETTINGS_FLAGS].sort((a, b) => ARGV_ORDER.indexOf(a.key) - ARGV_ORDER.indexOf(b.key));

/** Flags that reproduce `settings` when parsed (defaults mostly left out); with `only`, just those settings' flags. */
export function settingsArgv(settings: Settings, only?: readonly string[]): string[] {
  return ARGV_FLAGS.flatMap((f) => {
    if (only && !only.includes(f.key)) return [];
    const value = f.render(settings);
    if (f.type === 'boolean') return value === 'true' ? [f.flag] : [];
    return value === undefined ? [] : [value].flat().flatMap((v) => [f.flag, v]);
  });
}

/** The flags among `typed` that say how to reach the account (SettingsFlag.reach), as argv. */
export function reachArgv(settings: Settings, typed: readonly string[]): string[] {
  return settingsArgv(
    settings,
    SETTINGS_FLAGS.filter((f) => f.reach && typed.includes(f.key)).map((f) => f.key),
  );
}

/** `flowfix apply ... --yes` for these settings, quoted for a POSIX shell. */
export function applyCommandLine(settings: Settings): string {
  return commandLine(['flowfix', 'apply', ...settingsArgv(settings), '--yes']);
}

/** Words quoted for a POSIX shell and joined: a command a user can paste. */
export const commandLine = (words: readonly string[]): string => words.map(shellQuote).join(' ');

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
