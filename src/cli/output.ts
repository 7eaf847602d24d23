// What commands write to the terminal or a file, shared by every command so none imports another.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describeOrganizationPolicy } from '../aws/errors.js';
import { FlowfixError } from '../errors.js';
import type { Io } from '../io/io.js';
import { renderPlanFile } from '../plan/plan-file.js';
import { plural } from '../util/plural.js';
import { writeFileSafely } from '../util/safe-files.js';
import type { Plan } from '../plan/types.js';
import type { PlanReport } from '../report/plan-report.js';
import { renderCsv } from '../render/csv.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderSarif } from '../render/sarif.js';
import { styleFor, type Style } from '../render/style.js';
import { visible } from '../render/visible.js';
import { renderPlanReport, renderPlanSummary, renderVerdict, type RenderOptions } from '../render/text.js';
import type { OutputFormat } from './options.js';
import { flowfixVersion } from './version.js';

export const styleOf = (io: Io): Style => styleFor(io.stdout, io.env);

/** Fit a terminal's width; pipes and files get lines as long as they are. */
export const layoutOf = (io: Io): RenderOptions => (io.stdout.isTTY && io.stdout.columns ? { width: io.stdout.columns } : {});

/** Which command's report this is: plan ends with its summary and next step, verify with its verdict. */
export interface ReportView {
  command: 'plan' | 'verify';
  /** plan: the command that carries the plan out. */
  nextStep?: string;
  /** Text lines to show before plan's summary line (plan --check-permissions: the Permissions section). */
  beforeSummary?: string;
  /** Text lines to show before the closing line (verify: what reached the destinations). */
  beforeClosing?: string;
}

/** Above this many results GitHub code scanning keeps only the most severe (it refuses files with over 25,000). */
const GITHUB_SHOWN_RESULTS = 5000;

/** A report in any format. Without `view` (apply and guided show the plan before acting), text has no closing line. */
export function printReport(report: PlanReport, format: OutputFormat, io: Io, view?: ReportView): void {
  switch (format) {
    case 'json':
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return;
    case 'sarif':
      io.stdout.write(renderSarif(report, { toolVersion: flowfixVersion() }));
      if (report.findings.length > GITHUB_SHOWN_RESULTS) {
        io.stderr.write(`flowfix: ${report.findings.length} results; GitHub code scanning shows the ${GITHUB_SHOWN_RESULTS} most severe and refuses files with over 25000\n`);
      }
      warnIncomplete(report, format, io);
      return;
    case 'csv':
      io.stdout.write(renderCsv(report));
      warnIncomplete(report, format, io);
      return;
    case 'markdown':
      io.stdout.write(renderMarkdown(report, { command: view?.command ?? 'plan', ...(view?.nextStep ? { nextStep: view.nextStep } : {}) }));
      return;
    case 'text': {
      const style = styleOf(io);
      io.stdout.write(`${renderPlanReport(report, style, { ...layoutOf(io), ...(view ? { command: view.command } : {}) })}\n`);
      if (view?.beforeSummary) io.stdout.write(`\n${view.beforeSummary}\n`);
      if (view?.command === 'plan') io.stdout.write(`\n${style.bold(renderPlanSummary(report, view.nextStep ? { nextStep: view.nextStep } : {}))}\n`);
      if (view?.beforeClosing) io.stdout.write(`${view.beforeClosing}\n`);
      if (view?.command === 'verify') io.stdout.write(`${renderVerdict(report)}\n`);
    }
  }
}

/** SARIF and CSV have no place for what could not be read, or was denied: stderr says so (the exit code is 1 too for errors). */
function warnIncomplete(report: PlanReport, format: OutputFormat, io: Io): void {
  const denied = report.regions.filter((r) => r.status === 'denied' && r.deniedBy);
  if (format === 'csv' && denied.length > 0) {
    io.stderr.write(`flowfix: skipped ${denied.map((r) => `${r.region} (${describeOrganizationPolicy(r.deniedBy!)})`).join(', ')}: denied by an organization policy\n`);
  }
  if (report.errors.length === 0) return;
  const names = report.errors.map((e) => `${e.region === 'global' ? 'the delivery role (IAM)' : visible(e.region)} (${visible(e.code)})`).join(', ');
  io.stderr.write(`flowfix: could not read ${names}: the ${format} report lacks ${report.errors.length === 1 ? 'its' : 'their'} findings (${plural(report.errors.length, 'error')} in --format json)\n`);
}

/** Warnings where no report shows them (a saved plan's rebuild, JSON apply): stderr, so stdout stays one document. */
export function printWarnings(warnings: readonly { message: string }[], io: Io): void {
  for (const w of warnings) io.stderr.write(`flowfix: warning: ${visible(w.message)}\n`);
}

export function printJson(io: Io, document: object): void {
  io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

/** Mode 0600, through a temporary file renamed over `path`: a symlink planted at `path` is replaced, never written through. */
export async function savePlan(path: string, plan: Plan, io: Io, flag = '--out'): Promise<void> {
  try {
    await writeFileSafely(path, renderPlanFile(plan));
  } catch (err) {
    throw new FlowfixError('PlanNotSaved', `cannot write plan to ${path}: ${(err as Error).message}`, {
      hint: `choose a path for ${flag} in a directory only you can write to`,
      cause: err,
    });
  }
  // stderr, so stdout stays one JSON document with --format json.
  io.stderr.write(`${visible(`Plan saved to ${path} (${plural(plan.actions.length, 'action')}). Apply it with: flowfix apply ${path}`)}\n`);
}

/** One plan file per account, DIR/<account>.json: each applies alone (`flowfix apply FILE --assume-role ROLE`). */
export async function savePlans(dir: string, plans: Plan[], io: Io): Promise<void> {
  try {
    // Only the owner may enter a directory flowfix creates for plans.
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new FlowfixError('PlanNotSaved', `cannot create ${dir}: ${(err as Error).message}`, { hint: 'choose a writable directory for --out-dir', cause: err });
  }
  for (const plan of plans) await savePlan(path.join(dir, `${plan.accountId}.json`), plan, io, '--out-dir');
}
