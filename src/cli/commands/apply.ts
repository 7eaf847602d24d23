// `flowfix apply [PLAN]`: fresh or saved plan → consent → apply → verify, rendered for a terminal or JSON.
import { visible } from '../../render/visible.js';
import { FlowfixError } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { APPLY_REPORT_SCHEMA } from '../../report/apply-report.js';
import { renderApplyReport, renderPlanActions, renderVerification } from '../../render/apply.js';
import { applyAndVerify, DEFAULT_APPLY_TIMINGS, type ApplyRequest } from '../../workflow/apply-and-verify.js';
import { assess } from '../../workflow/assess.js';
import { confirmChange } from '../confirm.js';
import { checkPermissions } from '../../workflow/permission-check.js';
import { renderPermissionCheck } from '../../render/permissions.js';
import { plural } from '../../util/plural.js';
import { loadSavedPlan } from '../../workflow/saved-plan.js';
import { clientsInAccount } from '../../workflow/accounts.js';
import { readPlanFile } from '../../plan/plan-file.js';
import type { AwsClients } from '../../aws/api.js';
import { requireSession, withWorkflow, type CommandDeps, type CommandWorkflow } from '../context.js';
import type { CommandOptions } from '../options.js';
import { layoutOf, printJson, printReport, printWarnings, savePlans, styleOf } from '../output.js';

export async function applyCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  const json = options.format === 'json';
  if (json && !options.yes && !options.dryRun) {
    throw new FlowfixError('ConsentRequired', '--format json cannot ask for confirmation', { hint: 'add --yes to apply, or --dry-run to only check' });
  }
  const style = styleOf(io);
  return withWorkflow(options, io, deps, async (wf) => {
    // Reads finish even after Ctrl-C, so the report can say which writes were not started.
    const { signal: _signal, ...readDeps } = wf;
    const { clients, ...prepared } = await prepare(options, io, readDeps);
    const { plan } = prepared;
    const nothingToDo = plan.actions.length === 0 && !prepared.settled?.length;
    // A dry run asks IAM first, before any DryRun probe (the fallback when the simulation is not allowed).
    const permissionCheck = options.dryRun && plan.actions.length > 0 ? await checkPermissions(plan, clients, wf.signal, options.settings.concurrency) : undefined;
    if (permissionCheck && !json) io.stdout.write(`\n${renderPermissionCheck(permissionCheck, style, layoutOf(io))}\n`);
    const request: ApplyRequest = {
      ...prepared,
      ...(permissionCheck ? { permissionCheck } : {}),
      dryRun: options.dryRun,
      wait: options.wait,
      onApplied: (report) => {
        if (!json && !nothingToDo) io.stdout.write(`${renderApplyReport(report, style, layoutOf(io))}\n`);
      },
    };
    if (plan.actions.length > 0 && !options.dryRun) {
      const stop = await confirmChange({ actions: plan.actions.length, where: `account ${plan.accountId}`, verb: 'changed' }, options.yes, io, deps);
      if (stop !== undefined) return stop;
    }
    const result = await applyAndVerify(request, { ...wf, clients }, { ...DEFAULT_APPLY_TIMINGS, ...deps.timings });
    if (json) printJson(io, { schema: APPLY_REPORT_SCHEMA, ...result });
    else if (nothingToDo) io.stdout.write('Nothing to apply.\n');
    else if (result.verification.length > 0) io.stdout.write(`${renderVerification(result.verification, style, layoutOf(io))}\n`);
    return result.exitCode;
  });

  /** The plan to carry out and the live state it was checked against: saved (rebuilt and matched) or fresh. */
  async function prepare(options: CommandOptions, io: Io, wf: CommandWorkflow): Promise<Omit<ApplyRequest, 'dryRun' | 'wait'> & { clients: AwsClients }> {
    if (options.planFile) {
      // With --assume-role, a plan saved for a member account is applied in that account.
      const session = options.settings.assumeRole ? requireSession(wf) : undefined;
      const clients = session ? await clientsInAccount((await readPlanFile(options.planFile)).accountId, options.settings, session) : wf.clients;
      const saved = await loadSavedPlan(options.planFile, options.flagSettings, options.settings, { ...wf, clients });
      printWarnings(saved.warnings, io);
      if (!json) {
        for (const b of saved.plan.blocked) io.stderr.write(`${visible(`Blocked in ${b.region}: ${plural(b.resourceIds.length, 'resource')}, because ${b.reason}`)}\n`);
        if (saved.plan.actions.length > 0) io.stdout.write(`${renderPlanActions(saved.plan, style, layoutOf(io))}\n`);
      }
      return { plan: saved.plan, live: saved.live, settings: saved.settings, settled: saved.settled, clients };
    }
    const assessment = await assess(options.settings, wf);
    if (options.outDir) await savePlans(options.outDir, [assessment.plan], io);
    // With --format json the plan goes into the one apply document instead (and warnings to stderr).
    if (!json) printReport(assessment.report, 'text', io);
    else printWarnings(assessment.report.warnings, io);
    return { plan: assessment.plan, live: assessment.inventory, settings: options.settings, clients: wf.clients };
  }
}
