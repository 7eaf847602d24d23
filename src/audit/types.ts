// Findings: what is wrong, where, and whether flowfix may fix it.

export type FindingKind =
  | 'no-flow-log'
  | 'accept-only'
  | 'delivery-failed'
  | 'subnet-level-only'
  | 'shared-vpc'
  | 'short-retention'
  | 'role-untrusted';

export type FindingResourceType = 'VPC' | 'Subnet' | 'LogGroup' | 'Role';

export type Severity = 'high' | 'medium' | 'low' | 'info';

export interface Finding {
  kind: FindingKind;
  /** The kind's severity (audit/finding-kinds.ts). */
  severity: Severity;
  /** 'global' for the IAM role. */
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
  coveredBy?: { flowLogId: string; resourceId: string; level: 'own' | 'vpc' };
}

export interface AuditResult {
  findings: Finding[];
  coverage: Coverage[];
}
