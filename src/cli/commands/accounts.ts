// `flowfix plan|verify|apply --org` / `--accounts`: the single-account workflow in every account, one
// table of accounts, then each account as a single-account run shows it.
import { visible } from '../../render/visible.js';
import type { Io } from '../../io/io.js';
import { ORG_APPLY_REPORT_SCHEMA, orgPlanExitCode, type OrgPlanReport } from '../../report/org-report.js';
import { verifyExitCode } from '../../report/plan-report.js';
import { renderApplyReport, renderVerification } from '../../render/apply.js';
import { plural } from '../../render/layout.js';
import { accountHeading, renderOrgPlanReport } from '../../render/org.js';
import { applyAccounts, assessAccounts, orgReportOf, type OrgAssessment } from '../../workflow/accounts.js';
import { DEFAULT_APPLY_TIMINGS } from '../../workflow/apply-and-verify.js';
import { confirmChange } from '../confirm.js';
import { EXIT } from '../../workflow/exit-codes.js';
import { requireSession, withWorkflow, type CommandDeps, type CommandWorkflow } from '../context.js';
import type { CommandOptions } from '../options.js';
import { layoutOf, printJson, savePlans, styleOf } from '../output.js';

export async function planAccountsCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  return withWorkflow(options, io, deps, async (wf) => {
    const { org, report } = await assessAll(options, wf);
    printOrgReport(report, options, io);
    if (options.outDir) await savePlans(options.outDir, plansOf(org), io);
    return orgPlanExitCode(report, options.settings);
  });
}

export async function verifyAccountsCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  return withWorkflow(options, io, deps, async (wf) => {
    const { report } = await assessAll(options, wf);
    printOrgReport(report, options, io);
    const codes = report.accounts.map((a) => (a.status === 'read' ? verifyExitCode(a.report, options.settings) : EXIT.error));
    const unverified = codes.filter((code) => code !== EXIT.ok).length;
    if (options.format === 'text') {
      io.stdout.write(unverified === 0 ? `Verified: every resource in scope has a working flow log in ${plural(report.accounts.length, 'account')}.\n` : `Not verified: ${plural(unverified, 'account')} with findings or errors.\n`);
    }
    return codes.includes(EXIT.error) ? EXIT.error : codes.includes(EXIT.changes) ? EXIT.changes : EXIT.ok;
  });
}

export async function applyAccountsCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  const json = options.format === 'json';
  const style = styleOf(io);
  return withWorkflow(options, io, deps, async (wf) => {
    // Reads finish even after Ctrl-C, so the report can say which accounts were not started.
    const { signal: _signal, ...readDeps } = wf;
    const { org, report } = await assessAll(options, readDeps);
    if (!json) printOrgReport(report, options, io);
    if (options.outDir) await savePlans(options.outDir, plansOf(org), io);
    const plans = plansOf(org);
    const actions = plans.reduce((n, p) => n + p.actions.length, 0);
    if (actions > 0 && !options.dryRun) {
      const stop = await confirmChange({ actions, where: plural(plans.filter((p) => p.actions.length > 0).length, 'account'), verb: 'changed' }, options.yes, io, deps);
      if (stop !== undefined) return stop;
    }
    const result = await applyAccounts(org, options.settings, { dryRun: options.dryRun, wait: options.wait }, wf, { ...DEFAULT_APPLY_TIMINGS, ...deps.timings }, (account, applied) => {
      if (json || applied.plan.actions.length === 0) return;
      io.stdout.write(`\n${accountHeading(account, style)}\n${renderApplyReport(applied, style, layoutOf(io))}\n`);
      if (applied.verification.length > 0) io.stdout.write(`${renderVerification(applied.verification, style, layoutOf(io))}\n`);
    });
    if (json) {
      printJson(io, {
        schema: ORG_APPLY_REPORT_SCHEMA,
        callerAccountId: org.choice.callerAccountId,
        accounts: result.accounts.map((a) => {
          const identity = { accountId: a.accountId, ...(a.name ? { name: a.name } : {}) };
          if (a.status === 'done') return { ...identity, status: 'applied', ...a.value };
          return a.status === 'unreachable' ? { ...identity, status: 'unreachable', error: a.problem } : { ...identity, status: 'not-started' };
        }),
        exitCode: result.exitCode,
      });
    } else {
      const notStarted = result.accounts.filter((a) => a.status === 'not-started').map((a) => a.accountId);
      const unreachable = result.accounts.filter((a) => a.status === 'unreachable').length;
      const failed = result.accounts.filter((a) => a.status === 'done' && a.value.exitCode !== EXIT.ok).length;
      io.stdout.write(`\nAccounts: ${result.accounts.length - notStarted.length - unreachable - failed} done, ${failed} with failures, ${unreachable} unreachable, ${notStarted.length} not started\n`);
      if (notStarted.length > 0) io.stdout.write(style.yellow(visible(`Interrupted: not started ${notStarted.join(', ')}. Run the same command again to finish.`)) + '\n');
    }
    return result.exitCode;
  });
}

async function assessAll(options: CommandOptions, wf: CommandWorkflow): Promise<{ org: OrgAssessment; report: OrgPlanReport }> {
  const org = await assessAccounts(options.settings, requireSession(wf), wf);
  return { org, report: orgReportOf(org, new Date(wf.clock.now())) };
}

const plansOf = (org: OrgAssessment) => org.accounts.flatMap((a) => (a.status === 'done' ? [a.value.assessment.plan] : []));

function printOrgReport(report: OrgPlanReport, options: CommandOptions, io: Io): void {
  if (options.format === 'json') printJson(io, report);
  else io.stdout.write(`${renderOrgPlanReport(report, styleOf(io), layoutOf(io))}\n`);
}
