// `flowfix rollback`: read what flowfix created (tagged ManagedBy=flowfix) in one account or many, plan
// its deletion (src/plan/build-rollback.ts), and carry it out with the same executor as apply.
import { applyPlan } from '../apply/apply-plan.js';
import type { ApplyReport } from '../apply/types.js';
import type { AwsClients, AwsSession } from '../aws/api.js';
import { classifyAwsError, isAwsOrNetworkError } from '../aws/errors.js';
import { DEFAULT_SETTINGS, isManagedByFlowfix, isMultiAccount, type Settings } from '../config/settings.js';
import { FlowfixError } from '../errors.js';
import { collectInventory } from '../inventory/collect-inventory.js';
import { readRegions, roleOf, type AwsProblem, type Inventory } from '../inventory/types.js';
import { buildRollbackPlan, type OwnFlowLogShape, type RollbackInput, type RollbackPlan } from '../plan/build-rollback.js';
import { roleArn } from '../actions/action-kind.js';
import { s3DestinationArn } from '../actions/create-flow-logs.js';
import type { AccountRollbackDocument } from '../report/rollback-report.js';
import type { PlanAction } from '../plan/types.js';
import { mapWithConcurrency, type Limiter } from '../util/concurrency.js';
import { chooseAccounts, forEachAccount, type AccountOutcome, type AccountTarget } from './accounts.js';
import type { WorkflowDeps } from './deps.js';
import { EXIT, type ExitCode } from './exit-codes.js';

export interface RollbackOptions {
  deleteLogGroups: boolean;
  /** Regions an organization policy denies hold no flowfix flow logs: they do not keep the role. */
  deniedRegionsHoldNothing?: boolean;
}

export interface AccountRollbackPlan {
  plan: RollbackPlan;
  live: Inventory;
  clients: AwsClients;
}

/** Reads one account and plans what rollback deletes there. Never writes. */
export async function planRollback(clients: AwsClients, settings: Settings, options: RollbackOptions, deps: Pick<WorkflowDeps, 'signal' | 'progress'>, limiter?: Limiter): Promise<AccountRollbackPlan> {
  // The role is read whatever the destination setting: an S3 run may follow a CloudWatch Logs one.
  const readSettings: Settings = settings.destination.type === 'cloud-watch-logs' ? settings : { ...settings, destination: DEFAULT_SETTINGS.destination };
  const live = await collectInventory(clients, readSettings, { ...(limiter ? { limiter } : {}), ...(deps.signal ? { signal: deps.signal } : {}), ...(deps.progress ? { progress: deps.progress } : {}) });
  const ownGroup = readSettings.destination.type === 'cloud-watch-logs' ? readSettings.destination.logGroupName : undefined;

  // With --regions, the other regions' flow logs may still use the role: read them for that alone.
  const otherRegions: RollbackInput['otherRegions'] = [];
  if (settings.regions) {
    const { enabled } = await clients.listEnabledRegions();
    const others = enabled.filter((r) => !settings.regions!.includes(r));
    otherRegions.push(...(await mapWithConcurrency(others, settings.concurrency, async (region) => {
      try {
        return { region, flowLogs: await clients.ec2(region).listFlowLogs() };
      } catch (err) {
        const deniedBy = err instanceof FlowfixError || !isAwsOrNetworkError(err) ? undefined : classifyAwsError(err).deniedBy;
        return { region, flowLogs: null, error: problemOf(err), ...(deniedBy ? { deniedBy } : {}) };
      }
    })));
  }

  // The log group flowfix creates under these settings, and no other (another deployment's group is
  // that deployment's). Its tags tell whether flowfix created it; unknown tags mean "not known to be flowfix's".
  const logGroupTags: RollbackInput['logGroupTags'] = {};
  await mapWithConcurrency(readRegions(live), settings.concurrency, async (region) => {
    const names = ownGroup && settings.destination.type === 'cloud-watch-logs' ? [ownGroup] : [];
    const tags: Record<string, Record<string, string>> = {};
    for (const name of names) {
      const group = region.logGroups[name];
      if (!group?.arn) continue;
      const read = group.tags ?? (await clients.logs(region.region).listTags(group.arn).catch(() => undefined));
      if (read) tags[name] = read;
    }
    logGroupTags[region.region] = tags;
  });

  const plan = buildRollbackPlan({ live, otherRegions, logGroupTags, roleName: settings.roleName, policyName: settings.policyName, own: ownFlowLogShape(settings, live), deleteLogGroups: options.deleteLogGroups, deniedRegionsHoldNothing: options.deniedRegionsHoldNothing === true });
  return { plan, live, clients };
}

/** The flow logs an apply with these settings creates: to its log group through its role, or to its bucket/prefix. */
function ownFlowLogShape(settings: Settings, live: Inventory): OwnFlowLogShape {
  const { destination } = settings;
  if (destination.type === 's3') return { s3Destination: s3DestinationArn(live.partition, destination.bucket, destination.prefix) };
  const role = roleOf(live);
  return { logGroupName: destination.logGroupName, roleArn: role?.arn ?? roleArn({ partition: live.partition, accountId: live.accountId }, settings.roleName, settings.rolePath) };
}

function problemOf(err: unknown): AwsProblem {
  if (err instanceof FlowfixError) return { code: err.code, message: err.message };
  if (!isAwsOrNetworkError(err)) throw err;
  const { code, message } = classifyAwsError(err);
  return { code, message };
}

/** Every account the settings name (one without --org/--accounts), each read and planned. */
export async function planRollbackAccounts(
  settings: Settings,
  session: AwsSession | undefined,
  options: RollbackOptions,
  deps: WorkflowDeps,
): Promise<AccountOutcome<AccountRollbackPlan>[]> {
  if (!isMultiAccount(settings)) {
    const planned = await planRollback(deps.clients, settings, options, deps);
    return [{ accountId: planned.plan.accountId, status: 'done', value: planned }];
  }
  if (!session) throw new FlowfixError('NoSession', '--org and --accounts need AWS, not a snapshot', { hint: 'drop --snapshot' });
  const choice = await chooseAccounts(settings, session);
  return forEachAccount(choice, settings, session, { ...deps, concurrency: settings.concurrency }, async (clients, account, limiter) => {
    const planned = await planRollback(clients, settings, options, { ...(deps.signal ? { signal: deps.signal } : {}) }, limiter);
    if (planned.plan.accountId !== account.accountId) {
      throw new FlowfixError('WrongAccount', `role ${settings.assumeRole} in ${account.accountId} answered as account ${planned.plan.accountId}`, { hint: 'check the account id and the role' });
    }
    return planned;
  });
}

/** One account's rollback, as the report shows it (the document's account entry without its identity). */
export type AccountRollbackValue = Omit<AccountRollbackDocument, keyof AccountTarget | 'status' | 'actions'> & { actions: PlanAction[] };
export type AccountRollbackResult = AccountOutcome<AccountRollbackValue>;

/** Carries out each account's rollback plan, one account after another; after Ctrl-C the rest are not started. */
export async function executeRollback(
  accounts: AccountOutcome<AccountRollbackPlan>[],
  request: { dryRun: boolean; concurrency: number; failOnDeniedRegions?: boolean },
  deps: Pick<WorkflowDeps, 'signal' | 'clock'>,
  onAccount?: (account: AccountTarget, plan: RollbackPlan, report: ApplyReport) => void,
): Promise<{ accounts: AccountRollbackResult[]; exitCode: ExitCode }> {
  const results: AccountRollbackResult[] = [];
  for (const outcome of accounts) {
    if (outcome.status !== 'done') {
      results.push(outcome);
      continue;
    }
    const target = { accountId: outcome.accountId, ...(outcome.name ? { name: outcome.name } : {}) };
    if (deps.signal?.aborted) {
      results.push({ ...target, status: 'not-started' });
      continue;
    }
    const { plan, live, clients } = outcome.value;
    const report = await applyPlan(plan, {
      clients,
      live,
      dryRun: request.dryRun,
      concurrency: request.concurrency,
      clock: deps.clock,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    onAccount?.(target, plan, report);
    const failed = report.outcomes.some((o) => o.status === 'failed');
    // Regions an organization policy denies are kept, named, and fail the run only with --fail-on-denied-regions.
    const unread = plan.kept.some((k) => k.type === 'region' && (!k.deniedBy || request.failOnDeniedRegions === true)) || live.role.status === 'unreadable';
    const exitCode = report.interrupted ? EXIT.interrupted : failed || unread ? EXIT.error : EXIT.ok;
    results.push({
      ...target,
      status: 'done',
      value: { actions: plan.actions, kept: plan.kept, bytesToDelete: plan.bytesToDelete, outcomes: report.outcomes, dryRunCalls: report.dryRunCalls, interrupted: report.interrupted, exitCode },
    });
  }
  return { accounts: results, exitCode: rollbackExitCode(results) };
}

function rollbackExitCode(accounts: AccountRollbackResult[]): ExitCode {
  if (accounts.some((a) => a.status === 'not-started' || (a.status === 'done' && a.value.exitCode === EXIT.interrupted))) return EXIT.interrupted;
  return accounts.every((a) => a.status === 'done' && a.value.exitCode === EXIT.ok) ? EXIT.ok : EXIT.error;
}
