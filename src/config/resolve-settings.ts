// Settings come from flowfix.config.json (optional) and flags (which win). Both are validated with one
// zod schema before the first AWS call, and every problem is reported at once with its path.
import * as z from 'zod';

import { FlowfixError } from '../errors.js';
import {
  AGGREGATION_INTERVALS,
  canonicalLogFormat,
  FILE_FORMATS,
  FLOW_LOG_FIELDS,
  formatRecording,
  isFlowLogField,
  logFormatProblem,
  missingFields,
} from '../facts/flow-log-format.js';
import {
  accountId,
  assumableRoleName,
  externalId,
  iamName,
  kmsKeyArn,
  logGroupName,
  managedPolicyArn,
  rolePath,
  roleSessionName,
  S3_URL,
} from '../facts/names.js';
import { isValidRegionName } from '../facts/regions.js';
import { VPC_OR_SUBNET_ID } from '../facts/resources.js';
import { MAX_TAG_KEY_CHARACTERS, MAX_TAG_VALUE_CHARACTERS, MAX_TAGS_PER_RESOURCE, parseTagAssignment, tagKeyProblem, tagValueProblem } from '../facts/tags.js';
import { readRegularFile } from '../util/safe-files.js';
import { formatIssuePath, issueLines, listKeys } from '../util/validation-problems.js';
import { flagFor, flagIssueLocation, normaliserFor, type FlagSettings, type SettingKey } from './flags.js';
import { ALLOWED_RETENTION_DAYS, DEFAULT_SETTINGS, MANAGED_BY_TAG, type Destination, type Exclusion, type Settings } from './settings.js';

const DEFAULT_CLOUD_WATCH = DEFAULT_SETTINGS.destination as Extract<Destination, { type: 'cloud-watch-logs' }>;

/** `--region all`, as Prowler and Cloud Custodian users type it: every region enabled for the account (the default). */
export const ALL_REGIONS = 'all';
const regionName = z.string().refine((name) => name === ALL_REGIONS || isValidRegionName(name), 'is not a region name (like us-east-1), nor all');
const NO_REGION = 'name at least one region (like eu-west-1), or all for every enabled region';

const destination = z.string().superRefine((value, ctx) => {
  if (value === 'cloud-watch-logs' || parseS3Url(value) !== null) return;
  // The most common slip, said as such: S3 bucket names have no capitals.
  const bucket = /^s3:\/\/([^/]+)(\/.*)?$/i.exec(value);
  const lower = bucket && bucket[1] !== bucket[1]!.toLowerCase() ? `s3://${bucket[1]!.toLowerCase()}${bucket[2] ?? ''}` : undefined;
  ctx.addIssue({
    code: 'custom',
    message:
      lower && parseS3Url(lower)
        ? `S3 bucket names are lower case: ${JSON.stringify(bucket![1])} cannot be a bucket (did you mean ${lower}?)`
        : 'must be "cloud-watch-logs" or s3://bucket[/prefix] (bucket: 3-63 lowercase letters, digits, dots, hyphens)',
  });
});

// Flags typed as numbers arrive as NaN when they are not one; zod would call that "received NaN".
const number = () => z.number({ error: (issue) => (Number.isNaN(issue.input) ? 'is not a whole decimal number, like 365' : undefined) });

/** Control characters, format characters (bidi, zero-width) and line separators: never part of a name, URL or path. */
const CONTROL_CHARACTER = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/**
 * Where every AWS call goes, signed: http(s), a host, no user or password, nothing a terminal would act on
 * when the "Using endpoint" notice shows it (an erase code in it would hide where calls really go).
 */
export const endpointUrlProblem = (value: string): string | undefined => {
  if (CONTROL_CHARACTER.test(value) || /\s/.test(value)) return 'must not contain spaces or control characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL like http://localhost:4566 (http or https)';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be a URL like http://localhost:4566 (http or https)';
  if (url.hostname === '') return 'must name a host, like http://localhost:4566';
  if (url.username || url.password) return 'must not carry a user name or password';
  return undefined;
};

/** Refused before it is used or shown: a profile name, like the AWS CLI's, is a name on one line. */
const profileName = z
  .string()
  .min(1)
  .refine(
    (name) => !CONTROL_CHARACTER.test(name) && name.trim() === name,
    'must be a profile name from ~/.aws/config, without control characters or surrounding spaces',
  );

/** Keys JavaScript objects treat specially: a tag of that name would be dropped or change the object. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The same case rules for a value from the file or a flag. */
const normalised = <T extends z.ZodType>(key: string, schema: T) => z.preprocess(normaliserFor(key), schema);

const quoted = (value: unknown) => JSON.stringify(String(value));

const excludedId = z.string().refine((id) => VPC_OR_SUBNET_ID.test(id), {
  error: (issue) => `${quoted(issue.input)} is not a VPC or subnet id (vpc- or subnet- and 8 to 17 hex digits)`,
});

/** KEY or KEY=VALUE, as EC2 stores tags (any characters: this matches tags, it does not create them). */
const excludedTag = z.string().superRefine((text, ctx) => {
  const { key, value } = parseTagAssignment(text);
  const problem =
    key === ''
      ? 'has no key: write KEY or KEY=VALUE'
      : [...key].length > MAX_TAG_KEY_CHARACTERS
        ? `has a key longer than ${MAX_TAG_KEY_CHARACTERS} characters`
        : value !== undefined && [...value].length > MAX_TAG_VALUE_CHARACTERS
          ? `has a value longer than ${MAX_TAG_VALUE_CHARACTERS} characters`
          : undefined;
  if (problem) ctx.addIssue({ code: 'custom', message: `tag ${quoted(text)} ${problem}` });
});

/** One exclusion: `{ id | tag, reason, expires? }`; the flags fill in the reason. */
const exclusion = z
  .strictObject(
    {
      id: excludedId.optional(),
      tag: excludedTag.optional(),
      reason: z
        .string({ error: (issue) => (issue.input === undefined ? 'is required: say why flowfix should leave it alone' : undefined) })
        .trim()
        .min(1, 'is required: say why flowfix should leave it alone')
        .max(1000),
      expires: z.iso.date({ error: (issue) => `${quoted(issue.input)} is not a date like 2025-12-31` }).optional(),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'must be { "id": "vpc-…", "reason": "…" } or { "tag": "KEY=VALUE", "reason": "…" }' : undefined) },
  )
  .refine((entry) => (entry.id === undefined) !== (entry.tag === undefined), { error: 'give either "id" or "tag" (one per entry)' });

/** Flowfix's own ManagedBy tag, in any case: a look-alike key would be taken for flowfix's by people and case-blind tools. */
const isManagedByKey = (key: string) => key.toLowerCase() === MANAGED_BY_TAG.key.toLowerCase();

/** `{ "Key": "value" }` (settings file) or `["Key=value"]` (--tag), checked against AWS's tag rules. */
const organizationTags = z.preprocess(
  (value, ctx) => {
    const refuseSpecialKey = (key: string) =>
      ctx.issues.push({
        code: 'custom',
        message: `tag key ${quoted(key)} is not allowed (a JavaScript object key with a special meaning); use another key`,
        input: key,
      });
    if (!Array.isArray(value)) {
      if (typeof value === 'object' && value !== null) {
        const special = Object.keys(value).filter((key) => PROTOTYPE_KEYS.has(key));
        special.forEach(refuseSpecialKey);
        if (special.length > 0) return Object.fromEntries(Object.entries(value).filter(([key]) => !PROTOTYPE_KEYS.has(key)));
      }
      return value;
    }
    const entries: [string, string][] = [];
    for (const text of value.map(String)) {
      const { key, value: tagValue } = parseTagAssignment(text);
      if (tagValue === undefined) ctx.issues.push({ code: 'custom', message: `${quoted(text)} is not KEY=VALUE`, input: text });
      else if (PROTOTYPE_KEYS.has(key)) refuseSpecialKey(key);
      else entries.push([key, tagValue]);
    }
    return Object.fromEntries(entries);
  },
  z.record(z.string(), z.string()).superRefine((tags, ctx) => {
    for (const [key, value] of Object.entries(tags)) {
      const problem = isManagedByKey(key)
        ? `tag key "${key}" is flowfix's own (${MANAGED_BY_TAG.key}=${MANAGED_BY_TAG.value}) and cannot be set or overridden`
        : (tagKeyProblem(key) ?? tagValueProblem(key, value));
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }
  }),
);

/** Every setting a user can give, in a config file or as a flag; all optional. */
export const userSettingsSchema = z.strictObject({
  scope: normalised('scope', z.enum(['vpc', 'subnet'])).optional(),
  trafficType: normalised('trafficType', z.enum(['REJECT', 'ALL'])).optional(),
  destination: destination.optional(),
  logGroupName: logGroupName.optional(),
  roleName: iamName.optional(),
  policyName: iamName.optional(),
  retentionInDays: number()
    .refine((n) => (ALLOWED_RETENTION_DAYS as readonly number[]).includes(n), `must be one of ${ALLOWED_RETENTION_DAYS.join(', ')}`)
    .optional(),
  minRetentionDays: number().int().min(1).max(3653).optional(),
  kmsKeyId: kmsKeyArn.optional(),
  logFormat: z
    .string()
    .superRefine((value, ctx) => {
      const problem = logFormatProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform(canonicalLogFormat)
    .optional(),
  maxAggregationInterval: number()
    .refine((n) => (AGGREGATION_INTERVALS as readonly number[]).includes(n), `must be ${AGGREGATION_INTERVALS.join(' or ')} (seconds)`)
    .transform((n) => n as (typeof AGGREGATION_INTERVALS)[number])
    .optional(),
  fileFormat: normalised('fileFormat', z.enum(FILE_FORMATS)).optional(),
  requireFields: z
    .array(
      z
        .string()
        .refine(isFlowLogField, { error: (issue) => `${quoted(issue.input)} is not a flow log field; fields are ${Object.keys(FLOW_LOG_FIELDS).join(', ')}` }),
    )
    .min(1)
    .optional(),
  hiveCompatiblePartitions: z.boolean().optional(),
  perHourPartition: z.boolean().optional(),
  permissionsBoundary: managedPolicyArn.optional(),
  rolePath: rolePath.optional(),
  regions: z.array(regionName).min(1, NO_REGION).optional(),
  concurrency: number().int().min(1).max(64).optional(),
  profile: profileName.optional(),
  // The same as `regions` (a name or a list), as --region is in the AWS CLI: where to work.
  region: z
    .preprocess(
      (v) =>
        typeof v === 'string'
          ? v
              .split(',')
              .map((r) => r.trim())
              .filter(Boolean)
          : v,
      z.array(regionName).min(1, NO_REGION),
    )
    .optional(),
  // Only http(s): every AWS call, credentials signed, goes there.
  endpointUrl: z
    .string()
    .superRefine((value, ctx) => {
      const problem = endpointUrlProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  org: z.boolean().optional(),
  ou: z
    .string()
    .regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, 'must be an OU id like ou-ab12-cd34ef56')
    .optional(),
  accounts: z.array(accountId).min(1).optional(),
  excludeAccounts: z.array(accountId).min(1).optional(),
  assumeRole: assumableRoleName.optional(),
  logArchiveAccount: accountId.optional(),
  externalId: externalId.optional(),
  roleSessionName: roleSessionName.optional(),
  exclude: z.array(exclusion).optional(),
  excludeTags: z.array(exclusion).optional(),
  skipDefaultVpcs: z.boolean().optional(),
  failOnDeniedRegions: z.boolean().optional(),
  tags: organizationTags.optional(),
  // Whole seconds, never 0: the AWS CLI reads 0 as "wait forever", and flowfix never hangs.
  connectTimeout: number().int().min(1).max(3600).optional(),
  readTimeout: number().int().min(1).max(3600).optional(),
});

export type UserSettings = z.infer<typeof userSettingsSchema>;

export function parseS3Url(value: string): { bucket: string; prefix: string } | null {
  const match = S3_URL.exec(value);
  if (!match) return null;
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix === 'AWSLogs' || prefix.startsWith('AWSLogs/')) return null; // AWS reserves it
  return { bucket: match[1]!, prefix: prefix ? `${prefix}/` : '' };
}

type Source = { kind: 'file'; path: string } | { kind: 'flags' };

/** Each issue as `FILE: path: problem` or `--flag[path]: problem`, top-level issues included. */
function describeIssues(issues: z.core.$ZodIssue[], source: Source): string[] {
  const noun = source.kind === 'flags' ? 'option' : 'key';
  return issueLines(issues, {
    where:
      source.kind === 'file'
        ? (path) => `${source.path}: ${formatIssuePath(path)}`
        : ([top, ...rest]) => {
            if (top === undefined) return '';
            const { flag, path } = flagIssueLocation(String(top), rest);
            return formatIssuePath(path, flag);
          },
    message: (issue) => (issue.code === 'unrecognized_keys' ? `unknown ${noun} ${listKeys(issue.keys)}` : issue.message),
  });
}

/** Far above any real settings file (thousands of exclusions are a few hundred KB), far below memory trouble. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** A regular file only (a FIFO would block, a device never end), read no further than MAX_CONFIG_BYTES. */
export async function readConfigFile(path: string, required: boolean): Promise<{ path: string; value: unknown } | null> {
  const read = await readRegularFile(path, MAX_CONFIG_BYTES);
  if ('missing' in read && !required) return null;
  if (!('text' in read)) {
    throw new FlowfixError('ConfigUnreadable', `cannot read config file ${path}: ${'missing' in read ? 'no such file (ENOENT)' : read.problem}`, {
      hint: required ? 'check the path given to --config' : `remove or rename ${path}, or name another settings file with --config`,
    });
  }
  const text = read.text;
  try {
    return { path, value: JSON.parse(text) };
  } catch (err) {
    throw new FlowfixError('ConfigInvalid', `config file ${path} is not valid JSON: ${(err as Error).message}`, {
      hint: 'fix the JSON syntax (a JSON validator shows the line)',
      cause: err,
    });
  }
}

/**
 * Merge config-file values and flags (flags win) over `base` (the defaults, or a saved plan's settings).
 * `flags` holds only what the user typed. Throws one FlowfixError listing every problem.
 */
export function resolveSettings(flags: FlagSettings, config: { path: string; value: unknown } | null, base: Settings = DEFAULT_SETTINGS): Settings {
  let problems: string[] = [];
  // Lines are capped ("and N more"); the count is of every problem.
  let count = 0;
  let fromFile: UserSettings = {};
  if (config) {
    const parsed = userSettingsSchema.safeParse(config.value);
    if (parsed.success) fromFile = parsed.data;
    else {
      problems = problems.concat(describeIssues(parsed.error.issues, { kind: 'file', path: config.path }));
      count += parsed.error.issues.length;
    }
  }
  const parsedFlags = userSettingsSchema.safeParse(flags);
  if (!parsedFlags.success) {
    problems = problems.concat(describeIssues(parsedFlags.error.issues, { kind: 'flags' }));
    count += parsedFlags.error.issues.length;
  }

  const fromFlags: UserSettings = parsedFlags.success ? parsedFlags.data : {};
  const merged = { ...fromFile, ...fromFlags };
  // A setting as the user gave it: the flag, or the key and file it came from (defaults are changed with flags).
  const mention = (key: SettingKey, value?: unknown) => {
    const inFile = config && flags[key] === undefined && fromFile[key] !== undefined;
    const shown = value === undefined ? '' : ` ${String(value)}`;
    return inFile ? `${key}${shown} (${config.path})` : `${flagFor(key)}${shown}`;
  };
  const retentionInDays = merged.retentionInDays ?? base.retentionInDays;
  const minRetentionDays = merged.minRetentionDays ?? base.minRetentionDays;
  if (problems.length === 0 && retentionInDays < minRetentionDays) {
    count++;
    problems.push(
      `${mention('retentionInDays', retentionInDays)} is shorter than ${mention('minRetentionDays', minRetentionDays)}: flowfix would create non-compliant log groups`,
    );
  }
  // --accounts may name only the caller's own account (a list of one): whether it needs a role is known
  // once the caller is (src/workflow/accounts.ts).
  if (merged.org && !merged.assumeRole) {
    count++;
    problems.push(`${mention('org')} needs ${mention('assumeRole')} ROLE: the role flowfix assumes in each account (e.g. OrganizationAccountAccessRole)`);
  }
  if (merged.org && merged.accounts) {
    count++;
    problems.push(`${mention('org')} and ${mention('accounts')} each choose the accounts: give one`);
  }
  if (merged.ou && !merged.org) {
    count++;
    problems.push(`${mention('ou')} limits ${mention('org')}: add ${mention('org')}`);
  }
  // --region and --regions are one setting: flags that name regions replace the file's, both keys together.
  const regionList = (s: UserSettings) => (s.region || s.regions ? [...(s.region ?? []), ...(s.regions ?? [])] : undefined);
  const wanted = regionList(fromFlags) ?? regionList(fromFile);
  const everyRegion = wanted?.includes(ALL_REGIONS) ?? false;
  if (everyRegion && new Set(wanted).size > 1) {
    count++;
    problems.push(
      `${mention(fromFlags.region ? 'region' : 'regions')} ${wanted!.join(',')}: all already means every enabled region; give all or region names, not both`,
    );
  }
  const tags = { ...base.tags, ...fromFile.tags, ...(parsedFlags.success ? parsedFlags.data.tags : {}) };
  if (Object.keys(tags).length + 1 > MAX_TAGS_PER_RESOURCE) {
    count++;
    const from = [fromFile.tags && `tags (${config?.path})`, flags.tags !== undefined && flagFor('tags')].filter(Boolean).join(' and ');
    problems.push(
      `${from}: ${Object.keys(tags).length} tags and ${MANAGED_BY_TAG.key}=${MANAGED_BY_TAG.value} make ${Object.keys(tags).length + 1}; AWS allows at most ${MAX_TAGS_PER_RESOURCE} per resource`,
    );
  }
  const s3 = merged.destination ? parseS3Url(merged.destination) : null;
  // --log-group alone chooses CloudWatch Logs; neither keeps the base's destination.
  const cloudWatchGroup =
    merged.destination === 'cloud-watch-logs' || merged.logGroupName !== undefined
      ? (merged.logGroupName ?? (base.destination.type === 'cloud-watch-logs' ? base.destination : DEFAULT_CLOUD_WATCH).logGroupName)
      : undefined;
  const resolvedDestination: Destination = s3
    ? { type: 's3', ...s3 }
    : cloudWatchGroup !== undefined
      ? { type: 'cloud-watch-logs', logGroupName: cloudWatchGroup }
      : { ...base.destination };
  if (merged.destination?.startsWith('s3://') && merged.logGroupName) {
    count++;
    problems.push(`${mention('logGroupName')} applies to CloudWatch Logs only; drop it or use ${mention('destination', 'cloud-watch-logs')}`);
  }
  if (merged.logArchiveAccount && !merged.destination?.startsWith('s3://')) {
    count++;
    problems.push(`${mention('logArchiveAccount')} names the account of an S3 bucket: add ${mention('destination', 's3://BUCKET/PREFIX')}`);
  }
  // DestinationOptions exist for S3 only: CloudWatch Logs has no files to format or partition.
  const s3Only = (['fileFormat', 'hiveCompatiblePartitions', 'perHourPartition'] as const).filter((key) => merged[key] !== undefined);
  if (resolvedDestination.type !== 's3' && !merged.destination?.startsWith('s3://') && s3Only.length > 0) {
    count++;
    problems.push(
      `${s3Only.map((key) => mention(key)).join(', ')} ${s3Only.length === 1 ? 'applies' : 'apply'} to an S3 destination only; drop ${s3Only.length === 1 ? 'it' : 'them'} or use ${mention('destination', 's3://BUCKET/PREFIX')}`,
    );
  }
  // A format that lacks a required field would make every flow log flowfix creates a missing-fields finding
  // on the next run: the user chose both, so flowfix says which fields to add rather than pick for them.
  const logFormat = merged.logFormat ?? base.logFormat;
  const requireFields = merged.requireFields ?? base.requireFields;
  const unrecorded = logFormat && requireFields ? missingFields(logFormat, requireFields) : [];
  if (unrecorded.length > 0) {
    count++;
    problems.push(
      `${mention('logFormat')} does not record ${unrecorded.join(', ')}, which ${mention('requireFields')} asks for; add ${unrecorded.map((f) => `\${${f}}`).join(' ')} to it, or leave ${mention('logFormat')} out to get AWS's default fields and these`,
    );
  }
  // One problem fits the one line; several are counted there and listed under it, one per line, each findable.
  if (count === 1) {
    throw new FlowfixError('InvalidSettings', `invalid settings: ${problems[0]}`, { hint: 'flowfix --help lists every option' });
  }
  if (count > 1) {
    throw new FlowfixError('InvalidSettings', `invalid settings: ${count} problems`, {
      hint: 'fix each one listed below; flowfix --help lists every option',
      details: problems,
    });
  }

  const { destination: _d, logGroupName: _l, exclude: _e, excludeTags: _t, tags: _g, region: _r, regions: _rs, ...rest } = merged;
  const regions = wanted ? (everyRegion ? undefined : [...new Set(wanted)]) : base.regions;
  const { regions: _baseRegions, ...fromBase } = base;
  // Exclusions and tags from the file and from flags add up (a flag wins only for the same tag key):
  // a flag must never silently drop an exclusion someone decided in the file.
  const flagValues = parsedFlags.success ? parsedFlags.data : {};
  const exclude = [
    ...base.exclude,
    ...[fromFile.exclude, fromFile.excludeTags, flagValues.exclude, flagValues.excludeTags].flatMap((list) => (list ?? []).map(toExclusion)),
  ];
  return {
    ...fromBase,
    ...rest,
    ...(regions ? { regions } : {}),
    retentionInDays,
    minRetentionDays,
    destination: resolvedDestination,
    ...(requireFields && !logFormat ? { logFormat: formatRecording(requireFields) } : {}),
    exclude,
    skipDefaultVpcs: merged.skipDefaultVpcs ?? base.skipDefaultVpcs,
    tags,
  };
}

function toExclusion(entry: NonNullable<UserSettings['exclude']>[number]): Exclusion {
  const until = entry.expires === undefined ? {} : { expires: entry.expires };
  return entry.id !== undefined ? { id: entry.id, reason: entry.reason, ...until } : { tag: entry.tag!, reason: entry.reason, ...until };
}
