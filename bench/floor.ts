// The least any tool could do to read an estate: the minimum number of calls, and the minimum number of
// sequential round trips with every region read in parallel. flowfix is measured against this.

import { EC2_MAX_PAGE_SIZE } from '../src/aws/ec2-api.js';
import { LOG_GROUP_IDENTIFIERS_MAX } from '../src/aws/logs-api.js';
import type { EstateCounts } from './estate.js';

export interface Floor {
  calls: number;
  callsByOperation: Record<string, number>;
  roundTrips: number;
  /** How the round trips add up, in words, for the report. */
  chain: string;
}

const pages = (items: number, pageSize: number) => Math.max(1, Math.ceil(items / pageSize));

/**
 * Calls: GetCallerIdentity + DescribeRegions, the role read (GetRole, ListRolePolicies, one GetRolePolicy
 * per inline policy), and per region ⌈vpcs/1000⌉ + ⌈subnets/1000⌉ + ⌈flowLogs/1000⌉ describe pages plus
 * ⌈distinct log group names/50⌉ DescribeLogGroups (`logGroupIdentifiers` takes 50 names and AWS answers
 * with only the named groups, on one page; none when no name is wanted).
 *
 * Round trips: DescribeRegions needs the caller's partition only to choose its endpoint, so where the
 * start region is in the caller's partition (every bench estate) it goes beside GetCallerIdentity: one
 * global round trip. After it, each region's chain: its VPC, subnet and flow-log listings side by side
 * (each pages sequentially), and one round of DescribeLogGroups (one call per 50 names, side by side)
 * once the flow logs are listed. The role (GetRole and ListRolePolicies side by side, then the
 * GetRolePolicy calls in parallel) needs nothing before it: it runs beside all of that.
 */
export function computeFloor(counts: EstateCounts): Floor {
  const byOp: Record<string, number> = {
    GetCallerIdentity: 1,
    DescribeRegions: 1,
    GetRole: 1,
    ListRolePolicies: 1,
    GetRolePolicy: counts.roleInlinePolicies,
    DescribeVpcs: 0,
    DescribeSubnets: 0,
    DescribeFlowLogs: 0,
    DescribeLogGroups: 0,
  };
  let regionChain = 0;
  for (const region of counts.regions) {
    const vpcPages = pages(region.vpcs, EC2_MAX_PAGE_SIZE);
    const subnetPages = pages(region.subnets, EC2_MAX_PAGE_SIZE);
    const flowLogPages = pages(region.flowLogs, EC2_MAX_PAGE_SIZE);
    byOp.DescribeVpcs! += vpcPages;
    byOp.DescribeSubnets! += subnetPages;
    byOp.DescribeFlowLogs! += flowLogPages;
    byOp.DescribeLogGroups! += Math.ceil(region.logGroupNames / LOG_GROUP_IDENTIFIERS_MAX);
    // The log groups wait for the flow logs only, not for the (maybe longer) subnet listing.
    regionChain = Math.max(regionChain, vpcPages, subnetPages, flowLogPages + (region.logGroupNames > 0 ? 1 : 0));
  }
  const roleChain = counts.roleInlinePolicies > 0 ? 2 : 1;
  const globalChain = 1;
  const calls = Object.values(byOp).reduce((a, b) => a + b, 0);
  return {
    calls,
    callsByOperation: byOp,
    roundTrips: Math.max(globalChain + regionChain, roleChain),
    chain: `max(${globalChain} global (GetCallerIdentity beside DescribeRegions) + region ${regionChain}, role ${roleChain})`,
  };
}
