// `flowfix plan`: read, audit, plan, show; optionally save the plan. Writes nothing to AWS.
import { commandLine, settingsArgv } from '../../config/flags.js';
import type { Io } from '../../io/io.js';
import { planExitCode } from '../../report/plan-report.js';
import { assess } from '../../workflow/assess.js';
import { withWorkflow, type CommandDeps } from '../context.js';
import type { CommandOptions } from '../options.js';
import { printReport, savePlan, savePlans } from '../output.js';

export async function planCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  const { report, plan } = await withWorkflow(options, io, deps, (wf) => assess(options.settings, wf));
  printReport(report, options.format, io, { command: 'plan', nextStep: applyCommandFor(options) });
  if (options.out) await savePlan(options.out, plan, io);
  if (options.outDir) await savePlans(options.outDir, [plan], io);
  return planExitCode(report);
}

/** The apply that carries out this plan: the saved file, or the flags the user typed (else apply plans for other regions or settings). */
function applyCommandFor(options: CommandOptions): string {
  if (options.out) return commandLine(['flowfix', 'apply', options.out]);
  const config = options.config !== undefined ? ['--config', options.config] : [];
  return commandLine(['flowfix', 'apply', ...config, ...settingsArgv(options.settings, Object.keys(options.flagSettings))]);
}
