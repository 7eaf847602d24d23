// The procedure from the Cloud Conformity "Enable Flow Logs for VPC Subnets" page (the seed): region by
// region, list the subnets, then ask DescribeFlowLogs once per subnet (Filter resource-id), one call
// after another. It only answers "does this subnet have any flow log" — no VPC-level logs, traffic type,
// delivery status, log groups or role — so it does less than flowfix and still sends far more calls.

import { DescribeFlowLogsCommand, EC2Client, paginateDescribeSubnets } from '@aws-sdk/client-ec2';

import { EC2_MAX_PAGE_SIZE } from '../src/aws/ec2-api.js';
import type { EstateCounts } from './estate.js';

export interface BaselineResult {
  /** Calls the whole procedure sends for this estate (exact: it is one call per subnet plus the pages). */
  calls: number;
  /** Calls actually sent and timed. */
  measuredCalls: number;
  measuredWallMs: number;
  /** measuredWallMs scaled to every call (equal to it when nothing was capped). */
  wallMs: number;
  extrapolated: boolean;
  /** Subnets found without any flow log among those checked. */
  subnetsWithoutFlowLogChecked: number;
}

const FAKE_CREDENTIALS = { accessKeyId: 'AKIABENCHFAKE', secretAccessKey: 'bench-fake-secret' };

/** Runs the procedure until `cap` per-subnet DescribeFlowLogs calls were sent (Infinity: all of them). */
export async function runSeedBaseline(counts: EstateCounts, cap: number): Promise<BaselineResult> {
  const calls = counts.regions.reduce((n, r) => n + Math.max(1, Math.ceil(r.subnets / EC2_MAX_PAGE_SIZE)) + r.subnets, 0);
  let measuredCalls = 0;
  let flowLogCalls = 0;
  let withoutFlowLog = 0;
  const started = performance.now();
  regions: for (const { region } of counts.regions) {
    const client = new EC2Client({ region, credentials: FAKE_CREDENTIALS });
    const subnetIds: string[] = [];
    for await (const page of paginateDescribeSubnets({ client, pageSize: EC2_MAX_PAGE_SIZE }, {})) {
      measuredCalls++;
      for (const subnet of page.Subnets ?? []) if (subnet.SubnetId) subnetIds.push(subnet.SubnetId);
    }
    for (const subnetId of subnetIds) {
      if (flowLogCalls >= cap) break regions;
      const output = await client.send(new DescribeFlowLogsCommand({ Filter: [{ Name: 'resource-id', Values: [subnetId] }] }));
      measuredCalls++;
      flowLogCalls++;
      if ((output.FlowLogs ?? []).length === 0) withoutFlowLog++;
    }
  }
  const measuredWallMs = performance.now() - started;
  const extrapolated = measuredCalls < calls;
  return {
    calls,
    measuredCalls,
    measuredWallMs: Math.round(measuredWallMs),
    wallMs: Math.round(extrapolated ? (measuredWallMs / measuredCalls) * calls : measuredWallMs),
    extrapolated,
    subnetsWithoutFlowLogChecked: withoutFlowLog,
  };
}
