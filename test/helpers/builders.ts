// In-memory builders for the pure core: an inventory in a few lines.
import { DEFAULT_SETTINGS, type Settings } from '../../src/config/settings.js';
import type { FlowLogFacts, RoleFacts } from '../../src/facts/resources.js';
import type { Inventory, RegionInventory, RegionRead, RoleRead, UnreadableRegion } from '../../src/inventory/types.js';

export const ACCOUNT = '123456789012';

/** The day the pure core is run on (exclusions' `expires` is compared with it). */
export const NOW = new Date('2026-01-01T12:00:00Z');

let nextFlowLog = 1;

export function flowLog(resourceId: string, overrides: Partial<FlowLogFacts> = {}): FlowLogFacts {
  return {
    flowLogId: `fl-${String(nextFlowLog++).padStart(8, '0')}`,
    resourceId,
    status: 'ACTIVE',
    trafficType: 'REJECT',
    deliverLogsStatus: 'SUCCESS',
    destinationType: 'cloud-watch-logs',
    logGroupName: '/flowfix/vpc-flow-logs',
    tags: {},
    ...overrides,
  };
}

export function region(name: string, parts: Partial<Omit<RegionInventory, 'region' | 'status'>> = {}): RegionInventory {
  return { status: 'read', region: name, vpcs: [], subnets: [], flowLogs: [], logGroups: {}, ...parts };
}

/** A region that could not be read. */
export function unreadable(name: string, code = 'UnauthorizedOperation', message = 'denied'): UnreadableRegion {
  return { status: 'unreadable', region: name, error: { code, message } };
}

/** A VPC owned by ACCOUNT with `subnetCount` subnets named `<vpcId>-s<n>`. */
export function vpcWithSubnets(vpcId: string, subnetCount: number, ownerId = ACCOUNT): Pick<RegionInventory, 'vpcs' | 'subnets'> {
  return {
    vpcs: [{ vpcId, ownerId, isDefault: false, name: `${vpcId}-name` }],
    subnets: Array.from({ length: subnetCount }, (_, i) => ({ subnetId: `subnet-${vpcId.slice(4)}${i}`, vpcId, ownerId })),
  };
}

export function inventory(regions: RegionRead[], role: RoleFacts | RoleRead | null = null): Inventory {
  const roleRead: RoleRead = role === null ? { status: 'missing' } : 'status' in role ? role : { status: 'found', role };
  return { accountId: ACCOUNT, partition: 'aws', homeRegion: 'us-east-1', regions, role: roleRead };
}

export function settings(overrides: Partial<Settings> = {}): Settings {
  return { ...DEFAULT_SETTINGS, ...overrides };
}

export const trustedRolePolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

export function role(overrides: Partial<RoleFacts> = {}): RoleFacts {
  return {
    roleName: DEFAULT_SETTINGS.roleName,
    arn: `arn:aws:iam::${ACCOUNT}:role/${DEFAULT_SETTINGS.roleName}`,
    trustPolicy: trustedRolePolicy,
    inlinePolicies: {},
    tags: {},
    ...overrides,
  };
}
