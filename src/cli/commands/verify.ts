// `flowfix verify`: re-audit live state, delivery status included (FAILED delivery is a finding).
// Exit codes as `plan`: 0 verified, 2 findings remain, 1 could not check (a region or the role unreadable).
// Regions an organization policy denies are skipped (1 with --fail-on-denied-regions).
import type { Io } from '../../io/io.js';
import { verifyExitCode } from '../../report/plan-report.js';
import { assess } from '../../workflow/assess.js';
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
  else printReport(report, options.format, io, { command: 'verify', ...(delivery.length > 0 ? { beforeClosing: renderDelivery(delivery, styleOf(io), layoutOf(io)) } : {}) });
  return verifyExitCode(report, options.settings);
}
