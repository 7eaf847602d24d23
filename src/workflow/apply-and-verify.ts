// Carry out a plan the user consented to, then re-read what it touched and verify it.
import { applyPlan, ROLE_RETRY_WINDOW_MS } from '../apply/apply-plan.js';
import type { ApplyReport, Outcome } from '../apply/types.js';
import { flowLogsAwaitingEvidence, verifyTargets, type Verification } from '../apply/verify.js';
import type { Settings } from '../config/settings.js';
import { isFlowfixError } from '../errors.js';
import { collectInventory } from '../inventory/collect-inventory.js';
import { readDeliveryEvidence } from '../inventory/delivery-evidence.js';
import { readRegion, type Inventory } from '../inventory/types.js';
import { permissionsMissing, type PermissionCheck } from '../plan/permission-check.js';
import { planDocument } from '../plan/plan-file.js';
import type { Plan } from '../plan/types.js';
import type { ApplyReportDocument } from '../report/apply-report.js';
import { deniedRegionsFail, deniedRegionsOf, errorsOf } from '../report/plan-report.js';
import { plural } from '../util/plural.js';
import type { WorkflowDeps } from './deps.js';
import { EXIT } from './exit-codes.js';

export interface ApplyRequest {
  plan: Plan;
  /** Live state the plan was checked against, read just before. */
  live: Inventory;
  settings: Settings;
  dryRun: boolean;
  /** Wait until the new flow logs deliver (or the wait times out). */
  wait: boolean;
  /** Outcomes known before anything is sent (a saved plan's work that is done since). */
  settled?: Outcome[];
  /** With --dry-run: the permission preflight, run before anything else was sent; anything missing fails the run. */
  permissionCheck?: PermissionCheck;
  /** Called once the plan is carried out, before verification (which may wait for delivery). */
  onApplied?: (report: ApplyReport) => void;
}

export interface ApplyTimings {
  roleRetryWindowMs: number;
  waitTimeoutMs: number;
  waitIntervalMs: number;
  /**
   * After this run changed the delivery role or its policy, a FAILED delivery status is re-read for this
   * long before it is called failed: IAM takes a while to propagate, and delivery attempted meanwhile fails.
   */
  failedGraceMs: number;
}

export const DEFAULT_APPLY_TIMINGS: ApplyTimings = {
  roleRetryWindowMs: ROLE_RETRY_WINDOW_MS,
  waitTimeoutMs: 10 * 60_000,
  waitIntervalMs: 20_000,
  failedGraceMs: ROLE_RETRY_WINDOW_MS,
};

/** The `flowfix.apply-report/v1` document without its schema tag. */
export type ApplyResult = Omit<ApplyReportDocument, 'schema'>;

export async function applyAndVerify(request: ApplyRequest, deps: WorkflowDeps, timings: ApplyTimings = DEFAULT_APPLY_TIMINGS): Promise<ApplyResult> {
  const { plan, live, settings } = request;
  const regionErrors = errorsOf(live);
  const deniedRegions = deniedRegionsOf(live);
  // Work the plan cannot do (e.g. an untrusted role) leaves resources non-compliant: exit 1. Regions an
  // organization policy denies are skipped unless --fail-on-denied-regions (or nothing else was read).
  const blocked = plan.blocked.length > 0 || regionErrors.length > 0 || deniedRegionsFail(live, settings);
  const executed = await applyPlan(plan, {
    clients: deps.clients,
    live,
    dryRun: request.dryRun,
    roleRetryWindowMs: timings.roleRetryWindowMs,
    clock: deps.clock,
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.status ? { status: deps.status } : {}),
  });
  const report: ApplyReport = { ...executed, outcomes: [...(request.settled ?? []), ...executed.outcomes] };
  // The live line goes before the report is printed; verification starts its own.
  deps.status?.(undefined);
  request.onApplied?.(report);

  let verification: Verification[] = [];
  let verifyInterrupted = false;
  if (!request.dryRun && !report.interrupted) {
    const gone = new Set(report.outcomes.filter((o) => o.kind === 'create-flow-logs' && o.status === 'skipped').map((o) => o.resourceId));
    try {
      verification = await verify(plan, settings, gone, { wait: request.wait, changedRoles: rolesChangedBy(report) }, deps, timings);
    } catch (err) {
      // Ctrl-C while re-reading: what was applied is reported all the same, unverified.
      if (!(isFlowfixError(err) && err.code === 'Interrupted')) throw err;
      verifyInterrupted = true;
    } finally {
      deps.status?.(undefined);
    }
  }
  const failed =
    report.outcomes.some((o) => o.status === 'failed') || report.dryRunProbes.some((p) => !p.allowed) || permissionsMissing(request.permissionCheck);
  const unverified = verification.some((v) => v.status !== 'ok' && v.status !== 'pending');
  const exitCode = report.interrupted || verifyInterrupted ? EXIT.interrupted : failed || unverified || blocked ? EXIT.error : EXIT.ok;
  return {
    plan: planDocument(plan),
    ...report,
    interrupted: report.interrupted || verifyInterrupted,
    verification,
    regionErrors,
    ...(deniedRegions.length > 0 ? { deniedRegions } : {}),
    ...(request.permissionCheck ? { permissionCheck: request.permissionCheck } : {}),
    exitCode,
  };
}

/**
 * The roles (by name) this run created or gave a policy: applied, not merely already done, since only a
 * change made now can still be propagating through IAM.
 */
function rolesChangedBy(report: ApplyReport): Set<string> {
  return new Set(report.outcomes.filter((o) => (o.kind === 'create-role' || o.kind === 'put-role-policy') && o.status === 'applied').map((o) => o.resourceId));
}

/** Whether a flow log delivers through one of `roles` of the plan's account (a role name is unique in its account). */
function usesRole(deliverLogsPermissionArn: string | undefined, accountId: string, roles: ReadonlySet<string>): boolean {
  const match = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(deliverLogsPermissionArn ?? '');
  return match !== null && match[1] === accountId && roles.has(match[2]!);
}

/**
 * Re-reads the regions apply touched and looks at the destinations of flow logs with no delivery error
 * yet. With `wait`, until every new flow log has delivered or time is up. A FAILED status of a flow log
 * that delivers through a role this run created or changed is re-read for the grace period before it is
 * reported; any other FAILED flow log (one that uses another role, or none) is reported at once.
 */
async function verify(
  plan: Plan,
  settings: Settings,
  skippedIds: ReadonlySet<string>,
  { wait, changedRoles }: { wait: boolean; changedRoles: ReadonlySet<string> },
  deps: WorkflowDeps,
  timings: ApplyTimings,
): Promise<Verification[]> {
  const touched = [
    ...new Set(plan.actions.filter((a) => a.kind === 'create-flow-logs' && a.input.ResourceIds.some((id) => !skippedIds.has(id))).map((a) => a.region)),
  ];
  if (touched.length === 0) return [];
  const started = deps.clock.now();
  const deadline = started + timings.waitTimeoutMs;
  const graceUntil = started + timings.failedGraceMs;
  // Each kind of wait is announced once (a line kept in the output); its rounds update the status line.
  const announced = new Set<'grace' | 'delivery'>();
  const announce = (wait: 'grace' | 'delivery', line: string) => {
    if (announced.has(wait)) return;
    announced.add(wait);
    deps.notify?.(line);
  };
  const account = plan.accountId;
  // The first read is "Verifying"; the re-reads belong to the wait, whose line keeps counting.
  deps.status?.({ phase: 'Verifying', account, ...(touched.length === 1 ? { region: touched[0]! } : {}) });
  for (;;) {
    const after = await collectInventory(deps.clients, { ...settings, regions: touched });
    const byStatus = verifyTargets(plan, after, skippedIds);
    const awaiting = flowLogsAwaitingEvidence(byStatus, after);
    const evidence =
      awaiting.length === 0
        ? new Map()
        : await readDeliveryEvidence(deps.clients, { accountId: after.accountId, targets: awaiting, now: deps.clock.now(), concurrency: settings.concurrency });
    const results = verifyTargets(plan, after, skippedIds, evidence);
    // Only flow logs that can still deliver are waited for: one without network interfaces has nothing to log.
    const pending = results.filter((r) => r.status === 'pending' && r.delivery !== 'no-network-interfaces').length;
    const failed = results.filter((r) => r.status === 'delivery-failed');
    const roleOf = new Map(
      touched.flatMap((region) => readRegion(after, region)?.flowLogs.map((f) => [f.flowLogId, f.deliverLogsPermissionArn] as const) ?? []),
    );
    const propagating = failed.filter((r) => r.flowLogId !== undefined && usesRole(roleOf.get(r.flowLogId), plan.accountId, changedRoles));
    const now = deps.clock.now();
    const inGrace = propagating.length > 0 && now < graceUntil;
    const waiting = wait && pending > 0 && now < deadline;
    if ((!inGrace && !waiting) || deps.signal?.aborted) {
      return propagating.length > 0
        ? results.map((r) =>
            propagating.includes(r)
              ? { ...r, message: `${r.message}; still FAILED ${Math.round((now - started) / 1000)}s after the delivery role changed` }
              : r,
          )
        : results;
    }
    const waited = results.filter((r) => r.delivery !== 'no-network-interfaces').length;
    if (inGrace) {
      announce(
        'grace',
        `Delivery FAILED for ${plural(propagating.length, 'flow log')} right after this run changed its delivery role: re-reading while IAM propagates (up to ${duration(timings.failedGraceMs)})…`,
      );
      deps.status?.({ phase: 'Re-reading while IAM propagates: delivery FAILED', done: propagating.length, total: results.length, account });
    } else {
      announce('delivery', `Waiting for first delivery of ${plural(pending, 'flow log')} (up to ${duration(timings.waitTimeoutMs)})…`);
      deps.status?.({ phase: 'Waiting for first delivery', done: waited - pending, total: waited, account });
    }
    await deps.clock.sleep(timings.waitIntervalMs);
  }
}

/** "10 min", "90 s": how long a wait may last, as announced. */
const duration = (ms: number): string => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);
