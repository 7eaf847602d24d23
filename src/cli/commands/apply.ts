// `flowfix apply [PLAN]`: fresh or saved plan → consent → execute → re-read → verify.
import { applyPlan } from '../../apply/apply-plan.js';
import type { ApplyReport } from '../../apply/types.js';
import { verifyTargets, type Verification } from '../../apply/verify.js';
import type { AwsClients } from '../../aws/api.js';
import { toFlowfixError } from '../../aws/errors.js';
import type { Settings } from '../../config/settings.js';
import { FlowfixError } from '../../errors.js';
import type { Inventory } from '../../inventory/types.js';
import type { Io } from '../../io/io.js';
import { PromptCancelled, inquirerPrompter, type Prompter } from '../../io/prompter.js';
import { checkPlanIntegrity, readPlanFile, settingsFromPlan } from '../../plan/plan-file.js';
import type { Plan } from '../../plan/types.js';
import { loadPolicyTemplates } from '../../policy/templates.js';
import { renderApplyReport, renderPlanActions, renderVerification } from '../../render/apply.js';
import { styleFor } from '../../render/style.js';
import type { CommandOptions } from '../options.js';
import { connectAws } from '../read-estate.js';
import { EXIT } from '../exit-codes.js';
import { assessEstate, printReport } from './plan.js';

export interface ApplyDeps {
  prompter?: Prompter;
  clients?: AwsClients;
  /** Aborted on Ctrl-C; when absent, apply listens for SIGINT itself. */
  signal?: AbortSignal;
  roleRetryWindowMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** --wait: how long and how often to re-check delivery. */
  waitTimeoutMs?: number;
  waitIntervalMs?: number;
}

export interface ApplyRun {
  plan: Plan;
  report: ApplyReport;
  verification: Verification[];
  exitCode: number;
}

export async function applyCommand(options: CommandOptions, io: Io, deps: ApplyDeps = {}): Promise<number> {
  const json = options.format === 'json';
  if (json && !options.yes && !options.dryRun) {
    throw new FlowfixError('ConsentRequired', '--format json cannot ask for confirmation', {
      hint: 'add --yes to apply, or --dry-run to only check',
    });
  }
  // A saved plan is validated in full before the first AWS call.
  const saved = options.planFile ? await readCheckedPlan(options.planFile) : undefined;
  const clients = deps.clients ?? (await connectAws(options.settings, io));
  const { plan, live, settings } = saved
    ? await loadSavedPlan(saved, options.planFile!, options.settings, clients)
    : await freshPlan(options, io, clients);

  // Work the plan cannot do (e.g. an untrusted role) leaves resources non-compliant: say so, exit 1.
  const blocked = plan.blocked.length > 0 || live.regionErrors.length > 0;
  if (!json && options.planFile) for (const b of plan.blocked) io.stderr.write(`Blocked in ${b.region}: ${b.resourceIds.length} resources, because ${b.reason}\n`);
  if (plan.actions.length === 0) {
    const exitCode = blocked ? EXIT.error : EXIT.ok;
    if (json) writeJson(io, { plan, outcomes: [], dryRunProbes: [], interrupted: false, verification: [], regionErrors: live.regionErrors, exitCode });
    else io.stdout.write('Nothing to apply.\n');
    return exitCode;
  }
  if (options.planFile && !json) io.stdout.write(`${renderPlanActions(plan, styleFor(io.stdout, io.env), { width: io.stdout.isTTY ? io.stdout.columns : undefined })}\n`);
  if (!options.dryRun && !(await consented(options, io, deps.prompter, plan))) {
    io.stdout.write('Nothing was changed.\n');
    return EXIT.ok;
  }
  const run = await executePlan(plan, live, settings, clients, options, io, deps);
  const exitCode = run.exitCode === EXIT.ok && blocked ? EXIT.error : run.exitCode;
  if (json) writeJson(io, { plan, ...run.report, verification: run.verification, regionErrors: live.regionErrors, exitCode });
  return exitCode;
}

/** Bump on any incompatible change; documented in README "JSON output". */
export const APPLY_REPORT_SCHEMA = 'flowfix.apply-report/v1';

function writeJson(io: Io, body: object): void {
  io.stdout.write(`${JSON.stringify({ schema: APPLY_REPORT_SCHEMA, ...body }, null, 2)}\n`);
}

/** Shared by apply and guided: execute, report, re-read, verify. */
export async function executePlan(
  plan: Plan,
  live: Inventory,
  settings: Settings,
  clients: AwsClients,
  options: Pick<CommandOptions, 'dryRun' | 'wait' | 'format'>,
  io: Io,
  deps: ApplyDeps = {},
): Promise<ApplyRun> {
  const style = styleFor(io.stdout, io.env);
  const text = options.format !== 'json';
  const controller = new AbortController();
  const signal = deps.signal ?? controller.signal;
  const onSigint = () => {
    io.stderr.write('\nInterrupted: finishing the call in flight, starting nothing more…\n');
    controller.abort();
  };
  if (!deps.signal) process.once('SIGINT', onSigint);
  let report: ApplyReport;
  try {
    report = await applyPlan(plan, {
      clients,
      live,
      dryRun: options.dryRun,
      concurrency: settings.concurrency,
      signal,
      ...(deps.roleRetryWindowMs !== undefined ? { roleRetryWindowMs: deps.roleRetryWindowMs } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  if (text) io.stdout.write(`${renderApplyReport(report, style, { width: io.stdout.isTTY ? io.stdout.columns : undefined })}\n`);

  let verification: Verification[] = [];
  if (!options.dryRun && !report.interrupted) {
    const gone = new Set(report.outcomes.filter((o) => o.kind === 'create-flow-logs' && o.status === 'skipped').map((o) => o.resourceId));
    verification = await verify(plan, settings, clients, io, options.wait, deps, gone);
    if (text) io.stdout.write(`${renderVerification(verification, style, { width: io.stdout.isTTY ? io.stdout.columns : undefined })}\n`);
  }
  const failed = report.outcomes.some((o) => o.status === 'failed') || report.dryRunProbes.some((p) => !p.allowed);
  const unverified = verification.some((v) => v.status !== 'ok' && v.status !== 'pending');
  const exitCode = report.interrupted ? EXIT.interrupted : failed || unverified ? EXIT.error : EXIT.ok;
  return { plan, report, verification, exitCode };
}

async function verify(
  plan: Plan,
  settings: Settings,
  clients: AwsClients,
  io: Io,
  wait: boolean,
  deps: ApplyDeps,
  skippedIds: ReadonlySet<string>,
): Promise<Verification[]> {
  const touched = [...new Set(plan.actions.filter((a) => a.kind === 'create-flow-logs' && a.input.ResourceIds.some((id) => !skippedIds.has(id))).map((a) => a.region))];
  if (touched.length === 0) return [];
  const { collectInventory } = await import('../../inventory/collect-inventory.js');
  const deadline = Date.now() + (deps.waitTimeoutMs ?? 10 * 60_000);
  const sleep = deps.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  for (;;) {
    const after = await collectInventory(clients, { ...settings, regions: touched });
    const results = verifyTargets(plan, after, skippedIds);
    if (!wait || !results.some((r) => r.status === 'pending') || Date.now() >= deadline) return results;
    io.stderr.write(`Waiting for first delivery of ${results.filter((r) => r.status === 'pending').length} flow logs…\n`);
    await sleep(deps.waitIntervalMs ?? 20_000);
  }
}

async function freshPlan(options: CommandOptions, io: Io, clients: AwsClients) {
  const assessment = await assessEstate(options, io, clients);
  // With --format json the plan goes into the one apply document instead.
  if (options.format === 'text') printReport(assessment, options, io);
  return { plan: assessment.plan, live: assessment.inventory, settings: options.settings };
}

async function readCheckedPlan(path: string): Promise<Plan> {
  const plan = await readPlanFile(path);
  checkPlanIntegrity(plan, path, loadPolicyTemplates());
  return plan;
}

async function loadSavedPlan(plan: Plan, path: string, base: Settings, clients: AwsClients) {
  const { accountId } = await clients.callerIdentity().catch((err: unknown) => {
    throw toFlowfixError(err, 'Reading the account id (sts:GetCallerIdentity)');
  });
  if (plan.accountId !== accountId) {
    throw new FlowfixError('PlanAccountMismatch', `plan ${path} was made for account ${plan.accountId}, but these credentials are for ${accountId}`, {
      hint: 'use the profile of the account the plan was made for, or make a new plan for this one',
    });
  }
  const settings = settingsFromPlan(plan, base);
  const { collectInventory } = await import('../../inventory/collect-inventory.js');
  const live = await collectInventory(clients, settings);
  return { plan, live, settings };
}

async function consented(options: CommandOptions, io: Io, prompter: Prompter | undefined, plan: Plan): Promise<boolean> {
  if (options.yes) return true;
  if (!io.interactive && !prompter) {
    throw new FlowfixError('ConsentRequired', 'refusing to change AWS without consent: no terminal to ask on', {
      hint: 'review the plan, then re-run with --yes (or --dry-run to only check)',
    });
  }
  try {
    const ask = prompter ?? (await inquirerPrompter());
    return await ask.confirm(`Apply these ${plan.actions.length} actions to account ${plan.accountId}?`, { default: false });
  } catch (err) {
    if (err instanceof PromptCancelled) return false;
    throw err;
  }
}
