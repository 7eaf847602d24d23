// `flowfix guided`: questions at a terminal, then the same apply as `flowfix apply`.
import { selectedProfileName } from '../../aws/shared-config.js';
import { applyCommandLine } from '../../config/flags.js';
import { FlowfixError } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { inquirerPrompter, PromptCancelled, visiblePrompter } from '../../io/prompter.js';
import { renderApplyReport, renderPlanActions, renderVerification } from '../../render/apply.js';
import { renderRegionSummary } from '../../render/text.js';
import { visible } from '../../render/visible.js';
import { plural } from '../../util/plural.js';
import { applyAndVerify, DEFAULT_APPLY_TIMINGS } from '../../workflow/apply-and-verify.js';
import { EXIT } from '../../workflow/exit-codes.js';
import { guide, type GuidedChoice, type GuidedView } from '../../workflow/guided.js';
import { withWorkflow, type CommandDeps } from '../context.js';
import type { CommandOptions } from '../options.js';
import { layoutOf, reachOf, savePlan, styleOf } from '../output.js';

export async function guidedCommand(options: CommandOptions, io: Io, deps: CommandDeps = {}): Promise<number> {
  if (!io.interactive && !deps.prompter) {
    throw new FlowfixError('NotInteractive', 'guided mode needs a terminal', { hint: 'use `flowfix plan` to review and `flowfix apply --yes` to apply' });
  }
  const ask = visiblePrompter(deps.prompter ?? (await inquirerPrompter()));
  const profile = selectedProfileName({ ...(options.settings.profile ? { profile: options.settings.profile } : {}), env: io.env });
  const style = styleOf(io);
  return withWorkflow(options, io, deps, async (wf) => {
    let chosen: GuidedChoice;
    try {
      chosen = await guide(
        options.settings,
        profile,
        { ...wf, ...(wf.session ? { organizations: wf.session.organizations() } : {}) },
        { ask, show: (view) => show(view, io), savePlan: (path, plan) => savePlan(path, plan, io, '--out', reachOf(options)) },
      );
    } catch (err) {
      if (!(err instanceof PromptCancelled)) throw err;
      io.stderr.write('Cancelled: nothing was changed.\n');
      return EXIT.interrupted;
    }
    if (!chosen.apply) {
      if (chosen.why !== 'compliant') io.stdout.write('Nothing was changed.\n');
      return EXIT.ok;
    }
    const result = await applyAndVerify(
      {
        plan: chosen.plan,
        live: chosen.inventory,
        settings: chosen.settings,
        dryRun: false,
        wait: false,
        onApplied: (report) => io.stdout.write(`${renderApplyReport(report, style, layoutOf(io))}\n`),
      },
      wf,
      { ...DEFAULT_APPLY_TIMINGS, ...deps.timings },
    );
    if (result.verification.length > 0) io.stdout.write(`${renderVerification(result.verification, style, layoutOf(io))}\n`);
    return result.exitCode;
  });
}

function show(view: GuidedView, io: Io): void {
  const style = styleOf(io);
  switch (view.kind) {
    case 'identity':
      // Where the credentials come from, as the connection found them (environment variables, a profile and
      // what it holds, SSO…), never a secret; a profile named on its own only when that is unknown.
      io.stdout.write(
        `${style.bold('Step 1/5: who and where')}\n  account ${visible(view.accountId)}\n  caller  ${visible(view.arn)}\n` +
          `${view.credentials ? `  credentials ${visible(view.credentials)}` : `  profile ${visible(view.profile)}`}\n\n`,
      );
      return;
    case 'summary':
      io.stdout.write(`${renderRegionSummary(view.report, style, layoutOf(io))}\n\n`);
      return;
    case 'organization':
      io.stdout.write(
        `  This account can list an organization of ${view.accounts} ACTIVE accounts. To cover them all, with a role flowfix may assume in each:\n` +
          `    flowfix plan --org --assume-role OrganizationAccountAccessRole\n    flowfix apply --org --assume-role OrganizationAccountAccessRole\n` +
          '  Guided mode goes on with this account.\n\n',
      );
      return;
    case 'compliant': {
      const { report } = view;
      const shared = report.findings.filter((f) => f.kind === 'shared-vpc').length;
      io.stdout.write(`${renderRegionSummary(report, style, layoutOf(io))}\n\n`);
      io.stdout.write(
        style.green(
          `Nothing to fix: every ${report.settings.scope === 'subnet' ? 'subnet' : 'VPC'} in scope in ${plural(report.regions.length, 'region')} has a working flow log.`,
        ) +
          (shared > 0 ? ` (${plural(shared, 'shared VPC')} ${shared === 1 ? 'is' : 'are'} for ${shared === 1 ? 'its' : 'their'} owner to fix.)` : '') +
          '\n',
      );
      return;
    }
    case 'no-regions':
      io.stdout.write(style.yellow('Choose at least one region (space selects, enter confirms), or press Ctrl-C to stop.\n'));
      return;
    case 'retention-below-minimum':
      io.stdout.write(
        style.yellow(
          `${plural(view.retentionInDays, 'day')} is shorter than the ${view.minRetentionDays} days flowfix audits against (--min-retention): the log groups it creates would be findings of the next \`flowfix plan\`.\n`,
        ),
      );
      return;
    case 'nothing-picked':
      io.stdout.write(
        style.yellow(`You left ${view.offered === 1 ? 'the one resource' : `all ${view.offered} resources`} out: nothing to apply.`) +
          ' Run `flowfix guided` again to choose some; `flowfix plan` lists every finding.\n',
      );
      return;
    case 'plan-not-saved':
      io.stdout.write(style.yellow(visible(`Not saved: ${view.reason}`)) + '\n');
      return;
    case 'plan': {
      const { plan, settings, regions, leftOut } = view;
      io.stdout.write(`\n${renderPlanActions(plan, style, layoutOf(io))}\n`);
      for (const b of plan.blocked)
        io.stdout.write(style.yellow(visible(`  blocked in ${b.region}: ${plural(b.resourceIds.length, 'resource')}, because ${b.reason}`)) + '\n');
      if (plan.actions.length === 0) {
        io.stdout.write('\nNothing to apply.\n');
        return;
      }
      // The resources left out are in `settings` as exclusions: the command runs as printed and plans the same.
      const same = leftOut > 0 ? `The same, without questions (the ${plural(leftOut, 'resource')} you left out as --exclude):` : 'The same, without questions:';
      io.stdout.write(`\n${same}\n  ${visible(applyCommandLine({ ...settings, regions }))}\n\n`);
    }
  }
}
