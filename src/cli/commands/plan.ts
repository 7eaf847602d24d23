// `flowfix plan`: read, audit, plan, show, in every account the run covers; optionally save the plans.
// Writes nothing to AWS.
import { commandLine, settingsArgv } from '../../config/flags.js';
import type { Io } from '../../io/io.js';
import { planDocument } from '../../report/org-report.js';
import { planExitCode } from '../../report/plan-report.js';
import { telemetryRuleDocument } from '../../report/telemetry-rule.js';
import { assessAccounts } from '../../workflow/accounts.js';
import { EXIT, runExitCode } from '../../workflow/exit-codes.js';
import { checkPlanPermissions, permissionCheckFailed } from '../../workflow/permission-check.js';
import { withWorkflow, type CommandDeps } from '../context.js';
import type { CommandOptions } from '../options.js';
import { printJson, printReport, reachOf, savePlan, savePlans } from '../output.js';

export async function planCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  const { settings } = options;
  const { choice, accounts, now } = await withWorkflow(options, io, deps, async (wf) => {
    // Read first, then ask IAM: nothing is written either way (the fallback probes are DryRun calls).
    const read = await assessAccounts(settings, wf, async (assessment, clients) => ({
      report: assessment.report,
      plan: assessment.plan,
      ...(options.checkPermissions ? { permissionCheck: await checkPlanPermissions(assessment, settings, { ...wf, clients }) } : {}),
    }));
    return { ...read, now: new Date(wf.clock.now()) };
  });
  if (options.emit === 'telemetry-rule') {
    const findings = accounts.flatMap((a) => (a.status === 'done' ? [{ accountId: a.accountId, findings: a.value.report.findings }] : []));
    printJson(io, telemetryRuleDocument(settings, findings));
  } else {
    const reports = accounts.map((a) =>
      a.status === 'done' ? { ...a, value: a.value.permissionCheck ? { ...a.value.report, permissionCheck: a.value.permissionCheck } : a.value.report } : a,
    );
    printReport(planDocument(choice, reports, now), options.format, io, {
      command: 'plan',
      nextStep: applyCommandFor(options),
      fromSnapshot: options.snapshot !== undefined,
      savedPlans: options.outDir !== undefined,
    });
  }
  const plans = accounts.flatMap((a) => (a.status === 'done' ? [a.value.plan] : []));
  if (options.out) await savePlan(options.out, plans[0]!, io, '--out', reachOf(options));
  if (options.outDir) await savePlans(options.outDir, plans, io, reachOf(options));
  // A permission the plan needs and may not use is an error: the plan could not be carried out (1).
  return runExitCode(accounts, (a) => (a.permissionCheck && permissionCheckFailed(a.permissionCheck) ? EXIT.error : planExitCode(a.report, settings)));
}

/** The apply that carries out this plan: the saved file, or the flags the user typed (else apply plans for other regions or settings). */
function applyCommandFor(options: CommandOptions): string {
  if (options.out) return commandLine(['flowfix', 'apply', options.out, ...reachOf(options)]);
  const config = options.config !== undefined ? ['--config', options.config] : [];
  return commandLine(['flowfix', 'apply', ...config, ...settingsArgv(options.settings, Object.keys(options.flagSettings))]);
}
