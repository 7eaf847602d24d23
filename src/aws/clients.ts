// The one place SDK clients are built. The SDK is imported lazily here (./sdk.js, only the commands
// flowfix sends), on the first real use, so commands that never talk to AWS (`flowfix --help`, config
// validation, `plan --snapshot`) do not pay for loading it.

import type * as Ec2Sdk from '@aws-sdk/client-ec2';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type * as StsSdk from '@aws-sdk/client-sts';

import { isKnownPartition, partitionOfArn, PARTITIONS } from '../facts/regions.js';
import type { AwsClients, AwsSession, Ec2Api, IamApi, LogsApi, OrganizationApi, S3Api } from './api.js';
import { guardSends, type CallWatcher } from './call-guard.js';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_MODE, type AwsService, type RetryMode } from './connection.js';
import { createEc2Api, listEnabledRegions } from './ec2-api.js';
import { callingAction } from './errors.js';
import { createIamApi } from './iam-api.js';
import { createLogsApi } from './logs-api.js';
import { createOrganizationApi } from './organizations-api.js';
import { homeRegionIn } from './regions.js';
import { createS3Api } from './s3-api.js';

export type { AwsClients, CreateFlowLogsInput, CreateFlowLogsResult, Ec2Api, IamApi, LogsApi, S3Api } from './api.js';
export { DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_MODE } from './connection.js';

/**
 * HTTP timeouts per attempt: the AWS CLI's defaults (--cli-connect-timeout, --cli-read-timeout: 60 s
 * each). Without them the SDK sets none for connecting and 5 (IAM, STS, Logs) or 15 (EC2) minutes of
 * socket inactivity. Unlike the AWS CLI's, flowfix's read timeout bounds an attempt's whole time as well
 * as its silence (attempt-deadline.ts): an endpoint trickling a byte at a time cannot hold a call.
 */
export const DEFAULT_HTTP_TIMEOUTS: Required<HttpTimeouts> = { connectTimeoutMs: 60_000, readTimeoutMs: 60_000 };

export interface HttpTimeouts {
  /** Give up on establishing a TCP/TLS connection after this long (--connect-timeout). */
  connectTimeoutMs?: number;
  /** Give up on an attempt after this long without a byte sent or received (--read-timeout). */
  readTimeoutMs?: number;
}

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsClientOptions {
  /**
   * The region STS is first called in (GetCallerIdentity; AssumeRole for a role profile). Once the
   * caller's ARN shows its partition, the global calls go to that partition's home region.
   */
  homeRegion: string;
  /** Named profile for the credential chain and every client's per-profile settings; undefined = AWS_PROFILE, then 'default'. */
  profile?: string;
  /** --endpoint-url. When unset the SDK still honours AWS_ENDPOINT_URL (and AWS_PROFILE's endpoint_url) by itself. */
  endpointUrl?: string;
  /** endpoint_url settings of a --profile profile, per service; --endpoint-url wins. */
  serviceEndpoints?: Partial<Record<AwsService, string>>;
  /** Default standard (the SDK's default mode); adaptive adds client-side rate limiting. */
  retryMode?: RetryMode;
  /** Attempts per call including the first. */
  maxAttempts?: number;
  /** Fixed credentials (environment keys, tests); skips the default chain. */
  credentials?: StaticCredentials | (() => Promise<StaticCredentials>);
  /** For the default chain: the files to read and how to get an MFA code. */
  credentialChain?: CredentialChainOptions;
  /** Where the credentials come from, in words (AwsClients.credentialSource). */
  credentialSource?: string;
  /**
   * The HTTP layer every client sends through (default: the SDK's Node handler). Tests inject a fake
   * one here so the SDK's own middleware (signing, retries, error parsing) still runs end to end.
   */
  requestHandler?: RequestHandlerOption;
  /** Per-attempt HTTP timeouts of the default handler (ignored with `requestHandler`); tests shorten them. */
  httpTimeouts?: HttpTimeouts;
  /** Ctrl-C: ends every read in flight at once (see call-guard.ts). */
  interrupt?: AbortSignal;
  /** Told of every call as it starts and ends (the waiting line, --debug's request log). */
  watch?: CallWatcher;
  /** The longest one read may take, retries included (default: readDeadlineMs of the timeouts). */
  readDeadlineMs?: number;
}

/**
 * One read gets two attempts' worth of waiting in all, retries and backoff included: an endpoint that
 * has not answered in that time is reported as not answering, rather than retried for 5 minutes.
 */
export function readDeadlineMs(timeouts: HttpTimeouts = {}): number {
  const { connectTimeoutMs, readTimeoutMs } = { ...DEFAULT_HTTP_TIMEOUTS, ...timeouts };
  return 2 * Math.max(connectTimeoutMs, readTimeoutMs);
}

export interface CredentialChainOptions {
  /** The shared credentials and config files, as flowfix resolved AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE. */
  filepath?: string;
  configFilepath?: string;
  /** Asked once per run for the code of the MFA device a role profile names (mfa_serial). */
  mfaCode?: (mfaSerial: string) => Promise<string>;
  /** SDK warnings from the chain (flowfix reports the AWS_PROFILE-and-keys case itself, in one line). */
  warn?: (message: string) => void;
}

type RequestHandlerOption = NonNullable<Ec2Sdk.EC2ClientConfig['requestHandler']>;
type LoggerOption = NonNullable<Ec2Sdk.EC2ClientConfig['logger']>;

/**
 * Every level a no-op, like the SDK's default logger, but without `info`. The SDK's logger middleware
 * calls `logger?.info?.({ input, output })` after every call, and with the default logger (whose `info`
 * exists and does nothing) it first builds a copy of the whole response with sensitive members
 * redacted, walking the schema item by item: 7% of the CLI's CPU at 20,000 subnets (1.07 s → 1.00 s,
 * bench cli-large), for a log line nobody reads. Without `info` that optional call, copy included, is
 * skipped; it is the SDK's only use of `info`. The other levels stay, as some SDK code calls them
 * without `?.`.
 */
const QUIET_LOGGER = { trace() {}, debug() {}, warn() {}, error() {} } as unknown as LoggerOption;

export async function createAwsClients(options: AwsClientOptions): Promise<AwsClients> {
  return (await createAwsSession(options)).clients;
}

/**
 * The caller's session: its own account's clients, Organizations, and clients for other accounts
 * through sts:AssumeRole. Every account shares the SDK modules and the caller's credential provider.
 */
export async function createAwsSession(options: AwsClientOptions): Promise<AwsSession> {
  const sdk = await import('./sdk.js');
  const config = await sharedClientConfig(options);
  const clients = clientsWith(sdk, config, options);
  let organizations: OrganizationApi | undefined;
  return {
    clients,
    organizations() {
      // Loaded on first use: single-account runs never pay for it. Organizations is global, like IAM.
      if (!organizations) {
        // Its own endpoint setting (a profile's organizations endpoint_url, AWS_ENDPOINT_URL_ORGANIZATIONS), never STS's.
        const api = import('@aws-sdk/client-organizations').then((org) =>
          createOrganizationApi(
            org,
            config.guard(new org.OrganizationsClient(config(clients.homeRegion, 'organizations')), 'organizations', clients.homeRegion),
          ),
        );
        organizations = { listAccounts: async () => (await api).listAccounts(), listAccountsUnder: async (ou) => (await api).listAccountsUnder(ou) };
      }
      return organizations;
    },
    clientsForAccount(accountId, partition, role) {
      // STS (AssumeRole, GetCallerIdentity), IAM and DescribeRegions for a member go to a region on in
      // every account of the partition: its default region. The caller's home region may be an opt-in
      // region the member never enabled, or one where the member deactivated STS (RegionDisabledException
      // names the account asked to issue credentials: the member). Should the default region refuse, the
      // caller's home region is tried once.
      const memberHome = memberHomeRegion(partition, clients.homeRegion);
      const assumeIn = (region: string) => {
        const home = config(region, 'sts');
        // The SDK's own provider: AssumeRole on first use, again before the credentials expire.
        return import('@aws-sdk/credential-providers').then((providers) =>
          providers.fromTemporaryCredentials({
            params: {
              RoleArn: `arn:${partition}:iam::${accountId}:role/${role.roleName}`,
              RoleSessionName: role.sessionName,
              ...(role.externalId ? { ExternalId: role.externalId } : {}),
            },
            ...(home.credentials ? { masterCredentials: home.credentials as never } : {}),
            clientConfig: {
              region: home.region,
              maxAttempts: home.maxAttempts,
              ...(home.endpoint ? { endpoint: home.endpoint } : {}),
              ...(home.requestHandler ? { requestHandler: home.requestHandler as never } : {}),
            },
          }),
        );
      };
      const provider = assumeIn(memberHome);
      const fallback = memberHome === clients.homeRegion ? undefined : () => assumeIn(clients.homeRegion);
      // One provider per account, shared by all its clients: one AssumeRole, not one per client.
      const credentials = memoizeUntilExpiry(async () => {
        try {
          return await (
            await provider
          )();
        } catch (err) {
          if (!fallback || (err as { name?: unknown })?.name !== 'RegionDisabledException') throw err;
          return (await fallback())();
        }
      });
      const assumed = Object.assign(
        (region: string, service: AwsService): ClientConfig => {
          const { profile: _profile, ...rest } = config(region, service);
          return { ...rest, credentials: credentials as CredentialsOption };
        },
        { guard: config.guard },
      );
      return clientsWith(sdk, assumed, { ...options, homeRegion: memberHome });
    },
  };
}

/** One account's clients, created per region on first use and kept until released. */
type LoadedSdk = typeof import('./sdk.js');

function clientsWith(sdk: LoadedSdk, config: ClientConfigs, options: Pick<AwsClientOptions, 'homeRegion' | 'credentialSource' | 'endpointUrl'>): AwsClients {
  let homeRegion = options.homeRegion;

  const ec2Clients = new Map<string, Ec2Sdk.EC2Client>();
  const ec2Apis = new Map<string, Ec2Api>();
  const logsApis = new Map<string, LogsApi>();
  const logsClients = new Map<string, { destroy(): void }>();
  let iamApi: { region: string; api: IamApi } | undefined;
  let iamClient: { destroy(): void } | undefined;
  let s3Api: S3Api | undefined;
  let s3Client: Promise<{ sdk: typeof S3Sdk; client: S3Sdk.S3Client }> | undefined;
  let stsClient: StsSdk.STSClient | undefined;
  let identity: Promise<{ accountId: string; arn: string }> | undefined;

  function ec2Client(region: string): Ec2Sdk.EC2Client {
    let client = ec2Clients.get(region);
    if (!client) {
      client = config.guard(new sdk.EC2Client(config(region, 'ec2')), 'ec2', region);
      ec2Clients.set(region, client);
    }
    return client;
  }

  return {
    get homeRegion() {
      return homeRegion;
    },

    ...(options.credentialSource ? { credentialSource: options.credentialSource } : {}),

    // Who the credentials are does not change during a run: asked once (a failure is not kept).
    async callerIdentity() {
      stsClient ??= config.guard(new sdk.STSClient(config(options.homeRegion, 'sts')), 'sts', options.homeRegion);
      const client = stsClient;
      identity ??= callingAction('sts:GetCallerIdentity', () => client.send(new sdk.GetCallerIdentityCommand({}))).then(
        (output) => {
          const arn = output.Arn ?? '';
          // The caller's partition decides where IAM and DescribeRegions go (GovCloud, China); an unknown
          // partition is left for collectInventory to report.
          const partition = partitionOfArn(arn);
          if (partition !== undefined && isKnownPartition(partition)) homeRegion = homeRegionIn(partition, options.homeRegion);
          return { accountId: output.Account ?? '', arn };
        },
        (err: unknown) => {
          identity = undefined;
          throw err;
        },
      );
      return identity;
    },

    listEnabledRegions: () => listEnabledRegions(sdk, ec2Client(homeRegion)),

    ec2(region) {
      let api = ec2Apis.get(region);
      if (!api) {
        api = createEc2Api(sdk, ec2Client(region));
        ec2Apis.set(region, api);
      }
      return api;
    },

    logs(region) {
      let api = logsApis.get(region);
      if (!api) {
        const client = config.guard(new sdk.CloudWatchLogsClient(config(region, 'logs')), 'logs', region);
        logsClients.set(region, client);
        api = createLogsApi(sdk, client);
        logsApis.set(region, api);
      }
      return api;
    },

    iam() {
      // IAM is global: one client, signed for the home region (the SDK picks the partition's endpoint).
      if (iamApi?.region !== homeRegion) {
        const client = config.guard(new sdk.IAMClient(config(homeRegion, 'iam')), 'iam', homeRegion);
        iamClient = client;
        iamApi = { region: homeRegion, api: createIamApi(sdk, client) };
      }
      return iamApi.api;
    },

    s3() {
      // Loaded on first use: only verification lists objects. A bucket may be in any region; the client
      // follows S3's redirect to it. A custom endpoint (LocalStack, moto) gets path-style addressing.
      s3Client ??= import('@aws-sdk/client-s3').then((s3) => {
        const { endpoint: _serviceEndpoint, ...base } = config(homeRegion, 'sts');
        const endpoint = options.endpointUrl ? { endpoint: options.endpointUrl } : {};
        return {
          sdk: s3,
          client: config.guard(
            new s3.S3Client({ ...base, ...endpoint, followRegionRedirects: true, forcePathStyle: Boolean(options.endpointUrl) }),
            's3',
            homeRegion,
          ),
        };
      });
      s3Api ??= createS3Api(() => s3Client!);
      return s3Api;
    },

    release() {
      const made: { destroy(): void }[] = [...ec2Clients.values(), ...logsClients.values()];
      if (iamClient) made.push(iamClient);
      if (stsClient) made.push(stsClient);
      const s3 = s3Client;
      ec2Clients.clear();
      ec2Apis.clear();
      logsApis.clear();
      logsClients.clear();
      iamApi = undefined;
      iamClient = undefined;
      stsClient = undefined;
      s3Client = undefined;
      s3Api = undefined;
      for (const client of made) client.destroy();
      void s3?.then(({ client }) => client.destroy()).catch(() => {});
    },
  };
}

type CredentialsOption = NonNullable<AwsClientOptions['credentials']>;

/** Where a member account's global calls go: its partition's default region (on in every account), else the caller's. */
export function memberHomeRegion(partition: string, callerHomeRegion: string): string {
  return isKnownPartition(partition) ? PARTITIONS[partition].defaultRegion : callerHomeRegion;
}

interface ClientConfig {
  region: string;
  retryMode: RetryMode;
  maxAttempts: number;
  endpoint?: string;
  credentials?: CredentialsOption;
  /** Also read by the SDK for per-profile settings (use_fips_endpoint, ...), not only credentials. */
  profile?: string;
  requestHandler?: RequestHandlerOption;
  logger: LoggerOption;
}

/** Everything but the region and endpoint is the same for every client, including one shared credential provider. */
/** Each client's configuration, and the guard every new client's `send` goes through. */
interface ClientConfigs {
  (region: string, service: AwsService): ClientConfig;
  guard<C>(client: C, service: string, region: string): C;
}

async function sharedClientConfig(options: AwsClientOptions): Promise<ClientConfigs> {
  const common: Omit<ClientConfig, 'region'> = {
    logger: QUIET_LOGGER,
    retryMode: options.retryMode ?? DEFAULT_RETRY_MODE,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
  if (options.profile) common.profile = options.profile;
  // Options rather than a handler instance: each client still builds its own Node handler (and agent).
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.httpTimeouts };
  // requestTimeout with throwOnRequestTimeout: the attempt's whole time to its response headers, not only
  // its idle time (attempt-deadline.ts bounds the body the same way).
  const requestHandler = options.requestHandler ?? {
    connectionTimeout: timeouts.connectTimeoutMs,
    socketTimeout: timeouts.readTimeoutMs,
    requestTimeout: timeouts.readTimeoutMs,
    throwOnRequestTimeout: true,
  };
  common.requestHandler = requestHandler;
  const credentials =
    options.credentials ?? (await sharedDefaultCredentialProvider(options.profile, options.homeRegion, requestHandler, options.credentialChain ?? {}));
  if (credentials) common.credentials = credentials;
  const guard = {
    readDeadlineMs: options.readDeadlineMs ?? readDeadlineMs(options.httpTimeouts),
    ...(options.requestHandler ? {} : { attemptTimeoutMs: timeouts.readTimeoutMs }),
    ...(options.interrupt ? { interrupt: options.interrupt } : {}),
    ...(options.watch ? { watch: options.watch } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
  };
  return Object.assign(
    (region: string, service: AwsService): ClientConfig => {
      // Only set when given: leaving the key out is what lets the SDK apply AWS_ENDPOINT_URL and
      // service-specific endpoint settings.
      const endpoint = options.endpointUrl ?? options.serviceEndpoints?.[service];
      return { ...common, region, ...(endpoint ? { endpoint } : {}) };
    },
    { guard: <C>(client: C, service: string, region: string): C => guardSends(client, service, region, guard) },
  );
}

const MULTIPLE_SOURCES_WARNING = /Multiple credential sources detected/;

/**
 * One memoized default-chain provider for all clients. Each client given only `profile` would run the
 * chain on its own: with ~35 clients (17 regions × EC2 + Logs) an assume-role profile would call
 * AssumeRole (and ask for the MFA code) once per client. Its STS calls (AssumeRole, and
 * AssumeRoleWithWebIdentity) go to the start region, so they stay in the caller's partition, through
 * the same HTTP handler (timeouts). @aws-sdk/credential-provider-node is the SDK's own dependency; if it
 * cannot be resolved, fall back to handing `profile` to each client.
 */
async function sharedDefaultCredentialProvider(
  profile: string | undefined,
  stsRegion: string,
  requestHandler: RequestHandlerOption,
  chain: CredentialChainOptions,
): Promise<CredentialsOption | undefined> {
  let defaultProvider: typeof import('@aws-sdk/credential-provider-node').defaultProvider;
  try {
    ({ defaultProvider } = await import('@aws-sdk/credential-provider-node'));
  } catch {
    return undefined;
  }
  const warn = chain.warn ?? ((message: string) => console.warn(message));
  return defaultProvider({
    ...(profile ? { profile } : {}),
    ...(chain.filepath ? { filepath: chain.filepath } : {}),
    ...(chain.configFilepath ? { configFilepath: chain.configFilepath } : {}),
    ...(chain.mfaCode ? { mfaCodeProvider: chain.mfaCode } : {}),
    // parentClientConfig, not clientConfig: clientConfig.region would also replace an SSO profile's sso_region.
    parentClientConfig: { region: stsRegion, requestHandler },
    // A logger of our own also stops the SDK printing its 8-line "Multiple credential sources" warning
    // to the console: flowfix has said which source wins in one line already.
    logger: {
      debug() {},
      info() {},
      error() {},
      warn: (message: unknown) => void (MULTIPLE_SOURCES_WARNING.test(String(message)) ? undefined : warn(String(message))),
    },
  }) as CredentialsOption;
}

/** Refresh this long before temporary credentials expire (as the SDK's own memoization does). */
const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60_000;

/** Calls `provider` once and again only when its credentials are about to expire; concurrent callers share one call. */
function memoizeUntilExpiry<C extends { expiration?: Date }>(provider: () => Promise<C>): () => Promise<C> {
  let cached: C | undefined;
  let pending: Promise<C> | undefined;
  const fresh = (c: C) => !c.expiration || c.expiration.getTime() - Date.now() > CREDENTIAL_REFRESH_MARGIN_MS;
  return async () => {
    if (cached && fresh(cached)) return cached;
    pending ??= provider().finally(() => {
      pending = undefined;
    });
    cached = await pending;
    return cached;
  };
}
