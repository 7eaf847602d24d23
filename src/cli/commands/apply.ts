// `flowfix apply [PLAN]`: in every account the run covers (a saved plan: its own), a fresh or saved plan
// → consent (once) → apply → verify, one account after another, rendered for a terminal or JSON.
import type { AwsClients } from '../../aws/api.js';
import type { Io } from '../../io/io.js';
import { readPlanFile } from '../../plan/plan-file.js';
import { renderApplyReport, renderPlanActions, renderVerification } from '../../render/apply.js';
import { accountHeading } from '../../render/org.js';
import { renderPermissionCheck } from '../../render/permissions.js';
import { visible } from '../../render/visible.js';
import { applyDocument, planDocument, type AccountOutcome } from '../../report/org-report.js';
import { plural } from '../../util/plural.js';
import { assessAccounts, chooseAccounts, forEachAccount, inTurn, type AccountChoice } from '../../workflow/accounts.js';
import { applyAndVerify, DEFAULT_APPLY_TIMINGS, type ApplyRequest } from '../../workflow/apply-and-verify.js';
import { runExitCode } from '../../workflow/exit-codes.js';
import { checkPermissions } from '../../workflow/permission-check.js';
import { loadSavedPlan } from '../../workflow/saved-plan.js';
import { confirmChange } from '../confirm.js';
import { withWorkflow, type CommandDeps, type CommandWorkflow } from '../context.js';
import type { CommandOptions } from '../options.js';
import { layoutOf, printJson, printReport, printWarnings, reachOf, savePlans, styleOf } from '../output.js';

/** One account's plan to carry out and the live state it was checked against, read just before. */
type Prepared = Omit<ApplyRequest, 'dryRun' | 'wait'> & { clients: AwsClients };

export async function applyCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  const json = options.format === 'json';
  const style = styleOf(io);
  const layout = layoutOf(io);
  return withWorkflow(options, io, deps, async (wf) => {
    // Reads finish even after Ctrl-C, so the report can say which writes were not started.
    const { signal: _signal, ...readDeps } = wf;
    const { choice, accounts } = options.planFile ? await readSavedPlan(options.planFile, readDeps) : await readFresh(readDeps);
    const many = accounts.length > 1;
    const ready = accounts.flatMap((a) => (a.status === 'done' ? [a.value] : []));
    const actions = ready.reduce((n, p) => n + p.plan.actions.length, 0);
    if (actions > 0 && !options.dryRun) {
      const where = many ? plural(ready.filter((p) => p.plan.actions.length > 0).length, 'account') : `account ${ready[0]!.plan.accountId}`;
      const stop = await confirmChange({ actions, where, verb: 'changed' }, options.yes, io, deps);
      if (stop !== undefined) return stop;
    }
    const results = await inTurn(accounts, wf.signal, async (prepared, account) => {
      const nothingToDo = prepared.plan.actions.length === 0 && !prepared.settled?.length;
      // Many accounts: an account's section opens with its heading, when it has something to show.
      let headed = !many;
      const show = (text: string) => {
        if (json) return;
        if (!headed) io.stdout.write(`\n${accountHeading(account, style)}\n`);
        headed = true;
        io.stdout.write(text);
      };
      // A dry run asks IAM first, before any DryRun probe (the fallback when the simulation is not allowed).
      const permissionCheck =
        options.dryRun && prepared.plan.actions.length > 0
          ? await checkPermissions(prepared.plan, prepared.clients, wf.signal, options.settings.concurrency, prepared.live)
          : undefined;
      if (permissionCheck) show(`\n${renderPermissionCheck(permissionCheck, style, layout)}\n`);
      const result = await applyAndVerify(
        {
          ...prepared,
          ...(permissionCheck ? { permissionCheck } : {}),
          dryRun: options.dryRun,
          wait: options.wait,
          onApplied: (report) => nothingToDo || show(`${renderApplyReport(report, style, layout)}\n`),
        },
        { ...wf, clients: prepared.clients },
        { ...DEFAULT_APPLY_TIMINGS, ...deps.timings },
      );
      if (result.verification.length > 0) show(`${renderVerification(result.verification, style, layout)}\n`);
      return result;
    });
    const exitCode = runExitCode(results, (r) => r.exitCode);
    if (json) printJson(io, applyDocument(choice, results, exitCode));
    else if (!many) {
      if (ready[0]!.plan.actions.length === 0 && !ready[0]!.settled?.length) io.stdout.write('Nothing to apply.\n');
    } else printAccountsSummary(results);
    return exitCode;
  });

  /** A fresh plan per account, shown as `plan` shows it (JSON: the plans go into the apply document, warnings to stderr). */
  async function readFresh(wf: CommandWorkflow): Promise<{ choice: AccountChoice; accounts: AccountOutcome<Prepared>[] }> {
    const { choice, accounts } = await assessAccounts(options.settings, wf, ({ report, plan, inventory }, clients) => ({ report, plan, inventory, clients }));
    if (json) for (const a of accounts) if (a.status === 'done') printWarnings(a.value.report.warnings, io);
    if (!json)
      printReport(
        planDocument(
          choice,
          accounts.map((a) => (a.status === 'done' ? { ...a, value: a.value.report } : a)),
          new Date(wf.clock.now()),
        ),
        'text',
        io,
      );
    const prepared = accounts.map((a) =>
      a.status === 'done' ? { ...a, value: { plan: a.value.plan, live: a.value.inventory, settings: options.settings, clients: a.value.clients } } : a,
    );
    if (options.outDir)
      await savePlans(
        options.outDir,
        prepared.flatMap((a) => (a.status === 'done' ? [a.value.plan] : [])),
        io,
        reachOf(options),
      );
    return { choice, accounts: prepared };
  }

  /** A saved plan, in its own account: rebuilt against live state and matched before anything is sent. */
  async function readSavedPlan(path: string, wf: CommandWorkflow): Promise<{ choice: AccountChoice; accounts: AccountOutcome<Prepared>[] }> {
    const choice = await chooseAccounts(options.settings, wf, { accountId: (await readPlanFile(path)).accountId, what: `plan ${path}` });
    const accounts = await forEachAccount(
      choice,
      options.settings,
      wf,
      async ({ clients }) => {
        const saved = await loadSavedPlan(path, options.flagSettings, options.settings, { ...wf, clients });
        printWarnings(saved.warnings, io);
        if (!json) {
          for (const b of saved.plan.blocked)
            io.stderr.write(`${visible(`Blocked in ${b.region}: ${plural(b.resourceIds.length, 'resource')}, because ${b.reason}`)}\n`);
          if (saved.plan.actions.length > 0) io.stdout.write(`${renderPlanActions(saved.plan, style, layout)}\n`);
        }
        return { plan: saved.plan, live: saved.live, settings: saved.settings, settled: saved.settled, clients };
      },
      (prepared) => prepared.plan.accountId,
    );
    return { choice, accounts };
  }

  function printAccountsSummary(results: AccountOutcome<{ exitCode: number }>[]): void {
    const notStarted = results.filter((a) => a.status === 'not-started').map((a) => a.accountId);
    const unreachable = results.filter((a) => a.status === 'unreachable').length;
    const failed = results.filter((a) => a.status === 'done' && a.value.exitCode !== 0).length;
    io.stdout.write(
      `\nAccounts: ${results.length - notStarted.length - unreachable - failed} done, ${failed} with failures, ${unreachable} unreachable, ${notStarted.length} not started\n`,
    );
    if (notStarted.length > 0) io.stdout.write(`${style.yellow(`Interrupted: not started ${notStarted.join(', ')}. Run the same command again to finish.`)}\n`);
  }
}
