// `flowfix verify`: re-audit live state in every account the run covers, delivery status included (FAILED
// delivery is a finding), and look at what reached the destinations.
// Exit codes as `plan`: 0 verified, 2 findings remain, 1 could not check (a region or the role unreadable).
// Regions an organization policy denies are skipped (1 with --fail-on-denied-regions).
import type { Io } from '../../io/io.js';
import { planDocument } from '../../report/org-report.js';
import { verifyExitCode } from '../../report/plan-report.js';
import { assessAccounts } from '../../workflow/accounts.js';
import { checkDelivery } from '../../workflow/delivery.js';
import { runExitCode } from '../../workflow/exit-codes.js';
import { withWorkflow, type CommandDeps } from '../context.js';
import type { CommandOptions } from '../options.js';
import { printReport } from '../output.js';

export async function verifyCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  const { settings } = options;
  const { choice, accounts, now } = await withWorkflow(options, io, deps, async (wf) => {
    // Only verify looks at the destinations (plan's reads stay at their floor).
    const read = await assessAccounts(settings, wf, async (assessment, clients) => ({
      report: assessment.report,
      delivery: await checkDelivery(assessment, { ...wf, clients }, settings.concurrency),
    }));
    return { ...read, now: new Date(wf.clock.now()) };
  });
  const reports = accounts.map((a) => (a.status === 'done' ? { ...a, value: { ...a.value.report, delivery: a.value.delivery } } : a));
  printReport(planDocument(choice, reports, now), options.format, io, { command: 'verify' });
  return runExitCode(accounts, (a) => verifyExitCode(a.report, settings));
}
