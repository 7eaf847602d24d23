// The data `flowfix plan --org` / `--accounts` shows: one single-account report per account, or why
// the account could not be read. Same shape for the terminal and --format json.
import type { AwsProblem } from '../inventory/types.js';
import { planExitCode, type PlanReport } from './plan-report.js';

/** Bump on any incompatible change; documented in README "Many accounts". */
export const ORG_REPORT_SCHEMA = 'flowfix.org-plan-report/v1';

interface AccountIdentity {
  accountId: string;
  /** From Organizations, when the accounts came from --org. */
  name?: string;
}

export type AccountReport =
  | (AccountIdentity & { status: 'read'; report: Omit<PlanReport, 'schema'> })
  | (AccountIdentity & { status: 'unreachable'; error: AwsProblem & { hint: string } })
  | (AccountIdentity & { status: 'not-started' });

export interface OrgPlanReport {
  schema: typeof ORG_REPORT_SCHEMA;
  generatedAt: string;
  /** The caller's own account, read with its own credentials; every other through --assume-role. */
  callerAccountId: string;
  accounts: AccountReport[];
  /** Organization accounts that are not ACTIVE (suspended, closing): not entered. */
  notActive: (AccountIdentity & { state: string })[];
}

/** Over the whole run: 1 if any account could not be read (or not all regions), else 2 if any needs changes, else 0. */
export function orgPlanExitCode(report: OrgPlanReport): 0 | 1 | 2 {
  const codes = report.accounts.map((a) => (a.status === 'read' ? planExitCode(a.report) : 1));
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
