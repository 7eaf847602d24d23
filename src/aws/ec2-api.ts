// EC2 behind the narrow Ec2Api: paginated listings mapped to plain facts, and CreateFlowLogs.
// The SDK module is passed in (loaded lazily by clients.ts); only its types are imported here.

import type * as Ec2Sdk from '@aws-sdk/client-ec2';
import type { FlowLogFacts, SubnetFacts, VpcFacts } from '../facts/resources.js';
import type { CreateFlowLogsInput, CreateFlowLogsResult, Ec2Api } from './api.js';
import { callingAction } from './errors.js';
import { tagsToRecord } from '../facts/tags.js';

/** The largest page DescribeVpcs, DescribeSubnets and DescribeFlowLogs accept: fewest round trips. */
export const EC2_MAX_PAGE_SIZE = 1000;

export function createEc2Api(sdk: typeof Ec2Sdk, client: Ec2Sdk.EC2Client): Ec2Api {
  const paging = { client, pageSize: EC2_MAX_PAGE_SIZE };
  return {
    listVpcs: () =>
      callingAction('ec2:DescribeVpcs', async () => {
        const vpcs: VpcFacts[] = [];
        for await (const page of sdk.paginateDescribeVpcs(paging, {})) {
          for (const vpc of page.Vpcs ?? []) vpcs.push(toVpcFacts(vpc));
        }
        return vpcs;
      }),

    listSubnets: () =>
      callingAction('ec2:DescribeSubnets', async () => {
        const subnets: SubnetFacts[] = [];
        for await (const page of sdk.paginateDescribeSubnets(paging, {})) {
          for (const subnet of page.Subnets ?? []) subnets.push(toSubnetFacts(subnet));
        }
        return subnets;
      }),

    // One listing for the whole region, indexed later by resource id: calling DescribeFlowLogs once
    // per VPC is what makes other tools slow and throttled in big accounts.
    listFlowLogs: () =>
      callingAction('ec2:DescribeFlowLogs', async () => {
        const flowLogs: FlowLogFacts[] = [];
        for await (const page of sdk.paginateDescribeFlowLogs(paging, {})) {
          for (const flowLog of page.FlowLogs ?? []) flowLogs.push(toFlowLogFacts(flowLog));
        }
        return flowLogs;
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
  };
}

/** DescribeRegions with AllRegions, split by whether the account may use the region. */
export async function listEnabledRegions(
  sdk: typeof Ec2Sdk,
  client: Ec2Sdk.EC2Client,
): Promise<{ enabled: string[]; disabled: string[] }> {
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

function toVpcFacts(vpc: Ec2Sdk.Vpc): VpcFacts {
  const facts: VpcFacts = { vpcId: vpc.VpcId ?? '', ownerId: vpc.OwnerId ?? '', isDefault: vpc.IsDefault ?? false };
  if (vpc.CidrBlock) facts.cidrBlock = vpc.CidrBlock;
  const name = tagsToRecord(vpc.Tags)['Name'];
  if (name) facts.name = name;
  return facts;
}

function toSubnetFacts(subnet: Ec2Sdk.Subnet): SubnetFacts {
  const facts: SubnetFacts = { subnetId: subnet.SubnetId ?? '', vpcId: subnet.VpcId ?? '', ownerId: subnet.OwnerId ?? '' };
  if (subnet.AvailabilityZone) facts.availabilityZone = subnet.AvailabilityZone;
  if (subnet.CidrBlock) facts.cidrBlock = subnet.CidrBlock;
  const name = tagsToRecord(subnet.Tags)['Name'];
  if (name) facts.name = name;
  return facts;
}

function toFlowLogFacts(flowLog: Ec2Sdk.FlowLog): FlowLogFacts {
  const facts: FlowLogFacts = {
    flowLogId: flowLog.FlowLogId ?? '',
    resourceId: flowLog.ResourceId ?? '',
    status: flowLog.FlowLogStatus ?? '',
    trafficType: flowLog.TrafficType ?? '',
    // AWS documents cloud-watch-logs as the default; old flow logs may not state it.
    destinationType: flowLog.LogDestinationType ?? 'cloud-watch-logs',
    tags: tagsToRecord(flowLog.Tags),
  };
  // Optional fields are only set when AWS sent them: S3 flow logs have no LogGroupName, and code
  // downstream must see "absent", not an empty string.
  if (flowLog.DeliverLogsStatus) facts.deliverLogsStatus = flowLog.DeliverLogsStatus;
  if (flowLog.DeliverLogsErrorMessage) facts.deliverLogsErrorMessage = flowLog.DeliverLogsErrorMessage;
  if (flowLog.LogDestination) facts.destination = flowLog.LogDestination;
  if (flowLog.LogGroupName) facts.logGroupName = flowLog.LogGroupName;
  if (flowLog.DeliverLogsPermissionArn) facts.deliverLogsPermissionArn = flowLog.DeliverLogsPermissionArn;
  return facts;
}
