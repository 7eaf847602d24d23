// `flowfix rollback`: read what flowfix created (tagged ManagedBy=flowfix) in one account or many, plan
// its deletion (src/plan/build-rollback.ts), and carry it out with the same executor as apply.
import { applyPlan } from '../apply/apply-plan.js';
import type { ApplyReport } from '../apply/types.js';
import type { AwsClients } from '../aws/api.js';
import { classifyAwsError, isAwsOrNetworkError } from '../aws/errors.js';
import { DEFAULT_SETTINGS, isManagedByFlowfix, type Settings } from '../config/settings.js';
import { FlowfixError } from '../errors.js';
import { collectInventory, type CollectOptions } from '../inventory/collect-inventory.js';
import { readLogArchive, type LogArchiveTarget } from '../inventory/log-archive.js';
import { readRegions, roleOf, type AwsProblem, type Inventory } from '../inventory/types.js';
import { buildRollbackPlan, type RollbackInput, type RollbackPlan } from '../plan/build-rollback.js';
import type { AccountOutcome, AccountTarget } from '../report/org-report.js';
import type { AccountRollbackValue } from '../report/rollback-report.js';
import { ownFlowLogShape } from '../rules/own-flow-logs.js';
import { chooseAccounts, forEachAccount, inTurn, readingRegions, type AccountChoice, type AccountSource } from './accounts.js';
import type { WorkflowDeps } from './deps.js';
import { EXIT } from './exit-codes.js';

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
export async function planRollback(
  clients: AwsClients,
  settings: Settings,
  options: RollbackOptions,
  deps: Pick<WorkflowDeps, 'signal'> & Pick<CollectOptions, 'progress'>,
  bucket?: LogArchiveTarget,
): Promise<AccountRollbackPlan> {
  // The role is read whatever the destination setting: an S3 run may follow a CloudWatch Logs one.
  const readSettings: Settings = settings.destination.type === 'cloud-watch-logs' ? settings : { ...settings, destination: DEFAULT_SETTINGS.destination };
  const live = await collectInventory(clients, readSettings, {
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.progress ? { progress: deps.progress } : {}),
  });
  const ownGroup = readSettings.destination.type === 'cloud-watch-logs' ? readSettings.destination.logGroupName : undefined;

  // With --regions, the other regions' flow logs may still use the role: read them for that alone.
  const otherRegions: RollbackInput['otherRegions'] = [];
  if (settings.regions) {
    const { enabled } = await clients.listEnabledRegions();
    const others = enabled.filter((r) => !settings.regions!.includes(r));
    otherRegions.push(
      // One call per region, every region at once (regions do not share AWS's rate limits).
      ...(await Promise.all(
        others.map(async (region) => {
          try {
            return { region, flowLogs: await clients.ec2(region).listFlowLogs() };
          } catch (err) {
            const deniedBy = err instanceof FlowfixError || !isAwsOrNetworkError(err) ? undefined : classifyAwsError(err).deniedBy;
            return { region, flowLogs: null, error: problemOf(err), ...(deniedBy ? { deniedBy } : {}) };
          }
        }),
      )),
    );
  }

  // The log group flowfix creates under these settings, and no other (another deployment's group is
  // that deployment's). Its tags tell whether flowfix created it; unknown tags mean "not known to be flowfix's".
  const logGroupTags: RollbackInput['logGroupTags'] = {};
  // At most one call per region, every region at once.
  await Promise.all(
    readRegions(live).map(async (region) => {
      const names = ownGroup && settings.destination.type === 'cloud-watch-logs' ? [ownGroup] : [];
      const tags: Record<string, Record<string, string>> = {};
      for (const name of names) {
        const group = region.logGroups[name];
        if (!group?.arn) continue;
        const read =
          group.tags ??
          (await clients
            .logs(region.region)
            .listTags(group.arn)
            .catch(() => undefined));
        if (read) tags[name] = read;
      }
      logGroupTags[region.region] = tags;
    }),
  );

  // DeleteRole's prerequisites, read before anything is deleted: a role with attachments is kept whole.
  const role = roleOf(live);
  let roleAttachments: RollbackInput['roleAttachments'];
  if (role && isManagedByFlowfix(role.tags)) {
    try {
      roleAttachments = await clients.iam().listRoleAttachments(role.roleName, deps.signal ? { signal: deps.signal } : undefined);
    } catch (err) {
      roleAttachments = { error: problemOf(err) };
    }
  }

  // The log-archive account: the central bucket's policy, read with the same clients.
  const archive = bucket && (await readLogArchive(clients, bucket, deps.signal ? { signal: deps.signal } : {}));
  const plan = buildRollbackPlan({
    live,
    ...(archive ? { bucket: archive } : {}),
    otherRegions,
    logGroupTags,
    ...(roleAttachments ? { roleAttachments } : {}),
    roleName: settings.roleName,
    policyName: settings.policyName,
    own: ownFlowLogShape(settings, live),
    deleteLogGroups: options.deleteLogGroups,
    deniedRegionsHoldNothing: options.deniedRegionsHoldNothing === true,
  });
  return { plan, live: archive ? { ...live, logArchive: archive } : live, clients };
}

function problemOf(err: unknown): AwsProblem {
  if (err instanceof FlowfixError) return { code: err.code, message: err.message };
  if (!isAwsOrNetworkError(err)) throw err;
  const { code, message } = classifyAwsError(err);
  return { code, message };
}

/** Every account the settings name (the caller's own without --org/--accounts), each read and planned. */
export async function planRollbackAccounts(
  settings: Settings,
  options: RollbackOptions,
  deps: WorkflowDeps & AccountSource,
): Promise<{ choice: AccountChoice; accounts: AccountOutcome<AccountRollbackPlan>[] }> {
  const choice = await chooseAccounts(settings, deps);
  const one = choice.targets.length === 1;
  const { destination, logArchiveAccount } = settings;
  const bucket =
    destination.type === 's3' && logArchiveAccount
      ? { accountId: logArchiveAccount, bucket: destination.bucket, prefix: destination.prefix, deliveringAccounts: choice.targets.map((t) => t.accountId) }
      : undefined;
  const accounts = await forEachAccount(
    choice,
    settings,
    deps,
    ({ clients, account }) =>
      planRollback(
        clients,
        settings,
        options,
        {
          ...(deps.signal ? { signal: deps.signal } : {}),
          ...(one && deps.status ? { progress: readingRegions(deps.status) } : {}),
        },
        account.accountId === logArchiveAccount ? bucket : undefined,
      ),
    (planned) => planned.plan.accountId,
  );
  // The log-archive account last: its bucket keeps letting the members' flow logs in until they are deleted.
  const last = (a: AccountOutcome<AccountRollbackPlan>) => (a.accountId === logArchiveAccount ? 1 : 0);
  return { choice, accounts: [...accounts].sort((a, b) => last(a) - last(b)) };
}

/** Carries out each account's rollback plan, one account after another; after Ctrl-C the rest are not started. */
export function executeRollback(
  accounts: AccountOutcome<AccountRollbackPlan>[],
  request: { dryRun: boolean; failOnDeniedRegions?: boolean },
  deps: Pick<WorkflowDeps, 'signal' | 'clock' | 'status'>,
  onAccount?: (account: AccountTarget, plan: RollbackPlan, report: ApplyReport) => void,
): Promise<AccountOutcome<AccountRollbackValue>[]> {
  return inTurn(accounts, deps.signal, async ({ plan, live, clients }, account) => {
    const report = await applyPlan(plan, {
      clients,
      live,
      dryRun: request.dryRun,
      clock: deps.clock,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.status ? { status: deps.status } : {}),
    });
    // The live line goes before the account's report is printed.
    deps.status?.(undefined);
    onAccount?.(account, plan, report);
    const failed = report.outcomes.some((o) => o.status === 'failed');
    // Regions an organization policy denies are kept, named, and fail the run only with --fail-on-denied-regions.
    const unread = plan.kept.some((k) => k.type === 'region' && (!k.deniedBy || request.failOnDeniedRegions === true)) || live.role.status === 'unreadable';
    const exitCode = report.interrupted ? EXIT.interrupted : failed || unread ? EXIT.error : EXIT.ok;
    return {
      actions: plan.actions,
      kept: plan.kept,
      bytesToDelete: plan.bytesToDelete,
      outcomes: report.outcomes,
      dryRunCalls: report.dryRunCalls,
      interrupted: report.interrupted,
      exitCode,
    };
  });
}
