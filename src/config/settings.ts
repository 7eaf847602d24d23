// The validated, normalised settings every stage after the CLI works from.

export type Scope = 'vpc' | 'subnet';
export type TrafficType = 'REJECT' | 'ALL';

export type Destination = { type: 'cloud-watch-logs'; logGroupName: string } | { type: 's3'; bucket: string; prefix: string };

/**
 * A resource left alone on purpose, by VPC/subnet id or by tag (`KEY` or `KEY=VALUE`), with why, and
 * optionally until when (an ISO date, inclusive). A VPC's exclusion covers its subnets.
 */
export type Exclusion = ({ id: string; tag?: never } | { tag: string; id?: never }) & { reason: string; expires?: string };

export interface Settings {
  scope: Scope;
  trafficType: TrafficType;
  destination: Destination;
  roleName: string;
  policyName: string;
  /** Retention flowfix sets on log groups it creates or fixes. */
  retentionInDays: number;
  /** Shorter retention than this on a destination log group is a finding. */
  minRetentionDays: number;
  kmsKeyId?: string;
  /** Managed policy ARN set as the permissions boundary of the role flowfix creates (landing-zone SCPs often require one). */
  permissionsBoundary?: string;
  /** IAM path of the role flowfix creates ("/" when unset). An existing role is found by name, whatever its path. */
  rolePath?: string;
  /** Regions to work in (--region and --regions); undefined = every region enabled for the account. */
  regions?: string[];
  /** --concurrency: calls in flight per region of each account (and per account for IAM), in every command. */
  concurrency: number;
  profile?: string;
  endpointUrl?: string;
  /** Resources never planned; listed as excluded in the report. */
  exclude: Exclusion[];
  /** Leave every default VPC (and its subnets) alone, as if excluded. */
  skipDefaultVpcs: boolean;
  /** The organization's own tags for everything flowfix creates, beside ManagedBy=flowfix. */
  tags: Record<string, string>;
  /** Many accounts: every ACTIVE account of the organization (optionally under one OU), or a list. */
  org?: boolean;
  ou?: string;
  accounts?: string[];
  excludeAccounts?: string[];
  /** The role flowfix assumes in every account but the caller's own. */
  assumeRole?: string;
  /**
   * With an S3 destination: the account that owns the bucket (a landing zone's log archive). flowfix reads
   * the bucket there once per run and plans the bucket-policy statements every delivering account needs.
   */
  logArchiveAccount?: string;
  externalId?: string;
  roleSessionName?: string;
  /**
   * Regions an organization policy (SCP/RCP) denies fail the run (exit 1) instead of being skipped
   * (--fail-on-denied-regions).
   */
  failOnDeniedRegions?: boolean;
  /** LogFormat of the flow logs flowfix creates, `${field} ${field} …` (absent: AWS's default format). */
  logFormat?: string;
  /** MaxAggregationInterval of the flow logs flowfix creates, in seconds (absent: AWS's default, 600). */
  maxAggregationInterval?: 60 | 600;
  /** S3 only: DestinationOptions of the flow logs flowfix creates (absent: AWS's defaults, plain-text, no, no). */
  fileFormat?: 'plain-text' | 'parquet';
  hiveCompatiblePartitions?: boolean;
  perHourPartition?: boolean;
  /** Fields every counting flow log's LogFormat must hold (--require-fields); a flow log without them is a missing-fields finding. */
  requireFields?: string[];
  /** Seconds to wait for a connection, per attempt (--connect-timeout). */
  connectTimeout: number;
  /** Seconds to wait for data on an open connection, per attempt (--read-timeout). */
  readTimeout: number;
}

/** CloudWatch Logs accepts only these retention values (PutRetentionPolicy). */
export const ALLOWED_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const DEFAULT_SETTINGS: Settings = {
  scope: 'vpc',
  trafficType: 'REJECT',
  destination: { type: 'cloud-watch-logs', logGroupName: '/flowfix/vpc-flow-logs' },
  roleName: 'flowfix-vpc-flow-logs',
  policyName: 'flowfix-publish-flow-logs',
  retentionInDays: 365,
  minRetentionDays: 365,
  concurrency: 8,
  exclude: [],
  skipDefaultVpcs: false,
  tags: {},
  // The AWS CLI's defaults for --cli-connect-timeout and --cli-read-timeout.
  connectTimeout: 60,
  readTimeout: 60,
};

export const MANAGED_BY_TAG = { key: 'ManagedBy', value: 'flowfix' } as const;

/**
 * The managed policy flowfix sets as the delivery role's permissions boundary unless --permissions-boundary
 * names another: created once per account from policies/delivery-role-boundary.json (README, "Permissions
 * boundary"). policies/operator-apply.json lets the operator create the role only with it.
 */
export const DEFAULT_BOUNDARY_POLICY_NAME = 'flowfix-delivery-boundary';

export const defaultPermissionsBoundary = (partition: string, accountId: string): string =>
  `arn:${partition}:iam::${accountId}:policy/${DEFAULT_BOUNDARY_POLICY_NAME}`;

/** The boundary the role flowfix creates gets: the user's, else flowfix's default in this account. */
export const permissionsBoundaryFor = (settings: Pick<Settings, 'permissionsBoundary'>, partition: string, accountId: string): string =>
  settings.permissionsBoundary ?? defaultPermissionsBoundary(partition, accountId);

export const isManagedByFlowfix = (tags: Record<string, string> | undefined): boolean => tags?.[MANAGED_BY_TAG.key] === MANAGED_BY_TAG.value;

/** cloud-watch-logs:NAME or s3://bucket/prefix/, as plans and reports show it. */
export function describeDestination(destination: Destination): string {
  return destination.type === 's3' ? `s3://${destination.bucket}/${destination.prefix}` : `cloud-watch-logs:${destination.logGroupName}`;
}

/** Many accounts (--org or --accounts), each entered with --assume-role. */
export const isMultiAccount = (settings: Pick<Settings, 'org' | 'accounts'>): boolean => settings.org === true || settings.accounts !== undefined;

/** How new flow logs record and deliver, beyond traffic type and destination (each absent: AWS's default). */
export const FLOW_LOG_OPTION_KEYS = ['logFormat', 'maxAggregationInterval', 'fileFormat', 'hiveCompatiblePartitions', 'perHourPartition'] as const;
export type FlowLogOptions = Pick<Settings, (typeof FLOW_LOG_OPTION_KEYS)[number]>;
