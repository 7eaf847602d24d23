// `flowfix verify`: re-audit live state, delivery status included (FAILED delivery is a finding).
// Exit codes as `plan`: 0 verified, 2 findings remain, 1 could not check (a region or the role unreadable).
import type { Io } from '../../io/io.js';
import { plural } from '../../render/layout.js';
import { assess } from '../../workflow/assess.js';
import { EXIT } from '../../workflow/exit-codes.js';
import { withWorkflow, type CommandDeps } from '../context.js';
import type { CommandOptions } from '../options.js';
import { printReport } from '../output.js';

export async function verifyCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  const { report } = await withWorkflow(options, io, deps, (wf) => assess(options.settings, wf));
  printReport(report, options.format, io, 'verify');
  const problems = report.findings.filter((f) => f.kind !== 'shared-vpc').length;
  const unreadable = report.errors.map((e) => (e.region === 'global' ? 'the delivery role (IAM)' : e.region));
  if (options.format === 'text') {
    io.stdout.write(
      unreadable.length > 0
        ? `Not verified: could not read ${unreadable.join(', ')}${problems > 0 ? `; ${plural(problems, 'finding')} in what was read` : ''}.\n`
        : problems > 0
          ? `Not verified: ${plural(problems, 'finding')} to fix.\n`
          : 'Verified: every resource in scope has a working flow log.\n',
    );
  }
  return unreadable.length > 0 ? EXIT.error : problems > 0 ? EXIT.changes : EXIT.ok;
}
