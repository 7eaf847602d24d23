// A saved plan on disk: versioned JSON, read back with a size cap and validated with the action kinds'
// own input schemas. A saved plan is a request, not a program: what it may make apply do is decided by
// matching it against a rebuilt plan (match-saved-plan.ts), which also refuses display fields
// (description, permissions, service, operation) that differ from what flowfix renders.
import * as z from 'zod';

import type { BecauseKind } from '../actions/action-kind.js';
import { ACTION_KINDS } from '../actions/action-kinds.js';
import { FINDING_KINDS } from '../audit/finding-kinds.js';
import { FlowfixError } from '../errors.js';
import { accountId } from '../facts/names.js';
import { isValidRegionName } from '../facts/regions.js';
import { readRegularFile } from '../util/safe-files.js';
import { issueLines } from '../util/validation-problems.js';
import { planSettingsDocument, planSettingsSchema, type PlanSettingsDocument } from './plan-settings.js';
import { PLAN_SCHEMA_VERSION, type Plan } from './types.js';

export const MAX_PLAN_BYTES = 50 * 1024 * 1024;

const region = z.string().refine((name) => name === 'global' || isValidRegionName(name), 'is not a region name');
const BECAUSE_KINDS: [BecauseKind, ...BecauseKind[]] = ['prerequisite', 'unfinished', 'in-use', 'rollback', ...FINDING_KINDS];
const because = z.array(
  z.strictObject({
    kind: z.enum(BECAUSE_KINDS),
    resourceIds: z.array(z.string()),
  }),
);
const display = {
  description: z.string().optional(),
  permissions: z.array(z.string()).optional(),
  service: z.string().optional(),
  operation: z.string().optional(),
};
const actionSchemaOf = (kinds: (typeof ACTION_KINDS)[keyof typeof ACTION_KINDS][]) =>
  z.discriminatedUnion(
    'kind',
    kinds.map((kind) =>
      z.strictObject({ id: z.string().min(1).max(200), kind: z.literal(kind.kind), region, because, input: kind.inputSchema, ...display }),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
  );
// A plan file never deletes: deletes come only from `flowfix rollback`, which plans them fresh each run.
// Rollback's deletes never come from a file; DeleteFlowLogs may, as the last step of a replacement (its
// ids must match what the rebuilt plan deletes, src/apply/match-saved-plan.ts).
const actionSchema = actionSchemaOf(Object.values(ACTION_KINDS).filter((kind) => !('rollbackOnly' in kind && kind.rollbackOnly)));
/** Any action, deletes included: what a rollback report lists. */
export const planActionSchema = actionSchemaOf(Object.values(ACTION_KINDS));

/** What a plan file may hold: what `flowfix apply FILE` reads, and schemas/plan.v1.schema.json. */
export const planFileSchema = z
  .strictObject({
    schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
    accountId,
    partition: z.enum(['aws', 'aws-cn', 'aws-us-gov']),
    createdAt: z.string(),
    // Checked as settings (names, retention values, regions) when the plan is rebuilt from them.
    settings: planSettingsSchema,
    actions: z.array(actionSchema),
    blocked: z.array(z.strictObject({ reason: z.string(), region: z.string(), resourceIds: z.array(z.string()) })),
  })
  .meta({ title: 'flowfix plan (schemaVersion 1)', description: 'What `flowfix plan --out FILE` saves and `flowfix apply FILE` reads.' });

/** A plan as read from a file: its settings not yet validated as settings. */
export type SavedPlan = Omit<Plan, 'settings'> & { settings: z.output<typeof planSettingsSchema> };

/** A plan as files and reports hold it. */
export type PlanDocument = Omit<Plan, 'settings'> & { settings: PlanSettingsDocument };

export const planDocument = (plan: Plan): PlanDocument => ({ ...plan, settings: planSettingsDocument(plan.settings) });

export const planInvalid = (path: string, problem: string) =>
  new FlowfixError('PlanInvalid', `plan file ${path} is not a valid flowfix plan: ${problem}`, {
    hint: 'make a new one with `flowfix plan --out FILE`; plans are not meant to be edited by hand',
  });

export function renderPlanFile(plan: Plan): string {
  return `${JSON.stringify(planDocument(plan), null, 2)}\n`;
}

export async function readPlanFile(path: string): Promise<SavedPlan> {
  return parsePlanFile(await readBoundedFile(path), path);
}

/** A regular file of at most MAX_PLAN_BYTES: never a FIFO or device that would block or never end. */
async function readBoundedFile(path: string): Promise<string> {
  const read = await readRegularFile(path, MAX_PLAN_BYTES);
  if ('text' in read) return read.text;
  if ('tooLarge' in read) throw planInvalid(path, `larger than ${MAX_PLAN_BYTES / 1024 / 1024} MB`);
  const why = 'missing' in read ? 'no such file (ENOENT)' : read.problem;
  throw new FlowfixError('PlanUnreadable', `cannot read plan file ${path}: ${why}`, { hint: 'check the path' });
}

export function parsePlanFile(text: string, path: string): SavedPlan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw planInvalid(path, `not JSON (${(err as Error).message})`);
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== PLAN_SCHEMA_VERSION) {
    throw new FlowfixError('PlanVersion', `plan file ${path} has schemaVersion ${JSON.stringify(version)}; this flowfix reads version ${PLAN_SCHEMA_VERSION}`, {
      hint: 'make a new plan with this version of flowfix: flowfix plan --out FILE',
    });
  }
  const parsed = planFileSchema.safeParse(json);
  if (!parsed.success) {
    throw planInvalid(path, issueLines(parsed.error.issues).join('; '));
  }
  // Display fields stay as the file has them: matchSavedPlan refuses any that differ from what flowfix
  // renders, and what is shown and run comes from the rebuilt plan.
  return parsed.data as unknown as SavedPlan;
}
