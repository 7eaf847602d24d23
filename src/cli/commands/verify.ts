// `flowfix verify`: re-audit live state, delivery status included (FAILED delivery is a finding).
import type { Io } from '../../io/io.js';
import { assess } from '../../workflow/assess.js';
import { EXIT } from '../../workflow/exit-codes.js';
import { withWorkflow, type CommandDeps } from '../context.js';
import type { CommandOptions } from '../options.js';
import { renderDelivery } from '../../render/apply.js';
import { checkDelivery } from '../../workflow/delivery.js';
import { layoutOf, printJson, printReport, styleOf } from '../output.js';

export async function verifyCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  const { report, delivery } = await withWorkflow(options, io, deps, async (wf) => {
    const assessment = await assess(options.settings, wf);
    // Only verify looks at the destinations (plan's reads stay at their floor).
    return { report: assessment.report, delivery: await checkDelivery(assessment, wf, options.settings.concurrency) };
  });
  if (options.format === 'json') printJson(io, { ...report, delivery });
  else {
    printReport(report, options.format, io);
    if (delivery.length > 0) io.stdout.write(`${renderDelivery(delivery, styleOf(io), layoutOf(io))}\n`);
  }
  const problems = report.findings.filter((f) => f.kind !== 'shared-vpc');
  const verified = problems.length === 0 && report.errors.length === 0;
  if (options.format === 'text') {
    io.stdout.write(verified ? 'Verified: every resource in scope has a working flow log.\n' : `Not verified: ${problems.length} findings, ${report.errors.length} unreadable regions.\n`);
  }
  return verified ? EXIT.ok : EXIT.error;
}
