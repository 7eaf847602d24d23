// Many accounts: which ones (--org, --ou, --accounts, --exclude-accounts), entered how (the caller's own
// credentials for its own account, sts:AssumeRole for every other), and the single-account workflow run
// in each. An account that cannot be entered is data: the others go on.
import type { AwsClients, AwsSession } from '../aws/api.js';
import { classifyAwsError, describeOrganizationPolicy, isAwsOrNetworkError, toFlowfixError, type ClassifiedAwsError } from '../aws/errors.js';
import type { Settings } from '../config/settings.js';
import { FlowfixError, isFlowfixError } from '../errors.js';
import { partitionOf } from '../facts/regions.js';
import { collectInventory } from '../inventory/collect-inventory.js';
import { loadPolicyTemplates } from '../policy/templates.js';
import { Limiter, mapWithConcurrency } from '../util/concurrency.js';
import { applyAndVerify, DEFAULT_APPLY_TIMINGS, type ApplyResult, type ApplyTimings } from './apply-and-verify.js';
import { assessInventory, type Assessment } from './assess.js';
import { buildOrgReport, type OrgPlanReport } from '../report/org-report.js';
import type { WorkflowDeps } from './deps.js';
import { EXIT, type ExitCode } from './exit-codes.js';

export const DEFAULT_ROLE_SESSION_NAME = 'flowfix';

/**
 * The session name flowfix assumes member roles with unless --role-session-name says otherwise:
 * flowfix-<who the caller is> (the IAM user's name, the session of an assumed role such as an SSO user's
 * e-mail, root), so operators can be told apart in each member's CloudTrail. Within STS's pattern:
 * 2-64 characters of [\w+=,.@-]; anything else becomes '-'.
 */
export function defaultRoleSessionName(callerArn: string | undefined): string {
  const resource = /^arn:[^:]+:(?:iam|sts)::\d{12}:(.+)$/.exec(callerArn ?? '')?.[1];
  if (!resource) return DEFAULT_ROLE_SESSION_NAME;
  // user/path/alice → alice; assumed-role/Role/session → session; federated-user/bob → bob; root → root.
  const who = resource.slice(resource.lastIndexOf('/') + 1).replace(/[^\w+=,.@-]/g, '-');
  if (who === '') return DEFAULT_ROLE_SESSION_NAME;
  // A caller that is itself a flowfix session (chained runs) keeps its name rather than growing a prefix.
  const name = who.startsWith(`${DEFAULT_ROLE_SESSION_NAME}-`) ? who : `${DEFAULT_ROLE_SESSION_NAME}-${who}`;
  return name.slice(0, 64);
}

export interface AccountTarget {
  accountId: string;
  name?: string;
}

export interface AccountChoice {
  /** The caller's own account: read with its own credentials. */
  callerAccountId: string;
  partition: string;
  targets: AccountTarget[];
  /** Accounts of the organization that are not ACTIVE, so not entered. */
  notActive: (AccountTarget & { state: string })[];
  /** The caller's ARN (sts:GetCallerIdentity): the default role session name is derived from it. */
  callerArn?: string;
  /** Accounts that joined the organization by invitation (from --org): they have no OrganizationAccountAccessRole unless made. */
  invited?: string[];
}

/** Why an account could not be entered or read, and what to do about it. */
export interface AccountProblem {
  code: string;
  message: string;
  hint: string;
}

export type AccountOutcome<T> =
  | (AccountTarget & { status: 'done'; value: T })
  | (AccountTarget & { status: 'unreachable'; problem: AccountProblem })
  | (AccountTarget & { status: 'not-started' });

/** The accounts a run covers, in a stable order: the caller's first, then by id. */
export async function chooseAccounts(settings: Settings, session: AwsSession): Promise<AccountChoice> {
  const caller = await session.clients.callerIdentity().catch((err: unknown) => {
    throw toFlowfixError(err, 'Reading the account id (sts:GetCallerIdentity)');
  });
  const partition = /^arn:([a-z-]+):/.exec(caller.arn)?.[1] ?? partitionOf(session.clients.homeRegion);
  let targets: AccountTarget[];
  let notActive: AccountChoice['notActive'] = [];
  let invited: string[] = [];
  if (settings.org) {
    const org = session.organizations();
    const listed = await (settings.ou ? org.listAccountsUnder(settings.ou) : org.listAccounts()).catch((err: unknown) => {
      const error = toFlowfixError(err, 'Listing the organization\'s accounts (organizations:ListAccounts)');
      throw new FlowfixError(error.code, error.message, {
        hint: 'run from the management account or a delegated administrator, or name the accounts with --accounts',
        cause: err,
      });
    });
    targets = listed.filter((a) => a.state === 'ACTIVE').map(({ accountId, name }) => ({ accountId, ...(name ? { name } : {}) }));
    notActive = listed.filter((a) => a.state !== 'ACTIVE').map(({ accountId, name, state }) => ({ accountId, ...(name ? { name } : {}), state }));
    invited = listed.filter((a) => a.joinedMethod === 'INVITED').map((a) => a.accountId);
  } else {
    targets = [...new Set(settings.accounts ?? [caller.accountId])].map((accountId) => ({ accountId }));
  }
  const excluded = new Set(settings.excludeAccounts ?? []);
  targets = targets
    .filter((t) => !excluded.has(t.accountId))
    .sort((a, b) => (a.accountId === caller.accountId ? -1 : b.accountId === caller.accountId ? 1 : a.accountId.localeCompare(b.accountId)));
  if (targets.length === 0) {
    throw new FlowfixError('NoAccounts', 'no account left to work on', { hint: 'check --accounts / --exclude-accounts / --ou' });
  }
  return { callerAccountId: caller.accountId, callerArn: caller.arn, partition, targets, notActive, ...(invited.length > 0 ? { invited } : {}) };
}

/** Clients acting in one named account: the caller's own, or through --assume-role (e.g. for a saved plan). */
export async function clientsInAccount(accountId: string, settings: Settings, session: AwsSession): Promise<AwsClients> {
  const caller = await session.clients.callerIdentity().catch((err: unknown) => {
    throw toFlowfixError(err, 'Reading the account id (sts:GetCallerIdentity)');
  });
  const partition = /^arn:([a-z-]+):/.exec(caller.arn)?.[1] ?? partitionOf(session.clients.homeRegion);
  return clientsForAccount(accountId, { callerAccountId: caller.accountId, callerArn: caller.arn, partition }, settings, session);
}

/** The clients that act in `accountId`: the caller's own, or through the assumed role. */
export function clientsForAccount(accountId: string, choice: Pick<AccountChoice, 'callerAccountId' | 'partition' | 'callerArn'>, settings: Settings, session: AwsSession): AwsClients {
  if (accountId === choice.callerAccountId) return session.clients;
  if (!settings.assumeRole) {
    throw new FlowfixError('AssumeRoleRequired', `account ${accountId} is not the caller's (${choice.callerAccountId})`, { hint: 'add --assume-role ROLE' });
  }
  return session.clientsForAccount(accountId, choice.partition, {
    roleName: settings.assumeRole,
    sessionName: settings.roleSessionName ?? defaultRoleSessionName(choice.callerArn),
    ...(settings.externalId ? { externalId: settings.externalId } : {}),
  });
}

/**
 * Runs `work` for every account, at most `concurrency` accounts at once, and keeps going past an account
 * that fails: its AWS or flowfix error becomes an 'unreachable' outcome. After Ctrl-C, accounts not yet
 * started are reported as such; `limiter` is shared so region reads stay bounded across all accounts.
 */
export async function forEachAccount<T>(
  choice: AccountChoice,
  settings: Settings,
  session: AwsSession,
  deps: Pick<WorkflowDeps, 'signal'> & { concurrency: number },
  work: (clients: AwsClients, account: AccountTarget, limiter: Limiter) => Promise<T>,
): Promise<AccountOutcome<T>[]> {
  const limiter = new Limiter(settings.concurrency);
  return mapWithConcurrency(choice.targets, deps.concurrency, async (account): Promise<AccountOutcome<T>> => {
    if (deps.signal?.aborted) return { ...account, status: 'not-started' };
    try {
      const clients = clientsForAccount(account.accountId, choice, settings, session);
      return { ...account, status: 'done', value: await work(clients, account, limiter) };
    } catch (err) {
      if (isFlowfixError(err) && err.code === 'Interrupted') return { ...account, status: 'not-started' };
      return { ...account, status: 'unreachable', problem: accountProblem(err, account.accountId, settings, choice.invited?.includes(account.accountId) === true) };
    }
  });
}

/** AWS's own words, and what to fix: most failures here are the role in the member account. */
export function accountProblem(thrown: unknown, accountId: string, settings: Pick<Settings, 'assumeRole' | 'externalId'>, invited = false): AccountProblem {
  // A FlowfixError wrapping an AWS error (e.g. the first call into the account): judge by AWS's answer.
  const err = isFlowfixError(thrown) && isAwsOrNetworkError(thrown.cause) ? thrown.cause : thrown;
  if (isFlowfixError(err)) return { code: err.code, message: err.message, hint: err.hint ?? '' };
  if (!isAwsOrNetworkError(err)) throw err;
  const classified = classifyAwsError(err);
  return { code: classified.code, message: classified.message, hint: enteringHint(classified, accountId, settings, invited) };
}

/** What to fix, for the ways entering a member account fails in real organizations. */
function enteringHint(error: ClassifiedAwsError, accountId: string, settings: Pick<Settings, 'assumeRole' | 'externalId'>, invited: boolean): string {
  const role = settings.assumeRole ?? 'ROLE';
  const { kind, code, message } = error;
  if (code === 'RegionDisabledException') {
    return `account ${accountId} has deactivated STS in the region flowfix asked (its partition's default region, then the caller's): an administrator of ${accountId} activates it in the IAM console (Account settings, Security Token Service endpoints)`;
  }
  if (/Roles may not be assumed by root accounts/i.test(message)) {
    return "flowfix runs with the root user's credentials, which cannot assume roles: sign in as an IAM role or user of the management account (aws sso login, or a profile) and run again";
  }
  const entering = /sts:AssumeRole/i.test(message) || (code === 'AccessDenied' && /AssumeRole/.test(message));
  if (entering && error.deniedBy) {
    return `an organization policy denies sts:AssumeRole to the caller (the ${describeOrganizationPolicy(error.deniedBy)}); SCPs never apply to the management account: run from it, or have the policy exempt the caller`;
  }
  if (entering) {
    const invitedNote =
      role === 'OrganizationAccountAccessRole'
        ? invited
          ? `; ${accountId} joined the organization by invitation, and invited accounts have no OrganizationAccountAccessRole until someone creates it (or use the role your landing zone provides, e.g. AWSControlTowerExecution)`
          : '; accounts invited into the organization have no OrganizationAccountAccessRole until someone creates it'
        : '';
    return `check that role ${role} exists in ${accountId}, trusts the caller's account${settings.externalId ? ' with this --external-id' : ''}, and that no SCP denies it${invitedNote}`;
  }
  return kind === 'access-denied' ? `grant the read permissions of policies/operator-plan.json to role ${role} in ${accountId}` : 'run again; if it persists, check the account in the console';
}

export interface AccountAssessment {
  assessment: Assessment;
  clients: AwsClients;
}

export interface OrgAssessment {
  choice: AccountChoice;
  accounts: AccountOutcome<AccountAssessment>[];
}

/** Reads and assesses every account; region reads share one bound across accounts (--concurrency). */
export async function assessAccounts(settings: Settings, session: AwsSession, deps: WorkflowDeps): Promise<OrgAssessment> {
  const choice = await chooseAccounts(settings, session);
  const templates = deps.templates ?? loadPolicyTemplates();
  const accounts = await forEachAccount(choice, settings, session, { ...deps, concurrency: settings.concurrency }, async (clients, account, limiter) => {
    const inventory = await collectInventory(clients, settings, { limiter, ...(deps.signal ? { signal: deps.signal } : {}) });
    if (inventory.accountId !== account.accountId) {
      throw new FlowfixError('WrongAccount', `role ${settings.assumeRole} in ${account.accountId} answered as account ${inventory.accountId}`, {
        hint: 'check the account id and the role',
      });
    }
    return { assessment: assessInventory(inventory, settings, templates, new Date(deps.clock.now())), clients };
  });
  return { choice, accounts };
}

export interface OrgApplyResult {
  accounts: AccountOutcome<ApplyResult>[];
  exitCode: ExitCode;
}

/**
 * Applies each account's own plan with its own clients, one account after another: a failure in one
 * never stops the others, and after Ctrl-C the accounts not yet started are reported as not started.
 */
export async function applyAccounts(
  org: OrgAssessment,
  settings: Settings,
  request: { dryRun: boolean; wait: boolean },
  deps: WorkflowDeps,
  timings: ApplyTimings = DEFAULT_APPLY_TIMINGS,
  onAccount?: (account: AccountTarget, result: ApplyResult) => void,
): Promise<OrgApplyResult> {
  const accounts: AccountOutcome<ApplyResult>[] = [];
  for (const outcome of org.accounts) {
    if (outcome.status !== 'done') {
      accounts.push(outcome);
      continue;
    }
    const { accountId, name } = outcome;
    const target = { accountId, ...(name ? { name } : {}) };
    if (deps.signal?.aborted) {
      accounts.push({ ...target, status: 'not-started' });
      continue;
    }
    const { assessment, clients } = outcome.value;
    const result = await applyAndVerify(
      { plan: assessment.plan, live: assessment.inventory, settings, ...request },
      { ...deps, clients },
      timings,
    );
    onAccount?.(target, result);
    accounts.push({ ...target, status: 'done', value: result });
  }
  return { accounts, exitCode: orgApplyExitCode(accounts) };
}

function orgApplyExitCode(accounts: AccountOutcome<ApplyResult>[]): ExitCode {
  if (accounts.some((a) => a.status === 'done' && a.value.exitCode === EXIT.interrupted)) return EXIT.interrupted;
  if (accounts.some((a) => a.status === 'not-started')) return EXIT.interrupted;
  return accounts.every((a) => a.status === 'done' && a.value.exitCode === EXIT.ok) ? EXIT.ok : EXIT.error;
}

/** The organization report of an assessment (the same per-account report a single-account run shows). */
export function orgReportOf(org: OrgAssessment, now: Date): OrgPlanReport {
  const accounts = org.accounts.map((a) => (a.status === 'done' ? { ...a, value: a.value.assessment } : a));
  return buildOrgReport(org.choice.callerAccountId, accounts, org.choice.notActive, now);
}
