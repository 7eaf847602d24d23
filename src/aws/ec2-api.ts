// EC2 behind the narrow Ec2Api: paginated listings mapped to plain facts, and CreateFlowLogs.
// The SDK's commands are passed in (./sdk.js, loaded lazily by clients.ts); only SDK types are imported here.

import type * as Ec2Sdk from '@aws-sdk/client-ec2';

import type { FlowLogFacts, NetworkInterfaceFacts, SubnetFacts, VpcFacts } from '../facts/resources.js';
import { tagsToRecord } from '../facts/tags.js';
import type { CreateFlowLogsInput, CreateFlowLogsResult, DeleteFlowLogsResult, Ec2Api } from './api.js';
import { sendOptions } from './call-options.js';
import { callingAction } from './errors.js';
import type * as Sdk from './sdk.js';

/** The largest page DescribeVpcs, DescribeSubnets, DescribeFlowLogs and DescribeNetworkInterfaces accept: fewest round trips. */
export const EC2_MAX_PAGE_SIZE = 1000;
/**
 * Values one EC2 filter takes in a call: 200, as EC2 answers FilterLimitExceeded beyond it (observed, not
 * in the API reference; docs/aws-facts/delivery-evidence.md).
 */
export const EC2_FILTER_VALUES_MAX = 200;

export function createEc2Api(sdk: typeof Sdk, client: Ec2Sdk.EC2Client): Ec2Api {
  const paging = { client, pageSize: EC2_MAX_PAGE_SIZE };
  return {
    listVpcs: (options) =>
      callingAction('ec2:DescribeVpcs', async () => {
        const vpcs: VpcFacts[] = [];
        for await (const page of sdk.paginateDescribeVpcs(paging, {}, sendOptions(options))) {
          for (const vpc of page.Vpcs ?? []) vpcs.push(toVpcFacts(vpc));
        }
        return vpcs;
      }),

    listSubnets: (options) =>
      callingAction('ec2:DescribeSubnets', async () => {
        const subnets: SubnetFacts[] = [];
        for await (const page of sdk.paginateDescribeSubnets(paging, {}, sendOptions(options))) {
          for (const subnet of page.Subnets ?? []) subnets.push(toSubnetFacts(subnet));
        }
        return subnets;
      }),

    // One listing for the whole region, indexed later by resource id: calling DescribeFlowLogs once
    // per VPC is what makes other tools slow and throttled in big accounts.
    listFlowLogs: (options) =>
      callingAction('ec2:DescribeFlowLogs', async () => {
        const flowLogs: FlowLogFacts[] = [];
        for await (const page of sdk.paginateDescribeFlowLogs(paging, {}, sendOptions(options))) {
          for (const flowLog of page.FlowLogs ?? []) {
            const facts = toFlowLogFacts(flowLog);
            if (facts) flowLogs.push(facts);
          }
        }
        return flowLogs;
      }),

    // One paged listing per ≤200 ids, never one per VPC: an estate of 1000 VPCs costs 5 chains, not 1000.
    listNetworkInterfaces: ({ name, values }, options) =>
      callingAction('ec2:DescribeNetworkInterfaces', async () => {
        const interfaces: NetworkInterfaceFacts[] = [];
        const ids = [...new Set(values)];
        for (let i = 0; i < ids.length; i += EC2_FILTER_VALUES_MAX) {
          const filter = { Filters: [{ Name: name, Values: ids.slice(i, i + EC2_FILTER_VALUES_MAX) }] };
          for await (const page of sdk.paginateDescribeNetworkInterfaces(paging, filter, sendOptions(options))) {
            for (const eni of page.NetworkInterfaces ?? []) {
              if (!eni.NetworkInterfaceId) continue;
              const facts: NetworkInterfaceFacts = { networkInterfaceId: eni.NetworkInterfaceId, vpcId: eni.VpcId ?? '', subnetId: eni.SubnetId ?? '' };
              if (eni.Status) facts.status = eni.Status;
              interfaces.push(facts);
            }
          }
        }
        return interfaces;
      }),

    createFlowLogs: (input: CreateFlowLogsInput) =>
      callingAction('ec2:CreateFlowLogs', async (): Promise<CreateFlowLogsResult> => {
        const output = await client.send(new sdk.CreateFlowLogsCommand(input));
        return {
          flowLogIds: output.FlowLogIds ?? [],
          unsuccessful: (output.Unsuccessful ?? []).map((item) => ({
            resourceId: item.ResourceId ?? '',
            code: item.Error?.Code ?? 'Unknown',
            message: item.Error?.Message ?? '',
          })),
        };
      }),

    deleteFlowLogs: (input) =>
      callingAction('ec2:DeleteFlowLogs', async (): Promise<DeleteFlowLogsResult> => {
        const output = await client.send(new sdk.DeleteFlowLogsCommand({ FlowLogIds: input.FlowLogIds }));
        return {
          unsuccessful: (output.Unsuccessful ?? []).map((item) => ({
            resourceId: item.ResourceId ?? '',
            code: item.Error?.Code ?? 'Unknown',
            message: item.Error?.Message ?? '',
          })),
        };
      }),
  };
}

/** DescribeRegions with AllRegions, split by whether the account may use the region. */
export async function listEnabledRegions(sdk: typeof Sdk, client: Ec2Sdk.EC2Client): Promise<{ enabled: string[]; disabled: string[] }> {
  return callingAction('ec2:DescribeRegions', async () => {
    const output = await client.send(new sdk.DescribeRegionsCommand({ AllRegions: true }));
    const enabled: string[] = [];
    const disabled: string[] = [];
    for (const region of output.Regions ?? []) {
      if (!region.RegionName) continue;
      // AWS always sends OptInStatus; an emulator that leaves it out serves every region it lists.
      const usable = region.OptInStatus === undefined || region.OptInStatus === 'opt-in-not-required' || region.OptInStatus === 'opted-in';
      (usable ? enabled : disabled).push(region.RegionName);
    }
    return { enabled: enabled.sort(), disabled: disabled.sort() };
  });
}

// The mappers below are shared with the offline snapshot (src/snapshot/): they take the objects the SDK
// returns, which are also what `aws ec2 describe-* --output json` prints, so both paths agree.

export type VpcData = Pick<Ec2Sdk.Vpc, 'VpcId' | 'OwnerId' | 'IsDefault' | 'CidrBlock' | 'Tags'>;
export type SubnetData = Pick<Ec2Sdk.Subnet, 'SubnetId' | 'VpcId' | 'OwnerId' | 'AvailabilityZone' | 'CidrBlock' | 'Tags'>;
export type FlowLogData = Pick<
  Ec2Sdk.FlowLog,
  | 'FlowLogId'
  | 'ResourceId'
  | 'FlowLogStatus'
  | 'DeliverLogsStatus'
  | 'DeliverLogsErrorMessage'
  | 'LogDestination'
  | 'LogGroupName'
  | 'DeliverLogsPermissionArn'
  | 'Tags'
  | 'LogFormat'
> & {
  DestinationOptions?: { FileFormat?: string | undefined; HiveCompatiblePartitions?: boolean | undefined; PerHourPartition?: boolean | undefined } | undefined;
  // Plain strings rather than the SDK's enums: JSON from a file is not held to them.
  TrafficType?: string | undefined;
  /** A Date from the SDK, an ISO string in AWS CLI JSON. */
  CreationTime?: Date | string | undefined;
  LogDestinationType?: string | undefined;
};

export function toVpcFacts(vpc: VpcData): VpcFacts {
  const facts: VpcFacts = { vpcId: vpc.VpcId ?? '', ownerId: vpc.OwnerId ?? '', isDefault: vpc.IsDefault ?? false };
  if (vpc.CidrBlock) facts.cidrBlock = vpc.CidrBlock;
  return withTags(facts, vpc.Tags);
}

export function toSubnetFacts(subnet: SubnetData): SubnetFacts {
  const facts: SubnetFacts = { subnetId: subnet.SubnetId ?? '', vpcId: subnet.VpcId ?? '', ownerId: subnet.OwnerId ?? '' };
  if (subnet.AvailabilityZone) facts.availabilityZone = subnet.AvailabilityZone;
  if (subnet.CidrBlock) facts.cidrBlock = subnet.CidrBlock;
  return withTags(facts, subnet.Tags);
}

/** The Name tag as `name`, and every tag as `tags` (left out when there are none, like other absent facts). */
function withTags<F extends VpcFacts | SubnetFacts>(facts: F, awsTags: { Key?: string; Value?: string }[] | undefined): F {
  const tags = tagsToRecord(awsTags);
  if (tags['Name']) facts.name = tags['Name'];
  if (Object.keys(tags).length > 0) facts.tags = tags;
  return facts;
}

/**
 * Undefined for a flow log that never covers a VPC or subnet: transit gateway (attachment) flow logs,
 * the only kind without a traffic type, would otherwise enter the inventory with trafficType ''.
 */
export function toFlowLogFacts(flowLog: FlowLogData): FlowLogFacts | undefined {
  if (!flowLog.TrafficType) return undefined;
  // AWS documents cloud-watch-logs as the default; old flow logs may not state it.
  const destinationType = flowLog.LogDestinationType ?? 'cloud-watch-logs';
  const facts: FlowLogFacts = {
    flowLogId: flowLog.FlowLogId ?? '',
    resourceId: flowLog.ResourceId ?? '',
    status: flowLog.FlowLogStatus ?? '',
    trafficType: flowLog.TrafficType,
    destinationType,
    tags: tagsToRecord(flowLog.Tags),
  };
  // Optional fields are only set when AWS sent them: S3 flow logs have no LogGroupName, and code
  // downstream must see "absent", not an empty string.
  if (flowLog.DeliverLogsStatus) facts.deliverLogsStatus = flowLog.DeliverLogsStatus;
  if (flowLog.DeliverLogsErrorMessage) facts.deliverLogsErrorMessage = flowLog.DeliverLogsErrorMessage;
  if (flowLog.LogDestination) facts.destination = flowLog.LogDestination;
  // AWS fills LogGroupName for CloudWatch destinations; JSON written by hand may give only the ARN.
  const logGroupName = flowLog.LogGroupName || (destinationType === 'cloud-watch-logs' ? logGroupNameOf(flowLog.LogDestination) : undefined);
  if (logGroupName) facts.logGroupName = logGroupName;
  if (flowLog.DeliverLogsPermissionArn) facts.deliverLogsPermissionArn = flowLog.DeliverLogsPermissionArn;
  if (flowLog.LogFormat) facts.logFormat = flowLog.LogFormat;
  const options = flowLog.DestinationOptions;
  if (destinationType === 's3' && options) {
    facts.destinationOptions = {
      ...(options.FileFormat ? { fileFormat: options.FileFormat } : {}),
      ...(options.HiveCompatiblePartitions !== undefined ? { hiveCompatiblePartitions: options.HiveCompatiblePartitions } : {}),
      ...(options.PerHourPartition !== undefined ? { perHourPartition: options.PerHourPartition } : {}),
    };
  }
  const created = flowLog.CreationTime === undefined ? Number.NaN : new Date(flowLog.CreationTime).getTime();
  if (!Number.isNaN(created)) facts.creationTime = new Date(created).toISOString();
  return facts;
}

/** The name in a log group ARN, with or without the trailing `:*`. */
export function logGroupNameOf(arn: string | undefined): string | undefined {
  return arn === undefined ? undefined : /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(arn)?.[1];
}
