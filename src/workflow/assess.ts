// Read → audit → plan → report: the read-only half of every command.
import { audit } from '../audit/audit.js';
import type { AuditResult } from '../audit/types.js';
import type { Settings } from '../config/settings.js';
import { collectInventory, type CollectOptions } from '../inventory/collect-inventory.js';
import type { Inventory } from '../inventory/types.js';
import { buildPlan } from '../plan/build-plan.js';
import type { Plan } from '../plan/types.js';
import { loadPolicyTemplates, type PolicyTemplates } from '../policy/templates.js';
import { buildReport, type PlanReport } from '../report/plan-report.js';
import { roleWarnings } from '../report/warnings.js';
import type { WorkflowDeps } from './deps.js';

export interface Assessment {
  inventory: Inventory;
  audit: AuditResult;
  plan: Plan;
  report: PlanReport;
}

/** Pure: what an inventory means under these settings. */
export function assessInventory(inventory: Inventory, settings: Settings, templates: PolicyTemplates, now: Date): Assessment {
  const auditResult = audit(inventory, settings, now);
  const plan = buildPlan({ inventory, audit: auditResult, settings, templates, createdAt: now.toISOString() });
  const warnings = roleWarnings(inventory, plan, settings, templates);
  return { inventory, audit: auditResult, plan, report: buildReport(inventory, auditResult, plan, settings, warnings) };
}

/** What the run learnt of the central bucket in the log-archive account (read once, in accounts.ts). */
export type CentralBucketFacts = Pick<Inventory, 'logArchive' | 'deliveryBlocked'>;

/** Reads the account (live or a snapshot, whichever `deps.clients` is) and assesses it. */
export async function assess(
  settings: Settings,
  deps: WorkflowDeps & Partial<Pick<CollectOptions, 'stop' | 'progress'>>,
  central: CentralBucketFacts = {},
): Promise<Assessment> {
  const inventory = { ...(await collectInventory(deps.clients, settings, deps)), ...central };
  return assessInventory(inventory, settings, deps.templates ?? loadPolicyTemplates(), new Date(deps.clock.now()));
}
