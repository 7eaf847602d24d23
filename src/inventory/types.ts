// What one read of an account holds: plain data, per region, with what could not be read kept as data.
import type { FlowLogFacts, LogGroupFacts, Partition, RoleFacts, SubnetFacts, VpcFacts } from '../facts/resources.js';

export interface RegionInventory {
  region: string;
  vpcs: VpcFacts[];
  subnets: SubnetFacts[];
  flowLogs: FlowLogFacts[];
  /** Log groups the flow logs point at, and flowfix's own target group, by name. Missing key = does not exist. */
  logGroups: Record<string, LogGroupFacts>;
}

/** A region (or the global IAM read) that could not be read; recorded as data so the rest goes on. */
export interface RegionError {
  region: string;
  code: string;
  message: string;
  /** The IAM action that was refused, when AWS says so. */
  action?: string;
}

export interface Inventory {
  accountId: string;
  partition: Partition;
  /** Region used for global calls (IAM, STS). */
  homeRegion: string;
  /** Every region that was asked for, read or not. */
  regions: RegionInventory[];
  regionErrors: RegionError[];
  /** The delivery role by name; null when it does not exist (a normal state). */
  role: RoleFacts | null;
}
