// The data `flowfix plan` shows, in one shape for both the terminal and --format json.
import type { Settings } from '../config/settings.js';
import type { AuditResult, AuditWarning, Coverage, ExclusionMark, Finding, FindingKind } from '../audit/types.js';
import type { AwsProblem, Inventory } from '../inventory/types.js';
import { describeDestination } from '../config/settings.js';
import type { Plan } from '../plan/types.js';

/** Bump on any incompatible change to PlanReport; documented in README "JSON output". */
export const REPORT_SCHEMA = 'flowfix.plan-report/v1';

export const FINDING_KINDS: FindingKind[] = [
  'no-flow-log',
  'accept-only',
  'delivery-failed',
  'subnet-level-only',
  'shared-vpc',
  'short-retention',
  'role-untrusted',
];

export interface RegionSummary {
  region: string;
  status: 'ok' | 'error';
  vpcs: number;
  subnets: number;
  /** Resources in scope, excluded ones not counted. */
  inScope: number;
  compliant: number;
  /** Findings by kind, excluded resources' not counted. */
  findings: Partial<Record<FindingKind, number>>;
  /** VPCs and subnets left alone on purpose (listed in `excluded`). */
  excluded: number;
}

/** A VPC or subnet left alone on purpose, with why, and the finding it would otherwise have (none: compliant). */
export type ExcludedResource = Pick<Finding, 'region' | 'resourceId' | 'vpcId' | 'name'> & {
  resourceType: 'VPC' | 'Subnet';
  finding?: FindingKind;
} & ExclusionMark;

export interface PlanReport {
  schema: typeof REPORT_SCHEMA;
  accountId: string;
  partition: string;
  generatedAt: string;
  settings: { scope: string; trafficType: string; destination: string; roleName: string; minRetentionDays: number };
  regions: RegionSummary[];
  findings: Finding[];
  coverage: Coverage[];
  /** Every excluded VPC and subnet: never planned, never silently dropped. */
  excluded: ExcludedResource[];
  plan: Plan;
  errors: ReportError[];
  /** Not findings, but to be read: expired exclusions, exclusions that match nothing. */
  warnings: AuditWarning[];
}

/** Something that could not be read: a region, or 'global' for the delivery role (IAM). */
export interface ReportError extends AwsProblem {
  region: string;
}

export function errorsOf(inventory: Inventory): ReportError[] {
  const errors: ReportError[] = inventory.regions.flatMap((r) => (r.status === 'unreadable' ? [{ region: r.region, ...r.error }] : []));
  if (inventory.role.status === 'unreadable') errors.push({ region: 'global', ...inventory.role.error });
  return errors;
}

export function buildReport(inventory: Inventory, audit: AuditResult, plan: Plan, settings: Settings): PlanReport {
  const excluded = excludedResources(audit);
  const regions: RegionSummary[] = inventory.regions.map((r) => {
    if (r.status === 'unreadable') return { region: r.region, status: 'error', vpcs: 0, subnets: 0, inScope: 0, compliant: 0, findings: {}, excluded: 0 };
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
    },
    regions,
    findings: audit.findings,
    coverage: audit.coverage,
    excluded,
    plan,
    errors: errorsOf(inventory),
    warnings: audit.warnings,
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
    return [{ region: c.region, resourceType: c.resourceType, resourceId: c.resourceId, vpcId: c.vpcId, ...(c.name ? { name: c.name } : {}), ...(finding ? { finding: finding.kind } : {}), ...c.excluded }];
  });
  const others = [...findingOf.values()].flatMap((f): ExcludedResource[] =>
    f.resourceType === 'VPC' || f.resourceType === 'Subnet'
      ? [{ region: f.region, resourceType: f.resourceType, resourceId: f.resourceId, ...(f.vpcId ? { vpcId: f.vpcId } : {}), ...(f.name ? { name: f.name } : {}), finding: f.kind, ...f.excluded! }]
      : [],
  );
  return [...fromCoverage, ...others];
}

/** Findings someone has to act on: not excluded, and not a shared VPC (only its owner can act on it). */
export const actionableFindings = (findings: Finding[]): Finding[] => findings.filter((f) => f.kind !== 'shared-vpc' && !f.excluded);

/**
 * CI contract: 0 nothing to do, 2 changes planned or needed, 1 something could not be read. Excluded
 * resources (and acknowledged shared VPCs) need nothing; warnings do not change the code.
 */
export function planExitCode(report: PlanReport): 0 | 1 | 2 {
  if (report.errors.length > 0) return 1;
  const needsAction = report.plan.actions.length > 0 || report.plan.blocked.length > 0 || actionableFindings(report.findings).length > 0;
  return needsAction ? 2 : 0;
}
