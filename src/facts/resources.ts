// Plain data read from AWS (or a snapshot), shared by every stage. No SDK types.
import type { PolicyDocument } from './policy-document.js';

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** VPC and subnet ids: vpc- or subnet- and hexadecimal digits (8 for older resources, 17 today). */
export const VPC_OR_SUBNET_ID = /^(vpc|subnet)-[0-9a-f]{8,17}$/;

export interface VpcFacts {
  vpcId: string;
  ownerId: string;
  isDefault: boolean;
  cidrBlock?: string;
  /** The Name tag. */
  name?: string;
  /** Every tag the caller's account sees on it (exclusions match on them); absent when it has none. */
  tags?: Record<string, string>;
}

export interface SubnetFacts {
  subnetId: string;
  vpcId: string;
  ownerId: string;
  availabilityZone?: string;
  cidrBlock?: string;
  /** The Name tag. */
  name?: string;
  /** Every tag the caller's account sees on it (exclusions match on them); absent when it has none. */
  tags?: Record<string, string>;
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
  /** ISO time AWS created it: delivery is judged by what reached the destination since. */
  creationTime?: string;
  /** S3 only: how AWS lays out the objects (absent: plain text, default folders, per day). */
  destinationOptions?: FlowLogDestinationOptions;
  /** The record format, `${field} …`, as DescribeFlowLogs reports it (absent: not reported, read as AWS's default). */
  logFormat?: string;
  tags: Record<string, string>;
}

/** DestinationOptions of an S3 flow log, as DescribeFlowLogs returns them. */
export interface FlowLogDestinationOptions {
  /** plain-text (objects end .log.gz) or parquet. */
  fileFormat?: string;
  /** Folders named aws-account-id=…/aws-service=vpcflowlogs/aws-region=…/year=…/month=…/day=…/ */
  hiveCompatiblePartitions?: boolean;
  /** One more folder per hour (hour/ or hour=…/). */
  perHourPartition?: boolean;
}

/** A network interface: flow logs write one CloudWatch Logs stream per interface, named after it. */
export interface NetworkInterfaceFacts {
  networkInterfaceId: string;
  vpcId: string;
  subnetId: string;
  /** in-use (attached) or available (detached, so no traffic), as DescribeNetworkInterfaces says. */
  status?: string;
}

export interface LogGroupFacts {
  name: string;
  arn?: string;
  /** Absent means never expire. */
  retentionInDays?: number;
  kmsKeyId?: string;
  /** Bytes of log data the group holds, as DescribeLogGroups reports it (what deleting it would lose). */
  storedBytes?: number;
  /** Read only for flowfix's own group when it has no retention, to tell "ours, retention unset" apart. */
  tags?: Record<string, string>;
}

export interface RoleFacts {
  roleName: string;
  arn: string;
  trustPolicy: PolicyDocument;
  /** Inline policies by name, already URL-decoded and parsed. */
  inlinePolicies: Record<string, PolicyDocument>;
  tags: Record<string, string>;
  /** The managed policy ARN set as the role's permissions boundary, when it has one. */
  permissionsBoundary?: string;
  /** ISO time IAM created the role, when known: a role made moments ago may still be propagating. */
  createdAt?: string;
}

/** A bucket's default encryption (GetBucketEncryption's first rule). */
export interface BucketEncryption {
  /** AES256, aws:kms or aws:kms:dsse. */
  algorithm: string;
  /** The key the rule names (ARN, key id or alias); absent for aws:kms: the AWS-managed aws/s3 key. */
  kmsKeyId?: string;
}
