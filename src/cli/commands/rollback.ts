// `flowfix rollback`: show, then (with --yes or a "yes" at a terminal) delete what flowfix created, in
// every account the run covers.
import type { Io } from '../../io/io.js';
import { renderApplyReport } from '../../render/apply.js';
import { accountHeading } from '../../render/org.js';
import { renderRollbackPlan, rollbackQuestion } from '../../render/rollback.js';
import { visible } from '../../render/visible.js';
import { rollbackDocument } from '../../report/rollback-report.js';
import { runExitCode } from '../../workflow/exit-codes.js';
import { executeRollback, planRollbackAccounts } from '../../workflow/rollback.js';
import { confirmChange } from '../confirm.js';
import { withWorkflow, type CommandDeps } from '../context.js';
import type { CommandOptions } from '../options.js';
import { layoutOf, printJson, styleOf } from '../output.js';

export async function rollbackCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  const json = options.format === 'json';
  const style = styleOf(io);
  return withWorkflow(options, io, deps, async (wf) => {
    // Reads finish even after Ctrl-C, so the report can say which deletes were not started.
    const { signal: _signal, ...readDeps } = wf;
    const { accounts: planned } = await planRollbackAccounts(
      options.settings,
      { deleteLogGroups: options.deleteLogGroups, deniedRegionsHoldNothing: options.deniedRegionsHoldNothing },
      readDeps,
    );
    const many = planned.length > 1;
    const plans = planned.flatMap((a) => (a.status === 'done' ? [a.value.plan] : []));
    if (!json) {
      for (const account of planned) {
        if (many) io.stdout.write(`\n${accountHeading(account, style)}\n`);
        if (account.status === 'done') io.stdout.write(`${renderRollbackPlan(account.value.plan, style, layoutOf(io))}\n`);
        else if (account.status === 'unreachable')
          io.stdout.write(style.red(visible(`Unreachable: ${account.problem.code}: ${account.problem.message} (${account.problem.hint})`)) + '\n');
        else io.stdout.write('Not started.\n');
      }
    }
    const actions = plans.reduce((n, p) => n + p.actions.length, 0);
    if (actions > 0 && !options.dryRun) {
      const where = plans
        .filter((p) => p.actions.length > 0)
        .map((p) => `account ${p.accountId}`)
        .join(', ');
      // Deleting log groups destroys log data: the number of groups (or `delete`) is typed, not a y.
      const groups = plans.reduce((n, p) => n + p.actions.filter((a) => a.kind === 'delete-log-group').length, 0);
      const typed = groups > 0 ? { accept: [String(groups), 'delete'], prompt: `Type ${groups} (the number of log groups) or delete to go ahead:` } : undefined;
      const stop = await confirmChange(
        { actions, where, verb: 'deleted', question: rollbackQuestion(plans), ...(typed ? { typed } : {}) },
        options.yes,
        io,
        deps,
      );
      if (stop !== undefined) return stop;
    }
    const results = await executeRollback(
      planned,
      { dryRun: options.dryRun, failOnDeniedRegions: options.settings.failOnDeniedRegions === true },
      wf,
      (account, plan, report) => {
        if (json || plan.actions.length === 0) return;
        if (many) io.stdout.write(`\n${accountHeading(account, style)}\n`);
        io.stdout.write(`${renderApplyReport(report, style, layoutOf(io), 'rollback')}\n`);
      },
    );
    const exitCode = runExitCode(results, (r) => r.exitCode);
    if (json) {
      printJson(io, rollbackDocument({ dryRun: options.dryRun, deleteLogGroups: options.deleteLogGroups, exitCode }, results));
    } else if (actions === 0) {
      // One account has said so already ("Nothing to roll back in account …"); many get the total.
      if (many) io.stdout.write('Nothing to roll back in any account.\n');
    } else if (options.dryRun) {
      // The dry-run block above already said nothing was changed: only what to run next.
      io.stdout.write('To delete it, run `flowfix rollback --yes` with the same options.\n');
    }
    return exitCode;
  });
}
