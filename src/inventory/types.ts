// Plain data read from AWS (or a snapshot). No SDK types leak past src/aws/.

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

export interface VpcFacts {
  vpcId: string;
  ownerId: string;
  isDefault: boolean;
  cidrBlock?: string;
  name?: string;
}

export interface SubnetFacts {
  subnetId: string;
  vpcId: string;
  ownerId: string;
  availabilityZone?: string;
  cidrBlock?: string;
  name?: string;
}

export type FlowLogDestinationType = 'cloud-watch-logs' | 's3' | 'kinesis-data-firehose';

export interface FlowLogFacts {
  flowLogId: string;
  resourceId: string;
  /** ACTIVE is the only status AWS documents; kept as a string so anything else reads as "not active". */
  status: string;
  trafficType: string;
  /** SUCCESS or FAILED; absent while AWS has not tried yet. */
  deliverLogsStatus?: string;
  deliverLogsErrorMessage?: string;
  destinationType: FlowLogDestinationType | string;
  /** ARN of the destination; for cloud-watch-logs AWS also fills logGroupName. */
  destination?: string;
  logGroupName?: string;
  deliverLogsPermissionArn?: string;
  tags: Record<string, string>;
}

export interface LogGroupFacts {
  name: string;
  arn?: string;
  /** Absent means never expire. */
  retentionInDays?: number;
  kmsKeyId?: string;
  /** Read only for flowfix's own group when it has no retention, to tell "ours, retention unset" apart. */
  tags?: Record<string, string>;
}

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

export type PolicyDocument = {
  Version?: string;
  Statement: PolicyStatement[] | PolicyStatement;
  [key: string]: unknown;
};

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny' | string;
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface RoleFacts {
  roleName: string;
  arn: string;
  trustPolicy: PolicyDocument;
  /** Inline policies by name, already URL-decoded and parsed. */
  inlinePolicies: Record<string, PolicyDocument>;
  tags: Record<string, string>;
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
