// What each finding kind means, how bad it is and how to fix it, once: the audit takes its severity
// from here, and every report (text, JSON, SARIF rules, Markdown, CSV) reads the same table.
import type { FindingKind, Severity } from './types.js';

export interface Reference {
  label: string;
  url: string;
}

export interface FindingKindInfo {
  severity: Severity;
  /** One line: what is wrong. */
  title: string;
  /** A few sentences: what the finding means and why it matters. */
  description: string;
  /** How to fix it, with flowfix and without. */
  remedy: string;
  /** Benchmarks and AWS documentation; the first is the most direct (SARIF's helpUri). */
  references: Reference[];
}

// CIS AWS Foundations Benchmark "Ensure VPC flow logging is enabled in all VPCs": 3.9 in v1.4–v2.0,
// 3.7 from v3.0 (checked against Prowler's CIS mappings, prowler/compliance/aws/cis_*_aws.json).
const CIS: Reference = {
  label: 'CIS AWS Foundations Benchmark 3.7 (v3.0 and later; 3.9 in v1.4–v2.0): Ensure VPC flow logging is enabled in all VPCs',
  url: 'https://www.cisecurity.org/benchmark/amazon_web_services',
};
const CONFORMITY_VPC_001: Reference = {
  label: 'Trend Micro Conformity VPC-001: VPC Flow Logs Enabled',
  url: 'https://www.trendmicro.com/cloudoneconformity/knowledge-base/aws/VPC/vpc-flow-logs-enabled.html',
};
const AWS_FLOW_LOGS: Reference = {
  label: 'AWS: Logging IP traffic using VPC Flow Logs',
  url: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html',
};

export const FINDING_KIND_INFO: Readonly<Record<FindingKind, FindingKindInfo>> = {
  'no-flow-log': {
    severity: 'high',
    title: 'No working VPC flow log',
    description:
      'The VPC (with --scope subnet: the subnet) has no flow log that is ACTIVE, captures REJECT or ALL traffic and delivers. Rejected connections in it are not recorded anywhere, so probing and blocked exfiltration attempts leave no trace.',
    remedy:
      'Run `flowfix plan` to see the exact calls, then `flowfix apply` to create a REJECT (or `--traffic-type ALL`) flow log to CloudWatch Logs or S3. Without flowfix: `aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC_ID --traffic-type REJECT --log-group-name GROUP --deliver-logs-permission-arn ROLE_ARN`.',
    references: [CONFORMITY_VPC_001, CIS, AWS_FLOW_LOGS],
  },
  'accept-only': {
    severity: 'high',
    title: 'Flow log captures only ACCEPT traffic',
    description:
      'The only active flow log records accepted traffic. CIS asks for rejected traffic at least: the connections security groups and network ACLs refused are the ones that show an attack.',
    remedy:
      'Flow logs cannot be changed: `flowfix apply` creates a second flow log capturing REJECT (or ALL) beside it. Delete the ACCEPT-only one yourself if nothing else needs it.',
    references: [CONFORMITY_VPC_001, CIS, AWS_FLOW_LOGS],
  },
  'delivery-failed': {
    severity: 'high',
    title: 'Flow log delivery FAILED',
    description:
      'A flow log exists but AWS reports its delivery as FAILED ("Access error": the delivery role is not trusted or may not write; "Rate limited": throttling or the log group quota). It records nothing, so it does not count.',
    remedy:
      "Fix the delivery role's trust or permissions (flowfix's role trusts vpc-flow-logs.amazonaws.com for this account only), or let `flowfix apply` create a working flow log. AWS refuses a second flow log identical to the failing one (FlowLogAlreadyExists): delete the failing one first; flowfix prints the command.",
    references: [
      { label: 'AWS: Troubleshoot VPC Flow Logs', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-troubleshooting.html' },
      CIS,
      AWS_FLOW_LOGS,
    ],
  },
  'subnet-level-only': {
    severity: 'low',
    title: 'Subnet flow logs but no VPC flow log',
    description:
      'Every subnet of the VPC has its own working flow log, but the VPC has none: a subnet added later, and interfaces outside those subnets, would not be logged. CIS asks for the flow log on the VPC.',
    remedy: '`flowfix apply` creates a VPC-level flow log. The subnet flow logs can stay or be deleted.',
    references: [CIS, AWS_FLOW_LOGS],
  },
  'shared-vpc': {
    severity: 'info',
    title: 'VPC shared from another account',
    description:
      "The VPC belongs to another account and is shared with this one (AWS RAM). Only the owner can create the VPC's flow logs, so flowfix reports it and never plans anything for it.",
    remedy: 'Run flowfix in the owner account. The finding stays until the owner logs the VPC; dismiss it here if that is tracked elsewhere.',
    references: [{ label: 'AWS: Share your VPC with other accounts', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html' }, CIS],
  },
  'short-retention': {
    severity: 'medium',
    title: 'Flow log group keeps logs too briefly',
    description:
      'The CloudWatch Logs group a flow log delivers to deletes events sooner than --min-retention (default 365 days; never-expire is fine). Breaches are often found months later; by then the evidence would be gone.',
    remedy:
      '`flowfix apply` raises the retention (it never lowers one). Without flowfix: `aws logs put-retention-policy --log-group-name GROUP --retention-in-days 365`.',
    references: [
      {
        label: 'AWS Config rule cw-loggroup-retention-period-check (365 days by default)',
        url: 'https://docs.aws.amazon.com/config/latest/developerguide/cw-loggroup-retention-period-check.html',
      },
      CIS,
    ],
  },
  'role-untrusted': {
    severity: 'high',
    title: 'Delivery role does not trust VPC Flow Logs',
    description:
      "A role with the delivery role's name exists but its trust policy does not let vpc-flow-logs.amazonaws.com (for this account) assume it. flowfix never overwrites a role it did not create, so the CloudWatch Logs part of the plan is blocked.",
    remedy: "Fix the role's trust policy (flowfix's is policies/delivery-role-trust.json), or choose another role with `--role-name` and flowfix creates it.",
    references: [
      { label: 'AWS: IAM role for publishing flow logs to CloudWatch Logs', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html' },
      AWS_FLOW_LOGS,
    ],
  },
  'missing-fields': {
    severity: 'medium',
    title: 'Flow log lacks required fields',
    description:
      "The flow log counts, but its record format lacks fields --require-fields asks for (a SIEM that needs pkt-srcaddr or tcp-flags cannot use its records). AWS cannot change a flow log's format once created.",
    remedy:
      "Create a flow log whose format has the fields (`aws ec2 create-flow-logs --log-format '${version} … ${pkt-srcaddr} ${tcp-flags}' …`), check that it delivers, then delete the old one. flowfix does this itself for flow logs it created (tagged ManagedBy=flowfix and of its shape): it creates the new one, checks it is ACTIVE with the fields, then deletes the old one; anyone else's it reports.",
    references: [
      { label: 'AWS: Flow log records (available fields)', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html' },
      AWS_FLOW_LOGS,
    ],
  },
  'role-boundary': {
    severity: 'high',
    title: "Delivery role's permissions boundary does not allow delivery",
    description:
      'The permissions boundary of the delivery role (the one it has, or the one flowfix would create it with) does not exist, or does not allow what VPC Flow Logs needs to publish to the log group (logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogGroups, logs:DescribeLogStreams). A boundary caps every policy on the role, so its flow logs would fail with "Access error". flowfix plans no CloudWatch Logs flow log until it is fixed.',
    remedy:
      'Create the default boundary once (`aws iam create-policy --policy-name flowfix-delivery-boundary --policy-document file://policies/delivery-role-boundary.json`), widen the boundary you use, or name another with `--permissions-boundary`.',
    references: [
      { label: 'AWS: Permissions boundaries for IAM entities', url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html' },
      { label: 'AWS: IAM role for publishing flow logs to CloudWatch Logs', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html' },
    ],
  },
};

/** Every finding kind, in the order reports list them. */
export const FINDING_KINDS = Object.keys(FINDING_KIND_INFO) as FindingKind[];

/** The fields every finding of a kind shares. */
export const kindFields = <K extends FindingKind>(kind: K): { kind: K; severity: Severity } => ({ kind, severity: FINDING_KIND_INFO[kind].severity });
