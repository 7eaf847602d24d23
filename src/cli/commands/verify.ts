// `flowfix verify`: re-audit live state, delivery status included (FAILED delivery is a finding).
import type { Io } from '../../io/io.js';
import { isVerified } from '../../report/plan-report.js';
import { assess } from '../../workflow/assess.js';
import { EXIT } from '../../workflow/exit-codes.js';
import { withWorkflow, type CommandDeps } from '../context.js';
import type { CommandOptions } from '../options.js';
import { printReport } from '../output.js';

export async function verifyCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  const { report } = await withWorkflow(options, io, deps, (wf) => assess(options.settings, wf));
  printReport(report, options.format, io, { command: 'verify' });
  return isVerified(report) ? EXIT.ok : EXIT.error;
}
