// The only writer: carries out a plan action by action. It never re-decides what to do; it only skips
// what live state shows is already done, and keeps going past a failed resource or region. What a kind
// needs, how it is sent and when it is done come from its declaration in src/actions/.
import { createHash, randomUUID } from 'node:crypto';

import { isPrerequisiteOnly } from '../actions/action-kind.js';
import { isDeleteKind, kindOf, targetsOf } from '../actions/action-kinds.js';
import { existingFlowLogVerdict, replacedResources } from '../actions/create-flow-logs.js';
import type { AwsClients, CreateFlowLogsResult, DeleteFlowLogsResult } from '../aws/api.js';
import { classifyAwsError, denialHint, writeOutcomeUnknown, type ClassifiedAwsError } from '../aws/errors.js';
import { isUnreadable, roleOf, unreadableRegions, type Inventory } from '../inventory/types.js';
import { actionNumber, type CreateFlowLogsAction, type DeleteFlowLogsAction, type Plan, type PlanAction } from '../plan/types.js';
import { systemClock, type Clock } from '../util/clock.js';
import { groupBy } from '../util/collections.js';
import type { WorkStatusSink } from '../util/work-status.js';
import type { ApplyReport, DryRunCall, DryRunProbe, Outcome } from './types.js';

export interface ApplyOptions {
  clients: AwsClients;
  /** Live state read just before applying (the plan's regions). */
  live: Inventory;
  dryRun: boolean;
  /** Aborted on Ctrl-C: the call in flight finishes, nothing more starts. */
  signal?: AbortSignal;
  /** How long to keep retrying "Unable to assume given IAM role" after CreateRole (IAM propagation). */
  roleRetryWindowMs?: number;
  clock?: Clock;
  /** What the run is at (actions done of the plan's, where; the IAM propagation wait), for a person watching. */
  status?: WorkStatusSink;
}

export const ROLE_RETRY_WINDOW_MS = 120_000;
/** An existing role whose policy this run changed, or that a run just before created: retry it for less long. */
const CHANGED_ROLE_RETRY_WINDOW_MS = 30_000;
/** Rounds of "AWS says it exists → look → retry the ids that have nothing" before giving up. */
const MAX_ALREADY_EXISTS_ROUNDS = 3;

/** What a write that took effect is reported as: a delete says so ('deleted'), everything else is 'applied'. */
const doneStatus = (action: PlanAction): Outcome['status'] => (isDeleteKind(action.kind) ? 'deleted' : 'applied');

const isAssumeRoleError = (message: string | undefined) => /unable to assume given iam role/i.test(message ?? '');

export const outcome = (action: PlanAction, resourceId: string, status: Outcome['status'], detail?: string): Outcome => ({
  actionId: action.id,
  kind: action.kind,
  region: action.region,
  resourceId,
  status,
  ...(detail ? { detail } : {}),
});

/** What applyPlan reads of a plan: a rollback plan (src/plan/build-rollback.ts) has no settings of its own. */
export type ExecutablePlan = Pick<Plan, 'accountId' | 'partition' | 'actions'>;

export async function applyPlan(plan: ExecutablePlan, options: ApplyOptions): Promise<ApplyReport> {
  const outcomes: Outcome[] = [];
  const dryRunProbes: DryRunProbe[] = [];
  const dryRunCalls: DryRunCall[] = [];
  // BLOCKER keys (src/actions/action-kind.ts) → why dependent actions cannot run
  const blockers = new Map<string, string>();
  // '<region>:<name>' of log groups CreateLogGroup found already there: someone else's since the live read.
  const foundExisting = new Set<string>();
  const flowLogWork = remainingFlowLogWork(plan, options.live);
  // Tokens are per run: a retry inside the run is idempotent, while a later run never gets an
  // earlier run's cached answer replayed (live state, re-read first, is what keeps re-runs safe).
  const runId = randomUUID();
  const clock = options.clock ?? systemClock;
  const aborted = () => options.signal?.aborted === true;
  const scopeOf = (action: PlanAction) => ({ partition: plan.partition, accountId: plan.accountId, region: action.region });
  // IAM propagation is waited for only where this run changed the role: created it, or put its policy.
  const roleChanges = new Set<'created' | 'policy-put'>();
  const noteRoleChange = (action: PlanAction) => {
    const change = kindOf(action).changesRole;
    if (change) roleChanges.add(change);
  };
  let actionsDone = 0;
  const phase = options.dryRun ? 'Dry run' : plan.actions.some((a) => !isDeleteKind(a.kind)) ? 'Applying' : 'Deleting';
  const showProgress = (region: string) =>
    options.status?.({ phase, done: actionsDone, total: plan.actions.length, account: plan.accountId, ...(region !== 'global' ? { region } : {}) });

  /** Every outcome goes through here, so a failed prerequisite always blocks what depends on it. */
  const record = (o: Outcome) => {
    outcomes.push(o);
    if (o.status !== 'failed') return;
    for (const { key, why } of kindOf(o).blocks?.(o) ?? []) blockers.set(key, why);
  };
  const recordAll = (action: PlanAction, ids: string[], status: Outcome['status'], extra: Partial<Outcome> = {}) => {
    for (const id of ids) record({ ...outcome(action, id, status), ...extra });
  };
  const fail = (action: PlanAction, ids: string[], err: unknown, note?: string) => {
    const classified = classifyAwsError(err);
    const hint = classified.kind === 'access-denied' ? deniedHint(action, classified) : note;
    recordAll(action, ids, 'failed', { code: classified.code, message: classified.message, ...(hint ? { hint } : {}) });
  };
  /**
   * A bare denial ("Access denied") must still say what to grant, and where; a grant is only the fix when
   * no organization policy, boundary or Deny statement refused (denialHint).
   */
  const deniedHint = (action: PlanAction, { code, message, action: iamAction, denial }: ClassifiedAwsError): string => {
    const grant =
      kindOf(action).deniedHint?.(action.input, { code, message }, scopeOf(action)) ??
      `grant ${iamAction ?? action.permissions.join(', ')} in ${action.region}`;
    return denialHint(denial, grant);
  };

  /**
   * A write that failed without saying whether AWS carried it out is settled by reading live state
   * again, never guessed: reporting "failed" for work that is in place would contradict verification.
   */
  async function failOrConfirm(action: PlanAction, ids: string[], err: unknown): Promise<void> {
    if (!writeOutcomeUnknown(err)) return fail(action, ids, err);
    let inPlace: Set<string>;
    try {
      inPlace = new Set(await kindOf(action).tookEffect(options.clients, action.region, action.input, ids, action.because));
    } catch (readErr) {
      const { code, message } = classifyAwsError(readErr);
      return fail(action, ids, err, `whether it took effect is unknown: re-reading failed with ${code}: ${message}; run apply again to settle it`);
    }
    if (inPlace.size > 0) noteRoleChange(action);
    recordAll(
      action,
      ids.filter((id) => inPlace.has(id)),
      doneStatus(action),
      { detail: 'confirmed by re-reading after a dropped connection' },
    );
    fail(
      action,
      ids.filter((id) => !inPlace.has(id)),
      err,
    );
  }

  /** The role was created (by an earlier run, say one that gave up waiting) within the last propagation window. */
  const roleJustCreated = (): boolean => {
    const createdAt = roleOf(options.live)?.createdAt;
    return createdAt !== undefined && clock.now() - Date.parse(createdAt) < ROLE_RETRY_WINDOW_MS;
  };

  /** Waits, but wakes up at once on Ctrl-C. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (aborted()) return resolve();
      options.signal?.addEventListener('abort', () => resolve(), { once: true });
      void clock.sleep(ms).then(() => resolve());
    });

  /** One action, then the status counts it. */
  async function carryOut(action: PlanAction): Promise<void> {
    showProgress(action.region);
    await run(action);
    actionsDone++;
    showProgress(action.region);
  }

  async function run(action: PlanAction): Promise<void> {
    if (isUnreadable(options.live, action.region)) {
      const error = action.region === 'global' ? unreadableRole(options.live) : unreadableRegions(options.live).find((r) => r.region === action.region)!.error;
      return recordAll(action, targetsOf(action), 'failed', { code: error.code, message: `live state unreadable: ${error.message}` });
    }
    const targets = targetsOf(action);
    const verdicts = kindOf(action).reconcile(action, options.live);
    const ids: string[] = [];
    verdicts.forEach((verdict, i) => {
      const id = targets[i]!;
      if (verdict.status === 'todo') ids.push(id);
      else if (verdict.status === 'failed') record({ ...outcome(action, id, 'failed'), code: verdict.code, message: verdict.message });
      else record(outcome(action, id, verdict.status, verdict.detail));
    });
    // One target may be stopped while the others go ahead (an old flow log whose replacement was not shown).
    const perTarget = kindOf(action).blockedByTarget;
    if (perTarget) {
      for (const id of [...ids]) {
        const why = perTarget(action.input, action.region, id)
          .map((key) => blockers.get(key))
          .find((w) => w !== undefined);
        if (why === undefined) continue;
        ids.splice(ids.indexOf(id), 1);
        record(outcome(action, id, 'skipped', why));
      }
    }
    if (ids.length === 0) return;
    if (!isNeeded(action, flowLogWork)) return recordAll(action, ids, 'skipped', { detail: 'not needed: no flow log left to create here' });
    const blocker = blockerFor(action, blockers);
    if (blocker) return recordAll(action, ids, 'skipped', { detail: blocker });
    // The retention of a group this plan meant to create is only flowfix's to set if flowfix created it:
    // one that appeared since the live read may keep its logs longer, or forever. Never shorten it.
    if (
      action.kind === 'put-retention-policy' &&
      foundExisting.has(`${action.region}:${action.input.logGroupName}`) &&
      action.because.every((b) => b.kind === 'prerequisite')
    ) {
      return recordAll(action, ids, 'skipped', { detail: 'log group was created by someone else since the live read; its retention is left as is' });
    }
    if (aborted()) return recordAll(action, ids, 'not-started', { detail: 'interrupted before this call' });
    if (options.dryRun) {
      if (action.kind === 'create-flow-logs') await probe(action, ids);
      // The call once, each resource a line that points at it: output grows with resources, not their square.
      dryRunCalls.push(dryRunCall(action, ids));
      return recordAll(action, ids, 'dry-run', { detail: `would be sent in call ${actionNumber(action.id)}` });
    }
    if (action.kind === 'create-flow-logs') return createFlowLogs(action, ids);
    if (action.kind === 'delete-flow-logs') return deleteFlowLogs(action, ids);
    try {
      const input = kindOf(action).forTargets?.(action.input, ids) ?? action.input;
      const answer = await kindOf(action).send(options.clients, action.region, input);
      noteRoleChange(action);
      const failed = kindOf(action).failedTargets?.(input, answer, ids) ?? [];
      const failedIds = new Set(failed.map((f) => f.target));
      recordAll(
        action,
        ids.filter((id) => !failedIds.has(id)),
        doneStatus(action),
      );
      for (const f of failed) record({ ...outcome(action, f.target, 'failed'), code: f.code, message: f.message });
    } catch (err) {
      if (classifyAwsError(err).kind === 'already-exists') {
        if (action.kind === 'create-log-group') foundExisting.add(`${action.region}:${action.input.logGroupName}`);
        recordAll(action, ids, 'already-done', { detail: 'already exists' });
      } else if (isDeleteKind(action.kind) && classifyAwsError(err).kind === 'not-found') {
        // Deleted since the live read (another run, a person): what the delete was for.
        recordAll(action, ids, 'already-done', { detail: 'already gone' });
      } else await failOrConfirm(action, ids, err);
    }
  }

  async function probe(action: CreateFlowLogsAction, ids: string[]): Promise<void> {
    if (dryRunProbes.some((p) => p.region === action.region)) return;
    try {
      await options.clients.ec2(action.region).createFlowLogs({ ...action.input, ResourceIds: ids, DryRun: true });
      dryRunProbes.push({ region: action.region, allowed: true, code: 'DryRunOperation' });
    } catch (err) {
      const classified = classifyAwsError(err);
      const { kind, code, message } = classified;
      dryRunProbes.push(
        kind === 'dry-run-ok'
          ? { region: action.region, allowed: true, code }
          : { region: action.region, allowed: false, code, message: kind === 'access-denied' ? `${message} (${deniedHint(action, classified)})` : message },
      );
    }
  }

  async function createFlowLogs(action: CreateFlowLogsAction, ids: string[]): Promise<void> {
    const ec2 = options.clients.ec2(action.region);
    // A role this run did not touch, and no run created moments ago, is not propagating: "Unable to assume"
    // is then its trust policy, said at once.
    const changedWindow = roleChanges.has('created') ? Infinity : roleChanges.has('policy-put') || roleJustCreated() ? CHANGED_ROLE_RETRY_WINDOW_MS : 0;
    const windowMs = Math.min(options.roleRetryWindowMs ?? ROLE_RETRY_WINDOW_MS, changedWindow);
    const started = clock.now();
    let remaining = ids;
    let alreadyExistsRounds = 0;
    for (let attempt = 0; remaining.length > 0; attempt++) {
      if (aborted()) return recordAll(action, remaining, 'not-started', { detail: 'interrupted before this call' });
      let result: CreateFlowLogsResult;
      try {
        result = await ec2.createFlowLogs({ ...action.input, ResourceIds: remaining, ClientToken: clientToken(action, runId, attempt, remaining) });
      } catch (err) {
        const { kind, message } = classifyAwsError(err);
        if (kind === 'already-exists') {
          // Some emulators refuse the whole call for one duplicate, possibly after creating others.
          result = { flowLogIds: [], unsuccessful: remaining.map((resourceId) => ({ resourceId, code: 'FlowLogAlreadyExists', message })) };
        } else if (isAssumeRoleError(message)) {
          result = { flowLogIds: [], unsuccessful: remaining.map((resourceId) => ({ resourceId, code: 'InvalidParameter', message })) };
        } else {
          return failOrConfirm(action, remaining, err);
        }
      }
      const unsuccessful = new Set(result.unsuccessful.map((u) => u.resourceId));
      recordAll(
        action,
        remaining.filter((id) => !unsuccessful.has(id)),
        'applied',
      );

      const retry: string[] = [];
      const alreadyExists: string[] = [];
      const elapsed = clock.now() - started;
      for (const u of result.unsuccessful) {
        if (u.code === 'FlowLogAlreadyExists') alreadyExists.push(u.resourceId);
        else if (isAssumeRoleError(u.message) && elapsed < windowMs) retry.push(u.resourceId);
        else {
          const message = !isAssumeRoleError(u.message)
            ? u.message
            : windowMs > 0
              ? `${u.message}; still failing after ${Math.round(elapsed / 1000)}s (check the role's trust policy)`
              : `${u.message} (this run did not change the role, so it is not IAM propagation: check the role's trust policy)`;
          record({ ...outcome(action, u.resourceId, 'failed'), code: u.code, message });
        }
      }
      if (alreadyExists.length > 0) {
        for (const id of await settleAlreadyExists(action, alreadyExists, ++alreadyExistsRounds < MAX_ALREADY_EXISTS_ROUNDS)) retry.push(id);
      }
      remaining = retry;
      if (remaining.length === 0) break;
      // One line that counts the wait (never a line per retry): IAM has not yet propagated the role.
      options.status?.({ phase: 'Waiting for IAM to propagate the delivery role', account: plan.accountId, region: action.region });
      await pause(Math.min(2_000 * 2 ** attempt, 15_000));
    }
  }

  /** Per-id failures are in `Unsuccessful`, as for CreateFlowLogs; one already gone is what was wanted. */
  async function deleteFlowLogs(action: DeleteFlowLogsAction, ids: string[]): Promise<void> {
    let result: DeleteFlowLogsResult;
    try {
      result = await options.clients.ec2(action.region).deleteFlowLogs({ FlowLogIds: ids });
    } catch (err) {
      return failOrConfirm(action, ids, err);
    }
    const unsuccessful = new Map(result.unsuccessful.map((u) => [u.resourceId, u]));
    for (const id of ids) {
      const u = unsuccessful.get(id);
      if (!u) record(outcome(action, id, 'deleted'));
      else if (/NotFound/i.test(u.code)) record(outcome(action, id, 'already-done', 'already deleted'));
      else record({ ...outcome(action, id, 'failed'), code: u.code, message: u.message });
    }
  }

  /**
   * "FlowLogAlreadyExists" is only a claim: look. Done if a flow log that counts is there; blocked if a
   * non-working one to the same destination is; ids with nothing at all are returned to try again.
   */
  async function settleAlreadyExists(action: CreateFlowLogsAction, ids: string[], mayRetry: boolean): Promise<string[]> {
    let flowLogsOf;
    try {
      flowLogsOf = groupBy(await options.clients.ec2(action.region).listFlowLogs(), (f) => f.resourceId);
    } catch (err) {
      fail(action, ids, err);
      return [];
    }
    const tryAgain: string[] = [];
    const replacing = replacedResources(action.because);
    for (const id of ids) {
      const verdict = existingFlowLogVerdict(flowLogsOf.get(id) ?? [], action.input, true, replacing.has(id));
      if (verdict.kind === 'working') record(outcome(action, id, 'already-done', `has working flow log ${verdict.flowLogId}`));
      else if (verdict.kind === 'blocking') record({ ...outcome(action, id, 'failed'), code: 'FlowLogAlreadyExists', message: verdict.message });
      else if (mayRetry) tryAgain.push(id);
      else
        record({
          ...outcome(action, id, 'failed'),
          code: 'FlowLogAlreadyExists',
          message: 'AWS keeps answering FlowLogAlreadyExists but lists no flow log on it',
        });
    }
    return tryAgain;
  }

  // Global creates (the role) come before the regions that use it; global deletes (the role, its policy)
  // after the regions whose flow logs used it are done.
  const global = plan.actions.filter((a) => a.region === 'global');
  for (const action of global.filter((a) => !isDeleteKind(a.kind))) await carryOut(action);
  const byRegion = [
    ...groupBy(
      plan.actions.filter((a) => a.region !== 'global'),
      (a) => a.region,
    ).values(),
  ];
  // Every region at once: AWS throttles per account and region, so regions do not slow each other. A
  // region's actions go one after another (each may need the one before), so a region never has more
  // than one call in flight: within any --concurrency (calls in flight per region).
  await Promise.all(
    byRegion.map(async (actions) => {
      for (const action of actions) await carryOut(action);
    }),
  );
  for (const action of global.filter((a) => isDeleteKind(a.kind))) await carryOut(action);
  // Regions run side by side, so results arrive interleaved: report them in the plan's order (01, 02, …).
  const order = new Map(plan.actions.map((a, i) => [a.id, i]));
  const inPlanOrder = <T extends { actionId: string }>(items: T[]) => items.sort((a, b) => order.get(a.actionId)! - order.get(b.actionId)!);
  return { outcomes: inPlanOrder(outcomes), dryRunCalls: inPlanOrder(dryRunCalls), dryRunProbes, interrupted: aborted() };
}

function unreadableRole(live: Inventory) {
  return live.role.status === 'unreadable' ? live.role.error : { code: 'Unknown', message: 'role could not be read' };
}

/** Regions (and 'global') where work that needs the prerequisites is still to do after the live re-check. */
function remainingFlowLogWork(plan: ExecutablePlan, live: Inventory): Set<string> {
  const work = new Set<string>();
  for (const action of plan.actions) {
    const places = kindOf(action).needsPrerequisitesIn?.(action.input, action.region) ?? [];
    if (places.length === 0) continue;
    if (
      isUnreadable(live, action.region) ||
      kindOf(action)
        .reconcile(action, live)
        .some((v) => v.status === 'todo')
    )
      places.forEach((p) => work.add(p));
  }
  return work;
}

/** Prerequisites (role, policy, flowfix's log group) only matter where a flow log will still be created. */
function isNeeded(action: PlanAction, flowLogWork: Set<string>): boolean {
  return !isPrerequisiteOnly(action.because) || flowLogWork.has(action.region);
}

function blockerFor(action: PlanAction, blockers: Map<string, string>): string | undefined {
  return (kindOf(action).blockedBy?.(action.input, action.region) ?? []).map((key) => blockers.get(key)).find((why) => why !== undefined);
}

/** Derived from the plan's token, this run, the attempt and the ids: ≤64 ASCII characters. */
function clientToken(action: CreateFlowLogsAction, runId: string, attempt: number, ids: string[]): string {
  const digest = createHash('sha256')
    .update(`${action.input.ClientToken}|${runId}|${attempt}|${ids.join(',')}`)
    .digest('hex');
  return `flowfix-${digest.slice(0, 56)}`;
}

function dryRunCall(action: PlanAction, ids: string[]): DryRunCall {
  const input = kindOf(action).forTargets?.(action.input, ids) ?? action.input;
  return { actionId: action.id, region: action.region, call: `${action.service}:${action.operation}`, input };
}
