// The data `flowfix plan` shows, in one shape for the terminal and every --format. The document is
// defined once, as a zod schema: its TypeScript types are inferred from it, the published JSON Schema
// (schemas/plan-report.v1.schema.json) is generated from it, and the tests validate every report they
// produce against it.
import * as z from 'zod';

import { FINDING_KINDS } from '../audit/finding-kinds.js';
import type { AuditResult, AuditWarning, Coverage, ExclusionMark, Finding, FindingKind } from '../audit/types.js';
import { describeDestination, FLOW_LOG_OPTION_KEYS, type FlowLogOptions, type Settings } from '../config/settings.js';
import { DELIVERY_STATUSES, type DeliveryCheck } from '../facts/delivery-status.js';
import { deniedRegions, type AwsProblem, type DeniedRegion, type Inventory } from '../inventory/types.js';
import type { PermissionCheck } from '../plan/permission-check.js';
import { planDocument, planFileSchema, type PlanDocument } from '../plan/plan-file.js';
import type { Plan } from '../plan/types.js';
import type { Equal } from '../util/types.js';
import type { ReportWarning } from './warnings.js';

export { FINDING_KINDS } from '../audit/finding-kinds.js';

/** Bump on any incompatible change to PlanReport; documented in README "JSON output". */
export const REPORT_SCHEMA = 'flowfix.plan-report/v1';

/** Which of a flow log's network interfaces had their log streams looked at; shared with the apply report. */
export const interfaceSampleSchema = z.strictObject({
  sampled: z.array(z.string()).describe('Interface ids looked at, attached ones first, in order'),
  total: z.number().int().nonnegative().describe('Interfaces the VPC or subnet has'),
});

const findingKind = z.enum(FINDING_KINDS as [FindingKind, ...FindingKind[]]);
const count = z.number().int().nonnegative();

/** Why a VPC or subnet is left alone (an exclusion by id, by tag, or --skip-default-vpcs). */
const exclusionMarkSchema = z.strictObject({
  by: z.enum(['id', 'tag', 'default-vpc']),
  reason: z.string(),
  tag: z.string().optional(),
  expires: z.string().optional(),
  throughVpc: z.string().optional().describe("Set on a subnet excluded because its VPC is: that VPC's id"),
});

export const findingSchema = z.strictObject({
  region: z.string().describe("'global' for the IAM role and the log-archive bucket"),
  resourceType: z.enum(['VPC', 'Subnet', 'LogGroup', 'Role', 'Bucket']),
  resourceId: z.string(),
  vpcId: z.string().optional(),
  name: z.string().optional(),
  kind: findingKind,
  severity: z.enum(['high', 'medium', 'low', 'info']),
  reason: z.string(),
  remediable: z.boolean(),
  flowLogIds: z.array(z.string()).optional(),
  awsMessage: z.string().optional(),
  excluded: exclusionMarkSchema.optional(),
});

export const coverageSchema = z.strictObject({
  region: z.string(),
  resourceType: z.enum(['VPC', 'Subnet']),
  resourceId: z.string(),
  vpcId: z.string(),
  name: z.string().optional(),
  compliant: z.boolean(),
  coveredBy: z
    .strictObject({
      flowLogId: z.string(),
      resourceId: z.string(),
      level: z.enum(['own', 'vpc']),
      by: z
        .enum(['flowfix', 'user', 'telemetry-rule'])
        .describe(
          "Who keeps that flow log: flowfix (ManagedBy=flowfix), an AWS CloudWatch telemetry rule (CloudWatchTelemetryRuleManaged=true), or the account's own people",
        ),
    })
    .optional(),
  excluded: exclusionMarkSchema.optional(),
});

/** The organization policy that denies a region (status 'denied'), as AWS named it. */
export const deniedBySchema = z.strictObject({
  policyType: z.enum(['service-control-policy', 'resource-control-policy']),
  policyArn: z.string().optional().describe('The policy ARN, when AWS names it (arn:aws:organizations::…:policy/o-…/service_control_policy/p-…)'),
  code: z.string(),
  message: z.string().describe("AWS's own words"),
  action: z.string().optional(),
});

/** A region an organization policy denies, with the policy (apply's report lists them apart). */
export const deniedRegionSchema = deniedBySchema.extend({ region: z.string() });

export const regionSummarySchema = z.strictObject({
  region: z.string(),
  status: z
    .enum(['ok', 'error', 'denied', 'not-enabled'])
    .describe(
      "'error': could not be read (listed in `errors`); 'denied': an organization policy (SCP or RCP) denies flowfix there (see `deniedBy`); 'not-enabled': the account has not enabled this region",
    ),
  vpcs: count,
  subnets: count,
  inScope: count,
  compliant: count.describe('Resources in scope that comply, excluded ones not counted'),
  findings: z.partialRecord(findingKind, count).describe("Findings by kind, excluded resources' not counted"),
  excluded: count.describe('VPCs and subnets left alone on purpose (listed in `excluded`)'),
  deniedBy: deniedBySchema.optional().describe("status 'denied' only"),
});

/** A VPC or subnet left alone on purpose, with why, and the finding it would otherwise have (none: compliant). */
export const excludedResourceSchema = exclusionMarkSchema.extend({
  region: z.string(),
  resourceType: z.enum(['VPC', 'Subnet']),
  resourceId: z.string(),
  vpcId: z.string().optional(),
  name: z.string().optional(),
  finding: findingKind.optional(),
});

export const auditWarningSchema = z.strictObject({
  code: z.enum(['exclusion-expired', 'exclusion-unmatched', 'exclusion-no-effect']),
  message: z.string(),
});

/** What will not fail yet but soon may (e.g. the role's inline policies near IAM's size quota). */
export const roleWarningSchema = z.strictObject({
  kind: z.literal('role-policy-size'),
  region: z.string().describe("'global' for the IAM role"),
  resourceId: z.string(),
  message: z.string(),
  size: count.describe("Characters the role's inline policies take once the plan is applied (whitespace not counted)"),
  limit: count,
});

/** Something that could not be read: a region, or 'global' for the delivery role (IAM). */
export const reportErrorSchema = z.strictObject({
  region: z.string(),
  code: z.string(),
  message: z.string(),
  action: z.string().optional(),
});

/** Permission preflight (plan --check-permissions, apply --dry-run): what IAM's simulation says the plan may not do. */
export const permissionCheckSchema = z
  .strictObject({
    status: z.enum(['checked', 'unavailable']).describe("'unavailable': the simulation could not be run (see message); the DryRun probes stand in"),
    principal: z.string().optional().describe('The user, or the role of an assumed-role session, whose policies were simulated'),
    needed: count.describe('Distinct IAM action × resource × region questions the plan needs'),
    missing: z.array(
      z.strictObject({
        action: z.string(),
        resource: z.string(),
        decision: z.string().describe("IAM's EvalDecision: implicitDeny or explicitDeny"),
        deniedBy: z
          .enum(['organization-policy', 'permissions-boundary', 'identity-policy'])
          .optional()
          .describe("Which layer refused, from IAM's OrganizationsDecisionDetail (an SCP) and PermissionsBoundaryDecisionDetail"),
        region: z.string().optional().describe("The call's region (its aws:RequestedRegion); 'global' for IAM"),
      }),
    ),
    undecided: z
      .array(
        z.strictObject({
          action: z.string(),
          resource: z.string(),
          region: z.string().optional(),
          missingContextValues: z.array(z.string()).describe('Condition keys the policies test that flowfix cannot know the value of'),
        }),
      )
      .optional()
      .describe('Denied only for want of condition values IAM was not given (MissingContextValues): could not be decided, not counted as missing'),
    message: z.string().optional(),
    dryRunProbes: z
      .array(z.strictObject({ region: z.string(), allowed: z.boolean(), code: z.string(), message: z.string().optional() }))
      .optional()
      .describe('plan only, when the simulation was unavailable: CreateFlowLogs sent with DryRun: true, per region'),
  })
  .meta({ description: 'Permission preflight: SimulatePrincipalPolicy for every permission the plan needs' });

export const planReportSchema = z
  .strictObject({
    schema: z.literal(REPORT_SCHEMA),
    accountId: z.string(),
    partition: z.string(),
    generatedAt: z.string(),
    settings: z.strictObject({
      scope: z.enum(['vpc', 'subnet']),
      trafficType: z.enum(['REJECT', 'ALL']),
      destination: z.string(),
      roleName: z.string(),
      minRetentionDays: z.number().int(),
      logFormat: z.string().optional().describe("LogFormat of the flow logs flowfix creates (absent: AWS's default format)"),
      maxAggregationInterval: z
        .union([z.literal(60), z.literal(600)])
        .optional()
        .describe('MaxAggregationInterval in seconds (absent: 600)'),
      fileFormat: z.enum(['plain-text', 'parquet']).optional().describe('S3 only: DestinationOptions.FileFormat (absent: plain-text)'),
      hiveCompatiblePartitions: z.boolean().optional().describe('S3 only: DestinationOptions.HiveCompatiblePartitions (absent: false)'),
      perHourPartition: z.boolean().optional().describe('S3 only: DestinationOptions.PerHourPartition (absent: false)'),
    }),
    regions: z.array(regionSummarySchema),
    findings: z.array(findingSchema),
    coverage: z.array(coverageSchema),
    excluded: z.array(excludedResourceSchema).describe('Every excluded VPC and subnet: never planned, never silently dropped'),
    plan: planFileSchema,
    errors: z.array(reportErrorSchema),
    delivery: z
      .array(
        z.strictObject({
          region: z.string(),
          flowLogId: z.string(),
          resourceIds: z.array(z.string()).describe('The compliant resources this flow log covers'),
          status: z.enum(DELIVERY_STATUSES.filter((s) => s !== 'delivery-failed') as [DeliveryCheck['status'], ...DeliveryCheck['status'][]]),
          evidence: z.string().optional(),
          interfaces: interfaceSampleSchema
            .optional()
            .describe('CloudWatch Logs: the network interfaces whose log streams were looked at (at most 3), of how many the resource has'),
          why: z.string().optional(),
        }),
      )
      .optional()
      .describe('verify only: what reached each destination (a log stream or an S3 object) since the flow log was created'),
    warnings: z
      .array(z.union([auditWarningSchema, roleWarningSchema]))
      .describe('Not findings, but to be read: expired exclusions, exclusions that match nothing, a role policy near its size quota'),
    permissionCheck: permissionCheckSchema.optional().describe('plan --check-permissions only'),
  })
  .meta({ title: 'flowfix plan report (flowfix.plan-report/v1)', description: 'What `flowfix plan --format json` and `flowfix verify --format json` print.' });

export type RegionSummary = z.infer<typeof regionSummarySchema>;
export type DeniedBy = z.infer<typeof deniedBySchema>;
export type ReportError = z.infer<typeof reportErrorSchema>;
/** The plan inside is typed as flowfix writes it; its schema is the plan file's (what apply reads back). */
export type PlanReport = Omit<z.infer<typeof planReportSchema>, 'plan'> & { plan: PlanDocument };

// The audit's types and the document's schema must describe the same fields: a change to one without
// the other fails to compile.
const sameFinding: Equal<z.infer<typeof findingSchema>, Finding> = true;
const sameCoverage: Equal<z.infer<typeof coverageSchema>, Coverage> = true;
const sameProblem: Equal<Omit<ReportError, 'region'>, AwsProblem> = true;
const sameMark: Equal<z.infer<typeof exclusionMarkSchema>, ExclusionMark> = true;
const sameWarning: Equal<z.infer<typeof auditWarningSchema>, AuditWarning> = true;
const sameRoleWarning: Equal<z.infer<typeof roleWarningSchema>, ReportWarning> = true;
const samePermissionCheck: Equal<Omit<z.infer<typeof permissionCheckSchema>, 'dryRunProbes'>, PermissionCheck> = true;
void [samePermissionCheck, sameFinding, sameCoverage, sameProblem, sameMark, sameWarning, sameRoleWarning];

export type ExcludedResource = z.infer<typeof excludedResourceSchema>;

export function errorsOf(inventory: Inventory): ReportError[] {
  const errors: ReportError[] = inventory.regions.flatMap((r) => (r.status === 'unreadable' ? [{ region: r.region, ...r.error }] : []));
  if (inventory.role.status === 'unreadable') errors.push({ region: 'global', ...inventory.role.error });
  return errors;
}

function deniedByOf(r: DeniedRegion): DeniedBy {
  return { ...r.deniedBy, code: r.error.code, message: r.error.message, ...(r.error.action ? { action: r.error.action } : {}) };
}

/** The regions of an inventory an organization policy denies, each with the policy AWS named. */
export function deniedRegionsOf(inventory: Pick<Inventory, 'regions'>): z.infer<typeof deniedRegionSchema>[] {
  return deniedRegions(inventory).map((r) => ({ region: r.region, ...deniedByOf(r) }));
}

export function buildReport(inventory: Inventory, audit: AuditResult, plan: Plan, settings: Settings, roleWarnings: ReportWarning[] = []): PlanReport {
  const excluded = excludedResources(audit);
  const regions: RegionSummary[] = inventory.regions.map((r) => {
    const empty = { region: r.region, vpcs: 0, subnets: 0, inScope: 0, compliant: 0, findings: {}, excluded: 0 };
    if (r.status === 'unreadable') return { ...empty, status: 'error' };
    if (r.status === 'denied') return { ...empty, status: 'denied', deniedBy: deniedByOf(r) };
    if (r.status === 'not-enabled') return { ...empty, status: 'not-enabled' };
    const findings: Partial<Record<FindingKind, number>> = {};
    for (const f of audit.findings) if (f.region === r.region && !f.excluded) findings[f.kind] = (findings[f.kind] ?? 0) + 1;
    const coverage = audit.coverage.filter((c) => c.region === r.region && !c.excluded);
    return {
      region: r.region,
      status: 'ok',
      vpcs: r.vpcs.length,
      subnets: r.subnets.length,
      inScope: coverage.length,
      compliant: coverage.filter((c) => c.compliant).length,
      findings,
      excluded: excluded.filter((e) => e.region === r.region).length,
    };
  });
  return {
    schema: REPORT_SCHEMA,
    accountId: inventory.accountId,
    partition: inventory.partition,
    generatedAt: plan.createdAt,
    settings: {
      scope: settings.scope,
      trafficType: settings.trafficType,
      destination: describeDestination(settings.destination),
      roleName: settings.roleName,
      minRetentionDays: settings.minRetentionDays,
      // As the plan records them: the ones set.
      ...(Object.fromEntries(FLOW_LOG_OPTION_KEYS.flatMap((key) => (key in plan.settings ? [[key, plan.settings[key]]] : []))) as FlowLogOptions),
    },
    regions,
    findings: audit.findings,
    coverage: audit.coverage,
    excluded,
    plan: planDocument(plan),
    errors: errorsOf(inventory),
    warnings: [...audit.warnings, ...roleWarnings],
  };
}

/** Excluded resources in scope (from coverage, compliant or not) and acknowledged shared VPCs (findings only). */
function excludedResources(audit: AuditResult): ExcludedResource[] {
  const key = (x: { region: string; resourceId: string }) => `${x.region}|${x.resourceId}`;
  const findingOf = new Map(audit.findings.filter((f) => f.excluded).map((f) => [key(f), f]));
  const fromCoverage = audit.coverage.flatMap((c): ExcludedResource[] => {
    if (!c.excluded) return [];
    const finding = findingOf.get(key(c));
    findingOf.delete(key(c));
    return [
      {
        region: c.region,
        resourceType: c.resourceType,
        resourceId: c.resourceId,
        vpcId: c.vpcId,
        ...(c.name ? { name: c.name } : {}),
        ...(finding ? { finding: finding.kind } : {}),
        ...c.excluded,
      },
    ];
  });
  const others = [...findingOf.values()].flatMap((f): ExcludedResource[] =>
    f.resourceType === 'VPC' || f.resourceType === 'Subnet'
      ? [
          {
            region: f.region,
            resourceType: f.resourceType,
            resourceId: f.resourceId,
            ...(f.vpcId ? { vpcId: f.vpcId } : {}),
            ...(f.name ? { name: f.name } : {}),
            finding: f.kind,
            ...f.excluded!,
          },
        ]
      : [],
  );
  return [...fromCoverage, ...others];
}

/** Findings flowfix can never act on from this account (shared VPCs) or that are excluded: reported, never "to do". */
export const isReportOnly = (f: Finding): boolean => f.kind === 'shared-vpc' || f.excluded !== undefined;

/** Findings someone has to act on: not excluded, and not a shared VPC (only its owner can act on it). */
export const actionableFindings = (findings: Finding[]): Finding[] => findings.filter((f) => !isReportOnly(f));

/** How denied regions count toward the exit code (`--fail-on-denied-regions`). */
export interface ExitCodeOptions {
  failOnDeniedRegions?: boolean;
}

type ExitInputs = Pick<PlanReport, 'errors' | 'findings' | 'regions'>;

/**
 * Whether regions denied by an organization policy make the run fail: with --fail-on-denied-regions, or
 * when they are all there is (every region asked for is denied, so nothing at all was checked: an SCP
 * denying flowfix's reads everywhere must never pass for "compliant"). Regions the account has not enabled
 * hold nothing and never count.
 */
export function deniedRegionsFail(report: { regions: readonly { status: string }[] }, options: ExitCodeOptions = {}): boolean {
  const denied = report.regions.filter((r) => r.status === 'denied').length;
  if (denied === 0) return false;
  // 'ok' in a report, 'read' in an inventory.
  return options.failOnDeniedRegions === true || !report.regions.some((r) => r.status === 'ok' || r.status === 'read');
}

/**
 * CI contract: 0 nothing to do, 2 changes planned or needed, 1 something could not be read. Excluded
 * resources (and acknowledged shared VPCs) need nothing; warnings do not change the code. Regions an
 * organization policy denies are not errors (see deniedRegionsFail): the code follows the regions
 * flowfix may use.
 */
export function planExitCode(report: ExitInputs & Pick<PlanReport, 'plan'>, options: ExitCodeOptions = {}): 0 | 1 | 2 {
  if (report.errors.length > 0 || deniedRegionsFail(report, options)) return 1;
  const needsAction = report.plan.actions.length > 0 || report.plan.blocked.length > 0 || actionableFindings(report.findings).length > 0;
  return needsAction ? 2 : 0;
}

/** `flowfix verify`: everything flowfix may use could be read, and every resource in scope there has a working flow log. */
export const isVerified = (report: Pick<PlanReport, 'errors' | 'findings'>): boolean => report.errors.length === 0 && report.findings.every(isReportOnly);

/** `verify`'s CI contract, as `plan`'s: 0 verified, 2 findings remain, 1 something could not be checked. */
export function verifyExitCode(report: ExitInputs, options: ExitCodeOptions = {}): 0 | 1 | 2 {
  if (report.errors.length > 0 || deniedRegionsFail(report, options)) return 1;
  return isVerified(report) ? 0 : 2;
}

/** The regions an organization policy denies, by name, for one-line summaries. */
export const deniedRegionNames = (report: Pick<PlanReport, 'regions'>): string[] => report.regions.filter((r) => r.status === 'denied').map((r) => r.region);
