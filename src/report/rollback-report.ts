// The document `flowfix rollback --format json` prints, defined once as a zod schema: one entry per
// account (a single-account run has one), what was planned, kept and done.
import * as z from 'zod';

import type { KeptResource } from '../plan/build-rollback.js';
import { planActionSchema } from '../plan/plan-file.js';
import type { PlanAction } from '../plan/types.js';
import type { Equal } from '../util/types.js';
import { dryRunCallSchema, outcomeSchema } from './apply-report.js';
import { identityOf, notDone, soleValue, type AccountOutcome, type AccountTarget } from './org-report.js';

/** Bump on any incompatible change; documented in README "Rollback". */
export const ROLLBACK_REPORT_SCHEMA = 'flowfix.rollback-report/v1';

export const keptResourceSchema = z.strictObject({
  type: z
    .enum(['role', 'log-group', 'region', 'flow-log', 'bucket-policy'])
    .describe(
      "'flow-log': tagged ManagedBy=flowfix but not flowfix's shape under these settings (name: its id); 'bucket-policy': the central bucket's (name: the bucket)",
    ),
  region: z.string().describe("'global' for the role"),
  name: z.string(),
  reason: z.string().describe('Why rollback leaves it in place'),
  storedBytes: z.number().optional().describe('For a log group: bytes of log data it holds'),
  deniedBy: z
    .strictObject({ policyType: z.enum(['service-control-policy', 'resource-control-policy']), policyArn: z.string().optional() })
    .optional()
    .describe('For a region an organization policy denies: the policy, as AWS named it'),
});

const accountIdentity = { accountId: z.string(), name: z.string().optional().describe('From Organizations, when the accounts came from --org') };
const exitCode = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(130)]);

export const accountRollbackSchema = z.strictObject({
  ...accountIdentity,
  status: z.literal('done'),
  actions: z.array(planActionSchema).describe('The deletes planned, in the order they are sent'),
  kept: z.array(keptResourceSchema),
  bytesToDelete: z.number().describe('Bytes of log data the planned log group deletions lose'),
  outcomes: z.array(outcomeSchema),
  dryRunCalls: z.array(dryRunCallSchema).describe('With --dry-run: each call rollback would send, once'),
  interrupted: z.boolean(),
  exitCode,
});

export const rollbackReportSchema = z
  .strictObject({
    schema: z.literal(ROLLBACK_REPORT_SCHEMA),
    dryRun: z.boolean(),
    deleteLogGroups: z.boolean(),
    accounts: z.array(
      z.discriminatedUnion('status', [
        accountRollbackSchema,
        z.strictObject({
          ...accountIdentity,
          status: z.literal('unreachable'),
          error: z.strictObject({ code: z.string(), message: z.string(), hint: z.string() }),
        }),
        z.strictObject({ ...accountIdentity, status: z.literal('not-started') }),
      ]),
    ),
    exitCode,
  })
  .meta({
    title: 'flowfix rollback report (flowfix.rollback-report/v1)',
    description: 'What `flowfix rollback --format json` (with --yes or --dry-run) prints.',
  });

export type RollbackReportDocument = z.infer<typeof rollbackReportSchema>;
export type AccountRollbackDocument = z.infer<typeof accountRollbackSchema>;

const sameKept: Equal<z.infer<typeof keptResourceSchema>, KeptResource> = true;
void sameKept;

/** One account's rollback, as the report shows it (the document's account entry without its identity). */
export type AccountRollbackValue = Omit<AccountRollbackDocument, keyof AccountTarget | 'status' | 'actions'> & { actions: PlanAction[] };

/** The document, with each account's actions typed as flowfix writes them. */
export type RollbackReport = Omit<RollbackReportDocument, 'accounts'> & {
  accounts: ((AccountTarget & { status: 'done' } & AccountRollbackValue) | Exclude<RollbackReportDocument['accounts'][number], { status: 'done' }>)[];
};

/** `rollback`: one entry per account, a run of one account included (whose failure is thrown, as any single-account run's). */
export function rollbackDocument(
  request: Pick<RollbackReport, 'dryRun' | 'deleteLogGroups' | 'exitCode'>,
  accounts: AccountOutcome<AccountRollbackValue>[],
): RollbackReport {
  if (accounts.length === 1) soleValue(accounts[0]!);
  return {
    schema: ROLLBACK_REPORT_SCHEMA,
    dryRun: request.dryRun,
    deleteLogGroups: request.deleteLogGroups,
    accounts: accounts.map((a) => (a.status === 'done' ? { ...identityOf(a), status: 'done' as const, ...a.value } : notDone(a))),
    exitCode: request.exitCode,
  };
}
