// What commands write to the terminal or a file, shared by every command so none imports another.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import { describeOrganizationPolicy } from '../aws/errors.js';
import { commandLine, reachArgv } from '../config/flags.js';
import { FlowfixError } from '../errors.js';
import type { Io } from '../io/io.js';
import { renderPlanFile } from '../plan/plan-file.js';
import type { Plan } from '../plan/types.js';
import { renderDelivery } from '../render/apply.js';
import { renderCsv } from '../render/csv.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderOrgMarkdown, renderOrgPlanReport, renderOrgPlanSummary, renderOrgVerdict } from '../render/org.js';
import { renderPermissionCheck } from '../render/permissions.js';
import { renderSarif } from '../render/sarif.js';
import { styleFor, type Style } from '../render/style.js';
import { renderPlanReport, renderPlanSummary, renderVerdict, type RenderOptions } from '../render/text.js';
import { visible } from '../render/visible.js';
import { isOrgPlanReport, singleReport, type OrgPlanReport } from '../report/org-report.js';
import type { PlanReport } from '../report/plan-report.js';
import { plural } from '../util/plural.js';
import { writeFileSafely } from '../util/safe-files.js';
import type { CommandOptions, OutputFormat } from './options.js';
import { flowfixVersion } from './version.js';

export const styleOf = (io: Io): Style => styleFor(io.stdout, io.env);

/** Fit a terminal's width, or COLUMNS when piped; pipes and files without it get lines as long as they are. */
export const layoutOf = (io: Io): RenderOptions => {
  if (io.stdout.isTTY && io.stdout.columns) return { width: io.stdout.columns };
  // Piped (`flowfix plan | less`, a CI log of a set width): COLUMNS, as other tools read it, when set.
  const columns = Number(io.env['COLUMNS']);
  return Number.isInteger(columns) && columns > 0 ? { width: columns } : {};
};

/** Which command's report this is: plan ends with its summary and next step, verify with its verdict. */
export interface ReportView {
  command: 'plan' | 'verify';
  /** plan: the command that carries the plan out. */
  nextStep?: string;
  /** plan --snapshot: the plan is redone live to be carried out. */
  fromSnapshot?: boolean;
  /** plan --out-dir: each account's plan was saved, with its own apply command. */
  savedPlans?: boolean;
}

/** Above this many results GitHub code scanning keeps only the most severe (it refuses files with over 25,000). */
const GITHUB_SHOWN_RESULTS = 5000;

/**
 * `plan` and `verify` in any format, for one account (its report) or many (the organization report):
 * SARIF has a run per account, CSV a row per finding with its account, Markdown and text a section per
 * account. Without `view` (apply shows the plan before acting), text has no closing line.
 */
export function printReport(document: PlanReport | OrgPlanReport, format: OutputFormat, io: Io, view?: ReportView): void {
  const reports = isOrgPlanReport(document) ? document.accounts.flatMap((a) => (a.status === 'read' ? [singleReport(a.report)] : [])) : [document];
  const notRead = isOrgPlanReport(document) ? document.accounts.filter((a) => a.status !== 'read') : [];
  const style = styleOf(io);
  switch (format) {
    case 'json':
      printJson(io, document);
      return;
    case 'sarif': {
      io.stdout.write(renderSarif(reports, { toolVersion: flowfixVersion() }));
      const results = reports.reduce((n, r) => n + r.findings.length, 0);
      if (results > GITHUB_SHOWN_RESULTS)
        io.stderr.write(`flowfix: ${results} results; GitHub code scanning shows the ${GITHUB_SHOWN_RESULTS} most severe and refuses files with over 25000\n`);
      warnIncomplete(reports, notRead, format, io);
      return;
    }
    case 'csv':
      io.stdout.write(renderCsv(reports));
      warnIncomplete(reports, notRead, format, io);
      return;
    case 'markdown': {
      const options = {
        command: view?.command ?? 'plan',
        ...(view?.nextStep ? { nextStep: view.nextStep } : {}),
        fromSnapshot: view?.fromSnapshot === true,
      } as const;
      io.stdout.write(isOrgPlanReport(document) ? renderOrgMarkdown(document, options) : renderMarkdown(document, options));
      return;
    }
    case 'text': {
      const layout = layoutOf(io);
      if (isOrgPlanReport(document)) {
        io.stdout.write(
          `${renderOrgPlanReport(document, style, { ...layout, ...(view ? { command: view.command } : {}) }, (report) => accountSections(report, style, layout, view))}\n`,
        );
        if (view?.command === 'plan')
          io.stdout.write(
            `\n${style.bold(renderOrgPlanSummary(document, { ...(view.nextStep ? { nextStep: view.nextStep } : {}), savedPlans: view.savedPlans === true }))}\n`,
          );
        if (view?.command === 'verify') io.stdout.write(`${renderOrgVerdict(document)}\n`);
        return;
      }
      io.stdout.write(`${renderPlanReport(document, style, { ...layout, ...(view ? { command: view.command } : {}) })}\n`);
      if (document.permissionCheck) io.stdout.write(`\n${renderPermissionCheck(document.permissionCheck, style, layout)}\n`);
      if (view?.command === 'plan')
        io.stdout.write(
          `\n${style.bold(renderPlanSummary(document, { ...(view.nextStep ? { nextStep: view.nextStep } : {}), fromSnapshot: view.fromSnapshot === true }))}\n`,
        );
      if (document.delivery?.length) io.stdout.write(`${renderDelivery(document.delivery, style, layout)}\n`);
      if (view?.command === 'verify') io.stdout.write(`${renderVerdict(document)}\n`);
    }
  }
}

/** What a single-account run shows after its report, in an account's section of a many-account run. */
function accountSections(report: PlanReport, style: Style, layout: RenderOptions, view: ReportView | undefined): string[] {
  return [
    ...(report.permissionCheck ? ['', renderPermissionCheck(report.permissionCheck, style, layout)] : []),
    ...(report.delivery?.length ? [renderDelivery(report.delivery, style, layout)] : []),
    ...(view?.command === 'verify' ? [renderVerdict(report)] : []),
  ];
}

/** SARIF and CSV have no place for what could not be read, or was denied: stderr says so (the exit code is 1 too for errors). */
function warnIncomplete(reports: PlanReport[], notRead: { accountId: string; status: string }[], format: OutputFormat, io: Io): void {
  const many = reports.length + notRead.length > 1;
  for (const report of reports) {
    const inAccount = many ? ` in account ${report.accountId}` : '';
    const denied = report.regions.filter((r) => r.status === 'denied' && r.deniedBy);
    if (format === 'csv' && denied.length > 0) {
      io.stderr.write(
        `flowfix: skipped ${denied.map((r) => `${r.region} (${describeOrganizationPolicy(r.deniedBy!)})`).join(', ')}${inAccount}: denied by an organization policy\n`,
      );
    }
    if (report.errors.length === 0) continue;
    const names = report.errors.map((e) => `${e.region === 'global' ? 'the delivery role (IAM)' : visible(e.region)} (${visible(e.code)})`).join(', ');
    io.stderr.write(
      `flowfix: could not read ${names}${inAccount}: the ${format} report lacks ${report.errors.length === 1 ? 'its' : 'their'} findings (${plural(report.errors.length, 'error')} in --format json)\n`,
    );
  }
  for (const a of notRead)
    io.stderr.write(
      `flowfix: account ${a.accountId} ${a.status === 'unreachable' ? 'could not be read' : 'was not started (interrupted)'}: the ${format} report has nothing for it (see --format json)\n`,
    );
}

/** Warnings where no report shows them (a saved plan's rebuild, JSON apply): stderr, so stdout stays one document. */
export function printWarnings(warnings: readonly { message: string }[], io: Io): void {
  for (const w of warnings) io.stderr.write(`flowfix: warning: ${visible(w.message)}\n`);
}

export function printJson(io: Io, document: object): void {
  io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

/** Mode 0600, through a temporary file renamed over `path`: a symlink planted at `path` is replaced, never written through. */
export async function savePlan(path: string, plan: Plan, io: Io, flag = '--out', reach: readonly string[] = []): Promise<void> {
  try {
    await writeFileSafely(path, renderPlanFile(plan));
  } catch (err) {
    throw new FlowfixError('PlanNotSaved', `cannot write plan to ${path}: ${(err as Error).message}`, {
      hint: `choose a path for ${flag} in a directory only you can write to`,
      cause: err,
    });
  }
  // stderr, so stdout stays one JSON document with --format json.
  // The command as it runs: the same account, reached the same way (profile, endpoint, role to enter it).
  io.stderr.write(
    `${visible(`Plan saved to ${path} (${plural(plan.actions.length, 'action')}). Apply it with: ${commandLine(['flowfix', 'apply', path, ...reach])}`)}\n`,
  );
}

/** One plan file per account, DIR/<account>.json: each applies alone (`flowfix apply FILE --assume-role ROLE`). */
export async function savePlans(dir: string, plans: Plan[], io: Io, reach: readonly string[] = []): Promise<void> {
  try {
    // Only the owner may enter a directory flowfix creates for plans.
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new FlowfixError('PlanNotSaved', `cannot create ${dir}: ${(err as Error).message}`, {
      hint: 'choose a writable directory for --out-dir',
      cause: err,
    });
  }
  for (const plan of plans) await savePlan(path.join(dir, `${plan.accountId}.json`), plan, io, '--out-dir', reach);
}

/** What a suggested command keeps of this one so it reaches the same account the same way: --config and the reach flags typed. */
export function reachOf(options: Pick<CommandOptions, 'config' | 'settings' | 'flagSettings'>): string[] {
  return [...(options.config !== undefined ? ['--config', options.config] : []), ...reachArgv(options.settings, Object.keys(options.flagSettings))];
}
