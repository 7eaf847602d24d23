// How flowfix connects to AWS, decided before the first call from the flags, the environment and the
// shared config files, the way the AWS CLI decides it: which profile, whose credentials win, whether
// an MFA code is needed, which region STS is first asked in, retries and per-profile endpoints.
// Pure: the files are read by shared-config.ts and passed in, so every rule is tested as a table.

import { FlowfixError } from '../errors.js';
import { resolveStartRegion, type StartRegion } from './regions.js';
import { listProfiles, profileSettings, servicesSection, type ProfileSettings, type SharedFiles } from './shared-config.js';

export type RetryMode = 'standard' | 'adaptive';
export type AwsService = 'ec2' | 'logs' | 'iam' | 'sts' | 'organizations';

/** flowfix's attempts per call when neither AWS_MAX_ATTEMPTS nor the profile's max_attempts says (the SDK's own default is 3). */
export const DEFAULT_MAX_ATTEMPTS = 5;
/** The SDK's and the AWS CLI's default mode: retry quota, exponential backoff, no client-side rate limiting. */
export const DEFAULT_RETRY_MODE: RetryMode = 'standard';

export interface ConnectionInput {
  env: Record<string, string | undefined>;
  /** --profile */
  profileFlag?: string;
  /** --region / --regions: only their partition matters here (see resolveStartRegion). */
  workRegions?: readonly string[];
  /** --endpoint-url: when given, it wins over every configured endpoint. */
  endpointUrl?: string;
  files: SharedFiles;
  /** Whether a person can be asked for an MFA code (a terminal, or a test's prompter). */
  canAskMfa: boolean;
}

export type CredentialChoice =
  /** AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) from the environment. */
  | { kind: 'environment'; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  /** The SDK's default chain, for the profile when one is selected. */
  | { kind: 'chain'; profile?: string };

export interface Connection {
  /** The profile selected by --profile or AWS_PROFILE, if any. */
  profile?: { name: string; from: '--profile' | 'AWS_PROFILE' };
  credentials: CredentialChoice;
  /** Where the credentials come from, in words, never containing a secret. */
  credentialSource: string;
  /** One-line notices for stderr (which of two credential sources wins). */
  notices: string[];
  /** MFA devices a role profile in the chain names: the code is asked for at a terminal. */
  mfaSerials: string[];
  startRegion: StartRegion;
  retryMode: RetryMode;
  maxAttempts: number;
  /**
   * endpoint_url settings of the profile, per service. The SDK applies them only for the profile
   * AWS_PROFILE names, never for one given to the client (`--profile`): flowfix resolves them itself,
   * by the same rules, for whichever profile is in use.
   */
  serviceEndpoints: Partial<Record<AwsService, string>>;
}

const set = (value: string | undefined): string | undefined => (value?.trim() ? value.trim() : undefined);

export function resolveConnection(input: ConnectionInput): Connection {
  const { env, files } = input;
  const profile = selectedProfile(input);
  if (profile && !listProfiles(files).includes(profile.name)) throw profileNotFound(profile, files);

  const accessKeyId = set(env['AWS_ACCESS_KEY_ID']);
  const secretAccessKey = set(env['AWS_SECRET_ACCESS_KEY']);
  const envKeys = accessKeyId !== undefined && secretAccessKey !== undefined;
  const notices: string[] = [];
  let credentials: CredentialChoice;
  if (profile?.from === '--profile') {
    // Both the AWS CLI and the SDK let an explicit profile win over keys in the environment.
    credentials = { kind: 'chain', profile: profile.name };
    if (envKeys) notices.push(`Using profile ${profile.name} (--profile); AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment are ignored.`);
  } else if (envKeys) {
    // Keys in the environment come first in every SDK's chain. Over AWS_PROFILE the AWS CLI (and the
    // SDKs' documented precedence) use them too; the JS SDK alone would use the profile, with an 8-line
    // warning: flowfix does what `aws sts get-caller-identity` shows. Taken from the Io's environment,
    // as the chain's fromEnv would take them from process.env.
    const sessionToken = set(env['AWS_SESSION_TOKEN']);
    credentials = { kind: 'environment', accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    if (profile)
      notices.push(
        `Using AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment; they win over AWS_PROFILE=${profile.name} as in the AWS CLI (pass --profile ${profile.name} to use the profile).`,
      );
  } else {
    credentials = profile ? { kind: 'chain', profile: profile.name } : { kind: 'chain' };
  }

  // The profile the chain reads: the selected one, else `default`.
  const chainProfile = credentials.kind === 'chain' ? (profile?.name ?? 'default') : undefined;
  const mfaSerials = chainProfile ? mfaSerialsOf(files, chainProfile) : [];
  if (mfaSerials.length > 0 && !input.canAskMfa) throw mfaNeedsTerminal(chainProfile!, mfaSerials, files);

  // Settings (region, retries, endpoints) come from the selected profile, else from `default`, as the SDK reads them.
  const settings = profileSettings(files, profile?.name ?? 'default', 'config') ?? {};
  const settingsOwner = profile ? `profile ${profile.name}` : 'profile default';
  const serviceEndpoints = input.endpointUrl ? {} : profileEndpoints(env, settings, files);
  // --endpoint-url and AWS_ENDPOINT_URL are named where the settings are read (cli/context.ts redirectNotices).
  if (!input.endpointUrl) notices.push(...endpointNotices(configuredEndpoints(env, settings, serviceEndpoints, `${settingsOwner} in ${files.configPath}`)));
  return {
    ...(profile ? { profile } : {}),
    credentials,
    credentialSource: describeCredentials(credentials, profile, files, env),
    notices,
    mfaSerials,
    startRegion: resolveStartRegion({
      env,
      ...(settings['region'] ? { profileRegion: settings['region'] } : {}),
      ...(input.workRegions ? { workRegions: input.workRegions } : {}),
    }),
    ...retrySettings(env, settings, `${settingsOwner} (${files.configPath})`),
    serviceEndpoints,
  };
}

function selectedProfile(input: ConnectionInput): Connection['profile'] {
  const flag = set(input.profileFlag);
  if (flag) return { name: flag, from: '--profile' };
  const fromEnv = set(input.env['AWS_PROFILE']);
  return fromEnv ? { name: fromEnv, from: 'AWS_PROFILE' } : undefined;
}

function profileNotFound(profile: NonNullable<Connection['profile']>, files: SharedFiles): FlowfixError {
  const found = listProfiles(files);
  const named = profile.from === '--profile' ? `profile ${profile.name}` : `profile ${profile.name} (AWS_PROFILE)`;
  return new FlowfixError('ProfileNotFound', `${named} does not exist in ${files.configPath} or ${files.credentialsPath}`, {
    hint:
      found.length > 0
        ? `profiles found: ${found.join(', ')} (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE point elsewhere)`
        : `no profiles found there; create one with \`aws configure --profile ${profile.name}\` or \`aws configure sso\``,
  });
}

/**
 * The mfa_serial of every role profile the chain assumes on the way to credentials: the profile, then
 * its source_profile while that is a role profile too (as the SDK's fromIni resolves them).
 */
function mfaSerialsOf(files: SharedFiles, start: string): string[] {
  const serials: string[] = [];
  const seen = new Set<string>();
  let name: string | undefined = start;
  while (name !== undefined && !seen.has(name)) {
    seen.add(name);
    const settings = profileSettings(files, name, 'credentials');
    if (!settings?.['role_arn']) break;
    if (settings['mfa_serial']) serials.push(settings['mfa_serial']);
    name = settings['source_profile'];
  }
  return serials;
}

function mfaNeedsTerminal(profile: string, serials: string[], files: SharedFiles): FlowfixError {
  const role = profileSettings(files, profile, 'credentials')?.['role_arn'];
  return new FlowfixError(
    'MfaNeedsTerminal',
    `profile ${profile} assumes ${role ?? 'a role'} with MFA (mfa_serial ${serials.join(', ')}), and without a terminal flowfix cannot ask for the code`,
    {
      hint: `run flowfix at a terminal, or first export temporary credentials, e.g. eval "$(aws configure export-credentials --profile ${profile} --format env)", and run flowfix without --profile/AWS_PROFILE (--yes cannot stand in for the code)`,
    },
  );
}

/** In words, for guided and messages. Never a key or a secret: names of variables, profiles and roles only. */
function describeCredentials(
  credentials: CredentialChoice,
  profile: Connection['profile'],
  files: SharedFiles,
  env: Record<string, string | undefined>,
): string {
  if (credentials.kind === 'environment')
    return `environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY${credentials.sessionToken ? '/AWS_SESSION_TOKEN' : ''}`;
  if (profile) return `profile ${profile.name}${profile.from === 'AWS_PROFILE' ? ' (AWS_PROFILE)' : ''}: ${describeProfile(files, profile.name)}`;
  const defaultProfile = profileSettings(files, 'default', 'credentials');
  if (defaultProfile && hasCredentials(defaultProfile)) return `profile default: ${describeProfile(files, 'default')}`;
  if (set(env['AWS_WEB_IDENTITY_TOKEN_FILE'])) return 'web identity token (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)';
  if (set(env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']) || set(env['AWS_CONTAINER_CREDENTIALS_FULL_URI'])) return 'container credentials (ECS/EKS)';
  return 'the SDK default chain (no keys or profile found: EC2 instance role, if any)';
}

const CREDENTIAL_KEYS = ['aws_access_key_id', 'role_arn', 'sso_session', 'sso_start_url', 'credential_process', 'web_identity_token_file', 'login_session'];
const hasCredentials = (settings: ProfileSettings) => CREDENTIAL_KEYS.some((key) => settings[key]);

function describeProfile(files: SharedFiles, name: string): string {
  const s = profileSettings(files, name, 'credentials') ?? {};
  if (s['role_arn']) {
    const via = s['source_profile'] ? ` via profile ${s['source_profile']}` : s['credential_source'] ? ` via ${s['credential_source']}` : '';
    return `assumes ${s['role_arn']}${via}${mfaSerialsOf(files, name).length > 0 ? ', with MFA' : ''}`;
  }
  if (s['sso_session'] || s['sso_start_url']) return 'IAM Identity Center (SSO) sign-in';
  if (s['credential_process']) return 'credential_process';
  if (s['web_identity_token_file']) return 'web identity token file';
  if (s['login_session']) return 'console sign-in session (aws login)';
  if (s['aws_access_key_id']) return `access keys in ${files.credentials[name]?.['aws_access_key_id'] ? files.credentialsPath : files.configPath}`;
  return 'no credentials of its own (the SDK default chain goes on: instance role, if any)';
}

// ---- retries ----

const RETRY_MODES: Record<string, RetryMode> = {
  standard: 'standard',
  adaptive: 'adaptive',
  // The JS SDK has no legacy mode: it uses its standard strategy for it, and so does flowfix.
  legacy: 'standard',
};

/**
 * AWS_RETRY_MODE / AWS_MAX_ATTEMPTS, else the profile's retry_mode / max_attempts, else standard mode
 * with flowfix's 5 attempts. The environment wins over the profile, as for every SDK setting.
 */
export function retrySettings(
  env: Record<string, string | undefined>,
  profile: ProfileSettings,
  profileLabel: string,
): { retryMode: RetryMode; maxAttempts: number } {
  const modeFrom = (value: string | undefined, where: string): RetryMode | undefined => {
    if (value === undefined) return undefined;
    const mode = RETRY_MODES[value.toLowerCase()];
    if (!mode) throw invalidRetrySetting(`${where} is ${JSON.stringify(value)}`, 'standard or adaptive');
    return mode;
  };
  const attemptsFrom = (value: string | undefined, where: string): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
      throw invalidRetrySetting(`${where} is ${JSON.stringify(value)}`, 'a whole number of attempts, 1 or more (the first try included)');
    return n;
  };
  return {
    retryMode:
      modeFrom(set(env['AWS_RETRY_MODE']), 'AWS_RETRY_MODE') ?? modeFrom(set(profile['retry_mode']), `retry_mode of ${profileLabel}`) ?? DEFAULT_RETRY_MODE,
    maxAttempts:
      attemptsFrom(set(env['AWS_MAX_ATTEMPTS']), 'AWS_MAX_ATTEMPTS') ??
      attemptsFrom(set(profile['max_attempts']), `max_attempts of ${profileLabel}`) ??
      DEFAULT_MAX_ATTEMPTS,
  };
}

const invalidRetrySetting = (problem: string, expected: string) =>
  new FlowfixError('InvalidRetrySetting', `${problem}: expected ${expected}`, { hint: 'fix or unset it' });

// ---- per-profile endpoints ----

/** The SDK's service ids as the endpoint settings name them: AWS_ENDPOINT_URL_<ENV>, `<key> = endpoint_url` in a services section. */
const ENDPOINT_NAMES: Record<AwsService, { env: string; key: string }> = {
  ec2: { env: 'EC2', key: 'ec2' },
  logs: { env: 'CLOUDWATCH_LOGS', key: 'cloudwatch_logs' },
  iam: { env: 'IAM', key: 'iam' },
  sts: { env: 'STS', key: 'sts' },
  organizations: { env: 'ORGANIZATIONS', key: 'organizations' },
};

const truthy = (value: string | undefined) => value?.trim().toLowerCase() === 'true';

/**
 * endpoint_url of the profile, and its `services` section's per-service ones, as the SDK would apply
 * them for AWS_PROFILE (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html):
 * AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL win (left to the SDK, which reads them itself), and
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls turn them all off.
 */
export function profileEndpoints(env: Record<string, string | undefined>, profile: ProfileSettings, files: SharedFiles): Partial<Record<AwsService, string>> {
  const ignore =
    set(env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']) !== undefined
      ? truthy(env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'])
      : truthy(profile['ignore_configured_endpoint_urls']);
  if (ignore || set(env['AWS_ENDPOINT_URL'])) return {};
  const services = profile['services'] ? servicesSection(files, profile['services']) : undefined;
  const endpoints: Partial<Record<AwsService, string>> = {};
  for (const [service, names] of Object.entries(ENDPOINT_NAMES) as [AwsService, { env: string; key: string }][]) {
    if (set(env[`AWS_ENDPOINT_URL_${names.env}`])) continue;
    const url = set(services?.[`${names.key}.endpoint_url`]) ?? set(profile['endpoint_url']);
    if (url) endpoints[service] = url;
  }
  return endpoints;
}

// ---- naming every endpoint that is not AWS's ----

/** Every client flowfix makes, as AWS_ENDPOINT_URL_<SERVICE> names it (the SDK reads each for its own client). */
const ENDPOINT_ENV_SERVICES = ['EC2', 'CLOUDWATCH_LOGS', 'IAM', 'STS', 'ORGANIZATIONS', 'S3'] as const;

export interface ConfiguredEndpoint {
  url: string;
  /** The services it serves, in the SDK's names. */
  services: string[];
  /** Where it was set, in words: a variable, or a profile's setting and file. */
  from: string;
}

/**
 * The endpoints the environment and the profile set besides AWS_ENDPOINT_URL (named elsewhere):
 * AWS_ENDPOINT_URL_<SERVICE>, the profile's endpoint_url and its `services` section, each once.
 */
export function configuredEndpoints(
  env: Record<string, string | undefined>,
  profile: ProfileSettings,
  fromProfile: Partial<Record<AwsService, string>>,
  profileLabel: string,
): ConfiguredEndpoint[] {
  const ignore =
    set(env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']) !== undefined
      ? truthy(env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'])
      : truthy(profile['ignore_configured_endpoint_urls']);
  if (ignore) return [];
  const found: ConfiguredEndpoint[] = [];
  const add = (url: string, service: string, from: string) => {
    const same = found.find((e) => e.url === url && e.from === from);
    if (same) same.services.push(service);
    else found.push({ url, services: [service], from });
  };
  for (const name of ENDPOINT_ENV_SERVICES) {
    const url = set(env[`AWS_ENDPOINT_URL_${name}`]);
    if (url) add(url, name.toLowerCase(), `AWS_ENDPOINT_URL_${name}`);
  }
  for (const [service, url] of Object.entries(fromProfile) as [AwsService, string][]) {
    // profileEndpoints took the services section's URL when it has one, else the profile's endpoint_url.
    const fromSection = url !== set(profile['endpoint_url']);
    add(url, ENDPOINT_NAMES[service].key, fromSection ? `services section ${profile['services']} of ${profileLabel}` : `endpoint_url of ${profileLabel}`);
  }
  return found;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** A warning when `url` is plain http to a host that is not this machine: requests and answers cross the network unencrypted. */
export function plainHttpWarning(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' || LOOPBACK.test(parsed.hostname) || parsed.hostname.endsWith('.localhost')) return undefined;
  return `Warning: endpoint ${url} is plain http:// to ${parsed.hostname}, which is not this machine: every request and answer crosses the network unencrypted; use https://`;
}

/** One line per endpoint (its services when it serves only some), and the plain-http warning where it applies. */
export function endpointNotices(endpoints: readonly ConfiguredEndpoint[]): string[] {
  return endpoints.flatMap(({ url, services, from }) => {
    const warning = plainHttpWarning(url);
    return [`Using endpoint ${url} for ${services.join(', ')} (from ${from})`, ...(warning ? [warning] : [])];
  });
}
