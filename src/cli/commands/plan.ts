// `flowfix plan`: read, audit, plan, show; optionally save the plan. Writes nothing to AWS.
import { writeFile } from 'node:fs/promises';
import type { AwsClients } from '../../aws/api.js';
import { FlowfixError } from '../../errors.js';
import { decorationsWanted, type Io } from '../../io/io.js';
import { createProgress } from '../../io/progress.js';
import { assess, type Assessment } from '../../plan/assess.js';
import type { Plan } from '../../plan/types.js';
import { loadPolicyTemplates } from '../../policy/templates.js';
import { planExitCode } from '../../render/report.js';
import { styleFor } from '../../render/style.js';
import { renderPlanReport } from '../../render/text.js';
import type { CommandOptions } from '../options.js';
import { readEstate } from '../read-estate.js';

export async function planCommand(options: CommandOptions, io: Io): Promise<number> {
  const assessment = await assessEstate(options, io);
  printReport(assessment, options, io);
  if (options.out) await savePlan(options.out, assessment.plan, io);
  return planExitCode(assessment.report);
}

export async function assessEstate(options: CommandOptions, io: Io, clients?: AwsClients): Promise<Assessment> {
  const progress = await createProgress(io, decorationsWanted(io, options.format));
  try {
    const inventory = await readEstate(options, options.settings, io, progress, clients);
    return assess(inventory, options.settings, loadPolicyTemplates(), new Date());
  } finally {
    progress.stop();
  }
}

export function printReport({ report }: Assessment, options: CommandOptions, io: Io): void {
  if (options.format === 'json') io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(`${renderPlanReport(report, styleFor(io.stdout, io.env), { width: io.stdout.isTTY ? io.stdout.columns : undefined })}\n`);
}

export async function savePlan(path: string, plan: Plan, io: Io): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(plan, null, 2)}\n`);
  } catch (err) {
    throw new FlowfixError('PlanNotSaved', `cannot write plan to ${path}: ${(err as Error).message}`, {
      hint: 'choose a writable path for --out',
      cause: err,
    });
  }
  // stderr, so stdout stays one JSON document with --format json.
  io.stderr.write(`Plan saved to ${path} (${plan.actions.length} actions). Apply it with: flowfix apply ${path}\n`);
}
