// An in-memory AwsClients for unit tests: plain objects, no SDK. Writes change the estate the reads answer
// from, every call is recorded (and checked against the operator policies after each test, like
// FakeAws), any operation can be made to fail in a region, and CreateFlowLogs can be made to answer a
// per-resource failure in `Unsuccessful`.
import type { AwsClients, CreateFlowLogsInput, CreateFlowLogsResult, Ec2Api, IamApi, LogsApi, RoleAttachments, S3Api } from '../../src/aws/api.js';
import { FlowfixError } from '../../src/errors.js';
import { DEFAULT_LOG_FORMAT } from '../../src/facts/flow-log-format.js';
import type { PolicyDocument } from '../../src/facts/policy-document.js';
import { partitionOf } from '../../src/facts/regions.js';
import type { FlowLogFacts, LogGroupFacts, RoleFacts, SubnetFacts, VpcFacts } from '../../src/facts/resources.js';
import { tagsToRecord } from '../../src/facts/tags.js';
import { readPolicyFile } from '../../src/policy/templates.js';
import { ACCOUNT } from './builders.js';
import { registerForPolicyCheck, type OperatorGrant, type ResourceFacts } from './operator-permissions.js';

export interface MemoryRegion {
  vpcs: VpcFacts[];
  subnets: SubnetFacts[];
  flowLogs: FlowLogFacts[];
  /** By name. `tags` are the group's tags: DescribeLogGroups leaves them out, ListTagsForResource has them. */
  logGroups: Record<string, LogGroupFacts>;
}

export interface MemoryCall {
  service: 'sts' | 'ec2' | 'logs' | 'iam';
  /** The AWS operation, e.g. 'CreateFlowLogs'. */
  operation: string;
  /** The region the call went to; 'global' for IAM. */
  region: string;
  input: any;
  /** The resource's tags (and a role's boundary) when the call arrived: the operator-policy check authorizes with them. */
  resources?: ResourceFacts;
}

export interface MemoryEstate {
  accountId?: string;
  homeRegion?: string;
  regions?: Record<string, Partial<MemoryRegion>>;
  disabledRegions?: string[];
  role?: RoleFacts | null;
  /** Managed policies by ARN; default: flowfix's delivery boundary, created as README's one-time step says. */
  managedPolicies?: Record<string, PolicyDocument>;
  /** What is attached to the role besides inline policies. */
  roleAttachments?: RoleAttachments;
}

/** An error shaped like the SDK's: the AWS code in `name`, the HTTP status in `$metadata`. */
export function awsError(name: string, message: string = name, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode } });
}

export const ALREADY_EXISTS_MESSAGE = 'Error. There is an existing Flow Log with the same configuration and log destination.';

export class MemoryAws implements AwsClients {
  /** Opt-in operator policies (policies/operator-apply-*.json) the suite-wide check also allows. */
  private readonly grants: OperatorGrant[] = [];

  grantOperatorPolicy(file: string, vars: Record<string, string> = {}): this {
    this.grants.push({ file, vars });
    return this;
  }

  readonly accountId: string;
  readonly homeRegion: string;
  readonly regions: Record<string, MemoryRegion>;
  readonly disabledRegions: string[];
  role: RoleFacts | null;
  readonly managedPolicies: Record<string, PolicyDocument>;
  roleAttachments: RoleAttachments;
  readonly calls: MemoryCall[] = [];
  /** Runs as each call arrives, before it is answered. */
  onCall?: (call: MemoryCall) => void;
  private readonly failures: { operation: string; region?: string; error: Error; times: number }[] = [];
  private readonly rejections: { region: string; resourceId: string; code: string; message: string; times: number }[] = [];
  private nextFlowLog = 1;

  constructor(estate: MemoryEstate = {}) {
    this.accountId = estate.accountId ?? ACCOUNT;
    this.homeRegion = estate.homeRegion ?? 'us-east-1';
    this.regions = Object.fromEntries(
      Object.entries(estate.regions ?? {}).map(([name, r]) => [name, { vpcs: [], subnets: [], flowLogs: [], logGroups: {}, ...structuredClone(r) }]),
    );
    this.disabledRegions = estate.disabledRegions ?? [];
    this.role = structuredClone(estate.role ?? null);
    this.managedPolicies = structuredClone(
      estate.managedPolicies ?? {
        [`arn:${partitionOf(this.homeRegion)}:iam::${this.accountId}:policy/flowfix-delivery-boundary`]: readPolicyFile('delivery-role-boundary.json'),
      },
    );
    this.roleAttachments = structuredClone(estate.roleAttachments ?? { managedPolicies: [], instanceProfiles: [] });
    registerForPolicyCheck({
      accountId: this.accountId,
      calls: this.calls,
      roleArnOf: (name) => (this.role?.roleName === name ? this.role.arn : undefined),
      grants: () => this.grants,
    });
  }

  /** `operation` (e.g. 'DescribeVpcs') throws `error`, in `region` or (without one) everywhere, `times` times. */
  fail(operation: string, error: Error, options: { region?: string; times?: number } = {}): this {
    this.failures.push({ operation, error, times: options.times ?? Infinity, ...(options.region ? { region: options.region } : {}) });
    return this;
  }

  /** CreateFlowLogs answers `code`/`message` in Unsuccessful for this resource, `times` times. */
  rejectResource(region: string, resourceId: string, code: string, message: string, times = Infinity): this {
    this.rejections.push({ region, resourceId, code, message, times });
    return this;
  }

  /** The calls of one operation, in order. */
  callsOf(operation: string): MemoryCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  callerIdentity() {
    return this.call('sts', 'GetCallerIdentity', this.homeRegion, {}, () => ({
      accountId: this.accountId,
      arn: `arn:${this.partition}:iam::${this.accountId}:user/tester`,
    }));
  }

  listEnabledRegions() {
    return this.call('ec2', 'DescribeRegions', this.homeRegion, {}, () => ({
      enabled: Object.keys(this.regions).sort(),
      disabled: [...this.disabledRegions].sort(),
    }));
  }

  ec2(region: string): Ec2Api {
    return {
      listVpcs: () => this.call('ec2', 'DescribeVpcs', region, {}, () => this.state(region).vpcs),
      listSubnets: () => this.call('ec2', 'DescribeSubnets', region, {}, () => this.state(region).subnets),
      listFlowLogs: () => this.call('ec2', 'DescribeFlowLogs', region, {}, () => this.state(region).flowLogs),
      createFlowLogs: (input) => this.call('ec2', 'CreateFlowLogs', region, input, () => this.createFlowLogs(region, input)),
      deleteFlowLogs: (input) =>
        this.call('ec2', 'DeleteFlowLogs', region, input, () => {
          const state = this.state(region);
          const missing = input.FlowLogIds.filter((id) => !state.flowLogs.some((f) => f.flowLogId === id));
          state.flowLogs = state.flowLogs.filter((f) => !input.FlowLogIds.includes(f.flowLogId));
          return {
            unsuccessful: missing.map((resourceId) => ({
              resourceId,
              code: 'InvalidFlowLogId.NotFound',
              message: `Flow log ID '${resourceId}' does not exist`,
            })),
          };
        }),
      // Only verification reads interfaces; these unit tests do not look at delivery (FakeAws models it).
      listNetworkInterfaces: async () => [],
    };
  }

  logs(region: string): LogsApi {
    return {
      describeLogGroups: (names) =>
        this.call('logs', 'DescribeLogGroups', region, { logGroupIdentifiers: names }, () =>
          // DescribeLogGroups does not return tags.
          Object.fromEntries(
            Object.values(this.state(region).logGroups)
              .filter((g) => names.includes(g.name))
              .map(({ tags: _tags, ...g }) => [g.name, g]),
          ),
        ),
      createLogGroup: (input) =>
        this.call('logs', 'CreateLogGroup', region, input, () => {
          const groups = this.state(region).logGroups;
          if (groups[input.logGroupName]) throw awsError('ResourceAlreadyExistsException', 'The specified log group already exists');
          const arn = `arn:${this.partition}:logs:${region}:${this.accountId}:log-group:${input.logGroupName}:*`;
          groups[input.logGroupName] = { name: input.logGroupName, arn, tags: input.tags ?? {}, ...(input.kmsKeyId ? { kmsKeyId: input.kmsKeyId } : {}) };
        }),
      putRetentionPolicy: (input) =>
        this.call('logs', 'PutRetentionPolicy', region, input, () => {
          const group = this.state(region).logGroups[input.logGroupName];
          if (!group) throw awsError('ResourceNotFoundException', 'The specified log group does not exist.');
          group.retentionInDays = input.retentionInDays;
        }),
      listTags: (arn) =>
        this.call('logs', 'ListTagsForResource', region, { resourceArn: arn }, () => {
          const bare = arn.replace(/:\*$/, '');
          const group = Object.values(this.state(region).logGroups).find((g) => g.arn?.replace(/:\*$/, '') === bare);
          if (!group) throw awsError('ResourceNotFoundException', 'The specified resource does not exist.');
          return group.tags ?? {};
        }),
      deleteLogGroup: (input) =>
        this.call('logs', 'DeleteLogGroup', region, input, () => {
          const groups = this.state(region).logGroups;
          if (!groups[input.logGroupName]) throw awsError('ResourceNotFoundException', 'The specified log group does not exist.');
          delete groups[input.logGroupName];
        }),
      // Only verification reads streams; these unit tests do not look at delivery.
      logStreamsNamed: async () => [],
    };
  }

  s3(): S3Api {
    // The central bucket is the stateful fake's (test/helpers/fake-aws.ts): these unit tests never name one.
    const none = async (): Promise<never> => {
      throw awsError('NoSuchBucket', 'The specified bucket does not exist', 404);
    };
    return {
      listObjects: async () => ({ keys: [] }),
      getBucketPolicy: none,
      getOwnershipControls: none,
      getEncryption: none,
      putBucketPolicy: none,
      deleteBucketPolicy: none,
    };
  }

  iam(): IamApi {
    return {
      getRole: (name) => this.call('iam', 'GetRole', 'global', { RoleName: name }, () => (this.role?.roleName === name ? this.role : null)),
      roleArn: (name) => this.call('iam', 'GetRole', 'global', { RoleName: name }, () => (this.role?.roleName === name ? this.role.arn : null)),
      createRole: (input) =>
        this.call('iam', 'CreateRole', 'global', input, () => {
          if (this.role?.roleName === input.RoleName) throw awsError('EntityAlreadyExists', `Role with name ${input.RoleName} already exists.`, 409);
          const arn = `arn:${this.partition}:iam::${this.accountId}:role/${input.RoleName}`;
          this.role = {
            roleName: input.RoleName,
            arn,
            trustPolicy: JSON.parse(input.AssumeRolePolicyDocument),
            inlinePolicies: {},
            tags: tagsToRecord(input.Tags),
            ...(input.PermissionsBoundary ? { permissionsBoundary: input.PermissionsBoundary } : {}),
          };
          return { arn };
        }),
      putRolePolicy: (input) =>
        this.call('iam', 'PutRolePolicy', 'global', input, () => {
          if (this.role?.roleName !== input.RoleName) throw awsError('NoSuchEntity', `The role with name ${input.RoleName} cannot be found.`, 404);
          this.role.inlinePolicies[input.PolicyName] = JSON.parse(input.PolicyDocument);
        }),
      // The in-memory clients model no operator policies: there is nothing to simulate against.
      simulatePrincipalPolicy: async () => {
        throw new FlowfixError('SimulationUnavailable', 'the in-memory test clients cannot simulate IAM policies');
      },
      deleteRolePolicy: (input) =>
        this.call('iam', 'DeleteRolePolicy', 'global', input, () => {
          if (this.role?.roleName !== input.RoleName || !(input.PolicyName in this.role.inlinePolicies))
            throw awsError('NoSuchEntity', `The role policy with name ${input.PolicyName} cannot be found.`, 404);
          delete this.role.inlinePolicies[input.PolicyName];
        }),
      deleteRole: (input) =>
        this.call('iam', 'DeleteRole', 'global', input, () => {
          if (this.role?.roleName !== input.RoleName) throw awsError('NoSuchEntity', `The role with name ${input.RoleName} cannot be found.`, 404);
          if (Object.keys(this.role.inlinePolicies).length > 0) throw awsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
          if (this.roleAttachments.managedPolicies.length > 0) throw awsError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
          if (this.roleAttachments.instanceProfiles.length > 0)
            throw awsError('DeleteConflict', 'Cannot delete entity, must remove roles from instance profile first.', 409);
          this.role = null;
        }),
      listRoleAttachments: (roleName) =>
        this.call('iam', 'ListAttachedRolePolicies', 'global', { RoleName: roleName }, () => {
          if (this.role?.roleName !== roleName) throw awsError('NoSuchEntity', `The role with name ${roleName} cannot be found.`, 404);
          return this.roleAttachments;
        }),
      getPolicyDocument: (policyArn) => this.call('iam', 'GetPolicy', 'global', { PolicyArn: policyArn }, () => this.managedPolicies[policyArn] ?? null),
    };
  }

  /** The facts IAM authorizes a call with: the role's tags and boundary, a log group's or flow logs' tags. */
  private resourceFactsOf(service: MemoryCall['service'], operation: string, region: string, input: any): ResourceFacts | undefined {
    if (service === 'iam' && operation !== 'CreateRole' && this.role && this.role.roleName === input?.RoleName) {
      return { tags: { ...this.role.tags }, ...(this.role.permissionsBoundary ? { permissionsBoundary: this.role.permissionsBoundary } : {}) };
    }
    const state = this.regions[region];
    if (service === 'logs' && typeof input?.logGroupName === 'string') {
      const group = state?.logGroups[input.logGroupName];
      return group && { tags: { ...group.tags } };
    }
    if (operation === 'DeleteFlowLogs') {
      return {
        tagsById: Object.fromEntries((state?.flowLogs ?? []).filter((f) => input.FlowLogIds.includes(f.flowLogId)).map((f) => [f.flowLogId, { ...f.tags }])),
      };
    }
    return undefined;
  }

  private get partition(): string {
    return partitionOf(this.homeRegion);
  }

  private state(region: string): MemoryRegion {
    const state = this.regions[region];
    if (!state) throw awsError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
    return state;
  }

  /** Records the call, throws an injected failure if one matches, else answers a copy (never live state). */
  private async call<T>(service: MemoryCall['service'], operation: string, region: string, input: unknown, answer: () => T): Promise<T> {
    const call: MemoryCall = { service, operation, region, input: structuredClone(input) };
    const resources = /^(Describe|Get|List)/.test(operation) ? undefined : this.resourceFactsOf(service, operation, region, input as any);
    if (resources) call.resources = resources;
    this.calls.push(call);
    this.onCall?.(call);
    const failure = this.failures.find((f) => f.operation === operation && (f.region === undefined || f.region === region) && f.times > 0);
    if (failure) {
      failure.times--;
      throw failure.error;
    }
    return structuredClone(answer());
  }

  private createFlowLogs(region: string, input: CreateFlowLogsInput): CreateFlowLogsResult {
    if (input.DryRun) throw awsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    const state = this.state(region);
    const destination = input.LogGroupName ?? input.LogDestination;
    const result: CreateFlowLogsResult = { flowLogIds: [], unsuccessful: [] };
    for (const resourceId of input.ResourceIds) {
      const rejection = this.rejections.find((r) => r.region === region && r.resourceId === resourceId && r.times > 0);
      const exists = [...state.vpcs.map((v) => v.vpcId), ...state.subnets.map((s) => s.subnetId)].includes(resourceId);
      // The same resource, destination and configuration (as FakeAws's default rule: docs/aws-facts/flow-log-replacement.md).
      const identical = state.flowLogs.some(
        (f) =>
          f.resourceId === resourceId &&
          (f.logGroupName ?? f.destination) === destination &&
          f.trafficType === input.TrafficType &&
          (f.logFormat ?? DEFAULT_LOG_FORMAT) === (input.LogFormat ?? DEFAULT_LOG_FORMAT),
      );
      if (rejection) {
        rejection.times--;
        result.unsuccessful.push({ resourceId, code: rejection.code, message: rejection.message });
      } else if (!exists) {
        result.unsuccessful.push({ resourceId, code: 'InvalidParameter', message: `${resourceId} does not exist` });
      } else if (identical) {
        result.unsuccessful.push({ resourceId, code: 'FlowLogAlreadyExists', message: ALREADY_EXISTS_MESSAGE });
      } else {
        const flowLogId = `fl-${String(this.nextFlowLog++).padStart(17, '0')}`;
        const isLogs = (input.LogDestinationType ?? 'cloud-watch-logs') === 'cloud-watch-logs';
        state.flowLogs.push({
          flowLogId,
          resourceId,
          status: 'ACTIVE',
          trafficType: input.TrafficType ?? 'ALL',
          destinationType: input.LogDestinationType ?? 'cloud-watch-logs',
          ...(isLogs
            ? { logGroupName: input.LogGroupName!, destination: `arn:${this.partition}:logs:${region}:${this.accountId}:log-group:${input.LogGroupName}` }
            : { destination: input.LogDestination! }),
          ...(input.DeliverLogsPermissionArn ? { deliverLogsPermissionArn: input.DeliverLogsPermissionArn } : {}),
          ...(input.LogFormat ? { logFormat: input.LogFormat } : {}),
          tags: tagsToRecord(input.TagSpecifications?.flatMap((s) => s.Tags)),
        });
        result.flowLogIds.push(flowLogId);
      }
    }
    return result;
  }
}
