// `flowfix rollback`: show, then (with --yes or a "yes" at a terminal) delete what flowfix created.
import { visible } from '../../render/visible.js';
import { isMultiAccount } from '../../config/settings.js';
import { FlowfixError } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { renderApplyReport } from '../../render/apply.js';
import { renderRollbackPlan, rollbackQuestion } from '../../render/rollback.js';
import { ROLLBACK_REPORT_SCHEMA } from '../../report/rollback-report.js';
import { confirmChange } from '../confirm.js';
import { accountHeading } from '../../render/org.js';
import { executeRollback, planRollbackAccounts } from '../../workflow/rollback.js';
import { withWorkflow, type CommandDeps } from '../context.js';
import type { CommandOptions } from '../options.js';
import { layoutOf, printJson, styleOf } from '../output.js';

export async function rollbackCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  const json = options.format === 'json';
  if (json && !options.yes && !options.dryRun) {
    throw new FlowfixError('ConsentRequired', '--format json cannot ask for confirmation', { hint: 'add --yes to roll back, or --dry-run to only show' });
  }
  if (options.snapshot) throw new FlowfixError('BadUsage', 'rollback changes AWS and cannot work from a snapshot', { hint: 'drop --snapshot' });
  const style = styleOf(io);
  const many = isMultiAccount(options.settings);
  return withWorkflow(options, io, deps, async (wf) => {
    // Reads finish even after Ctrl-C, so the report can say which deletes were not started.
    const { signal: _signal, ...readDeps } = wf;
    const planned = await planRollbackAccounts(options.settings, wf.session, { deleteLogGroups: options.deleteLogGroups, deniedRegionsHoldNothing: options.deniedRegionsHoldNothing }, readDeps);
    const plans = planned.flatMap((a) => (a.status === 'done' ? [a.value.plan] : []));
    if (!json) {
      for (const account of planned) {
        if (many) io.stdout.write(`\n${accountHeading(account, style)}\n`);
        if (account.status === 'done') io.stdout.write(`${renderRollbackPlan(account.value.plan, style, layoutOf(io))}\n`);
        else if (account.status === 'unreachable') io.stdout.write(style.red(visible(`Unreachable: ${account.problem.code}: ${account.problem.message} (${account.problem.hint})`)) + '\n');
        else io.stdout.write('Not started.\n');
      }
    }
    const actions = plans.reduce((n, p) => n + p.actions.length, 0);
    if (actions > 0 && !options.dryRun) {
      const where = plans.filter((p) => p.actions.length > 0).map((p) => `account ${p.accountId}`).join(', ');
      const stop = await confirmChange({ actions, where, verb: 'deleted', question: rollbackQuestion(plans) }, options.yes, io, deps);
      if (stop !== undefined) return stop;
    }
    const result = await executeRollback(planned, { dryRun: options.dryRun, concurrency: options.settings.concurrency, failOnDeniedRegions: options.settings.failOnDeniedRegions === true }, wf, (account, plan, report) => {
      if (json || plan.actions.length === 0) return;
      if (many) io.stdout.write(`\n${accountHeading(account, style)}\n`);
      io.stdout.write(`${renderApplyReport(report, style, layoutOf(io), 'rollback')}\n`);
    });
    if (json) {
      printJson(io, {
        schema: ROLLBACK_REPORT_SCHEMA,
        dryRun: options.dryRun,
        deleteLogGroups: options.deleteLogGroups,
        accounts: result.accounts.map((a) => {
          const identity = { accountId: a.accountId, ...(a.name ? { name: a.name } : {}) };
          if (a.status === 'done') return { ...identity, status: 'done', ...a.value };
          return a.status === 'unreachable' ? { ...identity, status: 'unreachable', error: a.problem } : { ...identity, status: 'not-started' };
        }),
        exitCode: result.exitCode,
      });
    } else if (actions === 0) {
      io.stdout.write('Nothing to roll back.\n');
    } else if (options.dryRun) {
      io.stdout.write('Dry run: nothing was deleted. Run `flowfix rollback --yes` (with the same options) to delete it.\n');
    }
    return result.exitCode;
  });
}
