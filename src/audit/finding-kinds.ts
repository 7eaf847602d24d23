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
  'bucket-not-found': {
    severity: 'high',
    title: 'Central flow-log bucket not found in the log-archive account',
    description:
      'The S3 bucket of --destination does not exist, or S3 refused to read it as a bucket of --log-archive-account (every read names that account as the expected bucket owner, and S3 refuses when another account owns the bucket). Flow logs to it would be created and deliver nothing, so flowfix plans none.',
    remedy:
      'Create the bucket in the log-archive account, or correct --destination / --log-archive-account; if the bucket is there, grant the role flowfix assumes in that account policies/operator-log-archive.json.',
    references: [{ label: 'AWS: Publish flow logs to Amazon S3', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html' }],
  },
  'bucket-aws-managed-key': {
    severity: 'high',
    title: 'Central bucket encrypted with the AWS-managed aws/s3 key',
    description:
      "The bucket's default encryption is SSE-KMS with the AWS-managed key aws/s3. Its key policy cannot be changed, so delivery.logs.amazonaws.com cannot use it for other accounts' objects: their flow logs look ACTIVE and deliver nothing. flowfix plans no flow log to the bucket until it is fixed.",
    remedy:
      'Set the default encryption to a customer managed KMS key whose key policy lets delivery.logs.amazonaws.com use it (kms:GenerateDataKey*, kms:Decrypt), or to SSE-S3 (AES256): `aws s3api put-bucket-encryption --bucket BUCKET ...`.',
    references: [
      {
        label: 'AWS: Logs sent to Amazon S3, bucket server-side encryption (key policy for delivery.logs.amazonaws.com)',
        url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-S3.html',
      },
    ],
  },
  'bucket-key-policy': {
    severity: 'high',
    title: "Central bucket's KMS key does not let log delivery use it",
    description:
      'The bucket encrypts new objects with a customer managed KMS key whose key policy does not let delivery.logs.amazonaws.com generate data keys: delivery from the members fails. flowfix plans no flow log to the bucket until it is fixed; it never edits key policies.',
    remedy:
      'Add a key-policy statement allowing the service principal delivery.logs.amazonaws.com kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey* and kms:DescribeKey (CloudWatch Logs user guide, Logs sent to Amazon S3, bucket server-side encryption).',
    references: [
      {
        label: 'AWS: Logs sent to Amazon S3, bucket server-side encryption (key policy for delivery.logs.amazonaws.com)',
        url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-S3.html',
      },
    ],
  },
  'bucket-key-not-checked': {
    severity: 'info',
    title: "Central bucket's KMS key policy not checked",
    description:
      'The bucket encrypts with a customer managed KMS key whose policy flowfix did not read (this version has no KMS client; the reason is in the finding). Whether delivery.logs.amazonaws.com may use it is unknown.',
    remedy:
      'Check the key policy yourself: it needs a statement letting delivery.logs.amazonaws.com use the key (kms:GenerateDataKey*, kms:Decrypt). policies/operator-log-archive.json already grants kms:GetKeyPolicy for when flowfix reads it.',
    references: [
      {
        label: 'AWS: Logs sent to Amazon S3, bucket server-side encryption (key policy for delivery.logs.amazonaws.com)',
        url: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-S3.html',
      },
    ],
  },
  'bucket-acl-condition': {
    severity: 'high',
    title: 'Bucket policy ACL condition that log delivery cannot meet',
    description:
      'A statement of the bucket policy conditions object writes on an ACL (s3:x-amz-acl, s3:x-amz-grant-*) that delivery.logs.amazonaws.com never sends: it writes with bucket-owner-full-control, the only ACL a bucket with ACLs disabled (Object Ownership BucketOwnerEnforced) accepts. An Allow with another ACL never lets delivery in (flowfix adds its own statements, so it only misleads); a Deny that matches bucket-owner-full-control shuts delivery out, and flowfix plans no flow log to the bucket.',
    remedy: "Change the statement to require bucket-owner-full-control (AWS's documented condition, valid with ACLs disabled), or drop its ACL condition.",
    references: [
      {
        label: 'AWS: Object Ownership troubleshooting (ACLs disabled accept only bucket-owner-full-control)',
        url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html',
      },
      { label: 'AWS: Amazon S3 bucket permissions for flow logs', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html' },
    ],
  },
  'bucket-policy-too-large': {
    severity: 'high',
    title: "Bucket policy would exceed S3's 20 KB limit",
    description:
      "With flowfix's delivery statements for every account added, the bucket policy would be larger than the 20 KB S3 allows, so PutBucketPolicy would fail. flowfix plans nothing for the bucket and no flow log to it.",
    remedy:
      'Shorten the policy (e.g. condition on aws:SourceOrgID instead of listing accounts in other statements), or deliver fewer accounts to this bucket (--accounts / --ou).',
    references: [{ label: 'AWS: Bucket policies (size limit)', url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html' }],
  },
  'bucket-policy-delivery': {
    severity: 'high',
    title: "Bucket policy does not let the accounts' flow-log delivery in",
    description:
      "The bucket policy of the central bucket does not have AWS's documented statements for delivery.logs.amazonaws.com for every account of the run (s3:PutObject under PREFIX/AWSLogs/ACCOUNT/, s3:GetBucketAcl and s3:ListBucket, with aws:SourceAccount and aws:SourceArn conditions). Without them CreateFlowLogs in the members fails, or delivery does.",
    remedy:
      '`flowfix apply --log-archive-account ACCOUNT` adds them under the Sids FlowfixFlowLogsDeliveryWrite and FlowfixFlowLogsDeliveryAclCheck, keeping every other statement as it is; `flowfix rollback` removes only those.',
    references: [
      { label: 'AWS: Amazon S3 bucket permissions for flow logs', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html' },
    ],
  },
};

/** Every finding kind, in the order reports list them. */
export const FINDING_KINDS = Object.keys(FINDING_KIND_INFO) as FindingKind[];

/** The fields every finding of a kind shares. */
export const kindFields = <K extends FindingKind>(kind: K): { kind: K; severity: Severity } => ({ kind, severity: FINDING_KIND_INFO[kind].severity });
