// `flowfix verify`: re-audit live state, delivery status included (FAILED delivery is a finding).
import type { Io } from '../../io/io.js';
import { actionableFindings } from '../../report/plan-report.js';
import { assess } from '../../workflow/assess.js';
import { EXIT } from '../../workflow/exit-codes.js';
import { withWorkflow, type CommandDeps } from '../context.js';
import type { CommandOptions } from '../options.js';
import { printReport } from '../output.js';

export async function verifyCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  const { report } = await withWorkflow(options, io, deps, (wf) => assess(options.settings, wf));
  printReport(report, options.format, io);
  const problems = actionableFindings(report.findings);
  const verified = problems.length === 0 && report.errors.length === 0;
  if (options.format === 'text') {
    io.stdout.write(verified ? 'Verified: every resource in scope has a working flow log.\n' : `Not verified: ${problems.length} findings, ${report.errors.length} unreadable regions.\n`);
  }
  return verified ? EXIT.ok : EXIT.error;
}
