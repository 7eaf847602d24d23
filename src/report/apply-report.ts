// The document `flowfix apply --format json` prints, defined once as a zod schema: the workflow's
// ApplyResult is inferred from it, schemas/apply-report.v1.schema.json is generated from it, and the
// tests validate every apply report they produce against it.
import * as z from 'zod';

import { ACTION_KINDS, type ActionKindName } from '../actions/action-kinds.js';
import type { DryRunCall, DryRunProbe, Outcome } from '../apply/types.js';
import type { Verification } from '../apply/verify.js';
import { DELIVERY_STATUSES } from '../facts/delivery-status.js';
import { planFileSchema, type PlanDocument } from '../plan/plan-file.js';
import type { Equal } from '../util/types.js';
import { deniedRegionSchema, interfaceSampleSchema, permissionCheckSchema, reportErrorSchema } from './plan-report.js';

/** Bump on any incompatible change; documented in README "JSON output". */
export const APPLY_REPORT_SCHEMA = 'flowfix.apply-report/v1';

export const outcomeSchema = z.strictObject({
  actionId: z.string(),
  kind: z.enum(Object.keys(ACTION_KINDS) as [ActionKindName, ...ActionKindName[]]),
  region: z.string(),
  resourceId: z.string().describe('The resource (VPC/subnet id, log group, role) this line is about'),
  status: z
    .enum(['applied', 'deleted', 'already-done', 'skipped', 'failed', 'dry-run', 'not-started'])
    .describe("'deleted': a delete (rollback) that took effect; 'applied': any other write that did"),
  detail: z.string().optional().describe('Why skipped or already done, or the exact call a dry run would send'),
  code: z.string().optional().describe("AWS's error code when failed"),
  message: z.string().optional().describe("AWS's message when failed"),
  hint: z
    .string()
    .optional()
    .describe(
      "When failed: what would fix it, in flowfix's words (for access denied, fitting the layer that refused: SCP, permissions boundary, identity policy)",
    ),
});

export const dryRunProbeSchema = z.strictObject({
  region: z.string(),
  allowed: z.boolean().describe('Whether CreateFlowLogs with DryRun: true was allowed'),
  code: z.string(),
  message: z.string().optional(),
});

export const dryRunCallSchema = z.strictObject({
  actionId: z.string(),
  region: z.string(),
  call: z.string().describe('service:Operation, as in the plan'),
  input: z.record(z.string(), z.unknown()).describe('The API parameters; for CreateFlowLogs, ResourceIds holds the ids still to do'),
});

export const verificationSchema = z.strictObject({
  region: z.string(),
  resourceId: z.string(),
  status: z.enum(['ok', 'pending', 'delivery-failed', 'missing', 'unreadable']),
  flowLogId: z.string().optional(),
  delivery: z.enum(DELIVERY_STATUSES).optional().describe("The flow log's delivery, in the words `flowfix verify` uses for delivery[].status"),
  evidence: z.string().optional().describe("For 'ok': what was seen at the destination"),
  interfaces: interfaceSampleSchema.optional().describe('CloudWatch Logs: the network interfaces whose log streams were looked at, of how many'),
  message: z.string().optional(),
});

export const applyReportSchema = z
  .strictObject({
    schema: z.literal(APPLY_REPORT_SCHEMA),
    plan: planFileSchema,
    outcomes: z.array(outcomeSchema),
    dryRunCalls: z.array(dryRunCallSchema).describe('With --dry-run: each call apply would send, once'),
    dryRunProbes: z.array(dryRunProbeSchema),
    interrupted: z.boolean(),
    verification: z.array(verificationSchema),
    regionErrors: z.array(reportErrorSchema).describe("What could not be read before applying (regions, or 'global' for the role)"),
    deniedRegions: z.array(deniedRegionSchema).optional().describe('Regions an organization policy (SCP or RCP) denies: skipped, nothing planned there'),
    permissionCheck: permissionCheckSchema.optional().describe('With --dry-run: the permission preflight, before anything else is sent'),
    exitCode: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(130)]),
  })
  .meta({ title: 'flowfix apply report (flowfix.apply-report/v1)', description: 'What `flowfix apply --format json` (with --yes or --dry-run) prints.' });

/** The plan inside is typed as flowfix writes it; its schema is the plan file's. */
export type ApplyReportDocument = Omit<z.infer<typeof applyReportSchema>, 'plan'> & { plan: PlanDocument };

// The executor's types and the document's schema must describe the same fields.
const sameOutcome: Equal<z.infer<typeof outcomeSchema>, Outcome> = true;
const sameProbe: Equal<z.infer<typeof dryRunProbeSchema>, DryRunProbe> = true;
const sameVerification: Equal<z.infer<typeof verificationSchema>, Verification> = true;
const sameDryRunCall: Equal<z.infer<typeof dryRunCallSchema>, DryRunCall> = true;
void [sameOutcome, sameProbe, sameVerification, sameDryRunCall];
