// `flowfix plan --emit telemetry-rule`: the AWS CloudWatch telemetry rule (observabilityadmin
// CreateTelemetryRuleForOrganization) that would enforce the VPC/CloudWatch Logs part of flowfix's settings
// continuously, and what such a rule would leave uncovered. Pure: settings and findings in, a document out.
import type { Finding } from '../audit/types.js';
import type { Settings } from '../config/settings.js';

export const TELEMETRY_RULE_DOCUMENT_SCHEMA = 'flowfix.telemetry-rule/v1';

/** The request body of CreateTelemetryRuleForOrganization, as the API and `aws observabilityadmin … --cli-input-json` take it. */
export interface TelemetryRuleRequest {
  RuleName: string;
  Rule: {
    ResourceType: 'AWS::EC2::VPC';
    TelemetryType: 'Logs';
    DestinationConfiguration: {
      DestinationType: 'cloud-watch-logs';
      RetentionInDays: number;
      VPCFlowLogParameters: { TrafficType: string };
    };
  };
  Tags?: Record<string, string>;
}

export interface LeftUncovered {
  accountId: string;
  region: string;
  resourceId: string;
  why: string;
}

export interface TelemetryRuleDocument {
  schema: typeof TELEMETRY_RULE_DOCUMENT_SCHEMA;
  /** Send from the management account or a delegated administrator, after telemetry evaluation is enabled for the organization. */
  request: TelemetryRuleRequest;
  /** What a rule cannot do that this plan does or reports. */
  limits: string[];
  /** Resources of this plan the rule would not cover, and why. */
  leftUncovered: LeftUncovered[];
}

const RULE_LIMITS = [
  'covers VPCs only: a subnet without its own flow log is not its business',
  'delivers to CloudWatch Logs only (default group /aws/vpc/<vpc-id>)',
  'reaches existing VPCs within up to 24 hours, new ones as they are created',
  "repairs nothing it did not create: a failed or ACCEPT-only flow log of someone else's stays as it is",
] as const;

/** Why the rule would leave a finding's resource as it is, or undefined when the rule would cover it. */
function whyUncovered(finding: Finding, settings: Pick<Settings, 'scope' | 'destination'>): string | undefined {
  if (finding.excluded || finding.kind === 'shared-vpc' || finding.kind === 'role-untrusted') return undefined;
  if (finding.kind === 'short-retention') return "a group the rule does not write to keeps its retention; the rule sets only its own groups' RetentionInDays";
  if (finding.resourceType === 'Subnet') return 'subnet scope: the rule creates VPC flow logs only';
  if (finding.kind === 'delivery-failed') return 'its existing flow log fails delivery; the rule does not repair flow logs it did not create';
  if (finding.kind === 'accept-only') return 'its existing flow log captures ACCEPT only; the rule does not replace flow logs it did not create';
  if (settings.destination.type === 's3') return 'the plan delivers to S3; the rule delivers to CloudWatch Logs only';
  return undefined;
}

/** `accounts`: each account's findings (the rule would be one for the whole organization). */
export function telemetryRuleDocument(
  settings: Pick<Settings, 'scope' | 'destination' | 'trafficType' | 'retentionInDays' | 'tags'>,
  accounts: readonly { accountId: string; findings: readonly Finding[] }[],
): TelemetryRuleDocument {
  const tags = { ...settings.tags, ManagedBy: 'flowfix' };
  return {
    schema: TELEMETRY_RULE_DOCUMENT_SCHEMA,
    request: {
      RuleName: 'flowfix-vpc-flow-logs',
      Rule: {
        ResourceType: 'AWS::EC2::VPC',
        TelemetryType: 'Logs',
        DestinationConfiguration: {
          DestinationType: 'cloud-watch-logs',
          RetentionInDays: settings.retentionInDays,
          VPCFlowLogParameters: { TrafficType: settings.trafficType },
        },
      },
      Tags: tags,
    },
    limits: [...RULE_LIMITS],
    leftUncovered: accounts.flatMap(({ accountId, findings }) =>
      findings.flatMap((f) => {
        const why = whyUncovered(f, settings);
        return why ? [{ accountId, region: f.region, resourceId: f.resourceId, why }] : [];
      }),
    ),
  };
}
