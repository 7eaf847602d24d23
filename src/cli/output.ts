// What commands write to the terminal or a file, shared by every command so none imports another.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FlowfixError } from '../errors.js';
import type { Io } from '../io/io.js';
import { renderPlanFile } from '../plan/plan-file.js';
import { plural } from '../util/plural.js';
import type { Plan } from '../plan/types.js';
import type { PlanReport } from '../report/plan-report.js';
import { styleFor, type Style } from '../render/style.js';
import { renderPlanReport, type RenderOptions, type ReportCommand } from '../render/text.js';

export const styleOf = (io: Io): Style => styleFor(io.stdout, io.env);

/** Fit a terminal's width; pipes and files get lines as long as they are. */
export const layoutOf = (io: Io): RenderOptions => (io.stdout.isTTY && io.stdout.columns ? { width: io.stdout.columns } : {});

export function printReport(report: PlanReport, format: 'text' | 'json', io: Io, command: ReportCommand = 'plan'): void {
  if (format === 'json') io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(`${renderPlanReport(report, styleOf(io), { ...layoutOf(io), command })}\n`);
}

export function printJson(io: Io, document: object): void {
  io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

export async function savePlan(path: string, plan: Plan, io: Io): Promise<void> {
  try {
    await writeFile(path, renderPlanFile(plan));
  } catch (err) {
    throw new FlowfixError('PlanNotSaved', `cannot write plan to ${path}: ${(err as Error).message}`, {
      hint: 'choose a writable path for --out',
      cause: err,
    });
  }
  // stderr, so stdout stays one JSON document with --format json.
  io.stderr.write(`Plan saved to ${path} (${plural(plan.actions.length, 'action')}). Apply it with: flowfix apply ${path}\n`);
}

/** One plan file per account, DIR/<account>.json: each applies alone (`flowfix apply FILE --assume-role ROLE`). */
export async function savePlans(dir: string, plans: Plan[], io: Io): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new FlowfixError('PlanNotSaved', `cannot create ${dir}: ${(err as Error).message}`, { hint: 'choose a writable directory for --out-dir', cause: err });
  }
  for (const plan of plans) await savePlan(path.join(dir, `${plan.accountId}.json`), plan, io);
}
