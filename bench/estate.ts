// The simulated estates the benchmark reads: what is in them, how FakeAws is seeded with them, and the
// counts the floor and the apply check are computed from. Everything is deterministic (no randomness),
// so two runs read exactly the same estate.

import type { Scope, Settings } from '../src/config/settings.js';
import { renderPolicy, type PolicyTemplates } from '../src/policy/templates.js';
import { FAKE_ACCOUNT, FakeAws } from '../test/helpers/fake-aws.js';

/** The 17 regions enabled by default in a commercial account (no opt-in regions). */
export const DEFAULT_REGIONS = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
] as const;

/** Seven opt-in regions an account may have enabled beside the default 17: 24 in all. */
export const OPT_IN_REGIONS = ['af-south-1', 'ap-east-1', 'ap-south-2', 'ap-southeast-3', 'eu-central-2', 'eu-south-1', 'me-central-1'] as const;

export const HOME_REGION = 'us-east-1';

/**
 * What each VPC has, by `index % 10`: 0–5 a counting VPC-level flow log (60%), 6 ACCEPT-only, 7 delivery
 * FAILED, 8 no VPC-level log but one on every subnet, 9 nothing.
 */
export type VpcCategory = 'good' | 'accept-only' | 'delivery-failed' | 'subnet-level' | 'none';

export function categoryOf(vpcIndex: number): VpcCategory {
  const slot = vpcIndex % 10;
  if (slot <= 5) return 'good';
  if (slot === 6) return 'accept-only';
  if (slot === 7) return 'delivery-failed';
  if (slot === 8) return 'subnet-level';
  return 'none';
}

/** Log groups the seeded flow logs deliver to. flowfix's own exists already (an earlier run made it). */
export const ORG_LOG_GROUP = '/org/vpc-flow-logs';
export const LEGACY_LOG_GROUP = '/legacy/vpc-flow-logs'; // deleted: the flow logs pointing at it fail
const ORG_RETENTION_DAYS = 90; // shorter than flowfix's minimum: one short-retention finding per region

export interface EstateSpec {
  name: string;
  description: string;
  regions: string[];
  vpcsPerRegion: number;
  subnetsPerVpc: number;
  /** The audit scope the case runs with. */
  scope: Scope;
}

export const DEFAULT_ESTATE: EstateSpec = {
  name: 'default',
  description: '17 regions × 100 VPCs × 6 subnets (10,200 subnets), scope vpc',
  regions: [...DEFAULT_REGIONS],
  vpcsPerRegion: 100,
  subnetsPerVpc: 6,
  scope: 'vpc',
};

// One region holds all 20,000 subnets: the worst case for pagination (20 sequential DescribeSubnets pages)
// and for memory (one region's facts are held at once). Scope subnet, so audit and plan work per subnet.
export const LARGE_ESTATE: EstateSpec = {
  name: 'large',
  description: '1 region × 1,000 VPCs × 20 subnets (20,000 subnets), scope subnet',
  regions: ['us-east-1'],
  vpcsPerRegion: 1000,
  subnetsPerVpc: 20,
  scope: 'subnet',
};

// What a new user's account looks like to a far endpoint: 24 enabled regions, each with its default VPC
// (and its default subnets), read at high latency to count round trips.
export const REGIONS_24_ESTATE: EstateSpec = {
  name: 'regions-24',
  description: '24 regions × 1 VPC × 3 subnets (default VPCs), scope vpc',
  regions: [...DEFAULT_REGIONS, ...OPT_IN_REGIONS].sort(),
  vpcsPerRegion: 1,
  subnetsPerVpc: 3,
  scope: 'vpc',
};

// About the account the issue measured against Cloud Custodian (3 regions, 63 VPCs, 192 subnets): what the
// CLI cases run end to end, start-up included.
export const ACCOUNT_ESTATE: EstateSpec = {
  name: 'account',
  description: '3 regions × 21 VPCs × 3 subnets (63 VPCs, 189 subnets), scope vpc',
  regions: ['eu-west-1', 'us-east-1', 'us-west-2'],
  vpcsPerRegion: 21,
  subnetsPerVpc: 3,
  scope: 'vpc',
};

/** What is in one region, as the floor and the apply check need it. */
export interface RegionCounts {
  region: string;
  vpcs: number;
  subnets: number;
  flowLogs: number;
  /** Distinct log group names flowfix must look up: those CloudWatch flow logs use, plus its own target. */
  logGroupNames: number;
  /** Resources without a counting flow log for the case's scope, by CreateFlowLogs ResourceType. */
  targets: { VPC: number; Subnet: number };
}

export interface EstateCounts {
  regions: RegionCounts[];
  /** The delivery role exists, with this many inline policies. */
  roleInlinePolicies: number;
  totals: { vpcs: number; subnets: number; flowLogs: number };
}

/** The estate as a result file describes it. */
export interface EstateSummary {
  description: string;
  regions: number;
  vpcs: number;
  subnets: number;
  flowLogs: number;
  scope: string;
}

export function summarizeEstate(description: string, counts: EstateCounts, scope: string): EstateSummary {
  return { description, regions: counts.regions.length, ...counts.totals, scope };
}

/**
 * Seeds `fake` with the estate and returns its counts. The delivery role exists (trusting VPC Flow Logs,
 * with flowfix's publish policy), so apply only has regional work to do.
 */
export function seedEstate(fake: FakeAws, spec: EstateSpec, settings: Settings, templates: PolicyTemplates): EstateCounts {
  if (settings.destination.type !== 'cloud-watch-logs') throw new Error('the bench estates assume a CloudWatch Logs destination');
  const target = settings.destination.logGroupName;
  const vars = { Partition: 'aws', AccountId: FAKE_ACCOUNT, LogGroupName: target };
  fake.addRole(settings.roleName, renderPolicy(templates.trust, vars), {
    [settings.policyName]: renderPolicy(templates.publish, vars),
  });

  const regions: RegionCounts[] = [];
  for (const region of spec.regions) {
    fake.addLogGroup(region, target, { retentionInDays: settings.retentionInDays });
    fake.addLogGroup(region, ORG_LOG_GROUP, { retentionInDays: ORG_RETENTION_DAYS });
    const groupsUsed = new Set<string>([target]);
    let flowLogs = 0;
    const targets = { VPC: 0, Subnet: 0 };
    const cwl = (resourceId: string, logGroupName: string, trafficType: 'ACCEPT' | 'REJECT' | 'ALL', failed = false) => {
      fake.addFlowLog(region, {
        resourceId,
        trafficType,
        logGroupName,
        ...(failed ? { deliverLogsStatus: 'FAILED' as const, deliverLogsErrorMessage: 'Access error' } : {}),
      });
      groupsUsed.add(logGroupName);
      flowLogs++;
    };

    for (let v = 0; v < spec.vpcsPerRegion; v++) {
      const category = categoryOf(v);
      const vpcId = fake.addVpc(region, { name: `vpc-${v}`, cidrBlock: `10.${v % 256}.0.0/16` });
      const subnetIds: string[] = [];
      for (let s = 0; s < spec.subnetsPerVpc; s++) subnetIds.push(fake.addSubnet(region, vpcId, { name: `vpc-${v}-subnet-${s}` }));

      switch (category) {
        case 'good': {
          const slot = v % 10;
          if (slot <= 2) cwl(vpcId, target, 'REJECT');
          else if (slot <= 4) cwl(vpcId, ORG_LOG_GROUP, 'ALL');
          else {
            fake.addFlowLog(region, { resourceId: vpcId, trafficType: 'ALL', destinationType: 's3', destination: 'arn:aws:s3:::org-flow-logs/' });
            flowLogs++;
          }
          break;
        }
        case 'accept-only':
          cwl(vpcId, ORG_LOG_GROUP, 'ACCEPT');
          break;
        case 'delivery-failed':
          cwl(vpcId, LEGACY_LOG_GROUP, 'ALL', true);
          break;
        case 'subnet-level':
          for (const subnetId of subnetIds) cwl(subnetId, ORG_LOG_GROUP, 'REJECT');
          break;
        case 'none':
          break;
      }

      // In scope vpc every VPC without its own counting flow log is a target (subnet-level-only too);
      // in scope subnet every subnet covered neither by its own flow log nor by its VPC's.
      if (spec.scope === 'vpc') {
        if (category !== 'good') targets.VPC++;
      } else if (category !== 'good' && category !== 'subnet-level') {
        targets.Subnet += subnetIds.length;
      }
    }
    regions.push({
      region,
      vpcs: spec.vpcsPerRegion,
      subnets: spec.vpcsPerRegion * spec.subnetsPerVpc,
      flowLogs,
      logGroupNames: groupsUsed.size,
      targets,
    });
  }

  const sum = (pick: (r: RegionCounts) => number) => regions.reduce((total, r) => total + pick(r), 0);
  return {
    regions,
    roleInlinePolicies: 1,
    totals: { vpcs: sum((r) => r.vpcs), subnets: sum((r) => r.subnets), flowLogs: sum((r) => r.flowLogs) },
  };
}
