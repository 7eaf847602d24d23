// The data `flowfix plan --org` / `--accounts` shows: one single-account report per account, or why
// the account could not be read. Same shape for the terminal and --format json.
import type { AwsProblem } from '../inventory/types.js';
import * as z from 'zod';
import { applyReportSchema } from './apply-report.js';
import { planExitCode, planReportSchema, type ExitCodeOptions, type PlanReport } from './plan-report.js';

/** Bump on any incompatible change; documented in README "Many accounts". */
export const ORG_REPORT_SCHEMA = 'flowfix.org-plan-report/v1';

const accountIdentity = { accountId: z.string(), name: z.string().optional().describe('From Organizations, when the accounts came from --org') };
const accountError = z.strictObject({ code: z.string(), message: z.string().describe("AWS's own words"), action: z.string().optional(), hint: z.string().describe('What to fix') });

export const accountReportSchema = z.discriminatedUnion('status', [
  z.strictObject({ ...accountIdentity, status: z.literal('read'), report: planReportSchema.omit({ schema: true }).describe('What a single-account report holds') }),
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
  .meta({ title: 'flowfix organization plan report (flowfix.org-plan-report/v1)', description: 'What `flowfix plan|verify --org|--accounts --format json` print.' });

/** Bump on any incompatible change; documented in README "Many accounts". */
export const ORG_APPLY_REPORT_SCHEMA = 'flowfix.org-apply-report/v1';

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
    exitCode: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(130)]),
  })
  .meta({ title: 'flowfix organization apply report (flowfix.org-apply-report/v1)', description: 'What `flowfix apply --org|--accounts --format json` prints: one apply report per account.' });

/** The plan inside each account's report is typed as flowfix writes it. */
export type AccountReport =
  | (AccountIdentity & { status: 'read'; report: Omit<PlanReport, 'schema'> })
  | (AccountIdentity & { status: 'unreachable'; error: AwsProblem & { hint: string } })
  | (AccountIdentity & { status: 'not-started' });

export interface OrgPlanReport {
  schema: typeof ORG_REPORT_SCHEMA;
  generatedAt: string;
  callerAccountId: string;
  accounts: AccountReport[];
  notActive: (AccountIdentity & { state: string })[];
}

interface AccountIdentity {
  accountId: string;
  name?: string;
}

/** Over the whole run: 1 if any account could not be read (or not all regions), else 2 if any needs changes, else 0. */
export function orgPlanExitCode(report: OrgPlanReport, options: ExitCodeOptions = {}): 0 | 1 | 2 {
  const codes = report.accounts.map((a) => (a.status === 'read' ? planExitCode(a.report, options) : 1));
  return codes.includes(1) ? 1 : codes.includes(2) ? 2 : 0;
}

/** An account's read as the workflow hands it over (src/workflow/accounts.ts AccountOutcome). */
export type AccountRead = AccountIdentity &
  ({ status: 'done'; value: { report: PlanReport } } | { status: 'unreachable'; problem: AwsProblem & { hint: string } } | { status: 'not-started' });

/** Per account, the same report a single-account run shows. */
export function buildOrgReport(callerAccountId: string, accounts: AccountRead[], notActive: OrgPlanReport['notActive'], now: Date): OrgPlanReport {
  return {
    schema: ORG_REPORT_SCHEMA,
    generatedAt: now.toISOString(),
    callerAccountId,
    accounts: accounts.map((account): AccountReport => {
      const identity = { accountId: account.accountId, ...(account.name ? { name: account.name } : {}) };
      switch (account.status) {
        case 'done': {
          const { schema: _schema, ...report } = account.value.report;
          return { ...identity, status: 'read', report };
        }
        case 'unreachable':
          return { ...identity, status: 'unreachable', error: account.problem };
        case 'not-started':
          return { ...identity, status: 'not-started' };
      }
    }),
    notActive,
  };
}
