// `flowfix plan`: read, audit, plan, show; optionally save the plan. Writes nothing to AWS.
import { commandLine, settingsArgv } from '../../config/flags.js';
import { FlowfixError } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { planExitCode } from '../../report/plan-report.js';
import { assess } from '../../workflow/assess.js';
import { withWorkflow, type CommandDeps } from '../context.js';
import type { CommandOptions } from '../options.js';
import { layoutOf, printReport, savePlan, savePlans, styleOf } from '../output.js';
import { checkPlanPermissions, permissionCheckFailed } from '../../workflow/permission-check.js';
import { renderPermissionCheck } from '../../render/permissions.js';
import { EXIT } from '../../workflow/exit-codes.js';

export async function planCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  if (options.checkPermissions && options.snapshot) {
    throw new FlowfixError('BadUsage', '--check-permissions asks IAM and cannot be used with --snapshot', { hint: 'drop --snapshot to check permissions against the live account' });
  }
  const { report, plan, permissionCheck } = await withWorkflow(options, io, deps, async (wf) => {
    const assessment = await assess(options.settings, wf);
    // Read first, then ask IAM: nothing is written either way (the fallback probes are DryRun calls).
    const permissionCheck = options.checkPermissions ? await checkPlanPermissions(assessment, options.settings, wf) : undefined;
    return { ...assessment, permissionCheck };
  });
  const shown = permissionCheck ? { ...report, permissionCheck } : report;
  const beforeSummary = permissionCheck && options.format === 'text' ? renderPermissionCheck(permissionCheck, styleOf(io), layoutOf(io)) : undefined;
  printReport(shown, options.format, io, { command: 'plan', nextStep: applyCommandFor(options), ...(beforeSummary ? { beforeSummary } : {}) });
  if (options.out) await savePlan(options.out, plan, io);
  if (options.outDir) await savePlans(options.outDir, [plan], io);
  // A permission the plan needs and may not use is an error: the plan could not be carried out (1).
  if (permissionCheck && permissionCheckFailed(permissionCheck)) return EXIT.error;
  return planExitCode(report, options.settings);
}

/** The apply that carries out this plan: the saved file, or the flags the user typed (else apply plans for other regions or settings). */
function applyCommandFor(options: CommandOptions): string {
  if (options.out) return commandLine(['flowfix', 'apply', options.out]);
  const config = options.config !== undefined ? ['--config', options.config] : [];
  return commandLine(['flowfix', 'apply', ...config, ...settingsArgv(options.settings, Object.keys(options.flagSettings))]);
}
