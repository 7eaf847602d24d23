// What one read of an account holds: plain data, per region. What could not be read is a member of the
// union ('unreadable', with AWS's error), never empty facts beside a side list of errors.
import type { OrganizationPolicyDeny } from '../aws/errors.js';
import type { PolicyDocument } from '../facts/policy-document.js';
import type { BucketEncryption, FlowLogFacts, LogGroupFacts, Partition, RoleFacts, SubnetFacts, VpcFacts } from '../facts/resources.js';

/** What AWS (or the way to it) answered instead of data. */
export interface AwsProblem {
  code: string;
  message: string;
  /** The IAM action that was refused, when AWS says so. */
  action?: string;
}

export interface RegionInventory {
  status: 'read';
  region: string;
  vpcs: VpcFacts[];
  subnets: SubnetFacts[];
  flowLogs: FlowLogFacts[];
  /** Log groups the flow logs point at, and flowfix's own target group, by name. Missing key = does not exist. */
  logGroups: Record<string, LogGroupFacts>;
}

/** A region that could not be read: unknown, never "no VPCs". */
export interface UnreadableRegion {
  status: 'unreadable';
  region: string;
  error: AwsProblem;
}

/**
 * A region an organization policy (an SCP, or an RCP) explicitly denies to flowfix's calls, as landing
 * zones deny every region but a few while still listing them as enabled. Not an error and not "unknown
 * because of our access": nothing flowfix (or its user's IAM) can do there, so it is reported apart.
 */
export interface DeniedRegion {
  status: 'denied';
  region: string;
  deniedBy: OrganizationPolicyDeny;
  /** AWS's answer, word for word. */
  error: AwsProblem;
}

/** A region asked for (--regions) that this account has not enabled (opt-in): no resources can be there. */
export interface NotEnabledRegion {
  status: 'not-enabled';
  region: string;
}

export type { BucketEncryption };

export type RegionRead = RegionInventory | UnreadableRegion | DeniedRegion | NotEnabledRegion;

/**
 * The delivery role by name. 'unreadable' (IAM refused or failed) is unknown, not missing: nothing may
 * be created from it. 'not-read': the destination needs no role (S3), so IAM was not asked.
 */
export type RoleRead = { status: 'found'; role: RoleFacts } | { status: 'missing' } | { status: 'unreadable'; error: AwsProblem } | { status: 'not-read' };

/**
 * The managed policy set (or to be set) as the delivery role's permissions boundary, read: its document,
 * or that it does not exist, or why it could not be read.
 */
export type BoundaryRead =
  { status: 'found'; arn: string; document: PolicyDocument } | { status: 'missing'; arn: string } | { status: 'unreadable'; arn: string; error: AwsProblem };

/** The bucket's KMS key as read with kms:DescribeKey and kms:GetKeyPolicy, or why it was not. */
export type KeyRead = { status: 'read'; arn: string; keyManager: string; policy: PolicyDocument } | { status: 'not-checked'; reason: string };

/**
 * The central flow-log bucket in the log-archive account, read once per run with that account's
 * credentials (every call names it as ExpectedBucketOwner). 'missing': NoSuchBucket; 'unreadable':
 * AWS's refusal, which is also how S3 answers when the bucket belongs to another account.
 */
export type BucketRead =
  | {
      status: 'found';
      /** The bucket policy's text as S3 returned it; null when the bucket has none. */
      policy: string | null;
      /** ObjectOwnership (BucketOwnerEnforced: ACLs disabled); null when the bucket has no ownership controls. */
      ownership: string | null;
      encryption: BucketEncryption | null;
      key?: KeyRead;
    }
  | { status: 'missing'; error: AwsProblem }
  | { status: 'unreadable'; error: AwsProblem };

/** What the log-archive account's inventory holds about the central bucket, and who delivers to it. */
export interface LogArchiveRead {
  accountId: string;
  bucket: string;
  /** '' or ending in '/'. */
  prefix: string;
  /** Every account of the run: each one's flow logs deliver to the bucket. */
  deliveringAccounts: string[];
  read: BucketRead;
}

export interface Inventory {
  accountId: string;
  partition: Partition;
  /** Region used for global calls (IAM, STS). */
  homeRegion: string;
  /** Every region that was asked for, read or not, in the order asked. */
  regions: RegionRead[];
  role: RoleRead;
  /** The delivery role's permissions boundary (collect-inventory.ts, readBoundary); absent when there is none to read. */
  boundary?: BoundaryRead;
  /** Only in the log-archive account's inventory (--log-archive-account): the central bucket. */
  logArchive?: LogArchiveRead;
  /**
   * In every account of a --log-archive-account run whose central bucket cannot take flow logs (read in
   * the log-archive account): why. No flow log to the bucket is planned.
   */
  deliveryBlocked?: string;
}

export const readRegions = (inventory: Inventory): RegionInventory[] => inventory.regions.filter((r): r is RegionInventory => r.status === 'read');

export const unreadableRegions = (inventory: Inventory): UnreadableRegion[] =>
  inventory.regions.filter((r): r is UnreadableRegion => r.status === 'unreadable');

export const deniedRegions = (inventory: Pick<Inventory, 'regions'>): DeniedRegion[] =>
  inventory.regions.filter((r): r is DeniedRegion => r.status === 'denied');

/** The region's facts when it was read; undefined when unreadable or not part of the inventory. */
export const readRegion = (inventory: Inventory, region: string): RegionInventory | undefined => readRegions(inventory).find((r) => r.region === region);

export const isUnreadable = (inventory: Inventory, region: string): boolean =>
  region === 'global' ? inventory.role.status === 'unreadable' : unreadableRegions(inventory).some((r) => r.region === region);

/** The role when it exists; undefined when missing, unknown or not read. */
export const roleOf = (inventory: Inventory): RoleFacts | undefined => (inventory.role.status === 'found' ? inventory.role.role : undefined);
