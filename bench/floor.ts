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
 * Round trips: the global chain GetCallerIdentity → DescribeRegions, then the longest of
 *  - a region: its VPC, subnet and flow-log listings side by side (each pages sequentially), then one
 *    round of DescribeLogGroups (one call per 50 names, side by side);
 *  - the role: GetRole and ListRolePolicies side by side, then the GetRolePolicy calls in parallel.
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
    regionChain = Math.max(regionChain, Math.max(vpcPages, subnetPages, flowLogPages) + (region.logGroupNames > 0 ? 1 : 0));
  }
  const roleChain = counts.roleInlinePolicies > 0 ? 2 : 1;
  const globalChain = 2;
  const calls = Object.values(byOp).reduce((a, b) => a + b, 0);
  return {
    calls,
    callsByOperation: byOp,
    roundTrips: globalChain + Math.max(regionChain, roleChain),
    chain: `${globalChain} global (GetCallerIdentity → DescribeRegions) + max(region ${regionChain}, role ${roleChain})`,
  };
}
