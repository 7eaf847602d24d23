// The data `flowfix plan` shows, in one shape for both the terminal and --format json.
import type { Settings } from '../config/settings.js';
import type { AuditResult, Coverage, Finding, FindingKind } from '../audit/types.js';
import type { AwsProblem, Inventory } from '../inventory/types.js';
import { describeDestination } from '../config/settings.js';
import type { Plan } from '../plan/types.js';
import type { ReportWarning } from './warnings.js';

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
  inScope: number;
  compliant: number;
  findings: Partial<Record<FindingKind, number>>;
}

export interface PlanReport {
  schema: typeof REPORT_SCHEMA;
  accountId: string;
  partition: string;
  generatedAt: string;
  settings: { scope: string; trafficType: string; destination: string; roleName: string; minRetentionDays: number };
  regions: RegionSummary[];
  findings: Finding[];
  coverage: Coverage[];
  plan: Plan;
  /** What will not fail yet but soon may (e.g. the role's inline policies near IAM's size quota). */
  warnings: ReportWarning[];
  errors: ReportError[];
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

export function buildReport(inventory: Inventory, audit: AuditResult, plan: Plan, settings: Settings, warnings: ReportWarning[] = []): PlanReport {
  const regions: RegionSummary[] = inventory.regions.map((r) => {
    if (r.status === 'unreadable') return { region: r.region, status: 'error', vpcs: 0, subnets: 0, inScope: 0, compliant: 0, findings: {} };
    const findings: Partial<Record<FindingKind, number>> = {};
    for (const f of audit.findings) if (f.region === r.region) findings[f.kind] = (findings[f.kind] ?? 0) + 1;
    const coverage = audit.coverage.filter((c) => c.region === r.region);
    return {
      region: r.region,
      status: 'ok',
      vpcs: r.vpcs.length,
      subnets: r.subnets.length,
      inScope: coverage.length,
      compliant: coverage.filter((c) => c.compliant).length,
      findings,
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
    plan,
    warnings,
    errors: errorsOf(inventory),
  };
}

/** CI contract: 0 nothing to do, 2 changes planned or needed, 1 something could not be read. */
export function planExitCode(report: PlanReport): 0 | 1 | 2 {
  if (report.errors.length > 0) return 1;
  const needsAction = report.plan.actions.length > 0 || report.plan.blocked.length > 0 || report.findings.some((f) => f.kind !== 'shared-vpc');
  return needsAction ? 2 : 0;
}
