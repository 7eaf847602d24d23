// What commands write to the terminal or a file, shared by every command so none imports another.
import { writeFile } from 'node:fs/promises';
import { FlowfixError } from '../errors.js';
import type { Io } from '../io/io.js';
import { renderPlanFile } from '../plan/plan-file.js';
import type { Plan } from '../plan/types.js';
import type { PlanReport } from '../report/plan-report.js';
import { styleFor, type Style } from '../render/style.js';
import { renderPlanReport, type RenderOptions } from '../render/text.js';

export const styleOf = (io: Io): Style => styleFor(io.stdout, io.env);

/** Fit a terminal's width; pipes and files get lines as long as they are. */
export const layoutOf = (io: Io): RenderOptions => (io.stdout.isTTY && io.stdout.columns ? { width: io.stdout.columns } : {});

export function printReport(report: PlanReport, format: 'text' | 'json', io: Io): void {
  if (format === 'json') io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(`${renderPlanReport(report, styleOf(io), layoutOf(io))}\n`);
}

/** Warnings where no report shows them (a saved plan's rebuild, JSON apply): stderr, so stdout stays one document. */
export function printWarnings(warnings: readonly { message: string }[], io: Io): void {
  for (const w of warnings) io.stderr.write(`flowfix: warning: ${w.message}\n`);
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
  io.stderr.write(`Plan saved to ${path} (${plan.actions.length} action${plan.actions.length === 1 ? '' : 's'}). Apply it with: flowfix apply ${path}\n`);
}
