// A stateful fake of the slice of EC2, IAM, CloudWatch Logs and STS that flowfix uses, served through
// aws-sdk-client-mock so production code keeps creating real SDK clients. It imitates the behaviour in
// docs/aws-facts/AWS-FACTS.md, including the error shapes the real SDK throws: IAM's modelled errors are
// named e.g. `NoSuchEntityException` with `Code: 'NoSuchEntity'`, exactly as the SDK deserialises them.

import { randomUUID } from 'node:crypto';
import * as logsSdk from '@aws-sdk/client-cloudwatch-logs';
import {
  CloudWatchLogsClient,
  CloudWatchLogsServiceException,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  TagResourceCommand,
  type CreateLogGroupCommandInput,
  type DescribeLogGroupsCommandInput,
  type DescribeLogStreamsCommandInput,
  type ListTagsForResourceCommandInput,
  type LogGroup,
  type PutRetentionPolicyCommandInput,
  type TagResourceCommandInput,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateFlowLogsCommand,
  DeleteFlowLogsCommand,
  DescribeFlowLogsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRegionsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ServiceException,
  type CreateFlowLogsCommandInput,
  type DeleteFlowLogsCommandInput,
  type DescribeFlowLogsCommandInput,
  type DescribeNetworkInterfacesCommandInput,
  type DescribeRegionsCommandInput,
  type DescribeSubnetsCommandInput,
  type DescribeVpcsCommandInput,
  type Filter,
  type FlowLog,
  type LogDestinationType,
  type NetworkInterface,
  type Subnet,
  type Tag,
  type UnsuccessfulItem,
  type Vpc,
} from '@aws-sdk/client-ec2';
import * as iamSdk from '@aws-sdk/client-iam';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  IAMServiceException,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  SimulatePrincipalPolicyCommand,
  TagRoleCommand,
  type CreateRoleCommandInput,
  type ListRolePoliciesCommandInput,
  type PutRolePolicyCommandInput,
  type SimulatePrincipalPolicyCommandInput,
  type TagRoleCommandInput,
} from '@aws-sdk/client-iam';
import * as orgSdk from '@aws-sdk/client-organizations';
import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  OrganizationsClient,
  OrganizationsServiceException,
} from '@aws-sdk/client-organizations';
import * as s3Sdk from '@aws-sdk/client-s3';
import {
  DeleteBucketPolicyCommand,
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  S3Client,
  S3ServiceException,
  type ListObjectsV2CommandInput,
} from '@aws-sdk/client-s3';
import * as stsSdk from '@aws-sdk/client-sts';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
// The STS client the SDK's own credential providers (fromTemporaryCredentials) use internally.
import { AssumeRoleCommand as NestedAssumeRoleCommand, STSClient as NestedSTSClient } from '@aws-sdk/nested-clients/sts';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';

import { isFlowLogField } from '../../src/facts/flow-log-format.js';
import type { PolicyDocument } from '../../src/facts/policy-document.js';
import { conditionsHold, isAllowed, statementsOf } from '../../src/policy/evaluate.js';
import { readPolicyFile } from '../../src/policy/templates.js';
import { operatorPolicy, registerForPolicyCheck, type OperatorGrant, type ResourceFacts } from './operator-permissions.js';

export const FAKE_ACCOUNT = '111111111111';
/** flowfix's default permissions boundary in the fake's account: a role flowfix may write to carries it. */
export const DEFAULT_BOUNDARY = `arn:aws:iam::${FAKE_ACCOUNT}:policy/flowfix-delivery-boundary`;
/** The organization root every account sits under unless put in an OU. */
export const ROOT_ID = 'r-f4k3';

export interface FakeAwsOptions {
  accountId?: string;
  regions?: string[];
  disabledRegions?: string[];
  pageSize?: number;
  latencyMs?: number;
  /**
   * AWS's request-rate throttling, per account, region and operation (EC2 throttles each API of an
   * account per region with a token bucket; the other services quote per-account, per-region rates):
   * `burst` tokens, refilled at `perSecond`. A call that finds the bucket empty is answered with the
   * service's throttling error (EC2 RequestLimitExceeded, Logs ThrottlingException, IAM/STS Throttling,
   * Organizations TooManyRequestsException), which the SDK retries. Off unless given.
   */
  rateLimit?: { burst: number; perSecond: number };
  /**
   * Default true: every call this fake serves is checked against the operator policies after each
   * test (test/setup/operator-policy.ts). Off only for tests that send calls flowfix never sends.
   */
  checkOperatorPolicy?: boolean;
}

export interface RecordedCall {
  service: 'ec2' | 'iam' | 'logs' | 'sts' | 'organizations' | 's3';
  operation: string;
  region: string;
  input: any;
  /** The account the call acted in (known once its credentials are resolved). */
  account?: string;
  /** The resource's tags and boundary when the call arrived (the operator-policy check authorizes with them). */
  resources?: ResourceFacts;
}

/** When a call was served, by the fake's clock (performance.now(), ms): what round-trip counts are computed from. */
export interface CallSpan {
  call: RecordedCall;
  startMs: number;
  /** Undefined while the call is in flight. */
  endMs?: number;
  /** Answered with the service's throttling error (rateLimit). */
  throttled?: boolean;
}

export interface FakeRole {
  roleName: string;
  arn: string;
  path: string;
  permissionsBoundary?: string;
  trustPolicy: object;
  inlinePolicies: Record<string, object>;
  tags: Record<string, string>;
}

export interface InjectedError {
  name: string;
  message?: string;
  httpStatusCode?: number;
}

export interface SeedFlowLog {
  resourceId: string;
  trafficType?: 'ACCEPT' | 'REJECT' | 'ALL';
  status?: string;
  deliverLogsStatus?: 'SUCCESS' | 'FAILED';
  deliverLogsErrorMessage?: string;
  destinationType?: 'cloud-watch-logs' | 's3' | 'kinesis-data-firehose';
  logGroupName?: string;
  destination?: string;
  deliverLogsPermissionArn?: string;
  tags?: Record<string, string>;
  /** The record format (default: AWS's default format). */
  logFormat?: string;
  /** S3 only: DestinationOptions as CreateFlowLogs takes them (AWS reports defaults when not given). */
  destinationOptions?: { FileFormat?: 'plain-text' | 'parquet'; HiveCompatiblePartitions?: boolean; PerHourPartition?: boolean };
}

/** Calls that change (or would change) state: not Describe*, Get*, List*, AssumeRole, SimulatePrincipalPolicy (a policy read), and not DryRun. */
export function mutatingOperations(calls: readonly RecordedCall[]): RecordedCall[] {
  return calls.filter(
    (c) => !/^(Describe|Get|List)/.test(c.operation) && c.operation !== 'AssumeRole' && c.operation !== 'SimulatePrincipalPolicy' && c.input?.DryRun !== true,
  );
}

export type Service = RecordedCall['service'];
interface Ctx {
  service: Service;
  operation: string;
  region: string;
  partition: string;
}
type Handler = (input: any, ctx: Ctx) => object;
type Route = [command: new (input: any) => unknown, operation: string, handler: Handler];
interface ServiceRoutes {
  clientClass: new (config: any) => any;
  routes: Route[];
}

interface RegionState {
  vpcs: Map<string, Vpc>;
  subnets: Map<string, Subnet>;
  /** Network interfaces, and whether traffic flows through them when flow logs deliver (idle: none). */
  interfaces: Map<string, { eni: NetworkInterface; idle: boolean }>;
  flowLogs: Map<string, FlowLog>;
  logGroups: Map<string, StoredLogGroup>;
  clientTokens: Map<string, { fingerprint: string; response: object }>;
}
interface StoredLogGroup {
  name: string;
  creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  tags: Record<string, string>;
  /** What DescribeLogGroups reports as storedBytes (0 unless a test sets it). */
  storedBytes?: number;
  /** Log streams by name (flow logs name them after network interfaces). Times in epoch ms. */
  streams: Map<string, { creationTime: number; firstEventTimestamp?: number; lastEventTimestamp?: number; lastIngestionTime?: number }>;
}
interface StoredRole {
  name: string;
  path: string;
  roleId: string;
  createDate: Date;
  description?: string;
  trustDocument: string; // verbatim: IAM hands back what it was given, URL-encoded
  permissionsBoundary?: string;
  inline: Map<string, string>;
  tags: Record<string, string>;
  assumeFailuresLeft: number;
  /** Managed policies attached (ARNs) and instance profiles the role is in (names): DeleteRole refuses while any remain. */
  attached: string[];
  instanceProfiles: string[];
}

const RETENTION_DAYS = new Set([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]);
const DEFAULT_LOG_FORMAT =
  '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ' +
  '${packets} ${bytes} ${start} ${end} ${action} ${log-status}';
const FLOW_LOGS_PRINCIPAL = 'vpc-flow-logs.amazonaws.com';
const DRY_RUN_MESSAGE = 'Request would have succeeded, but DryRun flag is set.';

const STATUS: Record<string, number> = {
  DryRunOperation: 412,
  UnauthorizedOperation: 403,
  OptInRequired: 401,
  AuthFailure: 401,
  AccessDenied: 403,
  NoSuchEntity: 404,
  EntityAlreadyExists: 409,
  DeleteConflict: 409,
  LimitExceeded: 409,
  ConcurrentModification: 409,
  RequestLimitExceeded: 503,
  ServiceUnavailable: 503,
  ServiceFailure: 500,
  InternalError: 500,
  ServiceUnavailableException: 503,
  InternalServerException: 500,
};

interface FakeBucketConfig {
  owner: string;
  policy: string | null;
  ownership: string | null;
  /** null: no default encryption (older buckets, some emulators). */
  encryption: { SSEAlgorithm: string; KMSMasterKeyID?: string } | null;
}

/** Whether a policy statement's Principal names this service principal (or everyone). */
function principalIncludes(principal: unknown, service: string): boolean {
  if (principal === '*') return true;
  const services = (principal as { Service?: string | string[] } | undefined)?.Service;
  return [services ?? []].flat().includes(service);
}

/** One account's state. Views from `fake.account(id)` seed and inspect another account with the same API. */
interface AccountState {
  accountId: string;
  name: string;
  /** As Organizations reports it: ACTIVE, SUSPENDED, PENDING_CLOSURE. */
  status: string;
  /** The OU (or root) the account sits in. */
  parentId: string;
  regionStates: Map<string, RegionState>;
  roles: Map<string, StoredRole>;
  /** Customer managed policies by ARN: the default version's document, verbatim. */
  managedPolicies: Map<string, string>;
  /** Regions an organization policy denies this account (a landing zone's region deny), with the policy. */
  deniedRegions: Map<string, OrganizationPolicyDenial>;
  /** Enabled regions of the fake this account has not opted in to: DescribeRegions lists them as not-opted-in. */
  notOptedIn: Set<string>;
  /** Regions where this account has deactivated STS: AssumeRole into it there answers RegionDisabledException. */
  stsDeactivatedIn: Set<string>;
  /** As ListAccounts reports it: CREATED (by Organizations) or INVITED. */
  joinedMethod: string;
}

/** How an organization policy's explicit deny is worded (IAM user guide, "Access denied error message examples"). */
interface OrganizationPolicyDenial {
  policyType: 'service control policy' | 'resource control policy';
  policyArn: string;
  /** The services whose calls it denies there. */
  services: readonly ('ec2' | 'logs')[];
  /** Only these operations (e.g. CreateFlowLogs, as a landing zone's "no flow-log changes" guardrail); absent: every one. */
  operations?: readonly string[];
}

/**
 * How an identity's own policies refuse a call, in AWS's words (docs/aws-facts/access-denied-messages.md):
 * no identity-based policy allows it (the default), a Deny statement in one, the permissions boundary
 * allows it not, or (EC2, as it long answered) only an encoded message.
 */
export type IdentityDenial = 'no-allow' | 'deny-statement' | 'boundary' | 'encoded-only';

/** Temporary credentials STS handed out: which account they act in, until when. */
interface IssuedCredentials {
  accountId: string;
  expiresAt: number;
  arn: string;
}

export class FakeAws {
  readonly calls: RecordedCall[] = [];
  /** Every call with its start and end: structural checks (what overlapped) and the bench's round trips. */
  readonly timeline: CallSpan[] = [];
  onCall?: (call: RecordedCall) => void | Promise<void>;

  private readonly enabled: string[];
  private readonly disabled: string[];
  private readonly pageSize: number;
  private readonly latencyMs: number;
  private readonly rateLimit: { burst: number; perSecond: number } | undefined;
  /** Token buckets by account|region|operation: tokens left at `atMs`. */
  private readonly tokenBuckets = new Map<string, { tokens: number; atMs: number }>();
  private readonly partition: string;
  private readonly acct: AccountState;
  private readonly accounts: Map<string, AccountState>;
  /** The account a call being served acts in (set from its credentials); the fake's own otherwise. */
  private serving: AccountState | undefined;
  private readonly org = { ous: new Map<string, string>(), issued: new Map<string, IssuedCredentials>() };
  /** The assumed-role ARN of the call being served, when it came with STS-issued credentials. */
  private servingArn: string | undefined;
  /** Milliseconds since the epoch, as STS sees it: tests move it to expire credentials. */
  now: () => number = () => Date.now();
  private stubs: AwsStub<any, any, any>[] = [];
  private failures: { operation: string; region?: string; account?: string; remaining: number; error: InjectedError; afterEffect: boolean }[] = [];
  private denied: { operation: string; region?: string; by: IdentityDenial }[] = [];
  private passRoleDenied = false;
  /**
   * Which flow logs CreateFlowLogs calls duplicates (FlowLogAlreadyExists). 'configuration': the same
   * resource, destination and configuration (traffic type, LogFormat, aggregation interval), as AWS's
   * message words it ("an existing Flow Log with the same configuration and log destination"); a new
   * format to the same destination is then a second flow log. 'destination': the same resource and
   * destination whatever the configuration, as moto (LocalStack) compares. Which one AWS applies to the
   * format is not documented: docs/aws-facts/flow-log-replacement.md.
   */
  private flowLogDuplicateRule: 'configuration' | 'destination' = 'configuration';
  private rootCaller = false;
  private assumeFailuresAfterCreate = 0;
  private readonly counter = { seq: 0 };
  private readonly grants: OperatorGrant[] = [];
  /** What SimulatePrincipalPolicy evaluates; undefined: policies/operator-apply.json plus the granted opt-ins. */
  private simulatedPolicy: PolicyDocument | undefined;
  private simulatedScp: PolicyDocument | undefined;
  private simulatedBoundary: PolicyDocument | undefined;
  private callerOverride: string | undefined;
  /** KMS keys by ARN: whether the key policy lets CloudWatch Logs (logs.<region>.amazonaws.com) use it. */
  private readonly kmsKeys = new Map<string, { logsMayUse: boolean; deliveryMayUse: boolean }>();
  /** S3 buckets (global names) and their objects' keys with LastModified. */
  private readonly buckets = new Map<string, Map<string, Date>>();
  /** Each bucket's owner and the configuration flow-log delivery depends on (policy text verbatim, as S3 keeps it). */
  private readonly bucketConfig = new Map<string, FakeBucketConfig>();

  constructor(opts: FakeAwsOptions = {}) {
    const accountId = opts.accountId ?? FAKE_ACCOUNT;
    this.acct = {
      accountId,
      name: 'management',
      status: 'ACTIVE',
      parentId: ROOT_ID,
      regionStates: new Map(),
      roles: new Map(),
      managedPolicies: new Map(),
      deniedRegions: new Map(),
      notOptedIn: new Set(),
      stsDeactivatedIn: new Set(),
      joinedMethod: 'CREATED',
    };
    this.accounts = new Map([[accountId, this.acct]]);
    if (opts.checkOperatorPolicy !== false) {
      registerForPolicyCheck({ accountId: this.accountId, calls: this.calls, roleArnOf: (name) => this.role(name)?.arn, grants: () => this.grants });
    }
    this.enabled = opts.regions ?? ['us-east-1', 'eu-west-1'];
    this.disabled = opts.disabledRegions ?? [];
    this.pageSize = opts.pageSize ?? 1000;
    this.latencyMs = opts.latencyMs ?? 0;
    this.rateLimit = opts.rateLimit;
    this.partition = partitionOf(this.enabled[0] ?? 'us-east-1');
    this.addRegionStates(this.acct);
  }

  /** The account calls act in: the one being served, or the one this view seeds. */
  get accountId(): string {
    return this.current.accountId;
  }

  private get current(): AccountState {
    return this.serving ?? this.acct;
  }

  private get regionStates(): Map<string, RegionState> {
    return this.current.regionStates;
  }

  private get roles(): Map<string, StoredRole> {
    return this.current.roles;
  }

  private addRegionStates(account: AccountState): void {
    // Every account has done README's one-time step: flowfix's delivery boundary exists.
    account.managedPolicies.set(
      `arn:${partitionOf(this.enabled[0] ?? 'us-east-1')}:iam::${account.accountId}:policy/flowfix-delivery-boundary`,
      JSON.stringify(readPolicyFile('delivery-role-boundary.json')),
    );
    for (const r of this.enabled) {
      account.regionStates.set(r, {
        vpcs: new Map(),
        subnets: new Map(),
        interfaces: new Map(),
        flowLogs: new Map(),
        logGroups: new Map(),
        clientTokens: new Map(),
      });
    }
  }

  install(): this {
    this.restore();
    for (const [service, { clientClass, routes }] of Object.entries(this.services()) as [Service, ServiceRoutes][]) {
      this.wire(service, clientClass, routes);
    }
    // The STS client the SDK's own credential providers (fromTemporaryCredentials) use internally.
    this.wire('sts', NestedSTSClient, [[NestedAssumeRoleCommand, 'AssumeRole', (i, c) => this.assumeRoleForCaller(i, c)]]);
    return this;
  }

  /**
   * Answers one call without the SDK mock: what a transport other than aws-sdk-client-mock (the HTTP
   * server in fake-aws-http.ts, which child processes reach) hands over after decoding a request.
   * Recorded, delayed, failed and denied exactly like a call through an installed client.
   */
  answer(service: Service, operation: string, region: string, input: unknown, accessKeyId?: string): Promise<object> {
    const route = this.services()[service].routes.find(([, name]) => name === operation);
    const handler: Handler =
      route?.[2] ??
      (() => {
        const err = new Error(`FakeAws does not implement ${service}:${operation}; add it to test/helpers/fake-aws.ts`);
        err.name = 'FakeAwsUnsupportedCommand';
        throw err;
      });
    return this.serve(
      service,
      operation,
      input,
      () => Promise.resolve(region),
      handler,
      () => Promise.resolve(accessKeyId),
    );
  }

  private services(): Record<Service, ServiceRoutes> {
    return {
      ec2: {
        clientClass: EC2Client,
        routes: [
          [DescribeRegionsCommand, 'DescribeRegions', (i, c) => this.describeRegions(i, c)],
          [DescribeVpcsCommand, 'DescribeVpcs', (i, c) => this.describeVpcs(i, c)],
          [DescribeSubnetsCommand, 'DescribeSubnets', (i, c) => this.describeSubnets(i, c)],
          [DescribeFlowLogsCommand, 'DescribeFlowLogs', (i, c) => this.describeFlowLogs(i, c)],
          [DescribeNetworkInterfacesCommand, 'DescribeNetworkInterfaces', (i, c) => this.describeNetworkInterfaces(i, c)],
          [CreateFlowLogsCommand, 'CreateFlowLogs', (i, c) => this.createFlowLogs(i, c)],
          [DeleteFlowLogsCommand, 'DeleteFlowLogs', (i, c) => this.deleteFlowLogs(i, c)],
        ],
      },
      iam: {
        clientClass: IAMClient,
        routes: [
          [GetRoleCommand, 'GetRole', (i, c) => ({ Role: this.roleOutput(this.requireRole(i.RoleName), c.partition) })],
          [ListRolePoliciesCommand, 'ListRolePolicies', (i) => this.listRolePolicies(i)],
          [ListAttachedRolePoliciesCommand, 'ListAttachedRolePolicies', (i) => this.listAttachedRolePolicies(i)],
          [ListInstanceProfilesForRoleCommand, 'ListInstanceProfilesForRole', (i) => this.listInstanceProfilesForRole(i)],
          [GetPolicyCommand, 'GetPolicy', (i, c) => this.getPolicy(i.PolicyArn, c)],
          [GetPolicyVersionCommand, 'GetPolicyVersion', (i) => this.getPolicyVersion(i.PolicyArn, i.VersionId)],
          [GetRolePolicyCommand, 'GetRolePolicy', (i) => this.getRolePolicy(i.RoleName, i.PolicyName)],
          [CreateRoleCommand, 'CreateRole', (i, c) => this.createRole(i, c)],
          [PutRolePolicyCommand, 'PutRolePolicy', (i) => this.putRolePolicy(i)],
          [TagRoleCommand, 'TagRole', (i) => this.tagRole(i)],
          [DeleteRoleCommand, 'DeleteRole', (i) => this.deleteRole(i.RoleName)],
          [DeleteRolePolicyCommand, 'DeleteRolePolicy', (i) => this.deleteRolePolicy(i.RoleName, i.PolicyName)],
          [SimulatePrincipalPolicyCommand, 'SimulatePrincipalPolicy', (i) => this.simulatePrincipalPolicy(i)],
        ],
      },
      logs: {
        clientClass: CloudWatchLogsClient,
        routes: [
          [DescribeLogGroupsCommand, 'DescribeLogGroups', (i, c) => this.describeLogGroups(i, c)],
          [CreateLogGroupCommand, 'CreateLogGroup', (i, c) => this.createLogGroup(i, c)],
          [PutRetentionPolicyCommand, 'PutRetentionPolicy', (i, c) => this.putRetentionPolicy(i, c)],
          [TagResourceCommand, 'TagResource', (i, c) => this.tagLogGroup(i, c)],
          [ListTagsForResourceCommand, 'ListTagsForResource', (i, c) => this.listLogGroupTags(i, c)],
          [DescribeLogStreamsCommand, 'DescribeLogStreams', (i, c) => this.describeLogStreams(i, c)],
          [DeleteLogGroupCommand, 'DeleteLogGroup', (i, c) => this.deleteLogGroup(i.logGroupName, c)],
        ],
      },
      sts: {
        clientClass: STSClient,
        routes: [
          [
            GetCallerIdentityCommand,
            'GetCallerIdentity',
            (_i, c) => ({
              UserId: 'AIDAFAKETESTERUSERID',
              Account: this.accountId,
              Arn: this.servingArn ?? this.callerOverride ?? this.callerArn(c.partition),
            }),
          ],
          [AssumeRoleCommand, 'AssumeRole', (i, c) => this.assumeRoleForCaller(i, c)],
        ],
      },
      s3: {
        clientClass: S3Client,
        routes: [
          [ListObjectsV2Command, 'ListObjectsV2', (i) => this.listObjects(i)],
          [GetBucketPolicyCommand, 'GetBucketPolicy', (i, c) => this.getBucketPolicy(i, c)],
          [GetBucketOwnershipControlsCommand, 'GetBucketOwnershipControls', (i, c) => this.getBucketOwnershipControls(i, c)],
          [GetBucketEncryptionCommand, 'GetBucketEncryption', (i, c) => this.getBucketEncryption(i, c)],
          [PutBucketPolicyCommand, 'PutBucketPolicy', (i, c) => this.putBucketPolicy(i, c)],
          [DeleteBucketPolicyCommand, 'DeleteBucketPolicy', (i, c) => this.deleteBucketPolicy(i, c)],
        ],
      },
      organizations: {
        clientClass: OrganizationsClient,
        routes: [
          [ListAccountsCommand, 'ListAccounts', (i) => this.listAccounts(i, () => true)],
          [ListAccountsForParentCommand, 'ListAccountsForParent', (i) => this.listAccounts(i, (a) => a.parentId === i.ParentId)],
          [ListOrganizationalUnitsForParentCommand, 'ListOrganizationalUnitsForParent', (i) => this.listOus(i)],
        ],
      },
    };
  }

  restore(): void {
    for (const stub of this.stubs) stub.restore();
    this.stubs = [];
  }

  // ---- seeding ----

  addVpc(
    region: string,
    v: { vpcId?: string; ownerId?: string; isDefault?: boolean; name?: string; cidrBlock?: string; tags?: Record<string, string> } = {},
  ): string {
    const state = this.seedState(region);
    const vpcId = v.vpcId ?? this.nextId('vpc');
    state.vpcs.set(vpcId, {
      VpcId: vpcId,
      OwnerId: v.ownerId ?? this.accountId,
      IsDefault: v.isDefault ?? false,
      CidrBlock: v.cidrBlock ?? `10.${state.vpcs.size % 256}.0.0/16`,
      State: 'available',
      InstanceTenancy: 'default',
      ...resourceTags(v.name, v.tags),
    });
    return vpcId;
  }

  addSubnet(
    region: string,
    vpcId: string,
    s: { subnetId?: string; name?: string; ownerId?: string; availabilityZone?: string; tags?: Record<string, string> } = {},
  ): string {
    const state = this.seedState(region);
    const vpc = state.vpcs.get(vpcId);
    if (!vpc) throw new Error(`FakeAws.addSubnet: no VPC ${vpcId} in ${region}`);
    const siblings = [...state.subnets.values()].filter((x) => x.VpcId === vpcId).length;
    const subnetId = s.subnetId ?? this.nextId('subnet');
    const ownerId = s.ownerId ?? vpc.OwnerId ?? this.accountId;
    const cidrPrefix = (vpc.CidrBlock ?? '10.0.0.0/16').split('.').slice(0, 2).join('.');
    state.subnets.set(subnetId, {
      SubnetId: subnetId,
      VpcId: vpcId,
      OwnerId: ownerId,
      AvailabilityZone: s.availabilityZone ?? `${region}${'abc'[siblings % 3]}`,
      CidrBlock: `${cidrPrefix}.${siblings % 256}.0/24`,
      State: 'available',
      DefaultForAz: vpc.IsDefault ?? false,
      MapPublicIpOnLaunch: false,
      SubnetArn: `arn:${partitionOf(region)}:ec2:${region}:${ownerId}:subnet/${subnetId}`,
      ...resourceTags(s.name, s.tags),
    });
    return subnetId;
  }

  /**
   * A network interface in a subnet (and so in its VPC). `idle`: no traffic flows through it, so flow
   * logs write nothing for it; `status` available: detached (AWS's status for an unattached interface).
   */
  addNetworkInterface(region: string, subnetId: string, n: { idle?: boolean; status?: 'in-use' | 'available'; networkInterfaceId?: string } = {}): string {
    const state = this.seedState(region);
    const subnet = state.subnets.get(subnetId);
    if (!subnet) throw new Error(`FakeAws.addNetworkInterface: no subnet ${subnetId} in ${region}`);
    const id = n.networkInterfaceId ?? this.nextId('eni');
    state.interfaces.set(id, {
      idle: n.idle ?? false,
      eni: {
        NetworkInterfaceId: id,
        SubnetId: subnetId,
        VpcId: subnet.VpcId!,
        OwnerId: this.accountId,
        AvailabilityZone: subnet.AvailabilityZone!,
        InterfaceType: 'interface',
        Status: n.status ?? 'in-use',
        Description: '',
        RequesterManaged: false,
        SourceDestCheck: true,
      },
    });
    return id;
  }

  /** A VPC with one subnet and one interface in it: the usual unit of the delivery tests. */
  addVpcWithInterface(region: string, v: { name?: string; idle?: boolean } = {}): { vpcId: string; subnetId: string; interfaceId: string } {
    const vpcId = this.addVpc(region, v.name === undefined ? {} : { name: v.name });
    const subnetId = this.addSubnet(region, vpcId);
    return { vpcId, subnetId, interfaceId: this.addNetworkInterface(region, subnetId, { idle: v.idle ?? false }) };
  }

  addFlowLog(region: string, f: SeedFlowLog): string {
    const state = this.seedState(region);
    const p = partitionOf(region);
    const type = f.destinationType ?? 'cloud-watch-logs';
    const id = this.nextId('fl');
    const flowLog: FlowLog = {
      FlowLogId: id,
      ResourceId: f.resourceId,
      FlowLogStatus: f.status ?? 'ACTIVE',
      TrafficType: f.trafficType ?? 'ALL',
      DeliverLogsStatus: f.deliverLogsStatus ?? 'SUCCESS',
      LogDestinationType: type,
      CreationTime: new Date(),
      MaxAggregationInterval: 600,
      LogFormat: f.logFormat ?? DEFAULT_LOG_FORMAT,
    };
    if (f.deliverLogsErrorMessage !== undefined) flowLog.DeliverLogsErrorMessage = f.deliverLogsErrorMessage;
    if (type === 'cloud-watch-logs') {
      const name = f.logGroupName ?? parseLogGroupArn(f.destination ?? '')?.name ?? 'flow-logs';
      flowLog.LogGroupName = name;
      flowLog.LogDestination = f.destination ?? `arn:${p}:logs:${region}:${this.accountId}:log-group:${name}`;
      flowLog.DeliverLogsPermissionArn = f.deliverLogsPermissionArn ?? `arn:${p}:iam::${this.accountId}:role/seeded-flow-logs-role`;
    } else {
      flowLog.LogDestination =
        f.destination ?? (type === 's3' ? `arn:${p}:s3:::seeded-flow-logs-bucket` : `arn:${p}:firehose:${region}:${this.accountId}:deliverystream/seeded`);
      if (f.deliverLogsPermissionArn !== undefined) flowLog.DeliverLogsPermissionArn = f.deliverLogsPermissionArn;
      if (type === 's3') flowLog.DestinationOptions = s3DestinationOptions(f.destinationOptions);
    }
    if (f.tags && Object.keys(f.tags).length > 0) flowLog.Tags = tagList(f.tags);
    state.flowLogs.set(id, flowLog);
    return id;
  }

  addLogGroup(region: string, name: string, g: { retentionInDays?: number; kmsKeyId?: string; tags?: Record<string, string> } = {}): void {
    const group: StoredLogGroup = { name, creationTime: Date.now(), tags: { ...g.tags }, streams: new Map() };
    if (g.retentionInDays !== undefined) group.retentionInDays = g.retentionInDays;
    if (g.kmsKeyId !== undefined) group.kmsKeyId = g.kmsKeyId;
    this.seedState(region).logGroups.set(name, group);
  }

  /** The bytes DescribeLogGroups reports a group holds. */
  /** Someone else deletes a flow log (not a call flowfix sends, so neither recorded nor policy-checked). */
  removeFlowLog(region: string, flowLogId: string): void {
    if (!this.regionStates.get(region)?.flowLogs.delete(flowLogId)) throw new Error(`FakeAws.removeFlowLog: no ${flowLogId} in ${region}`);
  }

  setStoredBytes(region: string, name: string, bytes: number): void {
    const group = this.regionStates.get(region)?.logGroups.get(name);
    if (!group) throw new Error(`no log group ${name} in ${region}`);
    group.storedBytes = bytes;
  }

  /**
   * An S3 bucket flow logs can deliver to, owned by this view's account: optionally with a bucket policy
   * (an object is stored pretty-printed, a string verbatim), Object Ownership and default encryption.
   */
  addBucket(
    name: string,
    config: { policy?: object | string; ownership?: string | null; encryption?: { SSEAlgorithm: string; KMSMasterKeyID?: string } | null } = {},
  ): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
    this.bucketConfig.set(name, {
      owner: this.accountId,
      policy: config.policy === undefined ? null : typeof config.policy === 'string' ? config.policy : JSON.stringify(config.policy, null, 2),
      ownership: config.ownership === undefined ? 'BucketOwnerEnforced' : config.ownership,
      encryption: config.encryption === undefined ? { SSEAlgorithm: 'AES256' } : config.encryption,
    });
  }

  /** The bucket policy's text as S3 keeps it; null when there is none. */
  bucketPolicy(name: string): string | null {
    return this.bucketConfig.get(name)?.policy ?? null;
  }

  /** The keys of a bucket's objects, in key order. */
  objects(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])].sort();
  }

  /**
   * One round of the flow logs service delivering, as AWS does some minutes after creation and only
   * when traffic flows: traffic flows through every interface of the flow log's VPC or subnet that is
   * not idle. CloudWatch Logs delivery assumes the role (its trust must admit this flow log's ARN in its
   * region) and needs logs:CreateLogStream and logs:PutLogEvents on the group from the role's inline
   * policies; then each busy interface's stream, named eni-…-<traffic type> (eni-…-all), gets an event and
   * the status is SUCCESS, else the status turns FAILED with "Access error". S3 delivery writes one object
   * named after the flow log, under the folders its DestinationOptions choose, when any interface is
   * busy, or FAILS when the bucket does not exist. A resource without busy interfaces gets nothing.
   */
  deliverFlowLogs(region?: string, now = Date.now()): void {
    for (const [name, state] of this.regionStates) {
      if (region !== undefined && name !== region) continue;
      const p = partitionOf(name);
      for (const flowLog of state.flowLogs.values()) {
        if (flowLog.FlowLogStatus !== 'ACTIVE') continue;
        const busy = [...state.interfaces.values()]
          .filter(
            ({ eni, idle }) =>
              !idle && (eni.VpcId === flowLog.ResourceId || eni.SubnetId === flowLog.ResourceId || eni.NetworkInterfaceId === flowLog.ResourceId),
          )
          .map(({ eni }) => eni.NetworkInterfaceId!);
        const ok =
          flowLog.LogDestinationType === 's3'
            ? this.deliverToS3(flowLog, name, busy, now)
            : flowLog.LogDestinationType === 'cloud-watch-logs'
              ? this.deliverToLogGroup(flowLog, state, busy, { service: 'ec2', operation: 'Deliver', region: name, partition: p }, now)
              : true;
        flowLog.DeliverLogsStatus = ok ? 'SUCCESS' : 'FAILED';
        if (ok) delete flowLog.DeliverLogsErrorMessage;
        else flowLog.DeliverLogsErrorMessage = 'Access error';
      }
    }
  }

  private deliverToLogGroup(flowLog: FlowLog, state: RegionState, busy: string[], ctx: Ctx, now: number): boolean {
    const group = state.logGroups.get(flowLog.LogGroupName ?? '');
    const arn = flowLog.DeliverLogsPermissionArn ?? '';
    const role = this.roleByArn(arn);
    if (!group || !role || !this.trustAdmits(arn, ctx, flowLog.FlowLogId!)) return false;
    const policies = [...role.inline.values()].map((doc) => JSON.parse(doc) as { Statement: any });
    // A permissions boundary caps the role: a missing boundary policy allows nothing.
    const boundaryText =
      role.permissionsBoundary === undefined ? undefined : (this.current.managedPolicies.get(role.permissionsBoundary) ?? '{"Statement":[]}');
    const boundary = boundaryText === undefined ? undefined : (JSON.parse(boundaryText) as { Statement: any });
    const streamNames = busy.map((eni) => `${eni}-${String(flowLog.TrafficType).toLowerCase()}`);
    // The role's rights are judged on a stream of this group even when no interface is busy.
    for (const streamName of streamNames.length > 0 ? streamNames : [`eni-00000000000000000-${String(flowLog.TrafficType).toLowerCase()}`]) {
      const streamArn = `arn:${ctx.partition}:logs:${ctx.region}:${this.accountId}:log-group:${group.name}:log-stream:${streamName}`;
      const may = (action: string) =>
        policies.some((doc) => isAllowed(doc, action, streamArn)) && (boundary === undefined || isAllowed(boundary, action, streamArn));
      if (!may('logs:CreateLogStream') || !may('logs:PutLogEvents')) return false;
    }
    for (const streamName of streamNames) {
      const stream = group.streams.get(streamName) ?? { creationTime: now };
      stream.firstEventTimestamp ??= now;
      stream.lastEventTimestamp = now;
      stream.lastIngestionTime = now;
      group.streams.set(streamName, stream);
    }
    return true;
  }

  /** A log stream as if flow logs had written it: `lastEventAt` undefined for a stream without events. */
  addLogStream(region: string, logGroupName: string, streamName: string, times: { createdAt?: number; lastEventAt?: number } = {}): void {
    const group = this.regionStates.get(region)?.logGroups.get(logGroupName);
    if (!group) throw new Error(`FakeAws.addLogStream: no log group ${logGroupName} in ${region}`);
    const created = times.createdAt ?? Date.now();
    group.streams.set(streamName, {
      creationTime: created,
      ...(times.lastEventAt === undefined
        ? {}
        : { firstEventTimestamp: times.lastEventAt, lastEventTimestamp: times.lastEventAt, lastIngestionTime: times.lastEventAt }),
    });
  }

  // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html: default or Hive-compatible
  // folder names, per day or per hour; <account>_vpcflowlogs_<region>_<flow-log-id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz
  // (Parquet: .log.parquet).
  private deliverToS3(flowLog: FlowLog, region: string, busy: string[], now: number): boolean {
    const path = (flowLog.LogDestination ?? '').replace(/^arn:[^:]+:s3:::/, '');
    const [bucket = '', ...rest] = path.split('/');
    const objects = this.buckets.get(bucket);
    if (!objects) return false;
    if (!this.deliveryAllowed(flowLog.LogDestination ?? '', this.accountId, region, flowLog.DestinationOptions)) return false;
    if (busy.length === 0) return true;
    const prefix = rest.join('/').replace(/^\/+|\/+$/g, '');
    const options = flowLog.DestinationOptions ?? {};
    const stamp = new Date(now).toISOString();
    const [yyyy, mm, dd] = stamp.slice(0, 10).split('-');
    const hh = stamp.slice(11, 13);
    const hive = options.HiveCompatiblePartitions === true;
    const base = hive
      ? `AWSLogs/aws-account-id=${this.accountId}/aws-service=vpcflowlogs/aws-region=${region}/year=${yyyy}/month=${mm}/day=${dd}/`
      : `AWSLogs/${this.accountId}/vpcflowlogs/${region}/${yyyy}/${mm}/${dd}/`;
    const hour = options.PerHourPartition === true ? (hive ? `hour=${hh}/` : `${hh}/`) : '';
    const minute = `${stamp.slice(0, 10).replace(/-/g, '')}T${stamp.slice(11, 16).replace(':', '')}Z`;
    const extension = options.FileFormat === 'parquet' ? 'log.parquet' : 'log.gz';
    const key = `${prefix ? `${prefix}/` : ''}${base}${hour}${this.accountId}_vpcflowlogs_${region}_${flowLog.FlowLogId}_${minute}_${randomUUID().slice(0, 8)}.${extension}`;
    objects.set(key, new Date(now));
    return true;
  }

  /** A KMS key; `logsMayUse: false` models a key policy without the logs.<region>.amazonaws.com statement. */
  addKmsKey(arn: string, opts: { logsMayUse?: boolean; deliveryMayUse?: boolean } = {}): void {
    this.kmsKeys.set(arn, { logsMayUse: opts.logsMayUse ?? true, deliveryMayUse: opts.deliveryMayUse ?? false });
  }

  addRole(
    name: string,
    trustPolicy: object,
    inlinePolicies: Record<string, object> = {},
    tags: Record<string, string> = {},
    options: { path?: string; permissionsBoundary?: string; attachedPolicies?: string[]; instanceProfiles?: string[] } = {},
  ): void {
    // Pretty-printed like a console-made role, so code comparing raw strings instead of parsed JSON fails.
    const pretty = (doc: object) => JSON.stringify(doc, null, 2);
    this.roles.set(name, {
      name,
      path: options.path ?? '/',
      ...(options.permissionsBoundary ? { permissionsBoundary: options.permissionsBoundary } : {}),
      roleId: this.nextRoleId(),
      createDate: new Date(),
      trustDocument: pretty(trustPolicy),
      inline: new Map(Object.entries(inlinePolicies).map(([k, v]) => [k, pretty(v)])),
      tags: { ...tags },
      assumeFailuresLeft: 0,
      attached: [...(options.attachedPolicies ?? [])],
      instanceProfiles: [...(options.instanceProfiles ?? [])],
    });
  }

  /** A customer managed policy of this account (its default version), e.g. a permissions boundary. */
  addManagedPolicy(name: string, document: object): string {
    const arn = `arn:${this.partition}:iam::${this.accountId}:policy/${name}`;
    this.current.managedPolicies.set(arn, JSON.stringify(document, null, 2));
    return arn;
  }

  /** Attaches a managed policy to a role (as iam:AttachRolePolicy would; flowfix never sends it). */
  attachRolePolicy(roleName: string, policyArn: string): void {
    this.requireRole(roleName).attached.push(policyArn);
  }

  /** Adds a role to an instance profile (as iam:AddRoleToInstanceProfile would; flowfix never sends it). */
  addRoleToInstanceProfile(roleName: string, profileName: string): void {
    this.requireRole(roleName).instanceProfiles.push(profileName);
  }

  /** Deletes a managed policy (e.g. flowfix's default boundary, to model an account without the one-time step). */
  removeManagedPolicy(arn: string): void {
    this.current.managedPolicies.delete(arn);
  }

  // ---- inspection ----

  mutatingCalls(): RecordedCall[] {
    return mutatingOperations(this.calls);
  }

  flowLogs(region: string): FlowLog[] {
    return [...(this.regionStates.get(region)?.flowLogs.values() ?? [])].map((f) => structuredClone(f));
  }

  /** Change stored flow logs in place, e.g. to model delivery status changing over time. */
  updateFlowLogs(region: string, patch: (flowLog: FlowLog) => void): void {
    for (const f of this.regionStates.get(region)?.flowLogs.values() ?? []) patch(f);
  }

  logGroup(region: string, name: string): (LogGroup & { tags: Record<string, string> }) | undefined {
    const g = this.regionStates.get(region)?.logGroups.get(name);
    return g && { ...this.logGroupOutput(g, region, partitionOf(region)), tags: { ...g.tags } };
  }

  role(name: string): FakeRole | undefined {
    const r = this.roles.get(name);
    if (!r) return undefined;
    return {
      roleName: r.name,
      arn: roleArn(r, this.partition, this.accountId),
      path: r.path,
      ...(r.permissionsBoundary ? { permissionsBoundary: r.permissionsBoundary } : {}),
      trustPolicy: JSON.parse(r.trustDocument) as object,
      inlinePolicies: Object.fromEntries([...r.inline].map(([k, v]) => [k, JSON.parse(v) as object])),
      tags: { ...r.tags },
    };
  }

  // ---- operator policies ----

  /**
   * The operator also holds this opt-in document (policies/operator-apply-*.json), placeholders filled in:
   * the suite-wide policy check then allows its statements besides the base documents'.
   */
  grantOperatorPolicy(file: string, vars: Record<string, string> = {}): this {
    this.grants.push({ file, vars });
    return this;
  }

  /**
   * The operator's policies name this managed policy in their iam:PermissionsBoundary conditions, as README
   * asks of users of --permissions-boundary, instead of flowfix-delivery-boundary.
   */
  operatorBoundary(arn: string): this {
    this.grants.push({ boundary: arn });
    return this;
  }

  /** The operator's policies also name this role where they name flowfix-vpc-flow-logs, as README asks of users of --role-name. */
  operatorRole(roleName: string): this {
    this.grants.push({ roleName });
    return this;
  }

  /**
   * The policy SimulatePrincipalPolicy evaluates for the caller (user/tester, or any role of the account)
   * instead of operator-apply.json plus the granted opt-ins. Only what it answers changes: the calls
   * flowfix sends are still checked against policies/ after the test.
   */
  simulateAgainst(policy: PolicyDocument): this {
    this.simulatedPolicy = policy;
    return this;
  }

  /** An organization's SCP the simulation also applies (OrganizationsDecisionDetail), and the principal's permissions boundary. */
  simulateLayers(layers: { scp?: PolicyDocument; boundary?: PolicyDocument }): this {
    this.simulatedScp = layers.scp;
    this.simulatedBoundary = layers.boundary;
    return this;
  }

  /** GetCallerIdentity answers this ARN (e.g. an assumed-role session) instead of user/tester. */
  callAs(arn: string): this {
    this.callerOverride = arn;
    return this;
  }

  // ---- fault injection ----

  /**
   * The next `times` matching calls fail with `error`. With `afterEffect` each call is carried out first
   * and only its answer is lost, like a connection that drops after AWS acted. A Node network code as
   * the name (ECONNRESET) throws the way Node's HTTP layer does: a code, no AWS metadata. On a view from
   * `account(id)`, only that account's calls fail.
   */
  failNext(operation: string, error: InjectedError, opts: { region?: string; times?: number; afterEffect?: boolean } = {}): void {
    const region = opts.region === undefined ? {} : { region: opts.region };
    const account = this.acct === this.accounts.values().next().value ? {} : { account: this.acct.accountId };
    this.failures.push({ operation: normaliseOp(operation), ...region, ...account, remaining: opts.times ?? 1, error, afterEffect: opts.afterEffect === true });
  }

  denyAction(operation: string, opts: { region?: string; by?: IdentityDenial } = {}): void {
    this.denied.push({ operation: normaliseOp(operation), ...(opts.region === undefined ? {} : { region: opts.region }), by: opts.by ?? 'no-allow' });
  }

  /**
   * An organization policy denies this account every EC2 and CloudWatch Logs call in `region`, as a
   * landing zone's region deny does (AWS Control Tower's exempts ec2:DescribeRegions, so the region is
   * still listed as enabled). The calls answer as AWS does: EC2 `UnauthorizedOperation` (HTTP 403), Logs
   * `AccessDeniedException`, both "… with an explicit deny in a service control policy: <policy ARN>"
   * (or "resource control policy" with `policy: 'rcp'`); `services` narrows it (e.g. an RCP on
   * CloudWatch Logs only), `operations` to some calls (a guardrail that denies CreateFlowLogs: the region
   * is read as usual, the write is refused). Returns the policy ARN named.
   */
  denyRegionByPolicy(region: string, opts: { policy?: 'scp' | 'rcp'; policyArn?: string; services?: ('ec2' | 'logs')[]; operations?: string[] } = {}): string {
    const rcp = opts.policy === 'rcp';
    const policyArn =
      opts.policyArn ??
      `arn:${this.partition}:organizations::${FAKE_ACCOUNT}:policy/o-f4k3/${rcp ? 'resource' : 'service'}_control_policy/p-${rcp ? 'rcpdeny1' : 'regdeny1'}`;
    this.acct.deniedRegions.set(region, {
      policyType: rcp ? 'resource control policy' : 'service control policy',
      policyArn,
      services: opts.services ?? ['ec2', 'logs'],
      ...(opts.operations ? { operations: opts.operations.map(normaliseOp) } : {}),
    });
    return policyArn;
  }

  /** This account has deactivated STS in `region`: AssumeRole of its roles sent there answers RegionDisabledException (HTTP 403). */
  deactivateSts(region: string): void {
    this.acct.stsDeactivatedIn.add(region);
  }

  /** The caller is the account's root user: its ARN ends in :root, and STS refuses it any AssumeRole, as AWS does. */
  callAsRoot(): void {
    this.rootCaller = true;
  }

  /** This account has not enabled `region` (an opt-in region): DescribeRegions lists it as not-opted-in, calls there fail. */
  optOutOfRegion(region: string): void {
    if (!this.enabled.includes(region)) throw new Error(`FakeAws.optOutOfRegion: ${region} is not one of the fake's regions (${this.enabled.join(', ')})`);
    this.acct.notOptedIn.add(region);
  }

  denyPassRole(): void {
    this.passRoleDenied = true;
  }

  /** From now on CreateFlowLogs calls a flow log to the same resource and destination a duplicate, whatever its configuration. */
  duplicateFlowLogsBy(rule: 'configuration' | 'destination'): void {
    this.flowLogDuplicateRule = rule;
  }

  /** Roles created by CreateRole from now on fail the first `attempts` CreateFlowLogs calls that use them. */
  roleAssumableAfter(attempts: number): void {
    this.assumeFailuresAfterCreate = attempts;
  }

  // ---- accounts and organizations ----

  /**
   * Another account of the organization (created on first use), as a view with the same seeding and
   * inspection methods. Calls reach it with credentials from sts:AssumeRole of one of its roles.
   */
  account(accountId: string, opts: { name?: string; status?: string; parentId?: string; joinedMethod?: 'CREATED' | 'INVITED' } = {}): FakeAws {
    // Given options also update an existing account (e.g. move it into an OU).
    let state = this.accounts.get(accountId);
    if (!state) {
      state = {
        accountId,
        name: opts.name ?? `account-${accountId}`,
        status: opts.status ?? 'ACTIVE',
        parentId: opts.parentId ?? ROOT_ID,
        regionStates: new Map(),
        roles: new Map(),
        managedPolicies: new Map(),
        deniedRegions: new Map(),
        notOptedIn: new Set(),
        stsDeactivatedIn: new Set(),
        joinedMethod: 'CREATED',
      };
      this.addRegionStates(state);
      this.accounts.set(accountId, state);
    }
    Object.assign(state, Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)));
    return Object.create(this, { acct: { value: state } }) as FakeAws;
  }

  /** An organizational unit under a parent (the root or another OU). */
  addOu(ouId: string, parentId: string = ROOT_ID): void {
    this.org.ous.set(ouId, parentId);
  }

  /** AssumeRole calls by target account, for the tests that count them. */
  assumeRoleCalls(accountId?: string): RecordedCall[] {
    return this.calls.filter((c) => c.operation === 'AssumeRole' && (accountId === undefined || String(c.input.RoleArn).split(':')[4] === accountId));
  }

  /** The account (and assumed-role ARN) a call's credentials act in; undefined = this fake's own. */
  private async callerOf(accessKeyOf: () => Promise<string | undefined>, service: Service): Promise<{ account: AccountState; arn: string } | undefined> {
    // One account: no credentials to tell apart, and resolving them would run the SDK's default chain.
    if (this.accounts.size === 1) return undefined;
    const issued = this.org.issued.get((await accessKeyOf()) ?? '');
    if (!issued) return undefined;
    if (issued.expiresAt <= this.now()) {
      throw serviceError(service, service === 'sts' ? 'ExpiredTokenException' : 'ExpiredToken', 'The security token included in the request is expired');
    }
    return { account: this.accounts.get(issued.accountId)!, arn: issued.arn };
  }

  private assumeRoleForCaller(input: AssumeRoleCommandInput, ctx: Ctx): object {
    const caller = this.current;
    const denied = () =>
      serviceError(
        'sts',
        'AccessDenied',
        `User: ${this.servingArn ?? this.callerArn(ctx.partition)} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
        403,
      );
    const m = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(input.RoleArn ?? '');
    if (!m) throw serviceError('sts', 'ValidationError', `${input.RoleArn} is not a valid role ARN`, 400);
    if (!input.RoleSessionName || !/^[\w+=,.@-]{2,64}$/.test(input.RoleSessionName))
      throw serviceError('sts', 'ValidationError', 'RoleSessionName must be 2-64 characters of [\\w+=,.@-]', 400);
    // STS API reference, AssumeRole: root user credentials cannot call it.
    if (this.rootCaller && this.servingArn === undefined) throw serviceError('sts', 'AccessDenied', 'Roles may not be assumed by root accounts.', 403);
    const target = this.accounts.get(m[2]!);
    // RegionDisabledException names the account asked to issue credentials: the role's.
    if (target?.stsDeactivatedIn.has(ctx.region)) {
      throw serviceError(
        'sts',
        'RegionDisabledException',
        `STS is not activated in this region for account:${target.accountId}. Your account administrator can activate STS in this region using the IAM Console.`,
        403,
      );
    }
    const role = target?.roles.get(m[3]!);
    if (!target || target.status !== 'ACTIVE' || !role || !trustAllowsAccount(role.trustDocument, caller.accountId, input.ExternalId)) throw denied();
    const accessKeyId = `ASIA${(++this.counter.seq).toString(16).toUpperCase().padStart(16, '0')}`;
    const expiresAt = this.now() + (input.DurationSeconds ?? 3600) * 1000;
    const arn = `arn:${ctx.partition}:sts::${target.accountId}:assumed-role/${role.name}/${input.RoleSessionName}`;
    this.org.issued.set(accessKeyId, { accountId: target.accountId, expiresAt, arn });
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: `secret-${accessKeyId}`,
        SessionToken: `token-${accessKeyId}`,
        Expiration: new Date(expiresAt),
      },
      AssumedRoleUser: { Arn: arn, AssumedRoleId: `${role.roleId}:${input.RoleSessionName}` },
    };
  }

  /** Only the management account may list the organization. */
  private requireManagement(): void {
    if (this.current !== this.accounts.values().next().value) {
      throw serviceError('organizations', 'AccessDeniedException', "You don't have permissions to access this resource.", 400);
    }
  }

  private listAccounts(input: { NextToken?: string; MaxResults?: number }, keep: (a: AccountState) => boolean): object {
    this.requireManagement();
    const all = [...this.accounts.values()].filter(keep).map((a) => ({
      Id: a.accountId,
      Arn: `arn:aws:organizations::${FAKE_ACCOUNT}:account/o-f4k3/${a.accountId}`,
      Name: a.name,
      Email: `${a.accountId}@example.com`,
      Status: a.status,
      JoinedMethod: a.joinedMethod,
    }));
    return pageOf(all, input, Math.min(this.pageSize, 20), 'Accounts');
  }

  private listOus(input: { ParentId?: string; NextToken?: string; MaxResults?: number }): object {
    this.requireManagement();
    const ous = [...this.org.ous]
      .filter(([, parent]) => parent === input.ParentId)
      .map(([id]) => ({ Id: id, Name: id, Arn: `arn:aws:organizations::${FAKE_ACCOUNT}:ou/o-f4k3/${id}` }));
    return pageOf(ous, input, Math.min(this.pageSize, 20), 'OrganizationalUnits');
  }

  // ---- plumbing ----

  private wire(service: Service, clientClass: new (config: any) => any, routes: Route[]): void {
    const stub = mockClient(clientClass) as AwsStub<any, any, any>;
    for (const [command, operation, handler] of routes) {
      // getClient() reads the stub's latest `this`, so it must be called synchronously, before any await.
      stub.on(command as any).callsFake((input: unknown, getClient: () => unknown) => {
        const client = getClient();
        return this.serve(
          service,
          operation,
          input,
          () => clientRegion(client),
          handler,
          () => clientAccessKey(client),
        );
      });
    }
    const self = this;
    // Sinon's default behaviour answers whatever no `.on()` matched: fail loudly, naming the command.
    stub.send.callsFake(function (this: unknown, command: { input?: unknown; constructor: { name: string } }) {
      const operation = command.constructor.name.replace(/Command$/, '');
      const client = this;
      return self.serve(
        service,
        operation,
        command.input,
        () => clientRegion(client),
        () => {
          const err = new Error(`FakeAws does not implement ${service}:${operation}; add it to test/helpers/fake-aws.ts`);
          err.name = 'FakeAwsUnsupportedCommand';
          throw err;
        },
        () => clientAccessKey(client),
      );
    });
    this.stubs.push(stub);
  }

  private async serve(
    service: Service,
    operation: string,
    input: unknown,
    regionOf: () => Promise<string>,
    handler: Handler,
    /** The access key the call was signed with (tells STS-issued credentials apart); none: this fake's own account. */
    accessKeyOf: () => Promise<string | undefined> = async () => undefined,
  ): Promise<object> {
    const region = await regionOf();
    const call: RecordedCall = { service, operation, region, input: snapshot(input) };
    this.calls.push(call);
    const span: CallSpan = { call, startMs: performance.now() };
    this.timeline.push(span);
    try {
      return await this.answerCall(service, operation, input, region, call, span, handler, accessKeyOf);
    } finally {
      span.endMs = performance.now();
      // Sinon keeps every call's client, input and answer in the stubs' history; nothing reads it (calls
      // and timeline are this fake's record), and over thousands of calls it held every SDK client of a
      // run alive: the bench's memory figures were the harness's. Forgotten once the call is answered.
      for (const stub of this.stubs) stub.resetHistory();
    }
  }

  private async answerCall(
    service: Service,
    operation: string,
    input: unknown,
    region: string,
    call: RecordedCall,
    span: CallSpan,
    handler: Handler,
    accessKeyOf: () => Promise<string | undefined>,
  ): Promise<object> {
    // As the request arrives, like IAM's authorization: a call that fails (or never returns) was still sent.
    this.recordResourceFacts(call, input, { service, operation, region, partition: partitionOf(region) }, undefined);
    await this.onCall?.(call);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const ctx: Ctx = { service, operation, region, partition: partitionOf(region) };
    const caller = await this.callerOf(accessKeyOf, service);
    call.account = (caller?.account ?? this.acct).accountId;
    if (caller) this.recordResourceFacts(call, input, ctx, caller.account);
    if (!this.takeToken(`${call.account}|${region}|${operation}`)) {
      span.throttled = true;
      throw throttlingError(service);
    }
    const failure = this.failures.find((f) => f.remaining > 0 && matches(f, operation, region) && (f.account === undefined || f.account === call.account));
    if (failure) failure.remaining--;
    if (failure && !failure.afterEffect) throw injectedError(service, operation, failure.error);
    if (this.isDenied(operation, region)) throw this.accessDenied(ctx, `${service}:${operation}`);
    const byPolicy = (caller?.account ?? this.acct).deniedRegions.get(region);
    if (
      byPolicy &&
      (service === 'ec2' || service === 'logs') &&
      byPolicy.services.includes(service) &&
      operation !== 'DescribeRegions' &&
      (byPolicy.operations?.includes(operation) ?? true)
    ) {
      throw organizationPolicyDeny(ctx, caller?.arn ?? this.callerArn(ctx.partition), (caller?.account ?? this.acct).accountId, byPolicy);
    }
    this.serving = caller?.account;
    this.servingArn = caller?.arn;
    try {
      const output = handler(input ?? {}, ctx);
      if (failure) throw injectedError(service, operation, failure.error);
      return { ...structuredClone(output), $metadata: metadata(200) };
    } finally {
      this.serving = undefined;
      this.servingArn = undefined;
    }
  }

  /** Whether the call's token bucket (rateLimit) has a token for it; always true without a rate limit. */
  private takeToken(key: string): boolean {
    if (!this.rateLimit) return true;
    const { burst, perSecond } = this.rateLimit;
    const nowMs = performance.now();
    const bucket = this.tokenBuckets.get(key) ?? { tokens: burst, atMs: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * perSecond);
    bucket.atMs = nowMs;
    this.tokenBuckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Calls answered with a throttling error so far (each one the SDK retries, while it has attempts left). */
  throttledCalls(): number {
    return this.timeline.filter((span) => span.throttled).length;
  }

  private recordResourceFacts(call: RecordedCall, input: unknown, ctx: Ctx, account: AccountState | undefined): void {
    if (/^(Describe|Get|List)/.test(ctx.operation)) return;
    const previous = this.serving;
    this.serving = account;
    try {
      const resources = this.resourceFactsOf(ctx.operation, input, ctx);
      if (resources) call.resources = resources;
      else delete call.resources;
    } finally {
      this.serving = previous;
    }
  }

  /** What IAM would put in the request context about the resource a call acts on (tags, a role's boundary). */
  private resourceFactsOf(operation: string, input: any, ctx: Ctx): ResourceFacts | undefined {
    if (ctx.service === 'iam' && typeof input?.RoleName === 'string' && operation !== 'CreateRole') {
      const role = this.roles.get(input.RoleName);
      return role && { tags: { ...role.tags }, ...(role.permissionsBoundary ? { permissionsBoundary: role.permissionsBoundary } : {}) };
    }
    if (ctx.service === 'logs' && typeof input?.logGroupName === 'string') {
      const group = this.regionStates.get(ctx.region)?.logGroups.get(input.logGroupName);
      return group && { tags: { ...group.tags } };
    }
    if (operation === 'DeleteFlowLogs') {
      const flowLogs = this.regionStates.get(ctx.region)?.flowLogs;
      const ids: string[] = input?.FlowLogIds ?? [];
      return {
        tagsById: Object.fromEntries(
          ids.flatMap((id) => {
            const f = flowLogs?.get(id);
            return f ? [[id, tagMap(f.Tags)]] : [];
          }),
        ),
      };
    }
    return undefined;
  }

  private isDenied(operation: string, region: string): boolean {
    return this.denied.some((d) => matches(d, operation, region));
  }

  private accessDenied(ctx: Ctx, action: string, resource = '*'): Error {
    const operation = action.split(':')[1] ?? action;
    const by = this.denied.find((d) => matches(d, operation, ctx.region))?.by ?? 'no-allow';
    const who = `User: ${this.callerArn(ctx.partition)} is not authorized to perform: ${action} on resource: ${resource}`;
    const why = {
      'no-allow': `because no identity-based policy allows the ${action} action`,
      'deny-statement': `with an explicit deny in an identity-based policy: arn:${ctx.partition}:iam::${this.accountId}:policy/DenyFlowLogChanges`,
      boundary: `because no permissions boundary allows the ${action} action`,
      'encoded-only': '',
    }[by];
    if (ctx.service === 'ec2') {
      const message =
        by === 'encoded-only'
          ? `You are not authorized to perform this operation. Encoded authorization failure message: ${ENCODED_AUTHORIZATION_MESSAGE}`
          : `You are not authorized to perform this operation. ${who} ${why}. Encoded authorization failure message: ${ENCODED_AUTHORIZATION_MESSAGE}`;
      return serviceError('ec2', 'UnauthorizedOperation', message);
    }
    return serviceError(ctx.service, ctx.service === 'logs' ? 'AccessDeniedException' : 'AccessDenied', `${who} ${why}`);
  }

  private callerArn(partition: string): string {
    return this.rootCaller ? `arn:${partition}:iam::${this.accountId}:root` : `arn:${partition}:iam::${this.accountId}:user/tester`;
  }

  private nextId(prefix: string): string {
    return `${prefix}-${(++this.counter.seq).toString(16).padStart(17, '0')}`;
  }

  /** The id nextId would give now. */
  private peekId(prefix: string): string {
    return `${prefix}-${(this.counter.seq + 1).toString(16).padStart(17, '0')}`;
  }

  private nextRoleId(): string {
    return `AROA${(++this.counter.seq).toString(16).toUpperCase().padStart(17, '0')}`;
  }

  private seedState(region: string): RegionState {
    const state = this.regionStates.get(region);
    if (!state) throw new Error(`FakeAws: cannot seed ${region}; enabled regions are ${this.enabled.join(', ')}`);
    return state;
  }

  /** The state of the region a call went to; disabled regions answer the way each service does. */
  private regionState(ctx: Ctx): RegionState {
    if (this.disabled.includes(ctx.region) || this.current.notOptedIn.has(ctx.region)) {
      throw ctx.service === 'logs'
        ? serviceError('logs', 'UnrecognizedClientException', 'The security token included in the request is invalid.')
        : serviceError('ec2', 'OptInRequired', 'You are not subscribed to this service. Please go to http://aws.amazon.com to subscribe.');
    }
    const state = this.regionStates.get(ctx.region);
    if (!state) {
      throw new Error(`FakeAws: ${ctx.service}:${ctx.operation} went to "${ctx.region}", in neither regions nor disabledRegions`);
    }
    return state;
  }

  // ---- EC2 ----

  private describeRegions(input: DescribeRegionsCommandInput, ctx: Ctx): object {
    this.regionState(ctx);
    const listed = [
      ...this.enabled.filter((name) => !this.current.notOptedIn.has(name)).map((name) => [name, 'opt-in-not-required'] as const),
      ...(input.AllRegions ? [...this.disabled, ...this.current.notOptedIn].map((name) => [name, 'not-opted-in'] as const) : []),
    ].map(([name, optIn]) => ({
      RegionName: name,
      Endpoint: `ec2.${name}.amazonaws.com${name.startsWith('cn-') ? '.cn' : ''}`,
      OptInStatus: optIn,
    }));
    const named = input.RegionNames?.length ? listed.filter((r) => input.RegionNames!.includes(r.RegionName)) : listed;
    const regions = applyFilters(named, input.Filters, {
      'region-name': (r) => [r.RegionName],
      'opt-in-status': (r) => [r.OptInStatus],
      endpoint: (r) => [r.Endpoint],
    });
    return { Regions: regions };
  }

  private describeVpcs(input: DescribeVpcsCommandInput, ctx: Ctx): object {
    const state = this.regionState(ctx);
    checkMaxResults(input.MaxResults, 5);
    for (const id of input.VpcIds ?? []) {
      if (!state.vpcs.has(id)) throw serviceError('ec2', 'InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
    }
    const wanted = [...state.vpcs.values()].filter((v) => !input.VpcIds?.length || input.VpcIds.includes(v.VpcId!));
    const vpcs = applyFilters(wanted, input.Filters, {
      'vpc-id': (v) => [v.VpcId!],
      'owner-id': (v) => [v.OwnerId!],
      'is-default': (v) => [String(v.IsDefault)],
      state: (v) => [v.State!],
      'cidr-block': (v) => [v.CidrBlock!],
    });
    const { page, next } = this.paginate('DescribeVpcs', vpcs, input.MaxResults, input.NextToken);
    return { Vpcs: page, ...(next === undefined ? {} : { NextToken: next }) };
  }

  private describeSubnets(input: DescribeSubnetsCommandInput, ctx: Ctx): object {
    const state = this.regionState(ctx);
    checkMaxResults(input.MaxResults, 5);
    for (const id of input.SubnetIds ?? []) {
      if (!state.subnets.has(id)) {
        throw serviceError('ec2', 'InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
      }
    }
    const ids = input.SubnetIds ?? [];
    const wanted = [...state.subnets.values()].filter((s) => ids.length === 0 || ids.includes(s.SubnetId!));
    const subnets = applyFilters(wanted, input.Filters, {
      'vpc-id': (s) => [s.VpcId!],
      'subnet-id': (s) => [s.SubnetId!],
      'owner-id': (s) => [s.OwnerId!],
      'availability-zone': (s) => [s.AvailabilityZone!],
      state: (s) => [s.State!],
    });
    const { page, next } = this.paginate('DescribeSubnets', subnets, input.MaxResults, input.NextToken);
    return { Subnets: page, ...(next === undefined ? {} : { NextToken: next }) };
  }

  // As the API reference: NetworkInterfaceIds or Filters (vpc-id, subnet-id, network-interface-id,
  // status, …; values OR-ed, filters AND-ed), MaxResults 5–1000 and never together with
  // NetworkInterfaceIds, paged by NextToken. More than 200 values in one filter is FilterLimitExceeded
  // (EC2's limit, see docs/aws-facts/delivery-evidence.md).
  private describeNetworkInterfaces(input: DescribeNetworkInterfacesCommandInput, ctx: Ctx): object {
    const state = this.regionState(ctx);
    if (input.MaxResults !== undefined && input.NetworkInterfaceIds?.length) {
      throw serviceError('ec2', 'InvalidParameterCombination', 'The parameter NetworkInterfaceIds cannot be used with the parameter MaxResults');
    }
    checkMaxResults(input.MaxResults, 5);
    for (const f of input.Filters ?? []) {
      if ((f.Values ?? []).length > 200)
        throw serviceError('ec2', 'FilterLimitExceeded', 'The maximum number of filter values specified on a single call is 200');
    }
    for (const id of input.NetworkInterfaceIds ?? []) {
      if (!state.interfaces.has(id)) throw serviceError('ec2', 'InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`);
    }
    const ids = input.NetworkInterfaceIds ?? [];
    const wanted = [...state.interfaces.values()].map(({ eni }) => eni).filter((eni) => ids.length === 0 || ids.includes(eni.NetworkInterfaceId!));
    const interfaces = applyFilters(wanted, input.Filters, {
      'vpc-id': (n) => [n.VpcId!],
      'subnet-id': (n) => [n.SubnetId!],
      'network-interface-id': (n) => [n.NetworkInterfaceId!],
      status: (n) => [n.Status!],
      'owner-id': (n) => [n.OwnerId!],
      'availability-zone': (n) => [n.AvailabilityZone!],
    });
    const { page, next } = this.paginate('DescribeNetworkInterfaces', interfaces, input.MaxResults, input.NextToken);
    return { NetworkInterfaces: page, ...(next === undefined ? {} : { NextToken: next }) };
  }

  private describeFlowLogs(input: DescribeFlowLogsCommandInput, ctx: Ctx): object {
    const state = this.regionState(ctx);
    checkMaxResults(input.MaxResults, 1);
    const ids = input.FlowLogIds ?? [];
    const wanted = [...state.flowLogs.values()].filter((f) => ids.length === 0 || ids.includes(f.FlowLogId!));
    // The parameter is `Filter` (singular); the SDK drops anything else, so a `Filters` is ignored here too.
    const flowLogs = applyFilters(wanted, input.Filter, {
      'resource-id': (f) => [f.ResourceId!],
      'flow-log-id': (f) => [f.FlowLogId!],
      'traffic-type': (f) => [f.TrafficType!],
      'log-group-name': (f) => (f.LogGroupName === undefined ? [] : [f.LogGroupName]),
      'log-destination-type': (f) => [f.LogDestinationType!],
      'deliver-log-status': (f) => [f.DeliverLogsStatus!],
    });
    const { page, next } = this.paginate('DescribeFlowLogs', flowLogs, input.MaxResults, input.NextToken);
    return { FlowLogs: page, ...(next === undefined ? {} : { NextToken: next }) };
  }

  private createFlowLogs(input: CreateFlowLogsCommandInput, ctx: Ctx): object {
    const state = this.regionState(ctx);
    const roleArnInput = input.DeliverLogsPermissionArn;
    if (roleArnInput !== undefined && this.passRoleDenied) throw this.accessDenied(ctx, 'iam:PassRole', roleArnInput);
    if (input.TagSpecifications?.length && this.isDenied('CreateTags', ctx.region)) {
      throw this.accessDenied(ctx, 'ec2:CreateTags');
    }
    if (input.DryRun) throw serviceError('ec2', 'DryRunOperation', DRY_RUN_MESSAGE);

    const destination = this.flowLogDestination(input, ctx);
    const resourceIds = input.ResourceIds ?? [];
    if (resourceIds.length === 0 || resourceIds.length > 1000) {
      throw invalidParameter(`ResourceIds must hold 1 to 1000 ids, got ${resourceIds.length}`);
    }
    if (input.ResourceType !== 'VPC' && input.ResourceType !== 'Subnet') {
      throw invalidParameter(`FakeAws only models ResourceType VPC and Subnet, got ${String(input.ResourceType)}`);
    }
    if (!['ACCEPT', 'REJECT', 'ALL'].includes(input.TrafficType ?? '')) {
      throw invalidParameter('TrafficType must be one of ACCEPT, REJECT, ALL');
    }
    if (input.MaxAggregationInterval !== undefined && ![60, 600].includes(input.MaxAggregationInterval)) {
      throw invalidParameter('MaxAggregationInterval must be 60 or 600');
    }
    if (input.LogFormat !== undefined && !/^\$\{[a-z0-9-]+\}( \$\{[a-z0-9-]+\})*$/.test(input.LogFormat)) {
      throw invalidParameter('LogFormat must be ${field} tokens separated by single spaces');
    }
    // Unverified wording: AWS refuses a field it does not know with InvalidParameter; the message here names them.
    const unknownFields = [...(input.LogFormat ?? '').matchAll(/\$\{([a-z0-9-]+)\}/g)].map((m) => m[1]!).filter((f) => !isFlowLogField(f));
    if (unknownFields.length > 0) throw invalidParameter(`Unknown fields provided: ${unknownFields.map((f) => `\${${f}}`).join(', ')}`);
    if (input.DestinationOptions !== undefined) {
      if (input.LogDestinationType !== 's3') throw invalidParameter('DestinationOptions is only supported for a LogDestinationType of s3');
      const format = input.DestinationOptions.FileFormat;
      if (format !== undefined && format !== 'plain-text' && format !== 'parquet') {
        throw invalidParameter(`FileFormat must be plain-text or parquet, got ${String(format)}`);
      }
    }
    for (const spec of input.TagSpecifications ?? []) {
      if (spec.ResourceType !== 'vpc-flow-log') {
        throw serviceError('ec2', 'InvalidParameterValue', `'${spec.ResourceType}' is not a valid taggable resource type`);
      }
    }

    const { ClientToken: token, DryRun: _dryRun, ...params } = input;
    const fingerprint = canonicalJson(params);
    const seen = token === undefined ? undefined : state.clientTokens.get(token);
    if (seen && seen.fingerprint !== fingerprint) {
      const message = 'The client token you have provided is associated with a resource that has different parameters.';
      throw serviceError('ec2', 'IdempotentParameterMismatch', message);
    }
    if (seen) return seen.response;

    // Propagation delay is per call; the trust is judged per new flow log, with its own ARN as aws:SourceArn.
    const propagated = roleArnInput === undefined || this.rolePropagated(roleArnInput);
    const assumable = (flowLogId: string) => roleArnInput === undefined || (propagated && this.trustAdmits(roleArnInput, ctx, flowLogId));
    const tags = (input.TagSpecifications ?? []).flatMap((s) => s.Tags ?? []);
    const flowLogIds: string[] = [];
    const unsuccessful: UnsuccessfulItem[] = [];
    const fail = (id: string, Code: string, Message: string) => unsuccessful.push({ ResourceId: id, Error: { Code, Message } });
    for (const id of resourceIds) {
      const resource = input.ResourceType === 'VPC' ? state.vpcs.get(id) : state.subnets.get(id);
      const sameConfiguration = (f: FlowLog) =>
        f.TrafficType === input.TrafficType &&
        f.LogFormat === (input.LogFormat ?? DEFAULT_LOG_FORMAT) &&
        f.MaxAggregationInterval === (input.MaxAggregationInterval ?? 600);
      const duplicate = [...state.flowLogs.values()].some(
        (f) => f.ResourceId === id && destinationKey(f) === destination.key && (this.flowLogDuplicateRule === 'destination' || sameConfiguration(f)),
      );
      if (!resource && input.ResourceType === 'VPC') {
        fail(id, 'InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
      } else if (!resource) {
        fail(id, 'InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
      } else if (resource.OwnerId !== this.accountId) {
        // Unverified code: AWS-FACTS only says a RAM participant cannot create flow logs on a shared VPC.
        fail(id, 'UnauthorizedOperation', 'You are not authorized to perform this operation on a resource of another account.');
      } else if (destination.type === 's3' && !this.deliveryAllowed(destination.arn, this.accountId, ctx.region, input.DestinationOptions, false)) {
        // AWS: without the bucket owner's policy for this account "flow log creation fails" (wording unverified).
        const bucket = destination.arn.replace(/^arn:[^:]+:s3:::/, '').split('/')[0];
        fail(id, '400', `Access Denied for LogDestination: ${bucket}. Please check LogDestination permission`);
      } else if (!assumable(this.peekId('fl'))) {
        fail(id, 'InvalidParameter', `Unable to assume given IAM role: '${roleArnInput}'`);
      } else if (duplicate) {
        fail(id, 'FlowLogAlreadyExists', 'FlowLogAlreadyExists');
      } else {
        const flowLogId = this.nextId('fl');
        state.flowLogs.set(flowLogId, {
          FlowLogId: flowLogId,
          ResourceId: id,
          FlowLogStatus: 'ACTIVE',
          TrafficType: input.TrafficType,
          DeliverLogsStatus: 'SUCCESS',
          LogDestinationType: destination.type,
          LogDestination: destination.arn,
          ...(destination.logGroupName === undefined ? {} : { LogGroupName: destination.logGroupName }),
          ...(roleArnInput === undefined ? {} : { DeliverLogsPermissionArn: roleArnInput }),
          ...(destination.type === 's3' ? { DestinationOptions: s3DestinationOptions(input.DestinationOptions) } : {}),
          ...(tags.length > 0 ? { Tags: tags } : {}),
          CreationTime: new Date(),
          MaxAggregationInterval: input.MaxAggregationInterval ?? 600,
          LogFormat: input.LogFormat ?? DEFAULT_LOG_FORMAT,
        });
        flowLogIds.push(flowLogId);
      }
    }
    const response = { FlowLogIds: flowLogIds, Unsuccessful: unsuccessful, ...(token === undefined ? {} : { ClientToken: token }) };
    if (token !== undefined) state.clientTokens.set(token, { fingerprint, response });
    return response;
  }

  /** False while a new role is still "propagating" (roleAssumableAfter): consumes one pending failure per call. */
  private rolePropagated(arn: string): boolean {
    const role = this.roleByArn(arn);
    if (role && role.assumeFailuresLeft > 0) {
      role.assumeFailuresLeft--;
      return false;
    }
    return true;
  }

  /** Whether the role exists under this exact ARN and its trust admits vpc-flow-logs for this flow log. */
  private trustAdmits(arn: string, ctx: Ctx, flowLogId: string): boolean {
    const role = this.roleByArn(arn);
    if (!role || roleArn(role, ctx.partition, this.accountId) !== arn) return false;
    const sourceArn = `arn:${ctx.partition}:ec2:${ctx.region}:${this.accountId}:vpc-flow-log/${flowLogId}`;
    return trustAllowsFlowLogs(role.trustDocument, this.accountId, sourceArn);
  }

  private roleByArn(arn: string): StoredRole | undefined {
    const m = /^arn:[a-z-]+:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(arn);
    return m ? this.roles.get(m[1]!) : undefined;
  }

  /** Validates the destination parameters and returns what the new flow log will carry. */
  private flowLogDestination(input: CreateFlowLogsCommandInput, ctx: Ctx): { type: LogDestinationType; arn: string; logGroupName?: string; key: string } {
    const type = input.LogDestinationType ?? 'cloud-watch-logs';
    if (type === 'cloud-watch-logs') {
      if (input.LogGroupName !== undefined && input.LogDestination !== undefined) {
        throw invalidParameter('Please only provide LogGroupName or only provide LogDestination.');
      }
      let name = input.LogGroupName;
      if (input.LogDestination !== undefined) {
        const parsed = parseLogGroupArn(input.LogDestination);
        const local = parsed?.region === ctx.region && parsed.account === this.accountId && parsed.partition === ctx.partition;
        if (!local) throw invalidParameter(`LogDestination ${input.LogDestination} is not a log group of this account and region`);
        name = parsed.name;
      }
      if (!name) throw invalidParameter('LogGroupName or LogDestination is required for cloud-watch-logs delivery');
      if (input.DeliverLogsPermissionArn === undefined) {
        throw invalidParameter('DeliverLogsPermissionArn is required for cloud-watch-logs delivery');
      }
      const arn = `arn:${ctx.partition}:logs:${ctx.region}:${this.accountId}:log-group:${name}`;
      return { type, arn, logGroupName: name, key: `cwl|${name}` };
    }
    if (type === 's3') {
      if (input.DeliverLogsPermissionArn !== undefined) {
        throw invalidParameter('DeliverLogsPermissionArn is not applicable for s3 delivery');
      }
      if (input.LogGroupName !== undefined) throw invalidParameter('LogGroupName is not applicable for s3 delivery');
      const arn = input.LogDestination ?? '';
      const m = /^arn:([a-z-]+):s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/.*)?$/.exec(arn);
      if (!m || m[1] !== ctx.partition) {
        throw invalidParameter(`LogDestination must be arn:${ctx.partition}:s3:::bucket[/prefix/], got ${arn}`);
      }
      if (/^\/AWSLogs(\/|$)/.test(m[3] ?? '')) throw invalidParameter('The prefix AWSLogs is reserved');
      return { type, arn, key: `s3|${arn.replace(/\/+$/, '')}` };
    }
    if (type === 'kinesis-data-firehose') {
      const arn = input.LogDestination ?? '';
      if (!/^arn:[a-z-]+:firehose:[^:]+:\d{12}:deliverystream\/.+$/.test(arn)) {
        throw invalidParameter('LogDestination must be a Firehose delivery stream ARN');
      }
      return { type, arn, key: `firehose|${arn}` };
    }
    throw serviceError('ec2', 'InvalidParameterValue', `Invalid LogDestinationType: ${String(type)}`);
  }

  private deleteFlowLogs(input: DeleteFlowLogsCommandInput, ctx: Ctx): object {
    const state = this.regionState(ctx);
    if (input.DryRun) throw serviceError('ec2', 'DryRunOperation', DRY_RUN_MESSAGE);
    const unsuccessful: UnsuccessfulItem[] = [];
    for (const id of input.FlowLogIds ?? []) {
      if (!state.flowLogs.delete(id)) {
        const error = { Code: 'InvalidFlowLogId.NotFound', Message: `Flow log ID '${id}' does not exist` };
        unsuccessful.push({ ResourceId: id, Error: error });
      }
    }
    return { Unsuccessful: unsuccessful };
  }

  /** One page: min(caller's limit, pageSize) items; tokens are opaque and tied to the operation. */
  private paginate<T>(operation: string, items: T[], limit: number | undefined, token: string | undefined, defaultLimit = 1000): { page: T[]; next?: string } {
    let offset = 0;
    if (token !== undefined) {
      const decoded = decodeToken(token);
      if (decoded?.op !== operation) throw badToken(operation, token);
      offset = decoded.offset;
    }
    const page = items.slice(offset, offset + Math.min(limit ?? defaultLimit, this.pageSize));
    const nextOffset = offset + page.length;
    if (nextOffset >= items.length) return { page };
    return { page, next: Buffer.from(JSON.stringify({ op: operation, offset: nextOffset })).toString('base64') };
  }

  // ---- IAM ----

  private requireRole(name: string | undefined): StoredRole {
    const role = this.roles.get(name ?? '');
    if (!role) throw serviceError('iam', 'NoSuchEntity', `The role with name ${String(name)} cannot be found.`);
    return role;
  }

  private roleOutput(role: StoredRole, partition: string): object {
    return {
      Path: role.path,
      RoleName: role.name,
      RoleId: role.roleId,
      Arn: roleArn(role, partition, this.accountId),
      CreateDate: role.createDate,
      AssumeRolePolicyDocument: encodeURIComponent(role.trustDocument),
      ...(role.description === undefined ? {} : { Description: role.description }),
      ...(role.permissionsBoundary === undefined
        ? {}
        : { PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: role.permissionsBoundary } }),
      MaxSessionDuration: 3600,
      ...(Object.keys(role.tags).length > 0 ? { Tags: tagList(role.tags) } : {}),
      RoleLastUsed: {},
    };
  }

  /**
   * As IAM answers (API_EvaluationResult): one result per action, the top level the most restrictive
   * decision over the resources, each resource's own in ResourceSpecificResults. The identity policy (the
   * chosen one) is evaluated with the request's ContextEntries as its condition values; an organization
   * policy (simulateOrganizationPolicy) and the principal's permissions boundary (simulateBoundary) are
   * layers that must allow too, reported in OrganizationsDecisionDetail and
   * PermissionsBoundaryDecisionDetail. Condition keys a matching statement tests that the request did not
   * carry are its MissingContextValues. Paged like IAM's other lists: MaxItems (default 100), Marker.
   */
  private simulatePrincipalPolicy(input: SimulatePrincipalPolicyCommandInput): object {
    const source = input.PolicySourceArn ?? '';
    const m = /^arn:[a-z-]+:iam::(\d{12}):(user|role|group)\/(?:.*\/)?([^/]+)$/.exec(source);
    if (!m) throw serviceError('iam', 'InvalidInput', `ARN ${source} is not valid.`);
    const exists =
      m[1] === this.accountId &&
      (m[2] === 'user'
        ? source.endsWith(':user/tester')
        : m[2] === 'role' && this.roles.get(m[3]!) !== undefined && source === roleArn(this.roles.get(m[3]!)!, this.partition, this.accountId));
    if (!exists) throw serviceError('iam', 'NoSuchEntity', `The ${m[2]} with name ${m[3]} cannot be found.`);
    const actions = input.ActionNames ?? [];
    if (actions.length === 0)
      throw serviceError(
        'iam',
        'ValidationError',
        "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null",
      );
    const policy = this.simulatedPolicy ?? operatorPolicy('operator-apply.json', this.grants);
    const context: Record<string, string[]> = {};
    for (const e of input.ContextEntries ?? []) context[e.ContextKeyName ?? ''] = e.ContextKeyValues ?? [];
    const given = new Set(Object.keys(context).map((k) => k.toLowerCase()));
    const judge = (action: string, resource: string) => {
      const org = this.simulatedScp === undefined ? undefined : isAllowed(this.simulatedScp, action, resource, context);
      const boundary = this.simulatedBoundary === undefined ? undefined : isAllowed(this.simulatedBoundary, action, resource, context);
      const identity = decisionOf(policy, action, resource, context);
      const missing = identity === 'allowed' ? [] : missingKeys(policy, action, resource, given);
      const decision = org === false || boundary === false ? (identity === 'explicitDeny' ? 'explicitDeny' : 'implicitDeny') : identity;
      return { decision, org, boundary, missing };
    };
    const resources = input.ResourceArns?.length ? input.ResourceArns : ['*'];
    const rank = { allowed: 0, implicitDeny: 1, explicitDeny: 2 } as Record<string, number>;
    const results = actions.map((action) => {
      const each = resources.map((resource) => ({ resource, ...judge(action, resource) }));
      const worst = each.reduce((a, b) => (rank[b.decision]! > rank[a.decision]! ? b : a));
      return {
        EvalActionName: action,
        EvalResourceName: resources.length === 1 ? resources[0] : '*',
        EvalDecision: worst.decision,
        MatchedStatements: [],
        MissingContextValues: [...new Set(each.flatMap((e) => e.missing))],
        ...(worst.org === undefined ? {} : { OrganizationsDecisionDetail: { AllowedByOrganizations: each.every((e) => e.org !== false) } }),
        ...(worst.boundary === undefined
          ? {}
          : { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: each.every((e) => e.boundary !== false) } }),
        ...(input.ResourceArns?.length
          ? {
              ResourceSpecificResults: each.map((e) => ({
                EvalResourceName: e.resource,
                EvalResourceDecision: e.decision,
                MatchedStatements: [],
                MissingContextValues: e.missing,
                ...(e.boundary === undefined ? {} : { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: e.boundary } }),
              })),
            }
          : {}),
      };
    });
    const { page, next } = this.paginate('SimulatePrincipalPolicy', results, input.MaxItems, input.Marker, 100);
    return { EvaluationResults: page, IsTruncated: next !== undefined, ...(next === undefined ? {} : { Marker: next }) };
  }

  private listRolePolicies(input: ListRolePoliciesCommandInput): object {
    const names = [...this.requireRole(input.RoleName).inline.keys()].sort();
    const { page, next } = this.paginate('ListRolePolicies', names, input.MaxItems, input.Marker, 100);
    return { PolicyNames: page, IsTruncated: next !== undefined, ...(next === undefined ? {} : { Marker: next }) };
  }

  private listAttachedRolePolicies(input: { RoleName?: string; MaxItems?: number; Marker?: string }): object {
    const role = this.requireRole(input.RoleName);
    const attached = role.attached.map((arn) => ({ PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn }));
    const { page, next } = this.paginate('ListAttachedRolePolicies', attached, input.MaxItems, input.Marker, 100);
    return { AttachedPolicies: page, IsTruncated: next !== undefined, ...(next === undefined ? {} : { Marker: next }) };
  }

  private listInstanceProfilesForRole(input: { RoleName?: string; MaxItems?: number; Marker?: string }): object {
    const role = this.requireRole(input.RoleName);
    const profiles = role.instanceProfiles.map((name, i) => ({
      Path: '/',
      InstanceProfileName: name,
      InstanceProfileId: `AIPA${String(i).padStart(17, '0')}`,
      Arn: `arn:${this.partition}:iam::${this.accountId}:instance-profile/${name}`,
      CreateDate: new Date(0),
      Roles: [],
    }));
    const { page, next } = this.paginate('ListInstanceProfilesForRole', profiles, input.MaxItems, input.Marker, 100);
    return { InstanceProfiles: page, IsTruncated: next !== undefined, ...(next === undefined ? {} : { Marker: next }) };
  }

  private requirePolicy(arn: string | undefined): string {
    const document = this.current.managedPolicies.get(arn ?? '');
    if (document === undefined) throw serviceError('iam', 'NoSuchEntity', `Policy ${String(arn)} does not exist or is not attachable.`);
    return document;
  }

  private getPolicy(arn: string | undefined, ctx: Ctx): object {
    this.requirePolicy(arn);
    const name = (arn ?? '').slice((arn ?? '').lastIndexOf('/') + 1);
    return {
      Policy: {
        PolicyName: name,
        Arn: arn,
        Path: '/',
        DefaultVersionId: 'v1',
        AttachmentCount: 0,
        IsAttachable: true,
        PolicyId: `ANPA${ctx.partition.length}FAKE`,
      },
    };
  }

  private getPolicyVersion(arn: string | undefined, versionId: string | undefined): object {
    const document = this.requirePolicy(arn);
    if (versionId !== 'v1')
      throw serviceError('iam', 'NoSuchEntity', `Policy ${String(arn)} version ${String(versionId)} does not exist or is not attachable.`);
    return { PolicyVersion: { Document: encodeURIComponent(document), VersionId: 'v1', IsDefaultVersion: true, CreateDate: new Date(0) } };
  }

  private getRolePolicy(roleName: string | undefined, policyName: string | undefined): object {
    const doc = this.requireRole(roleName).inline.get(policyName ?? '');
    if (doc === undefined) {
      throw serviceError('iam', 'NoSuchEntity', `The role policy with name ${String(policyName)} cannot be found.`);
    }
    return { RoleName: roleName, PolicyName: policyName, PolicyDocument: encodeURIComponent(doc) };
  }

  private createRole(input: CreateRoleCommandInput, ctx: Ctx): object {
    const name = input.RoleName ?? '';
    if (!/^[\w+=,.@-]{1,64}$/.test(name)) throw serviceError('iam', 'ValidationError', `Invalid RoleName: ${name}`);
    // Names are unique per account whatever the path (and case-insensitively).
    if ([...this.roles.keys()].some((existing) => existing.toLowerCase() === name.toLowerCase())) {
      throw serviceError('iam', 'EntityAlreadyExists', `Role with name ${name} already exists.`);
    }
    const path = input.Path ?? '/';
    if (path.length > 512 || !/^\/$|^\/[\u0021-\u007E]+\/$/.test(path)) {
      throw serviceError('iam', 'ValidationError', `1 validation error detected: Value '${path}' at 'path' failed to satisfy constraint`);
    }
    const boundary = input.PermissionsBoundary;
    if (boundary !== undefined && !/^arn:[a-z-]+:iam::(\d{12}|aws):policy\/.+$/.test(boundary)) {
      throw serviceError('iam', 'InvalidInput', `ARN ${boundary} is not valid.`);
    }
    // Unverified message: the one GetPolicy answers for a policy that does not exist.
    if (boundary !== undefined && !boundary.includes(':iam::aws:') && !this.current.managedPolicies.has(boundary)) {
      throw serviceError('iam', 'NoSuchEntity', `Policy ${boundary} does not exist or is not attachable.`);
    }
    const role: StoredRole = {
      name,
      path,
      ...(boundary === undefined ? {} : { permissionsBoundary: boundary }),
      roleId: this.nextRoleId(),
      createDate: new Date(),
      trustDocument: requirePolicyJson(input.AssumeRolePolicyDocument),
      inline: new Map(),
      tags: tagMap(input.Tags),
      assumeFailuresLeft: this.assumeFailuresAfterCreate,
      attached: [],
      instanceProfiles: [],
    };
    if (input.Description !== undefined) role.description = input.Description;
    this.roles.set(name, role);
    return { Role: this.roleOutput(role, ctx.partition) };
  }

  // IAM's quota: a role's inline policies together hold at most 10,240 characters, whitespace not counted
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
  private putRolePolicy(input: PutRolePolicyCommandInput): object {
    const role = this.requireRole(input.RoleName);
    const document = requirePolicyJson(input.PolicyDocument);
    const others = [...role.inline].filter(([name]) => name !== input.PolicyName).map(([, doc]) => doc);
    const size = [...others, document].reduce((total, doc) => total + doc.replace(/\s/g, '').length, 0);
    if (size > 10_240) throw serviceError('iam', 'LimitExceeded', `Maximum policy size of 10240 bytes exceeded for role ${role.name}`);
    role.inline.set(input.PolicyName ?? '', document);
    return {};
  }

  private tagRole(input: TagRoleCommandInput): object {
    Object.assign(this.requireRole(input.RoleName).tags, tagMap(input.Tags));
    return {};
  }

  private deleteRole(name: string | undefined): object {
    const role = this.requireRole(name);
    // As IAM answers (IAM API reference, DeleteRole): inline policies, attached managed policies and instance profiles must go first.
    if (role.inline.size > 0) throw serviceError('iam', 'DeleteConflict', 'Cannot delete entity, must delete policies first.');
    if (role.attached.length > 0) throw serviceError('iam', 'DeleteConflict', 'Cannot delete entity, must detach all policies first.');
    if (role.instanceProfiles.length > 0) throw serviceError('iam', 'DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.');
    this.roles.delete(role.name);
    return {};
  }

  private deleteRolePolicy(roleName: string | undefined, policyName: string | undefined): object {
    if (!this.requireRole(roleName).inline.delete(policyName ?? '')) {
      throw serviceError('iam', 'NoSuchEntity', `The role policy with name ${String(policyName)} cannot be found.`);
    }
    return {};
  }

  // ---- CloudWatch Logs ----

  private requireLogGroup(ctx: Ctx, name: string | undefined): StoredLogGroup {
    const group = this.regionState(ctx).logGroups.get(name ?? '');
    if (!group) throw serviceError('logs', 'ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  private logGroupOutput(g: StoredLogGroup, region: string, partition: string): LogGroup {
    const logGroupArn = `arn:${partition}:logs:${region}:${this.accountId}:log-group:${g.name}`;
    return {
      logGroupName: g.name,
      creationTime: g.creationTime,
      ...(g.retentionInDays === undefined ? {} : { retentionInDays: g.retentionInDays }),
      metricFilterCount: 0,
      arn: `${logGroupArn}:*`,
      storedBytes: g.storedBytes ?? 0,
      ...(g.kmsKeyId === undefined ? {} : { kmsKeyId: g.kmsKeyId }),
      logGroupClass: 'STANDARD',
      logGroupArn,
    };
  }

  // As docs/aws-facts/describe-log-groups.md: logGroupIdentifiers takes 1–50 names (this fake is not a
  // monitoring account, so an ARN matches nothing), excludes every other filter, and the answer holds
  // only the named groups that exist, sorted and paged like any other listing. Constraint violations
  // are InvalidParameterException, the one client error the operation models (the messages' wording is
  // not documented; callers branch on the code).
  private describeLogGroups(input: DescribeLogGroupsCommandInput, ctx: Ctx): object {
    const state = this.regionState(ctx);
    if (input.limit !== undefined && (input.limit < 1 || input.limit > 50)) {
      throw serviceError('logs', 'InvalidParameterException', `Value '${input.limit}' at 'limit' must be between 1 and 50`);
    }
    const identifiers = input.logGroupIdentifiers;
    if (identifiers !== undefined) {
      if (identifiers.length < 1 || identifiers.length > 50) {
        const bound = identifiers.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 50';
        const message = `1 validation error detected: Value '[${identifiers.join(', ')}]' at 'logGroupIdentifiers' failed to satisfy constraint: Member must have length ${bound}`;
        throw serviceError('logs', 'InvalidParameterException', message);
      }
      const others = (['logGroupNamePrefix', 'logGroupNamePattern', 'logGroupClass'] as const).filter((key) => input[key] !== undefined);
      if (others.length > 0) {
        const message = `logGroupIdentifiers cannot be combined with ${others.join(', ')}: the only other filter allowed is includeLinkedAccounts`;
        throw serviceError('logs', 'InvalidParameterException', message);
      }
    }
    const wanted = identifiers === undefined ? undefined : new Set(identifiers);
    const prefix = input.logGroupNamePrefix ?? '';
    const groups = [...state.logGroups.values()].filter((g) => (wanted === undefined ? g.name.startsWith(prefix) : wanted.has(g.name))).sort(byName);
    const { page, next } = this.paginate('DescribeLogGroups', groups, input.limit, input.nextToken, 50);
    return {
      logGroups: page.map((g) => this.logGroupOutput(g, ctx.region, ctx.partition)),
      ...(next === undefined ? {} : { nextToken: next }),
    };
  }

  private createLogGroup(input: CreateLogGroupCommandInput, ctx: Ctx): object {
    const state = this.regionState(ctx);
    const name = input.logGroupName ?? '';
    if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name) || name.startsWith('aws/')) {
      throw serviceError('logs', 'InvalidParameterException', `Value '${name}' at 'logGroupName' failed to satisfy constraint`);
    }
    if (state.logGroups.has(name)) {
      throw serviceError('logs', 'ResourceAlreadyExistsException', 'The specified log group already exists');
    }
    if (input.kmsKeyId !== undefined) {
      // AWS answers an unknown key, a key of another region and a key whose policy does not let the Logs
      // service use it alike (docs/aws-facts/AWS-FACTS.md, "CloudWatch Logs details").
      const key = this.kmsKeys.get(input.kmsKeyId);
      if (!key?.logsMayUse || input.kmsKeyId.split(':')[3] !== ctx.region) {
        const groupArn = `arn:${ctx.partition}:logs:${ctx.region}:${this.accountId}:log-group:${name}`;
        throw serviceError('logs', 'AccessDeniedException', `The specified KMS key does not exist or is not allowed to be used with Arn '${groupArn}'`);
      }
    }
    const group: StoredLogGroup = { name, creationTime: Date.now(), tags: { ...(input.tags ?? {}) }, streams: new Map() };
    if (input.kmsKeyId !== undefined) group.kmsKeyId = input.kmsKeyId;
    state.logGroups.set(name, group);
    return {};
  }

  private putRetentionPolicy(input: PutRetentionPolicyCommandInput, ctx: Ctx): object {
    if (!RETENTION_DAYS.has(input.retentionInDays ?? -1)) {
      const message = `Value '${String(input.retentionInDays)}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set`;
      throw serviceError('logs', 'InvalidParameterException', message);
    }
    this.requireLogGroup(ctx, input.logGroupName).retentionInDays = input.retentionInDays!;
    return {};
  }

  // Accepts the ARN with or without the trailing ':*' (which form AWS insists on is unverified).
  private tagLogGroup(input: TagResourceCommandInput, ctx: Ctx): object {
    const parsed = parseLogGroupArn(input.resourceArn ?? '');
    if (!parsed || parsed.region !== ctx.region || parsed.account !== this.accountId) {
      throw serviceError('logs', 'ResourceNotFoundException', `The specified resource does not exist: ${String(input.resourceArn)}`);
    }
    Object.assign(this.requireLogGroup(ctx, parsed.name).tags, input.tags ?? {});
    return {};
  }

  private listLogGroupTags(input: ListTagsForResourceCommandInput, ctx: Ctx): object {
    const parsed = parseLogGroupArn(input.resourceArn ?? '');
    if (!parsed || parsed.region !== ctx.region || parsed.account !== this.accountId) {
      throw serviceError('logs', 'ResourceNotFoundException', `The specified resource does not exist: ${String(input.resourceArn)}`);
    }
    return { tags: { ...this.requireLogGroup(ctx, parsed.name).tags } };
  }

  // As the API reference: logGroupName (or logGroupIdentifier) required; orderBy LogStreamName (default) or
  // LastEventTime, which excludes logStreamNamePrefix; limit 1–50, default 50; descending; paged by nextToken.
  private describeLogStreams(input: DescribeLogStreamsCommandInput, ctx: Ctx): object {
    const group = this.requireLogGroup(ctx, input.logGroupName ?? input.logGroupIdentifier);
    if (input.limit !== undefined && (input.limit < 1 || input.limit > 50)) {
      throw serviceError('logs', 'InvalidParameterException', `Value '${input.limit}' at 'limit' must be between 1 and 50`);
    }
    if (input.orderBy === 'LastEventTime' && input.logStreamNamePrefix !== undefined) {
      throw serviceError('logs', 'InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
    }
    const byTime = input.orderBy === 'LastEventTime';
    const streams = [...group.streams]
      .filter(([name]) => name.startsWith(input.logStreamNamePrefix ?? ''))
      .sort(([a, x], [b, y]) => (byTime ? (x.lastEventTimestamp ?? 0) - (y.lastEventTimestamp ?? 0) : a < b ? -1 : a > b ? 1 : 0));
    if (input.descending) streams.reverse();
    const { page, next } = this.paginate('DescribeLogStreams', streams, input.limit, input.nextToken, 50);
    const arn = `arn:${ctx.partition}:logs:${ctx.region}:${this.accountId}:log-group:${group.name}`;
    return {
      logStreams: page.map(([name, s]) => ({ logStreamName: name, arn: `${arn}:log-stream:${name}`, storedBytes: 0, ...s })),
      ...(next === undefined ? {} : { nextToken: next }),
    };
  }

  // ---- S3 bucket configuration (AWS S3 API reference; errors as S3 names them) ----

  /**
   * The bucket a configuration call names, as S3 authorizes it: NoSuchBucket when there is none; AccessDenied
   * when ExpectedBucketOwner names another account than the owner (S3: 403), or when the caller's account
   * does not own it (flowfix's role in the log-archive account owns it; other accounts get no grant here).
   */
  private ownedBucket(input: { Bucket?: string; ExpectedBucketOwner?: string }, ctx: Ctx): FakeBucketConfig {
    const config = this.bucketConfig.get(input.Bucket ?? '');
    if (!config) throw serviceError('s3', 'NoSuchBucket', 'The specified bucket does not exist', 404);
    if ((input.ExpectedBucketOwner !== undefined && input.ExpectedBucketOwner !== config.owner) || config.owner !== this.accountId)
      throw serviceError('s3', 'AccessDenied', 'Access Denied', 403);
    return config;
  }

  private getBucketPolicy(input: { Bucket?: string; ExpectedBucketOwner?: string }, ctx: Ctx): object {
    const config = this.ownedBucket(input, ctx);
    if (config.policy === null) throw serviceError('s3', 'NoSuchBucketPolicy', 'The bucket policy does not exist', 404);
    return { Policy: config.policy };
  }

  private getBucketOwnershipControls(input: { Bucket?: string; ExpectedBucketOwner?: string }, ctx: Ctx): object {
    const config = this.ownedBucket(input, ctx);
    if (config.ownership === null) throw serviceError('s3', 'OwnershipControlsNotFoundError', 'The bucket ownership controls were not found', 404);
    return { OwnershipControls: { Rules: [{ ObjectOwnership: config.ownership }] } };
  }

  private getBucketEncryption(input: { Bucket?: string; ExpectedBucketOwner?: string }, ctx: Ctx): object {
    const config = this.ownedBucket(input, ctx);
    if (config.encryption === null)
      throw serviceError('s3', 'ServerSideEncryptionConfigurationNotFoundError', 'The server side encryption configuration was not found', 404);
    return { ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { ...config.encryption }, BucketKeyEnabled: false }] } };
  }

  // PutBucketPolicy keeps the text as given. MalformedPolicy for what is not a policy; past 20 KB (S3's
  // documented limit) the answer is MalformedPolicy too (wording unverified).
  private putBucketPolicy(input: { Bucket?: string; ExpectedBucketOwner?: string; Policy?: string }, ctx: Ctx): object {
    const config = this.ownedBucket(input, ctx);
    const text = input.Policy ?? '';
    if (Buffer.byteLength(text, 'utf8') > 20 * 1024) throw serviceError('s3', 'MalformedPolicy', 'Policy exceeds the maximum allowed document size.', 400);
    let parsed: { Statement?: unknown };
    try {
      parsed = JSON.parse(text) as { Statement?: unknown };
    } catch {
      throw serviceError('s3', 'MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'", 400);
    }
    const statements = [parsed?.Statement ?? []].flat();
    if (typeof parsed !== 'object' || parsed === null || statements.length === 0)
      throw serviceError('s3', 'MalformedPolicy', 'Missing required field Statement', 400);
    config.policy = text;
    return {};
  }

  private deleteBucketPolicy(input: { Bucket?: string; ExpectedBucketOwner?: string }, ctx: Ctx): object {
    this.ownedBucket(input, ctx).policy = null;
    return {};
  }

  /**
   * Whether the bucket lets flow-log delivery from `account` write under the flow log's path: always for
   * its owner's own flow logs; from another account only through the bucket policy (AWS: "or flow log
   * creation fails") and, when objects are written with SSE-KMS, a customer managed key delivery may use
   * (never aws/s3).
   */
  private deliveryAllowed(arn: string, account: string, region: string, options: FlowLog['DestinationOptions'], withKey = true): boolean {
    const [bucket = '', ...rest] = arn.replace(/^arn:[^:]+:s3:::/, '').split('/');
    const config = this.bucketConfig.get(bucket);
    if (!config || config.owner === account) return true;
    const partition = partitionOf(region);
    const prefix = rest.join('/').replace(/^\/+|\/+$/g, '');
    const folder = options?.HiveCompatiblePartitions ? `aws-account-id=${account}` : account;
    const object = `arn:${partition}:s3:::${bucket}/${prefix ? `${prefix}/` : ''}AWSLogs/${folder}/vpcflowlogs/object.log.gz`;
    const context = {
      'aws:SourceAccount': account,
      'aws:SourceArn': `arn:${partition}:logs:${region}:${account}:*`,
      's3:x-amz-acl': 'bucket-owner-full-control',
    };
    const policy = config.policy === null ? { Statement: [] } : (JSON.parse(config.policy) as PolicyDocument);
    const forDelivery = { Statement: statementsOf(policy).filter((st) => principalIncludes(st.Principal, 'delivery.logs.amazonaws.com')) };
    if (!isAllowed(forDelivery, 's3:PutObject', object, context)) return false;
    // The key is only used when objects are written: CreateFlowLogs checks the bucket policy alone.
    const kms = withKey && config.encryption?.SSEAlgorithm.startsWith('aws:kms') === true;
    return !kms || this.keyUsableByDelivery(config.encryption?.KMSMasterKeyID);
  }

  /** The AWS-managed aws/s3 key (named or implied) never; a customer key when its policy lets delivery use it. */
  private keyUsableByDelivery(keyId: string | undefined): boolean {
    if (keyId === undefined || /alias\/aws\/s3$/.test(keyId)) return false;
    return this.kmsKeys.get(keyId)?.deliveryMayUse === true;
  }

  // ListObjectsV2 as S3 answers it: keys in order under Prefix, after StartAfter, MaxKeys (1–1000, default
  // 1000) a page, continued with ContinuationToken; a missing bucket is NoSuchBucket.
  private listObjects(input: ListObjectsV2CommandInput): object {
    const objects = this.buckets.get(input.Bucket ?? '');
    if (!objects) throw serviceError('s3', 'NoSuchBucket', 'The specified bucket does not exist', 404);
    const keys = this.objects(input.Bucket!).filter((k) => k.startsWith(input.Prefix ?? '') && (input.StartAfter === undefined || k > input.StartAfter));
    const { page, next } = this.paginate('ListObjectsV2', keys, input.MaxKeys, input.ContinuationToken, 1000);
    return {
      Name: input.Bucket,
      Prefix: input.Prefix ?? '',
      KeyCount: page.length,
      MaxKeys: input.MaxKeys ?? 1000,
      IsTruncated: next !== undefined,
      Contents: page.map((Key) => ({ Key, LastModified: objects.get(Key), Size: 100, StorageClass: 'STANDARD' })),
      ...(next === undefined ? {} : { NextContinuationToken: next }),
    };
  }

  private deleteLogGroup(name: string | undefined, ctx: Ctx): object {
    this.regionState(ctx).logGroups.delete(this.requireLogGroup(ctx, name).name);
    return {};
  }
}

// ---- module helpers ----

/** IAM's decision from one policy: explicitDeny when a Deny applies, allowed when an Allow does, else implicitDeny. */
function decisionOf(policy: PolicyDocument, action: string, resource: string, context: Record<string, string[]>): string {
  const denies = {
    Statement: statementsOf(policy)
      .filter((s) => s.Effect === 'Deny')
      .map((s) => ({ ...s, Effect: 'Allow' as const })),
  };
  if (isAllowed(denies, action, resource, context)) return 'explicitDeny';
  return isAllowed(policy, action, resource, context) ? 'allowed' : 'implicitDeny';
}

/** Condition keys of the statements that match action and resource which the request did not give. */
function missingKeys(policy: PolicyDocument, action: string, resource: string, given: Set<string>): string[] {
  const keys = statementsOf(policy)
    .filter((s) => isAllowed({ Statement: [{ ...s, Effect: 'Allow', Condition: undefined }] } as PolicyDocument, action, resource))
    .flatMap((s) => Object.values(s.Condition ?? {}).flatMap((entries) => Object.keys(entries as Record<string, unknown>)));
  return [...new Set(keys.filter((k) => !given.has(k.toLowerCase())))];
}

/** DescribeFlowLogs reports an S3 flow log's DestinationOptions with AWS's defaults filled in. */
function s3DestinationOptions(
  options: { FileFormat?: string; HiveCompatiblePartitions?: boolean; PerHourPartition?: boolean } | undefined,
): FlowLog['DestinationOptions'] {
  return {
    FileFormat: options?.FileFormat === 'parquet' ? 'parquet' : 'plain-text',
    HiveCompatiblePartitions: options?.HiveCompatiblePartitions ?? false,
    PerHourPartition: options?.PerHourPartition ?? false,
  };
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The access key an SDK client signs with (its credential provider resolved, as the SDK would). */
async function clientAccessKey(client: unknown): Promise<string | undefined> {
  const provider = (client as { config?: { credentials?: unknown } }).config?.credentials;
  if (typeof provider !== 'function') return undefined;
  return ((await (provider as () => Promise<{ accessKeyId?: string }>)()) ?? {}).accessKeyId;
}

async function clientRegion(client: unknown): Promise<string> {
  const region = (client as { config?: { region?: unknown } } | undefined)?.config?.region;
  const value: unknown = typeof region === 'function' ? await (region as () => unknown)() : region;
  if (typeof value !== 'string') throw new Error('FakeAws: the SDK client has no region configured');
  return value;
}

function metadata(httpStatusCode: number) {
  return { httpStatusCode, requestId: randomUUID(), attempts: 1, totalRetryDelay: 0 };
}

function snapshot(input: unknown): unknown {
  try {
    return structuredClone(input);
  } catch {
    return input;
  }
}

function normaliseOp(operation: string): string {
  return operation.replace(/^[a-z0-9-]+:/, '').replace(/Command$/, '');
}

function matches(rule: { operation: string; region?: string }, operation: string, region: string): boolean {
  return rule.operation === operation && (rule.region === undefined || rule.region === region);
}

function decodeToken(token: string): { op: string; offset: number } | undefined {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { op?: unknown; offset?: unknown };
    return typeof decoded.op === 'string' && typeof decoded.offset === 'number' ? { op: decoded.op, offset: decoded.offset } : undefined;
  } catch {
    return undefined;
  }
}

function badToken(operation: string, token: string): Error {
  if (['ListRolePolicies', 'SimulatePrincipalPolicy', 'ListAttachedRolePolicies', 'ListInstanceProfilesForRole'].includes(operation))
    return serviceError('iam', 'InvalidInput', `Invalid Marker: ${token}`);
  if (operation === 'DescribeLogGroups') return serviceError('logs', 'InvalidParameterException', `Invalid nextToken: ${token}`);
  return serviceError('ec2', 'InvalidPaginationToken', `Invalid pagination token: ${token}`);
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** `name` as the Name tag, then `tags`; no Tags member at all when there are none, as EC2 answers. */
function resourceTags(name: string | undefined, tags: Record<string, string> = {}): { Tags?: Tag[] } {
  const all = [...(name === undefined ? [] : [{ Key: 'Name', Value: name }]), ...tagList(tags)];
  return all.length === 0 ? {} : { Tags: all };
}

function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function tagMap(tags: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

/**
 * Organizations-style paging: NextToken is the index of the next item; MaxResults at most 20, and (as
 * AWS documents) a page may hold fewer: `cap` is the fake's page size.
 */
function pageOf<T>(items: T[], input: { NextToken?: string; MaxResults?: number }, cap: number, key: string): object {
  const start = input.NextToken ? Number(input.NextToken) : 0;
  const size = Math.min(input.MaxResults ?? 20, cap, 20);
  const end = start + size;
  return { [key]: items.slice(start, end), ...(end < items.length ? { NextToken: String(end) } : {}) };
}

/** Whether a role's trust policy lets `account` (its root or any principal in it) assume it, with a matching sts:ExternalId. */
function trustAllowsAccount(trustDocument: string, account: string, externalId: string | undefined): boolean {
  const doc = JSON.parse(trustDocument) as { Statement?: unknown };
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as Record<string, any>[];
  return statements.some((s) => {
    const principals = asList(s?.Principal?.AWS);
    const trusted = principals.some((p) => p === account || p === '*' || new RegExp(`^arn:[a-z-]+:iam::${account}:`).test(p));
    const actions = asList(s?.Action).map((a) => a.toLowerCase());
    const wanted = asList(s?.Condition?.StringEquals?.['sts:ExternalId']);
    return (
      s?.Effect === 'Allow' &&
      trusted &&
      actions.some((a) => a === 'sts:assumerole' || a === 'sts:*') &&
      (wanted.length === 0 || wanted.includes(externalId ?? ''))
    );
  });
}

function roleArn(role: StoredRole, partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:role${role.path}${role.name}`;
}

function parseLogGroupArn(arn: string): { partition: string; region: string; account: string; name: string } | undefined {
  const m = /^arn:([a-z-]+):logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(:\*)?$/.exec(arn);
  return m ? { partition: m[1]!, region: m[2]!, account: m[3]!, name: m[4]! } : undefined;
}

function destinationKey(f: FlowLog): string {
  if (f.LogDestinationType === 's3') return `s3|${(f.LogDestination ?? '').replace(/\/+$/, '')}`;
  if (f.LogDestinationType === 'kinesis-data-firehose') return `firehose|${f.LogDestination ?? ''}`;
  return `cwl|${f.LogGroupName ?? ''}`;
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function checkMaxResults(maxResults: number | undefined, min: number): void {
  if (maxResults !== undefined && (maxResults < min || maxResults > 1000)) {
    const message = `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between ${min} and 1000.`;
    throw serviceError('ec2', 'InvalidParameterValue', message);
  }
}

function invalidParameter(message: string): Error {
  return serviceError('ec2', 'InvalidParameter', message);
}

/** Returns the document unchanged if it is a JSON object, else throws IAM's MalformedPolicyDocument. */
function requirePolicyJson(doc: string | undefined): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc ?? '');
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw serviceError('iam', 'MalformedPolicyDocument', 'This policy contains invalid Json');
  }
  return doc!;
}

/** EC2 filter semantics: one filter's values are OR-ed (with * and ? wildcards), filters are AND-ed. */
function applyFilters<T extends object>(items: T[], filters: Filter[] | undefined, fields: Record<string, (item: T) => string[]>): T[] {
  const valuesOf = (item: T, name: string): string[] | undefined => {
    const tags = (item as { Tags?: Tag[] }).Tags ?? [];
    if (fields[name]) return fields[name](item);
    if (name === 'tag-key') return tags.map((t) => t.Key ?? '');
    if (name.startsWith('tag:')) return tags.filter((t) => t.Key === name.slice(4)).map((t) => t.Value ?? '');
    return undefined;
  };
  return items.filter((item) =>
    (filters ?? []).every((f) => {
      const actual = valuesOf(item, f.Name ?? '');
      if (actual === undefined) throw serviceError('ec2', 'InvalidParameterValue', `The filter '${f.Name}' is invalid`);
      return (f.Values ?? []).some((pattern) => actual.some((a) => glob(pattern).test(a)));
    }),
  );
}

function glob(pattern: string, flags = ''): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, flags);
}

/**
 * Whether vpc-flow-logs.amazonaws.com may assume a role with this trust policy for one new flow log, as IAM
 * evaluates it: the request carries aws:SourceAccount and aws:SourceArn (the flow log's ARN, so a SourceArn
 * naming one region admits flow logs of that region only). The fake account is in no organization, so
 * aws:SourceOrgID and every other key are absent: a condition on them is false (true for the Not operators
 * and Null, as IAM treats a missing key). ArnEquals/ArnLike match each of the six ARN parts on its own.
 */
function trustAllowsFlowLogs(trustDocument: string, account: string, sourceArn: string): boolean {
  const doc = JSON.parse(trustDocument) as { Statement?: unknown };
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as Record<string, any>[];
  const context: Record<string, string> = { 'aws:sourceaccount': account, 'aws:sourcearn': sourceArn };
  const applies = (s: Record<string, any>): boolean => {
    const actions = asList(s?.Action);
    const principals = s?.Principal === '*' ? ['*'] : [...asList(s?.Principal?.Service), ...asList(s?.Principal?.AWS).filter((p) => p === '*')];
    return (
      principals.some((p) => p === '*' || p === FLOW_LOGS_PRINCIPAL) &&
      actions.some((a) => glob(a, 'i').test('sts:AssumeRole')) &&
      conditionsHold(s.Condition, context) === true
    );
  };
  return statements.some((s) => s?.Effect === 'Allow' && applies(s)) && !statements.some((s) => s?.Effect === 'Deny' && applies(s));
}

function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => String(v));
}

type ErrorCtor = new (opts: { message: string; $metadata: object }) => Error;
const BASE_ERRORS = {
  ec2: EC2ServiceException,
  iam: IAMServiceException,
  logs: CloudWatchLogsServiceException,
  sts: STSServiceException,
  organizations: OrganizationsServiceException,
  s3: S3ServiceException,
};
const SDK_MODULES: Record<Service, Record<string, unknown>> = { ec2: {}, iam: iamSdk, logs: logsSdk, sts: stsSdk, organizations: orgSdk, s3: s3Sdk };

/**
 * An error shaped like the one the SDK throws for `code`: the service's modelled exception class when there
 * is one (looked up as `code` or `code + 'Exception'`, as the SDK maps IAM query codes), else the service's
 * base exception named after the code. Query protocols (EC2, IAM, STS) also carry `Code` and `Error`.
 */
function injectedError(service: Service, operation: string, { name, message, httpStatusCode }: InjectedError): Error {
  if (/^E[A-Z]+$/.test(name)) return Object.assign(new Error(message ?? `socket hang up (${name})`), { code: name });
  return serviceError(service, name, message ?? `Injected ${name} for ${operation}`, httpStatusCode);
}

/** EC2's encoded details of a refusal: URL-safe base64, readable only through sts:DecodeAuthorizationMessage. */
export const ENCODED_AUTHORIZATION_MESSAGE = 'Fk3-EncodedAuthorization_Details0123456789abcdefXYZ';

/**
 * What EC2 and CloudWatch Logs answer when an organization policy explicitly denies the call: EC2
 * UnauthorizedOperation (HTTP 403, its usual opening sentence first), Logs AccessDeniedException (HTTP
 * 400), both naming the action and the policy by type and ARN.
 */
function organizationPolicyDeny(ctx: Ctx, callerArn: string, account: string, policy: OrganizationPolicyDenial): Error {
  const action = `${ctx.service}:${ctx.operation}`;
  const why = `with an explicit deny in a ${policy.policyType}: ${policy.policyArn}`;
  if (ctx.service === 'ec2') {
    // A write names its resource and carries the encoded details, as quoted in aws/karpenter-provider-aws#7370.
    const on = ctx.operation.startsWith('Describe') ? '' : ` on resource: arn:${ctx.partition}:ec2:${ctx.region}:${account}:vpc-flow-log/*`;
    const encoded = ctx.operation.startsWith('Describe') ? '' : `. Encoded authorization failure message: ${ENCODED_AUTHORIZATION_MESSAGE}`;
    return serviceError(
      'ec2',
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. User: ${callerArn} is not authorized to perform: ${action}${on} ${why}${encoded}`,
      403,
    );
  }
  const resource = `arn:${ctx.partition}:logs:${ctx.region}:${account}:log-group:*`;
  return serviceError('logs', 'AccessDeniedException', `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`, 400);
}

/** What each service answers when its request rate is exceeded (the SDK classifies all of them as throttling). */
function throttlingError(service: Service): Error {
  switch (service) {
    case 'ec2':
      return serviceError('ec2', 'RequestLimitExceeded', 'Request limit exceeded.', 503);
    case 'logs':
      return serviceError('logs', 'ThrottlingException', 'Rate exceeded', 400);
    case 'organizations':
      return serviceError(
        'organizations',
        'TooManyRequestsException',
        "AWS Organizations can't complete your request because another request is already in progress. Try again later.",
        400,
      );
    case 's3':
      return serviceError('s3', 'SlowDown', 'Please reduce your request rate.', 503);
    default:
      return serviceError(service, 'Throttling', 'Rate exceeded', 400);
  }
}

function serviceError(service: Service, code: string, message: string, httpStatusCode?: number): Error {
  const base = BASE_ERRORS[service];
  const sdk = SDK_MODULES[service];
  const candidate = sdk[code] ?? sdk[`${code}Exception`];
  const modeled = typeof candidate === 'function' && candidate.prototype instanceof base ? (candidate as ErrorCtor) : undefined;
  const queryCode = modeled ? code.replace(/Exception$/, '') : code;
  const $metadata = metadata(httpStatusCode ?? STATUS[queryCode] ?? 400);
  const $fault: 'client' | 'server' = $metadata.httpStatusCode >= 500 ? 'server' : 'client';
  const err = modeled ? Object.assign(new modeled({ message, $metadata }), { $fault }) : new base({ name: code, message, $metadata, $fault });
  if (service === 'logs') return Object.assign(err, { __type: err.name });
  return Object.assign(err, { Type: 'Sender', Code: queryCode, Error: { Type: 'Sender', Code: queryCode, Message: message } });
}
