// Findings: what is wrong, where, and whether flowfix may fix it.
import type { FlowLogManager } from '../rules/flow-logs.js';
import type { BucketProblemKind } from '../rules/log-archive-bucket.js';

export type FindingKind =
  | 'no-flow-log'
  | 'accept-only'
  | 'delivery-failed'
  | 'subnet-level-only'
  | 'shared-vpc'
  | 'short-retention'
  | 'role-untrusted'
  | 'missing-fields'
  | 'role-boundary'
  | BucketProblemKind;

export type FindingResourceType = 'VPC' | 'Subnet' | 'LogGroup' | 'Role' | 'Bucket';

export type Severity = 'high' | 'medium' | 'low' | 'info';

export interface Finding {
  kind: FindingKind;
  /** The kind's severity (audit/finding-kinds.ts). */
  severity: Severity;
  /** 'global' for the IAM role and the log-archive bucket. */
  region: string;
  resourceType: FindingResourceType;
  resourceId: string;
  vpcId?: string;
  name?: string;
  /** One sentence a person can act on. */
  reason: string;
  /** True when the planner creates something for it; shared VPCs and foreign roles are report-only. */
  remediable: boolean;
  /** Flow logs that exist but do not count, for the record. */
  flowLogIds?: string[];
  /** AWS's own words, e.g. DeliverLogsErrorMessage. */
  awsMessage?: string;
  /** Set when the user left the resource alone on purpose: never planned, listed as excluded. */
  excluded?: ExclusionMark;
}

/** Why a VPC or subnet is left alone. */
export interface ExclusionMark {
  /** An exclusion by id, by tag, or --skip-default-vpcs. */
  by: 'id' | 'tag' | 'default-vpc';
  /** As the user gave it; for flags, which flag. */
  reason: string;
  /** The tag exclusion that matched (KEY or KEY=VALUE). */
  tag?: string;
  /** The last day the exclusion holds (UTC, inclusive). */
  expires?: string;
  /** Set on a subnet excluded because its VPC is: that VPC's id. */
  throughVpc?: string;
}

/** Something the user should know that is not a finding: e.g. an exclusion that matches nothing. */
export interface AuditWarning {
  code: 'exclusion-expired' | 'exclusion-unmatched' | 'exclusion-no-effect';
  message: string;
}

/** How a resource in scope is covered (compliant) or not. */
export interface Coverage {
  region: string;
  resourceType: 'VPC' | 'Subnet';
  resourceId: string;
  vpcId: string;
  name?: string;
  compliant: boolean;
  /** The flow log that makes it compliant, and which resource carries it (its own id or its VPC's). */
  coveredBy?: { flowLogId: string; resourceId: string; level: 'own' | 'vpc'; by: FlowLogManager };
  /** Set when the user left the resource alone on purpose (its finding, if any, carries the same mark). */
  excluded?: ExclusionMark;
}

export interface AuditResult {
  findings: Finding[];
  coverage: Coverage[];
  warnings: AuditWarning[];
}
