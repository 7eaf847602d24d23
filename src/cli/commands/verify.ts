// `flowfix verify`: re-audit live state, delivery status included (FAILED delivery is a finding).
// Exit codes as `plan`: 0 verified, 2 findings remain, 1 could not check (a region or the role unreadable).
import type { Io } from '../../io/io.js';
import { verifyExitCode } from '../../report/plan-report.js';
import { assess } from '../../workflow/assess.js';
import { withWorkflow, type CommandDeps } from '../context.js';
import type { CommandOptions } from '../options.js';
import { printReport } from '../output.js';

export async function verifyCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  const { report } = await withWorkflow(options, io, deps, (wf) => assess(options.settings, wf));
  printReport(report, options.format, io, { command: 'verify' });
  return verifyExitCode(report);
}
