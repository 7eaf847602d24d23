// A PlanReport from an in-memory inventory, through the real audit and planner.
import type { Settings } from '../../src/config/settings.js';
import type { Inventory } from '../../src/inventory/types.js';
import { loadPolicyTemplates } from '../../src/policy/templates.js';
import type { PlanReport } from '../../src/report/plan-report.js';
import { assessInventory } from '../../src/workflow/assess.js';
import { settings as defaultSettings } from './builders.js';

export const NOW = new Date('2025-06-01T12:00:00.000Z');

export function reportOf(inv: Inventory, overrides: Partial<Settings> = {}, now: Date = NOW): PlanReport {
  return assessInventory(inv, defaultSettings(overrides), loadPolicyTemplates(), now).report;
}
