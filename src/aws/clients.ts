// The one place SDK clients are built. The SDK is imported lazily here, on the first real use, so
// commands that never talk to AWS (`flowfix --help`, config validation) do not pay for loading it.

import type * as Ec2Sdk from '@aws-sdk/client-ec2';
import type * as LogsSdk from '@aws-sdk/client-cloudwatch-logs';
import type * as IamSdk from '@aws-sdk/client-iam';
import type * as StsSdk from '@aws-sdk/client-sts';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type { AwsClients, Ec2Api, IamApi, LogsApi, S3Api } from './api.js';
import { createEc2Api, listEnabledRegions } from './ec2-api.js';
import { callingAction } from './errors.js';
import { createIamApi } from './iam-api.js';
import { createLogsApi } from './logs-api.js';
import { createS3Api } from './s3-api.js';

export type { AwsClients, CreateFlowLogsInput, CreateFlowLogsResult, Ec2Api, IamApi, LogsApi, S3Api } from './api.js';

export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * HTTP timeouts per attempt. The SDK sets none for connecting and only 5 (IAM, STS, Logs) or 15 (EC2)
 * minutes of socket inactivity, so a stalled connection held flowfix for up to 5 × 15 minutes before
 * the region was reported as failed. Both are generous; the socket timeout counts inactivity, not
 * total time, so a slow but flowing 1000-item page is not cut off.
 */
export const DEFAULT_HTTP_TIMEOUTS: Required<HttpTimeouts> = { connectionTimeoutMs: 10_000, socketTimeoutMs: 60_000 };

export interface HttpTimeouts {
  /** Give up on establishing a TCP/TLS connection after this long. */
  connectionTimeoutMs?: number;
  /** Give up on an attempt after this long without a byte sent or received. */
  socketTimeoutMs?: number;
}

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsClientOptions {
  /** Named profile; undefined = the SDK default (AWS_PROFILE, then 'default'). */
  profile?: string;
  homeRegion: string;
  /** --endpoint-url. When unset the SDK still honours AWS_ENDPOINT_URL by itself. */
  endpointUrl?: string;
  /** Attempts per call including the first, with adaptive (client-side rate limited) retries. */
  maxAttempts?: number;
  /** Fixed credentials (tests, or a caller that resolved them already); skips the default chain. */
  credentials?: StaticCredentials | (() => Promise<StaticCredentials>);
  /**
   * The HTTP layer every client sends through (default: the SDK's Node handler). Tests inject a fake
   * one here so the SDK's own middleware (signing, retries, error parsing) still runs end to end.
   */
  requestHandler?: RequestHandlerOption;
  /** Per-attempt HTTP timeouts of the default handler (ignored with `requestHandler`); tests shorten them. */
  httpTimeouts?: HttpTimeouts;
}

type RequestHandlerOption = NonNullable<Ec2Sdk.EC2ClientConfig['requestHandler']>;

interface LoadedSdk {
  ec2: typeof Ec2Sdk;
  logs: typeof LogsSdk;
  iam: typeof IamSdk;
  sts: typeof StsSdk;
}

export async function createAwsClients(options: AwsClientOptions): Promise<AwsClients> {
  const [ec2, logs, iam, sts] = await Promise.all([
    import('@aws-sdk/client-ec2'),
    import('@aws-sdk/client-cloudwatch-logs'),
    import('@aws-sdk/client-iam'),
    import('@aws-sdk/client-sts'),
  ]);
  const sdk: LoadedSdk = { ec2, logs, iam, sts };
  const config = await sharedClientConfig(options);

  const ec2Clients = new Map<string, Ec2Sdk.EC2Client>();
  const ec2Apis = new Map<string, Ec2Api>();
  const logsApis = new Map<string, LogsApi>();
  let iamApi: IamApi | undefined;
  let s3Api: S3Api | undefined;
  let s3Client: Promise<{ sdk: typeof S3Sdk; client: S3Sdk.S3Client }> | undefined;
  let stsClient: StsSdk.STSClient | undefined;

  function ec2Client(region: string): Ec2Sdk.EC2Client {
    let client = ec2Clients.get(region);
    if (!client) {
      client = new sdk.ec2.EC2Client(config(region));
      ec2Clients.set(region, client);
    }
    return client;
  }

  return {
    homeRegion: options.homeRegion,

    async callerIdentity() {
      stsClient ??= new sdk.sts.STSClient(config(options.homeRegion));
      const client = stsClient;
      const output = await callingAction('sts:GetCallerIdentity', () =>
        client.send(new sdk.sts.GetCallerIdentityCommand({})),
      );
      return { accountId: output.Account ?? '', arn: output.Arn ?? '' };
    },

    listEnabledRegions: () => listEnabledRegions(sdk.ec2, ec2Client(options.homeRegion)),

    ec2(region) {
      let api = ec2Apis.get(region);
      if (!api) {
        api = createEc2Api(sdk.ec2, ec2Client(region));
        ec2Apis.set(region, api);
      }
      return api;
    },

    logs(region) {
      let api = logsApis.get(region);
      if (!api) {
        api = createLogsApi(sdk.logs, new sdk.logs.CloudWatchLogsClient(config(region)));
        logsApis.set(region, api);
      }
      return api;
    },

    iam() {
      // IAM is global: one client, signed for the home region (the SDK picks the partition's endpoint).
      iamApi ??= createIamApi(sdk.iam, new sdk.iam.IAMClient(config(options.homeRegion)));
      return iamApi;
    },

    s3() {
      // Loaded on first use: only verification lists objects. A bucket may be in any region; the client
      // follows S3's redirect to it. A custom endpoint (LocalStack, moto) gets path-style addressing.
      s3Client ??= import('@aws-sdk/client-s3').then((s3) => ({
        sdk: s3,
        client: new s3.S3Client({ ...config(options.homeRegion), followRegionRedirects: true, forcePathStyle: Boolean(options.endpointUrl) }),
      }));
      s3Api ??= createS3Api(() => s3Client!);
      return s3Api;
    },
  };
}

type CredentialsOption = NonNullable<AwsClientOptions['credentials']>;

interface ClientConfig {
  region: string;
  retryMode: 'adaptive';
  maxAttempts: number;
  endpoint?: string;
  credentials?: CredentialsOption;
  /** Also read by the SDK for per-profile settings (endpoint_url, ...), not only credentials. */
  profile?: string;
  requestHandler?: RequestHandlerOption;
}

/** Everything but the region is the same for every client, including one shared credential provider. */
async function sharedClientConfig(options: AwsClientOptions): Promise<(region: string) => ClientConfig> {
  const common: Omit<ClientConfig, 'region'> = {
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
  // Only set when given: an explicit `endpoint: undefined` would still be fine, but leaving the key
  // out is what lets the SDK apply AWS_ENDPOINT_URL and service-specific endpoint settings.
  if (options.endpointUrl) common.endpoint = options.endpointUrl;

  if (options.profile) common.profile = options.profile;
  // Options rather than a handler instance: each client still builds its own Node handler (and agent).
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.httpTimeouts };
  common.requestHandler = options.requestHandler ?? {
    connectionTimeout: timeouts.connectionTimeoutMs,
    socketTimeout: timeouts.socketTimeoutMs,
  };
  const credentials = options.credentials ?? (await sharedDefaultCredentialProvider(options.profile));
  if (credentials) common.credentials = credentials;
  return (region) => ({ ...common, region });
}

/**
 * One memoized default-chain provider for all clients. Each client given only `profile` would run the
 * chain on its own: with ~35 clients (17 regions × EC2 + Logs) an assume-role profile would call
 * AssumeRole (and prompt for MFA) once per client. @aws-sdk/credential-provider-node is the SDK's own
 * dependency; if it cannot be resolved, fall back to handing `profile` to each client.
 */
async function sharedDefaultCredentialProvider(profile: string | undefined): Promise<CredentialsOption | undefined> {
  try {
    const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
    return defaultProvider(profile ? { profile } : {}) as CredentialsOption;
  } catch {
    return undefined;
  }
}
