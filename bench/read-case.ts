// One read case: flowfix's real inventory → audit → plan against a simulated estate, then the seed
// procedure on the same estate. Runs in its own child process so its memory figures are its own.

import { audit } from '../src/audit/audit.js';
import { DEFAULT_SETTINGS, type Settings } from '../src/config/settings.js';
import { collectInventory } from '../src/inventory/collect-inventory.js';
import { readRegions, unreadableRegions } from '../src/inventory/types.js';
import { buildPlan } from '../src/plan/build-plan.js';
import { neededPermissions, simulationRequests } from '../src/plan/permission-check.js';
import { buildReport } from '../src/report/plan-report.js';
import { systemClock } from '../src/util/clock.js';
import { checkDelivery } from '../src/workflow/delivery.js';
import { checkPermissions } from '../src/workflow/permission-check.js';
import { sequentialRoundTrips } from '../test/helpers/call-timeline.js';
import type { CallSpan } from '../test/helpers/fake-aws.js';
import { runSeedBaseline, type BaselineResult } from './baseline.js';
import { countByOperation, fakeEstate } from './clients.js';
import { summarizeEstate, type EstateSpec, type EstateSummary } from './estate.js';
import { computeFloor, type Floor } from './floor.js';
import { startMemorySampler, type MemoryReport } from './memory.js';
import { loadBenchPolicyTemplates, loadOperatorApplyPolicy } from './paths.js';

export interface ReadCaseTask {
  kind: 'read';
  id: string;
  label: string;
  estate: EstateSpec;
  latencyMs: number;
  /** Overrides DEFAULT_SETTINGS.concurrency (what-if runs); undefined = the production default. */
  concurrency?: number;
  /** Per-subnet calls the baseline may send before extrapolating; 0 = skip it. */
  baselineCap: number;
  /** Also run verification's delivery reads and the permission preflight after the read, and count their round trips. */
  followUps?: boolean;
}

export interface ReadCaseResult {
  kind: 'read';
  id: string;
  label: string;
  estate: EstateSummary;
  latencyMs: number;
  concurrency: number;
  seedMs: number;
  flowfix: {
    /** The median over repeated runs (each in a fresh process); the other fields are from that run. */
    wallMs: number;
    wallSamplesMs: number[];
    phasesMs: { inventory: number; audit: number; plan: number; report: number };
    calls: number;
    callsByOperation: Record<string, number>;
    /** wallMs / latency: how many latencies the run took end to end. */
    effectiveRoundTrips: number | null;
    /** From the fake's call timeline: the longest chain of calls each sent after the one before was answered. */
    sequentialRoundTrips: number;
    findings: number;
    planActions: number;
    regionErrors: number;
    memory: MemoryReport;
  };
  floor: Floor & { wallMs: number };
  /**
   * The same case with 0 ms latency, in a fresh process: the CPU part of the wall time (flowfix, the SDK
   * clients and the simulator itself, on one JavaScript thread). Filled in by run.ts; null when not run.
   */
  cpuOnly: { wallMs: number; wallSamplesMs: number[] } | null;
  /**
   * The same case once more at 10× the latency, where CPU time is small beside waiting: wall / latency
   * there is close to the number of sequential round trips flowfix takes. Filled in by run.ts.
   */
  roundTrips: { latencyMs: number; wallMs: number; observed: number; sequential: number; followUps: FollowUps | null } | null;
  /** Verification and preflight after the read (task.followUps), else null. */
  followUps: FollowUps | null;
  baseline: BaselineResult | null;
}

/** What runs after the read on the same estate: `verify`'s delivery reads and the permission preflight. */
export interface FollowUps {
  verification: FollowUp;
  preflight: FollowUp;
}

export interface FollowUp {
  calls: number;
  callsByOperation: Record<string, number>;
  /** Sequential round trips, from the fake's call timeline. */
  roundTrips: number;
  /** Each destination looked at once / one simulation per resource, all side by side. */
  floor: { calls: number; roundTrips: number };
}

function followUp(spans: readonly CallSpan[], floorCalls: number): FollowUp {
  return {
    calls: spans.length,
    callsByOperation: countByOperation(spans.map((span) => span.call)),
    roundTrips: sequentialRoundTrips(spans),
    floor: { calls: floorCalls, roundTrips: floorCalls > 0 ? 1 : 0 },
  };
}

export async function runReadCase(task: ReadCaseTask): Promise<ReadCaseResult> {
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    scope: task.estate.scope,
    ...(task.concurrency === undefined ? {} : { concurrency: task.concurrency }),
  };
  const templates = loadBenchPolicyTemplates();
  const { fake, clients, counts, seedMs } = await fakeEstate(task.estate, settings, task.latencyMs);
  global.gc?.();

  const sampler = startMemorySampler();
  const t0 = performance.now();
  const inventory = await collectInventory(clients, settings);
  const t1 = performance.now();
  const auditResult = audit(inventory, settings, new Date());
  const t2 = performance.now();
  const plan = buildPlan({ inventory, audit: auditResult, settings, templates, createdAt: new Date().toISOString() });
  const t3 = performance.now();
  const report = buildReport(inventory, auditResult, plan, settings);
  const t4 = performance.now();
  const memory = sampler.stop();
  const flowfixCalls = [...fake.calls];
  const readRoundTrips = sequentialRoundTrips(fake.timeline);

  // Verification and preflight, measured on their own (only where round trips are counted).
  let followUps: FollowUps | null = null;
  if (task.followUps) {
    fake.simulateAgainst(loadOperatorApplyPolicy());
    const verifyStart = fake.timeline.length;
    const delivery = await checkDelivery({ inventory, audit: auditResult, plan, report }, { clients, clock: systemClock }, settings.concurrency);
    const preflightStart = fake.timeline.length;
    const permissions = await checkPermissions(plan, clients, undefined, settings.concurrency);
    if (permissions.status !== 'checked') throw new Error(`bench: the permission preflight did not run: ${permissions.message ?? ''}`);
    // One look per destination (log group or bucket folder of a region); one simulation per resource.
    const destinations = new Set(
      delivery.map((check) => {
        const flowLog = readRegions(inventory)
          .find((r) => r.region === check.region)
          ?.flowLogs.find((f) => f.flowLogId === check.flowLogId);
        return `${check.region}|${flowLog?.destinationType}|${flowLog?.logGroupName ?? flowLog?.destination}`;
      }),
    );
    const requests = simulationRequests(permissions.principal ?? '', neededPermissions(plan)).length;
    followUps = {
      verification: followUp(fake.timeline.slice(verifyStart, preflightStart), destinations.size),
      preflight: followUp(fake.timeline.slice(preflightStart), requests),
    };
  }
  if (report.regions.length !== counts.regions.length) throw new Error('bench: the report lost regions');

  const floor = computeFloor(counts);
  const wallMs = Math.round(t4 - t0);
  const baseline = task.baselineCap > 0 ? await runSeedBaseline(counts, task.baselineCap) : null;
  fake.restore();

  return {
    kind: 'read',
    id: task.id,
    label: task.label,
    estate: summarizeEstate(task.estate.description, counts, settings.scope),
    latencyMs: task.latencyMs,
    concurrency: settings.concurrency,
    seedMs,
    flowfix: {
      wallMs,
      wallSamplesMs: [wallMs],
      phasesMs: { inventory: Math.round(t1 - t0), audit: Math.round(t2 - t1), plan: Math.round(t3 - t2), report: Math.round(t4 - t3) },
      calls: flowfixCalls.length,
      callsByOperation: countByOperation(flowfixCalls),
      effectiveRoundTrips: task.latencyMs > 0 ? Math.round((wallMs / task.latencyMs) * 10) / 10 : null,
      sequentialRoundTrips: readRoundTrips,
      findings: auditResult.findings.length,
      planActions: plan.actions.length,
      regionErrors: unreadableRegions(inventory).length + (inventory.role.status === 'unreadable' ? 1 : 0),
      memory,
    },
    floor: { ...floor, wallMs: floor.roundTrips * task.latencyMs },
    cpuOnly: null,
    roundTrips: null,
    followUps,
    baseline,
  };
}
