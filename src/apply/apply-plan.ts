// The only writer: carries out a plan action by action. It never re-decides what to do; it only skips
// what live state shows is already done, and keeps going past a failed resource or region.
import { createHash } from 'node:crypto';
import type { AwsClients, CreateFlowLogsResult } from '../aws/api.js';
import { classifyAwsError } from '../aws/errors.js';
import type { Inventory } from '../inventory/types.js';
import type { CreateFlowLogsAction, Plan, PlanAction } from '../plan/types.js';
import { groupBy } from '../util/collections.js';
import { mapWithConcurrency } from '../util/concurrency.js';
import { reconcile, targetOf } from './reconcile.js';
import type { ApplyReport, Outcome } from './types.js';

export interface ApplyOptions {
  clients: AwsClients;
  /** Live state read just before applying (the plan's regions). */
  live: Inventory;
  dryRun: boolean;
  concurrency: number;
  /** Aborted on Ctrl-C: the call in flight finishes, nothing more starts. */
  signal?: AbortSignal;
  onOutcome?: (outcome: Outcome) => void;
  /** How long to keep retrying "Unable to assume given IAM role" after CreateRole (IAM propagation). */
  roleRetryWindowMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const ROLE_RETRY_WINDOW_MS = 120_000;
const PASS_ROLE_HINT = 'grant ec2:CreateFlowLogs, ec2:CreateTags and iam:PassRole on the delivery role (policies/operator-apply.json)';

const isAssumeRoleError = (message: string | undefined) => /unable to assume given iam role/i.test(message ?? '');

export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyReport> {
  const outcomes: Outcome[] = [];
  const dryRunProbes: ApplyReport['dryRunProbes'] = [];
  const record = (o: Outcome) => {
    outcomes.push(o);
    options.onOutcome?.(o);
  };
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const aborted = () => options.signal?.aborted === true;
  const blockers = new Map<string, string>(); // prerequisite kind → why later actions cannot run
  const flowLogWork = remainingFlowLogWork(plan, options.live);
  let roleCreatedNow = false;

  const notStarted = (action: PlanAction, ids: string[]) =>
    ids.forEach((id) => record({ actionId: action.id, kind: action.kind, region: action.region, resourceId: id, status: 'not-started', detail: 'interrupted before this call' }));

  const fail = (action: PlanAction, ids: string[], err: unknown, hint?: string) => {
    const { kind, code, message, action: iamAction } = classifyAwsError(err);
    // A bare denial ("Access denied") must still say what to grant, and where.
    const grant = kind === 'access-denied' && !hint ? `grant ${iamAction ?? action.permissions.join(', ')} in ${action.region}` : hint;
    for (const id of ids) record({ actionId: action.id, kind: action.kind, region: action.region, resourceId: id, status: 'failed', code, message: grant ? `${message} (${grant})` : message });
  };

  async function run(action: PlanAction): Promise<void> {
    const regionError = options.live.regionErrors.find((e) => e.region === action.region);
    const pending = regionError ? { settled: [], remainingIds: [targetOf(action)], done: false } : reconcile(action, options.live);
    pending.settled.forEach(record);
    if (pending.done) return;
    const ids = action.kind === 'create-flow-logs' ? pending.remainingIds : [targetOf(action)];
    if (regionError) {
      for (const id of ids) record({ actionId: action.id, kind: action.kind, region: action.region, resourceId: id, status: 'failed', code: regionError.code, message: `live state unreadable: ${regionError.message}` });
      return;
    }
    if (!isNeeded(action, flowLogWork)) {
      for (const id of ids) record({ actionId: action.id, kind: action.kind, region: action.region, resourceId: id, status: 'skipped', detail: 'not needed: no flow log left to create here' });
      return;
    }
    const blocker = blockerFor(action, blockers);
    if (blocker) {
      for (const id of ids) record({ actionId: action.id, kind: action.kind, region: action.region, resourceId: id, status: 'skipped', detail: blocker });
      return;
    }
    if (aborted()) return notStarted(action, ids);
    if (options.dryRun) {
      if (action.kind === 'create-flow-logs') await probe(action, ids);
      for (const id of ids) record({ actionId: action.id, kind: action.kind, region: action.region, resourceId: id, status: 'dry-run', detail: describeCall(action, ids) });
      return;
    }
    if (action.kind === 'create-flow-logs') return createFlowLogs(action, ids);
    try {
      await send(action);
      if (action.kind === 'create-role') roleCreatedNow = true;
      record({ actionId: action.id, kind: action.kind, region: action.region, resourceId: ids[0]!, status: 'applied' });
    } catch (err) {
      if (classifyAwsError(err).kind === 'already-exists') {
        record({ actionId: action.id, kind: action.kind, region: action.region, resourceId: ids[0]!, status: 'already-done', detail: 'already exists' });
        return;
      }
      fail(action, ids, err);
      if (action.kind === 'create-role' || action.kind === 'put-role-policy') blockers.set('role', `delivery role not ready: ${action.operation} failed`);
      if (action.kind === 'create-log-group') blockers.set(`log-group:${action.region}`, `log group ${action.input.logGroupName} could not be created`);
    }
  }

  async function send(action: Exclude<PlanAction, CreateFlowLogsAction>): Promise<void> {
    switch (action.kind) {
      case 'create-role':
        await options.clients.iam().createRole(action.input);
        return;
      case 'put-role-policy':
        return options.clients.iam().putRolePolicy(action.input);
      case 'create-log-group':
        return options.clients.logs(action.region).createLogGroup(action.input);
      case 'put-retention-policy':
        return options.clients.logs(action.region).putRetentionPolicy(action.input);
    }
  }

  async function probe(action: CreateFlowLogsAction, ids: string[]): Promise<void> {
    if (dryRunProbes.some((p) => p.region === action.region)) return;
    try {
      await options.clients.ec2(action.region).createFlowLogs({ ...action.input, ResourceIds: ids, DryRun: true });
      dryRunProbes.push({ region: action.region, allowed: true, code: 'DryRunOperation' });
    } catch (err) {
      const { kind, code, message } = classifyAwsError(err);
      dryRunProbes.push(kind === 'dry-run-ok' ? { region: action.region, allowed: true, code } : { region: action.region, allowed: false, code, message: kind === 'access-denied' ? `${message} (${PASS_ROLE_HINT})` : message });
    }
  }

  async function createFlowLogs(action: CreateFlowLogsAction, ids: string[]): Promise<void> {
    const windowMs = roleCreatedNow ? (options.roleRetryWindowMs ?? ROLE_RETRY_WINDOW_MS) : Math.min(options.roleRetryWindowMs ?? ROLE_RETRY_WINDOW_MS, 30_000);
    const started = Date.now();
    let remaining = ids;
    for (let attempt = 0; remaining.length > 0; attempt++) {
      if (aborted()) return notStarted(action, remaining);
      const token = attempt === 0 && remaining.length === action.input.ResourceIds.length ? action.input.ClientToken : retryToken(action, remaining, attempt);
      let result: CreateFlowLogsResult;
      try {
        result = await options.clients.ec2(action.region).createFlowLogs({ ...action.input, ResourceIds: remaining, ClientToken: token });
      } catch (err) {
        const { kind, message } = classifyAwsError(err);
        if (kind === 'already-exists') {
          for (const id of remaining) record({ actionId: action.id, kind: action.kind, region: action.region, resourceId: id, status: 'already-done', detail: 'FlowLogAlreadyExists' });
          return;
        }
        if (!isAssumeRoleError(message)) return fail(action, remaining, err, kind === 'access-denied' ? PASS_ROLE_HINT : undefined);
        result = { flowLogIds: [], unsuccessful: remaining.map((resourceId) => ({ resourceId, code: 'InvalidParameter', message })) };
      }
      const failedIds = new Set(result.unsuccessful.map((u) => u.resourceId));
      for (const id of remaining) if (!failedIds.has(id)) record({ actionId: action.id, kind: action.kind, region: action.region, resourceId: id, status: 'applied' });
      const retry: string[] = [];
      for (const u of result.unsuccessful) {
        if (u.code === 'FlowLogAlreadyExists') record({ actionId: action.id, kind: action.kind, region: action.region, resourceId: u.resourceId, status: 'already-done', detail: 'FlowLogAlreadyExists' });
        else if (isAssumeRoleError(u.message) && Date.now() - started < windowMs) retry.push(u.resourceId);
        else {
          const message = isAssumeRoleError(u.message) ? `${u.message}; still failing after ${Math.round((Date.now() - started) / 1000)}s (check the role's trust policy)` : u.message;
          record({ actionId: action.id, kind: action.kind, region: action.region, resourceId: u.resourceId, status: 'failed', code: u.code, message });
        }
      }
      remaining = retry;
      if (remaining.length > 0) await sleep(Math.min(2_000 * 2 ** attempt, 15_000));
    }
  }

  const globalActions = plan.actions.filter((a) => a.region === 'global');
  for (const action of globalActions) await run(action);
  const byRegion = [...groupBy(plan.actions.filter((a) => a.region !== 'global'), (a) => a.region).values()];
  await mapWithConcurrency(byRegion, options.concurrency, async (actions) => {
    for (const action of actions) await run(action);
  });
  return { outcomes, dryRunProbes, interrupted: aborted() };
}

/** Regions (and 'global') where some create-flow-logs id still needs creating after live re-check. */
function remainingFlowLogWork(plan: Plan, live: Inventory): Set<string> {
  const unreadable = new Set(live.regionErrors.map((e) => e.region));
  const work = new Set<string>();
  for (const action of plan.actions) {
    if (action.kind !== 'create-flow-logs') continue;
    if (unreadable.has(action.region) || !reconcile(action, live).done) {
      work.add(action.region);
      if (action.input.LogDestinationType === 'cloud-watch-logs') work.add('global');
    }
  }
  return work;
}

/** Prerequisites (role, policy, flowfix's log group) only matter where a flow log will still be created. */
function isNeeded(action: PlanAction, flowLogWork: Set<string>): boolean {
  const prerequisiteOnly = action.because.every((b) => b.kind === 'prerequisite');
  return !prerequisiteOnly || flowLogWork.has(action.region);
}

function blockerFor(action: PlanAction, blockers: Map<string, string>): string | undefined {
  if (action.kind === 'put-role-policy') return blockers.get('role');
  if (action.kind === 'put-retention-policy') return blockers.get(`log-group:${action.region}`);
  if (action.kind !== 'create-flow-logs' || action.input.LogDestinationType === 's3') return undefined;
  return blockers.get('role') ?? blockers.get(`log-group:${action.region}`);
}

/** A retry with fewer ids or after a failure needs a new token: AWS would replay the first answer. */
function retryToken(action: CreateFlowLogsAction, ids: string[], attempt: number): string {
  const digest = createHash('sha256').update(`${action.input.ClientToken}|${attempt}|${ids.join(',')}`).digest('hex');
  return `flowfix-${digest.slice(0, 56)}`;
}

export function describeCall(action: PlanAction, ids: string[]): string {
  const input = action.kind === 'create-flow-logs' ? { ...action.input, ResourceIds: ids } : action.input;
  return `${action.service}:${action.operation} ${JSON.stringify(input)}`;
}
