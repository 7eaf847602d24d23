// Any number of accounts, in the documents flowfix prints: what the workflow hands over per account
// (AccountOutcome), and one builder per command that turns the outcomes into the document users read.
// One account gives today's single-account document; several give the organization document. The
// published schemas stay as they were (v1), so their per-account status words stay too: 'read' (plan,
// verify) and 'applied' (apply) for the workflow's one word, 'done'.
import * as z from 'zod';

import { FlowfixError, interrupted } from '../errors.js';
import type { AwsProblem } from '../inventory/types.js';
import { APPLY_REPORT_SCHEMA, applyReportSchema, type ApplyReportDocument } from './apply-report.js';
import { planReportSchema, REPORT_SCHEMA, type PlanReport } from './plan-report.js';

export interface AccountTarget {
  accountId: string;
  /** From Organizations, when the accounts came from --org. */
  name?: string;
}

/** Why an account could not be entered or read, and what to do about it. */
export interface AccountProblem {
  code: string;
  message: string;
  hint: string;
}

/** One account's result, whatever the command: done (with its value), unreachable, or not started (Ctrl-C). */
export type AccountOutcome<T> =
  | (AccountTarget & { status: 'done'; value: T })
  | (AccountTarget & { status: 'unreachable'; problem: AccountProblem; thrown: unknown })
  | (AccountTarget & { status: 'not-started' });

export const identityOf = ({ accountId, name }: AccountTarget): AccountTarget => ({ accountId, ...(name ? { name } : {}) });

/**
 * The value of the only account of a run, or what stopped it, thrown as a single-account run stops: one
 * line with AWS's words and what to fix in that account, or Ctrl-C's interruption.
 */
export function soleValue<T>(outcome: AccountOutcome<T>): T {
  if (outcome.status === 'done') return outcome.value;
  if (outcome.status === 'not-started') throw interrupted();
  const { thrown, problem } = outcome;
  throw new FlowfixError(problem.code, problem.message, { hint: problem.hint, cause: thrown });
}

/** Bump on any incompatible change; documented in README "Many accounts". */
export const ORG_REPORT_SCHEMA = 'flowfix.org-plan-report/v1';

const accountIdentity = { accountId: z.string(), name: z.string().optional().describe('From Organizations, when the accounts came from --org') };
const accountError = z.strictObject({
  code: z.string(),
  message: z.string().describe("AWS's own words"),
  action: z.string().optional(),
  hint: z.string().describe('What to fix'),
});

export const accountReportSchema = z.discriminatedUnion('status', [
  z.strictObject({
    ...accountIdentity,
    status: z.literal('read'),
    report: planReportSchema.omit({ schema: true }).describe('What a single-account report holds'),
  }),
  z.strictObject({ ...accountIdentity, status: z.literal('unreachable'), error: accountError }),
  z.strictObject({ ...accountIdentity, status: z.literal('not-started') }),
]);

export const orgPlanReportSchema = z
  .strictObject({
    schema: z.literal(ORG_REPORT_SCHEMA),
    generatedAt: z.string(),
    callerAccountId: z.string().describe("Read with the caller's own credentials; every other account through --assume-role"),
    accounts: z.array(accountReportSchema),
    notActive: z.array(z.strictObject({ ...accountIdentity, state: z.string() })).describe('Organization accounts that are not ACTIVE: not entered'),
  })
  .meta({
    title: 'flowfix organization plan report (flowfix.org-plan-report/v1)',
    description: 'What `flowfix plan|verify --org|--accounts --format json` print.',
  });

/** Bump on any incompatible change; documented in README "Many accounts". */
export const ORG_APPLY_REPORT_SCHEMA = 'flowfix.org-apply-report/v1';

const exitCodeSchema = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(130)]);

export const orgApplyReportSchema = z
  .strictObject({
    schema: z.literal(ORG_APPLY_REPORT_SCHEMA),
    callerAccountId: z.string(),
    accounts: z.array(
      z.discriminatedUnion('status', [
        applyReportSchema.omit({ schema: true }).extend({ ...accountIdentity, status: z.literal('applied') }),
        z.strictObject({ ...accountIdentity, status: z.literal('unreachable'), error: accountError }),
        z.strictObject({ ...accountIdentity, status: z.literal('not-started') }),
      ]),
    ),
    exitCode: exitCodeSchema,
  })
  .meta({
    title: 'flowfix organization apply report (flowfix.org-apply-report/v1)',
    description: 'What `flowfix apply --org|--accounts --format json` prints: one apply report per account.',
  });

/** The plan inside each account's report is typed as flowfix writes it. */
export type AccountReport =
  | (AccountTarget & { status: 'read'; report: Omit<PlanReport, 'schema'> })
  | (AccountTarget & { status: 'unreachable'; error: AwsProblem & { hint: string } })
  | (AccountTarget & { status: 'not-started' });

export interface OrgPlanReport {
  schema: typeof ORG_REPORT_SCHEMA;
  generatedAt: string;
  callerAccountId: string;
  accounts: AccountReport[];
  notActive: (AccountTarget & { state: string })[];
}

export type OrgApplyReportDocument = Omit<z.infer<typeof orgApplyReportSchema>, 'accounts'> & {
  accounts: ((Omit<ApplyReportDocument, 'schema'> & AccountTarget & { status: 'applied' }) | Exclude<AccountReport, { status: 'read' }>)[];
};

/** Who ran, and which accounts of the organization were not entered: the organization documents' header. */
export interface RunAccounts {
  callerAccountId: string;
  notActive: OrgPlanReport['notActive'];
}

/** The entry of an account not done, the same in every many-account document. */
export function notDone(account: Exclude<AccountOutcome<unknown>, { status: 'done' }>): Exclude<AccountReport, { status: 'read' }> {
  return account.status === 'unreachable'
    ? { ...identityOf(account), status: 'unreachable', error: account.problem }
    : { ...identityOf(account), status: 'not-started' };
}

/** `plan` and `verify`: one account's report as a single-account run prints it, or the organization report. */
export function planDocument(run: RunAccounts, accounts: AccountOutcome<PlanReport>[], now: Date): PlanReport | OrgPlanReport {
  if (accounts.length === 1) return soleValue(accounts[0]!);
  return {
    schema: ORG_REPORT_SCHEMA,
    generatedAt: now.toISOString(),
    callerAccountId: run.callerAccountId,
    accounts: accounts.map((account): AccountReport => {
      if (account.status !== 'done') return notDone(account);
      const { schema: _schema, ...report } = account.value;
      return { ...identityOf(account), status: 'read', report };
    }),
    notActive: run.notActive,
  };
}

/** `apply`: one account's apply report, or one per account in the organization apply report. */
export function applyDocument(
  run: RunAccounts,
  accounts: AccountOutcome<Omit<ApplyReportDocument, 'schema'>>[],
  exitCode: ApplyReportDocument['exitCode'],
): ApplyReportDocument | OrgApplyReportDocument {
  if (accounts.length === 1) return { schema: APPLY_REPORT_SCHEMA, ...soleValue(accounts[0]!) };
  return {
    schema: ORG_APPLY_REPORT_SCHEMA,
    callerAccountId: run.callerAccountId,
    accounts: accounts.map((a) => (a.status === 'done' ? { ...identityOf(a), status: 'applied' as const, ...a.value } : notDone(a))),
    exitCode,
  };
}

/** An account's report of the organization document, as a single-account run prints it. */
export const singleReport = (report: Omit<PlanReport, 'schema'>): PlanReport => ({ schema: REPORT_SCHEMA, ...report });

export const isOrgPlanReport = (doc: PlanReport | OrgPlanReport): doc is OrgPlanReport => doc.schema === ORG_REPORT_SCHEMA;
