// Apply on a simulated estate: a fresh FakeAws, the real read path to build the plan and the live state,
// then the real applyPlan. Checks that CreateFlowLogs is sent ⌈targets/1000⌉ times per region and
// resource type, and that a re-read finds nothing left to fix.

import { applyPlan } from '../src/apply/apply-plan.js';
import { audit } from '../src/audit/audit.js';
import { DEFAULT_SETTINGS, type Settings } from '../src/config/settings.js';
import { collectInventory } from '../src/inventory/collect-inventory.js';
import { buildPlan, MAX_IDS_PER_CREATE_FLOW_LOGS } from '../src/plan/build-plan.js';
import { countByOperation, fakeEstate } from './clients.js';
import type { EstateSpec } from './estate.js';
import { startMemorySampler, type MemoryReport } from './memory.js';
import { loadBenchPolicyTemplates } from './paths.js';

export interface ApplyCaseTask {
  kind: 'apply';
  id: string;
  label: string;
  estate: EstateSpec;
  latencyMs: number;
  roleRetryWindowMs: number;
}

export interface CreateFlowLogsCheck {
  region: string;
  resourceType: 'VPC' | 'Subnet';
  targets: number;
  expectedCalls: number;
  calls: number;
  pass: boolean;
}

export interface ApplyCaseResult {
  kind: 'apply';
  id: string;
  label: string;
  estate: { description: string; regions: number; subnets: number; scope: string };
  latencyMs: number;
  wallMs: number;
  calls: number;
  callsByOperation: Record<string, number>;
  outcomes: Record<string, number>;
  createFlowLogs: CreateFlowLogsCheck[];
  createFlowLogsPass: boolean;
  /** Flow-log findings left after apply, on a fresh read (should be 0). */
  remainingFlowLogFindings: number;
  memory: MemoryReport;
}

const FLOW_LOG_KINDS = new Set(['no-flow-log', 'accept-only', 'delivery-failed', 'subnet-level-only']);

export async function runApplyCase(task: ApplyCaseTask): Promise<ApplyCaseResult> {
  const settings: Settings = { ...DEFAULT_SETTINGS, scope: task.estate.scope };
  const templates = loadBenchPolicyTemplates();
  const { fake, clients, counts } = await fakeEstate(task.estate, settings, task.latencyMs);

  const live = await collectInventory(clients, settings);
  const plan = buildPlan({ inventory: live, audit: audit(live, settings, new Date()), settings, templates, createdAt: new Date().toISOString() });

  const sampler = startMemorySampler();
  const firstApplyCall = fake.calls.length;
  const started = performance.now();
  const report = await applyPlan(plan, {
    clients,
    live,
    dryRun: false,
    roleRetryWindowMs: task.roleRetryWindowMs,
  });
  const wallMs = Math.round(performance.now() - started);
  const memory = sampler.stop();
  const applyCalls = fake.calls.slice(firstApplyCall);

  const createCalls = applyCalls.filter((c) => c.operation === 'CreateFlowLogs' && c.input?.DryRun !== true);
  const checks: CreateFlowLogsCheck[] = [];
  for (const region of counts.regions) {
    for (const resourceType of ['VPC', 'Subnet'] as const) {
      const targets = region.targets[resourceType];
      const calls = createCalls.filter((c) => c.region === region.region && c.input?.ResourceType === resourceType).length;
      if (targets === 0 && calls === 0) continue;
      const expectedCalls = Math.ceil(targets / MAX_IDS_PER_CREATE_FLOW_LOGS);
      checks.push({ region: region.region, resourceType, targets, expectedCalls, calls, pass: calls === expectedCalls });
    }
  }

  const after = await collectInventory(clients, settings);
  const remaining = audit(after, settings, new Date()).findings.filter((f) => f.remediable && FLOW_LOG_KINDS.has(f.kind)).length;
  fake.restore();

  const outcomes: Record<string, number> = {};
  for (const o of report.outcomes) outcomes[o.status] = (outcomes[o.status] ?? 0) + 1;
  return {
    kind: 'apply',
    id: task.id,
    label: task.label,
    estate: { description: task.estate.description, regions: counts.regions.length, subnets: counts.totals.subnets, scope: settings.scope },
    latencyMs: task.latencyMs,
    wallMs,
    calls: applyCalls.length,
    callsByOperation: countByOperation(applyCalls),
    outcomes,
    createFlowLogs: checks,
    createFlowLogsPass: checks.length > 0 && checks.every((c) => c.pass),
    remainingFlowLogFindings: remaining,
    memory,
  };
}
