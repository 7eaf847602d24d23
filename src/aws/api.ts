import type { PolicyDocument } from '../facts/policy-document.js';
// The narrow, plain-data view of AWS the rest of flowfix works against. Nothing here mentions an SDK
// type, so inventory, apply and their tests depend on these interfaces and never on @aws-sdk/*.

import type { BucketEncryption, FlowLogFacts, LogGroupFacts, NetworkInterfaceFacts, RoleFacts, SubnetFacts, VpcFacts } from '../facts/resources.js';

export interface AwsClients {
  /**
   * Region used for the global calls (STS, IAM, DescribeRegions). Live clients start in the region the
   * environment names and move to the default region of the caller's partition once callerIdentity
   * has shown it is another one.
   */
  readonly homeRegion: string;
  /** Where the credentials come from, in words (guided shows it); undefined when not known. */
  readonly credentialSource?: string;
  callerIdentity(): Promise<{ accountId: string; arn: string }>;
  /** DescribeRegions with AllRegions: enabled = opt-in-not-required or opted-in; sorted by name. */
  listEnabledRegions(): Promise<{ enabled: string[]; disabled: string[] }>;
  ec2(region: string): Ec2Api;
  logs(region: string): LogsApi;
  iam(): IamApi;
  /** S3, for verifying delivery only; the client follows a bucket's region by itself. */
  s3(): S3Api;
  /**
   * Lets go of the SDK clients made so far (closing their connections); a later call makes new ones.
   * Credentials and the caller's identity are kept. With many accounts, each account's ~35 clients
   * (EC2 and CloudWatch Logs per region) would otherwise live until the last account is read.
   */
  release?(): void;
}

/** Per-call options of the reads: a signal that abandons the call (and its retries) when aborted. */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface Ec2Api {
  listVpcs(options?: CallOptions): Promise<VpcFacts[]>;
  listSubnets(options?: CallOptions): Promise<SubnetFacts[]>;
  /** Every flow log of the region, in one paginated listing. */
  listFlowLogs(options?: CallOptions): Promise<FlowLogFacts[]>;
  /**
   * CreateFlowLogs as is. With DryRun: true AWS answers by throwing DryRunOperation (classified as
   * 'dry-run-ok') or UnauthorizedOperation. A success can still carry per-resource failures.
   */
  createFlowLogs(input: CreateFlowLogsInput): Promise<CreateFlowLogsResult>;
  /** DeleteFlowLogs (up to 1000 ids): a success can still carry per-flow-log failures, like CreateFlowLogs. */
  deleteFlowLogs(input: { FlowLogIds: string[] }): Promise<DeleteFlowLogsResult>;
  /**
   * The network interfaces of these VPCs or subnets: DescribeNetworkInterfaces with one `vpc-id` or
   * `subnet-id` filter holding the ids (at most EC2_FILTER_VALUES_MAX a call), every page. Only delivery
   * verification reads them.
   */
  listNetworkInterfaces(filter: { name: 'vpc-id' | 'subnet-id'; values: string[] }, options?: CallOptions): Promise<NetworkInterfaceFacts[]>;
}

export interface DeleteFlowLogsResult {
  /** resourceId: the flow log id AWS could not delete. */
  unsuccessful: { resourceId: string; code: string; message: string }[];
}

export type FlowLogResourceType = 'VPC' | 'Subnet' | 'NetworkInterface' | 'TransitGateway' | 'TransitGatewayAttachment' | 'RegionalNatGateway';

/** Mirrors the EC2 CreateFlowLogs parameters (same names), as plain data. */
export interface CreateFlowLogsInput {
  ResourceIds: string[];
  ResourceType: FlowLogResourceType;
  TrafficType?: 'ACCEPT' | 'REJECT' | 'ALL';
  LogDestinationType?: 'cloud-watch-logs' | 's3' | 'kinesis-data-firehose';
  LogGroupName?: string;
  LogDestination?: string;
  DeliverLogsPermissionArn?: string;
  MaxAggregationInterval?: number;
  LogFormat?: string;
  TagSpecifications?: { ResourceType: 'vpc-flow-log'; Tags: { Key: string; Value: string }[] }[];
  /** ≤64 ASCII characters; makes a retried call idempotent. The SDK does not fill it in. */
  ClientToken?: string;
  DryRun?: boolean;
}

export interface CreateFlowLogsResult {
  flowLogIds: string[];
  unsuccessful: { resourceId: string; code: string; message: string }[];
}

export interface LogsApi {
  /** The named log groups that exist, by name; a name without a key does not exist. */
  describeLogGroups(names: string[], options?: CallOptions): Promise<Record<string, LogGroupFacts>>;
  /** Throws ResourceAlreadyExistsException (kind 'already-exists') when the group exists. */
  createLogGroup(input: { logGroupName: string; kmsKeyId?: string; tags?: Record<string, string> }): Promise<void>;
  putRetentionPolicy(input: { logGroupName: string; retentionInDays: number }): Promise<void>;
  /** Deletes the group and every log event in it. Throws ResourceNotFoundException (kind 'not-found') when missing. */
  deleteLogGroup(input: { logGroupName: string }): Promise<void>;
  /** Tags of a log group, by its ARN (with or without the trailing `:*`). */
  listTags(logGroupArn: string, options?: CallOptions): Promise<Record<string, string>>;
  /**
   * The group's log streams whose names start with `prefix` (one DescribeLogStreams with
   * logStreamNamePrefix, one page of up to 50: a network interface has a stream or two). Throws
   * ResourceNotFoundException (kind 'not-found') for a missing group. Only verification calls it.
   */
  logStreamsNamed(logGroupName: string, prefix: string, options?: CallOptions): Promise<LogStreamFacts[]>;
}

/** Times in epoch milliseconds, as CloudWatch Logs gives them; lastEventTimestamp is eventually consistent (< 1 h). */
export interface LogStreamFacts {
  name: string;
  creationTime?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
}

export interface S3Api {
  /** One page of ListObjectsV2 (needs s3:ListBucket on the bucket): keys under `prefix`, in key order. */
  listObjects(input: { bucket: string; prefix: string; maxKeys?: number; continuationToken?: string }): Promise<{ keys: string[]; nextToken?: string }>;
  /**
   * The bucket's configuration for flow-log delivery, each call naming `expectedOwner` as
   * ExpectedBucketOwner (S3 answers AccessDenied when another account owns the bucket). The policy's
   * text as S3 returns it, null for NoSuchBucketPolicy; ObjectOwnership, null for
   * OwnershipControlsNotFoundError; the default encryption's first rule, null when there is none. A missing
   * bucket throws NoSuchBucket.
   */
  getBucketPolicy(bucket: string, expectedOwner: string, options?: CallOptions): Promise<string | null>;
  getOwnershipControls(bucket: string, expectedOwner: string, options?: CallOptions): Promise<string | null>;
  getEncryption(bucket: string, expectedOwner: string, options?: CallOptions): Promise<BucketEncryption | null>;
  /** PutBucketPolicy as is (MalformedPolicy for a policy S3 will not take). */
  putBucketPolicy(input: { Bucket: string; Policy: string; ExpectedBucketOwner: string }): Promise<void>;
  deleteBucketPolicy(input: { Bucket: string; ExpectedBucketOwner: string }): Promise<void>;
}

export interface IamApi {
  /** The role with its trust policy, inline policies (decoded) and tags; null when it does not exist. */
  getRole(name: string, options?: CallOptions): Promise<RoleFacts | null>;
  createRole(input: {
    RoleName: string;
    Path?: string;
    AssumeRolePolicyDocument: string;
    Description?: string;
    PermissionsBoundary?: string;
    Tags?: { Key: string; Value: string }[];
  }): Promise<{ arn: string }>;
  putRolePolicy(input: { RoleName: string; PolicyName: string; PolicyDocument: string }): Promise<void>;
  /** Throws NoSuchEntity (kind 'not-found') when the role or policy is missing. */
  deleteRolePolicy(input: { RoleName: string; PolicyName: string }): Promise<void>;
  /** Throws DeleteConflict while the role still has inline or attached policies or instance profiles. */
  deleteRole(input: { RoleName: string }): Promise<void>;
  /** What DeleteRole needs gone first besides inline policies, every page: attached managed policies and instance profiles. */
  listRoleAttachments(roleName: string, options?: CallOptions): Promise<RoleAttachments>;
  /** A managed policy's default version, decoded (iam:GetPolicy, iam:GetPolicyVersion); null when there is no such policy. */
  getPolicyDocument(policyArn: string, options?: CallOptions): Promise<PolicyDocument | null>;
  /**
   * iam:SimulatePrincipalPolicy of the principal's policies, every page (Marker/IsTruncated): one result
   * per action × resource. Throws AccessDenied (kind 'access-denied') when the caller may not simulate,
   * NoSuchEntity ('not-found') when the principal does not exist, and FlowfixError SimulationUnavailable
   * where there is no IAM to ask (a snapshot).
   */
  simulatePrincipalPolicy(input: SimulationRequest, options?: CallOptions): Promise<SimulationResult[]>;
  /** The role's ARN, path included (iam:GetRole alone); null when it does not exist. */
  roleArn(name: string, options?: CallOptions): Promise<string | null>;
}

export interface RoleAttachments {
  managedPolicies: { name: string; arn: string }[];
  instanceProfiles: string[];
}

/** One SimulatePrincipalPolicy question: may the principal do each of these actions on each of these resources? */
export interface SimulationRequest {
  policySourceArn: string;
  actionNames: string[];
  resourceArns: string[];
  /** Condition keys and values the real calls carry (aws:RequestedRegion, request tags, iam:PassedToService…). */
  contextEntries?: { key: string; values: string[] }[];
}

export interface SimulationResult {
  action: string;
  resource: string;
  /** IAM's EvalDecision (per resource when IAM gives ResourceSpecificResults): allowed, implicitDeny or explicitDeny. */
  decision: string;
  /** OrganizationsDecisionDetail.AllowedByOrganizations: false when an SCP denied it; absent outside an organization. */
  allowedByOrganizations?: boolean;
  /** PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary: false when the principal's boundary denied it. */
  allowedByPermissionsBoundary?: boolean;
  /** Condition keys the policies test that the request did not carry: IAM could not decide them. */
  missingContextValues?: string[];
}

/** An account as Organizations lists it. */
export interface OrganizationAccount {
  accountId: string;
  name?: string;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED: only ACTIVE accounts can be entered. */
  state: string;
  /** INVITED or CREATED: an invited account has no OrganizationAccountAccessRole unless someone made one. */
  joinedMethod?: string;
}

export interface OrganizationApi {
  /** Every account of the organization (organizations:ListAccounts, paginated). */
  listAccounts(): Promise<OrganizationAccount[]>;
  /** The accounts under an OU and all its child OUs. */
  listAccountsUnder(ouId: string): Promise<OrganizationAccount[]>;
}

/** How flowfix enters another account: sts:AssumeRole of this role there. */
export interface AssumeRoleTarget {
  roleName: string;
  externalId?: string;
  sessionName: string;
}

/** The caller's credentials, and the accounts they can reach. */
export interface AwsSession {
  /** The caller's own account, with its own credentials. */
  clients: AwsClients;
  organizations(): OrganizationApi;
  /** Clients acting in another account through AssumeRole; credentials are refreshed before they expire. */
  clientsForAccount(accountId: string, partition: string, role: AssumeRoleTarget): AwsClients;
}
