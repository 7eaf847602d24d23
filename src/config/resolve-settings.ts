// Settings come from flowfix.config.json (optional) and flags (which win). Both are validated with one
// zod schema before the first AWS call, and every problem is reported at once with its path.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { isValidRegionName } from '../facts/regions.js';
import { FlowfixError } from '../errors.js';
import { formatIssuePath, issueLines, listKeys } from '../util/validation-problems.js';
import { flagFor, normaliserFor, type FlagSettings, type SettingKey } from './flags.js';
import { ALLOWED_RETENTION_DAYS, DEFAULT_SETTINGS, type Destination, type Settings } from './settings.js';

// CloudWatch Logs log group names: 1-512 of [A-Za-z0-9_\-/.#], not starting with aws/.
const LOG_GROUP_PATTERN = /^[A-Za-z0-9_\-/.#]{1,512}$/;
// IAM role and inline policy names.
const IAM_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;

// CloudWatch Logs takes a key ARN, not an alias.
export const KMS_KEY_PATTERN = /^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/;

// A managed policy (customer or AWS managed) as a permissions boundary: arn:<partition>:iam::<account|aws>:policy/[path/]name.
export const POLICY_ARN_PATTERN = /^arn:aws[\w-]*:iam::(\d{12}|aws):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;
// IAM paths: "/" or /segments/ of name characters (IAM allows any printable ASCII; flowfix keeps to what fits an ARN pattern).
export const ROLE_PATH_PATTERN = /^\/([\w+=,.@-]+\/)*$/;

export const isValidLogGroupName = (name: string) => LOG_GROUP_PATTERN.test(name) && !name.startsWith('aws/');

const regionName = z.string().refine(isValidRegionName, 'is not a region name (like us-east-1)');

const logGroupName = z
  .string()
  .regex(LOG_GROUP_PATTERN, 'must be 1-512 characters of A-Z a-z 0-9 _ - / . #')
  .refine((name) => !name.startsWith('aws/'), 'must not start with "aws/" (reserved by AWS)');

const destination = z.string().refine((value) => value === 'cloud-watch-logs' || parseS3Url(value) !== null, {
  message: 'must be "cloud-watch-logs" or s3://bucket[/prefix] (bucket: 3-63 lowercase letters, digits, dots, hyphens)',
});

// Flags typed as numbers arrive as NaN when they are not one; zod would call that "received NaN".
const number = () => z.number({ error: (issue) => (Number.isNaN(issue.input) ? 'is not a number' : undefined) });

/** The same case rules for a value from the file or a flag. */
const normalised = <T extends z.ZodType>(key: string, schema: T) => z.preprocess(normaliserFor(key), schema);

/** Every setting a user can give, in a config file or as a flag; all optional. */
export const userSettingsSchema = z.strictObject({
  scope: normalised('scope', z.enum(['vpc', 'subnet'])).optional(),
  trafficType: normalised('trafficType', z.enum(['REJECT', 'ALL'])).optional(),
  destination: destination.optional(),
  logGroupName: logGroupName.optional(),
  roleName: z.string().regex(IAM_NAME_PATTERN, 'must be 1-64 characters of letters, digits and +=,.@_-').optional(),
  policyName: z.string().regex(IAM_NAME_PATTERN, 'must be 1-64 characters of letters, digits and +=,.@_-').optional(),
  retentionInDays: number()
    .refine((n) => (ALLOWED_RETENTION_DAYS as readonly number[]).includes(n), `must be one of ${ALLOWED_RETENTION_DAYS.join(', ')}`)
    .optional(),
  minRetentionDays: number().int().min(1).max(3653).optional(),
  kmsKeyId: z.string().regex(KMS_KEY_PATTERN, 'must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID; aliases are not accepted by CloudWatch Logs)').optional(),
  permissionsBoundary: z
    .string()
    .regex(POLICY_ARN_PATTERN, 'must be a managed policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)')
    .optional(),
  rolePath: z
    .string()
    .max(512)
    .regex(ROLE_PATH_PATTERN, 'must start and end with / (like /service-roles/), with letters, digits and +=,.@_- between')
    .optional(),
  regions: z.array(regionName).min(1).optional(),
  concurrency: number().int().min(1).max(64).optional(),
  profile: z.string().min(1).optional(),
  region: regionName.optional(),
  endpointUrl: z.url({ message: 'must be a URL like http://localhost:4566' }).optional(),
});

export type UserSettings = z.infer<typeof userSettingsSchema>;

export function parseS3Url(value: string): { bucket: string; prefix: string } | null {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(value);
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
        : ([top, ...rest]) => (top === undefined ? '' : formatIssuePath(rest, flagFor(String(top)))),
    message: (issue) => (issue.code === 'unrecognized_keys' ? `unknown ${noun} ${listKeys(issue.keys)}` : issue.message),
  });
}

export async function readConfigFile(path: string, required: boolean): Promise<{ path: string; value: unknown } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new FlowfixError('ConfigUnreadable', `cannot read config file ${path}: ${(err as Error).message}`, {
      hint: 'check the path given to --config',
      cause: err,
    });
  }
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
 * Merge config-file values and flags (flags win) over the defaults. `flags` holds only what the user
 * typed. Throws one FlowfixError listing every problem.
 */
export function resolveSettings(flags: FlagSettings, config: { path: string; value: unknown } | null): Settings {
  let problems: string[] = [];
  let fromFile: UserSettings = {};
  if (config) {
    const parsed = userSettingsSchema.safeParse(config.value);
    if (parsed.success) fromFile = parsed.data;
    else problems = problems.concat(describeIssues(parsed.error.issues, { kind: 'file', path: config.path }));
  }
  const parsedFlags = userSettingsSchema.safeParse(flags);
  if (!parsedFlags.success) problems = problems.concat(describeIssues(parsedFlags.error.issues, { kind: 'flags' }));

  const merged = { ...fromFile, ...(parsedFlags.success ? parsedFlags.data : {}) };
  // A setting as the user gave it: the flag, or the key and file it came from (defaults are changed with flags).
  const mention = (key: SettingKey, value?: unknown) => {
    const inFile = config && flags[key] === undefined && fromFile[key] !== undefined;
    const shown = value === undefined ? '' : ` ${String(value)}`;
    return inFile ? `${key}${shown} (${config.path})` : `${flagFor(key)}${shown}`;
  };
  const retentionInDays = merged.retentionInDays ?? DEFAULT_SETTINGS.retentionInDays;
  const minRetentionDays = merged.minRetentionDays ?? DEFAULT_SETTINGS.minRetentionDays;
  if (problems.length === 0 && retentionInDays < minRetentionDays) {
    problems.push(
      `${mention('retentionInDays', retentionInDays)} is shorter than ${mention('minRetentionDays', minRetentionDays)}: flowfix would create non-compliant log groups`,
    );
  }
  if (merged.destination?.startsWith('s3://') && merged.logGroupName) {
    problems.push(`${mention('logGroupName')} applies to CloudWatch Logs only; drop it or use ${mention('destination', 'cloud-watch-logs')}`);
  }
  if (problems.length > 0) {
    throw new FlowfixError('InvalidSettings', `invalid settings: ${problems.join('; ')}`, {
      hint: 'fix the values above (flowfix --help lists every option)',
    });
  }

  const s3 = merged.destination ? parseS3Url(merged.destination) : null;
  const resolvedDestination: Destination = s3
    ? { type: 's3', ...s3 }
    : { type: 'cloud-watch-logs', logGroupName: merged.logGroupName ?? (DEFAULT_SETTINGS.destination as { logGroupName: string }).logGroupName };
  const { destination: _d, logGroupName: _l, ...rest } = merged;
  const regions = rest.regions ? [...new Set(rest.regions)] : undefined;
  return { ...DEFAULT_SETTINGS, ...rest, ...(regions ? { regions } : {}), retentionInDays, minRetentionDays, destination: resolvedDestination };
}
