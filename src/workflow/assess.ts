// Pure composition of the read path after inventory: audit → plan → report.
import { audit } from '../audit/audit.js';
import type { AuditResult } from '../audit/types.js';
import type { Settings } from '../config/settings.js';
import type { Inventory } from '../inventory/types.js';
import type { PolicyTemplates } from '../policy/templates.js';
import { buildReport, type PlanReport } from '../report/plan-report.js';
import { buildPlan } from '../plan/build-plan.js';
import type { Plan } from '../plan/types.js';

export interface Assessment {
  inventory: Inventory;
  audit: AuditResult;
  plan: Plan;
  report: PlanReport;
}

export function assess(inventory: Inventory, settings: Settings, templates: PolicyTemplates, now: Date): Assessment {
  const auditResult = audit(inventory, settings);
  const plan = buildPlan({ inventory, audit: auditResult, settings, templates, createdAt: now.toISOString() });
  return { inventory, audit: auditResult, plan, report: buildReport(inventory, auditResult, plan, settings) };
}
