// The accounts a run works in, and how each is entered. Every command works over this list: without
// --org or --accounts it holds the caller's own account (live, or the snapshot's), entered with the
// caller's own clients; --org / --accounts name others, entered through sts:AssumeRole. An account that
// cannot be entered or read is data: the others go on.
import type { AwsClients, AwsSession } from '../aws/api.js';
import {
  classifyAwsError,
  describeOrganizationPolicy,
  isAwsOrNetworkError,
  isRootAssumingRole,
  toFlowfixError,
  type ClassifiedAwsError,
} from '../aws/errors.js';
import { partitionOfCaller } from '../aws/regions.js';
import type { Settings } from '../config/settings.js';
import { FlowfixError, interrupted, isFlowfixError } from '../errors.js';
import { inSessionNameCharacters } from '../facts/names.js';
import { regionDeadlineMs, type InventoryProgress } from '../inventory/collect-inventory.js';
import { readLogArchive, unreadLogArchive } from '../inventory/log-archive.js';
import type { LogArchiveRead } from '../inventory/types.js';
import { loadPolicyTemplates } from '../policy/templates.js';
import { identityOf, soleValue, type AccountOutcome, type AccountProblem, type AccountTarget, type RunAccounts } from '../report/org-report.js';
import { deliveryBlocker } from '../rules/log-archive-bucket.js';
import { mapWithConcurrency } from '../util/concurrency.js';
import type { WorkStatusSink } from '../util/work-status.js';
import { assess, type Assessment, type CentralBucketFacts } from './assess.js';
import type { WorkflowDeps } from './deps.js';

export const DEFAULT_ROLE_SESSION_NAME = 'flowfix';

/**
 * The session name flowfix assumes member roles with unless --role-session-name says otherwise:
 * flowfix-<who the caller is> (the IAM user's name, the session of an assumed role such as an SSO user's
 * e-mail, root), so operators can be told apart in each member's CloudTrail. Within STS's pattern
 * (facts/names.ts): any other character becomes '-'.
 */
export function defaultRoleSessionName(callerArn: string | undefined): string {
  const resource = /^arn:[^:]+:(?:iam|sts)::\d{12}:(.+)$/.exec(callerArn ?? '')?.[1];
  if (!resource) return DEFAULT_ROLE_SESSION_NAME;
  // user/path/alice → alice; assumed-role/Role/session → session; federated-user/bob → bob; root → root.
  const who = inSessionNameCharacters(resource.slice(resource.lastIndexOf('/') + 1));
  if (who === '') return DEFAULT_ROLE_SESSION_NAME;
  // A caller that is itself a flowfix session (chained runs) keeps its name rather than growing a prefix.
  const name = who.startsWith(`${DEFAULT_ROLE_SESSION_NAME}-`) ? who : `${DEFAULT_ROLE_SESSION_NAME}-${who}`;
  return name.slice(0, 64);
}

export interface AccountChoice extends RunAccounts {
  /** The caller's ARN: its partition names the member roles (arn:PARTITION:iam::ACCOUNT:role/ROLE). */
  callerArn: string;
  /** In a stable order: the caller's first, then by id. */
  targets: AccountTarget[];
  /** Accounts that joined the organization by invitation (from --org): they have no OrganizationAccountAccessRole unless made. */
  invited?: string[];
}

/** What accounts are entered with: the caller's own clients (live or a snapshot) and, live, the session that assumes roles. */
export type AccountSource = Pick<WorkflowDeps, 'clients'> & { session?: AwsSession };

/**
 * Without account flags a run is the caller's own account, entered with its own clients: its id comes
 * with the first read, which asks STS beside the region list (never a round trip before it).
 */
const THE_CALLER = "the caller's account";

/**
 * The accounts to work in. `only`: the one account a saved plan was made for; the account flags may
 * narrow the run to it but not leave it out (refused by name before anything is sent).
 */
export async function chooseAccounts(
  settings: Settings,
  source: AccountSource & Pick<WorkflowDeps, 'signal'>,
  only?: { accountId: string; what: string },
): Promise<AccountChoice> {
  if (!settings.org && !settings.accounts && !settings.excludeAccounts && !settings.logArchiveAccount && !(only && settings.assumeRole)) {
    return { callerAccountId: THE_CALLER, callerArn: '', targets: [{ accountId: THE_CALLER }], notActive: [] };
  }
  // Ctrl-C before anything was asked: as for one account, nothing more starts.
  if (source.signal?.aborted) throw interrupted();
  const identity = source.clients.callerIdentity().catch((err: unknown) => {
    throw toFlowfixError(err, 'Reading the account id (sts:GetCallerIdentity)');
  });
  const [caller, listed] = await Promise.all([identity, settings.org ? listOrganization(settings, sessionOf(source)) : undefined]);
  // A saved plan: its own account through --assume-role, else the caller's (which the plan must then be
  // for: loadSavedPlan refuses another account's plan by name).
  let targets: AccountTarget[] = [{ accountId: only && settings.assumeRole ? only.accountId : caller.accountId }];
  let notActive: AccountChoice['notActive'] = [];
  let invited: string[] = [];
  if (listed) {
    targets = listed.filter((a) => a.state === 'ACTIVE').map(identityOf);
    notActive = listed.filter((a) => a.state !== 'ACTIVE').map((a) => ({ ...identityOf(a), state: a.state }));
    invited = listed.filter((a) => a.joinedMethod === 'INVITED').map((a) => a.accountId);
  } else if (settings.accounts) {
    targets = [...new Set(settings.accounts)].map((accountId) => ({ accountId }));
  }
  const excluded = new Set(settings.excludeAccounts ?? []);
  targets = targets.filter((t) => !excluded.has(t.accountId));
  if (only) {
    const conflict = planAccountFlagConflict(settings, only.accountId);
    if (conflict) throw planAccountLeftOut(only, conflict);
    if (settings.org) {
      const mine = targets.find((t) => t.accountId === only.accountId);
      if (!mine)
        throw planAccountLeftOut(only, settings.ou ? `is not an ACTIVE account under --ou ${settings.ou}` : 'is not an ACTIVE account of the organization');
      targets = [mine];
    } else if (settings.accounts) targets = [{ accountId: only.accountId }];
  }
  if (targets.length === 0) throw new FlowfixError('NoAccounts', 'no account left to work on', { hint: 'check --accounts / --exclude-accounts / --ou' });
  const others = targets.filter((t) => t.accountId !== caller.accountId).map((t) => t.accountId);
  if (others.length > 0 && !settings.assumeRole) {
    throw new FlowfixError(
      'AssumeRoleRequired',
      `--accounts names ${others.join(', ')}, not the caller's own account (${caller.accountId}): flowfix enters ${others.length === 1 ? 'it' : 'them'} through a role`,
      {
        hint: 'add --assume-role ROLE (e.g. OrganizationAccountAccessRole)',
      },
    );
  }
  const archive = settings.destination.type === 's3' ? settings.logArchiveAccount : undefined;
  if (archive && !only && !targets.some((t) => t.accountId === archive)) {
    throw new FlowfixError('LogArchiveNotInRun', `--log-archive-account ${archive} is not one of the accounts this run covers`, {
      hint: 'add it to --accounts (or leave it out of --exclude-accounts / inside --ou): flowfix reads the bucket and plans its policy there',
    });
  }
  // The log-archive account first: its bucket policy must be in place before the members' CreateFlowLogs
  // to the bucket (AWS refuses them otherwise). Then the caller's, then by id.
  const rank = (id: string) => (id === archive ? 0 : id === caller.accountId ? 1 : 2);
  targets.sort((a, b) => rank(a.accountId) - rank(b.accountId) || a.accountId.localeCompare(b.accountId));
  return { callerAccountId: caller.accountId, callerArn: caller.arn, targets, notActive, ...(invited.length > 0 ? { invited } : {}) };
}

/** Pure: why the account flags leave out a saved plan's account (--org is only known after listing it). */
export function planAccountFlagConflict(settings: Pick<Settings, 'accounts' | 'excludeAccounts'>, accountId: string): string | undefined {
  if (settings.excludeAccounts?.includes(accountId)) return '--exclude-accounts names';
  if (settings.accounts && !settings.accounts.includes(accountId)) return '--accounts does not name';
  return undefined;
}

export const planAccountLeftOut = (plan: { accountId: string; what: string }, why: string): FlowfixError =>
  new FlowfixError('PlanAccountLeftOut', `${plan.what} is for account ${plan.accountId}, which ${why}: nothing was changed`, {
    hint: 'drop the account flags (a saved plan applies in its own account), or apply the plan of an account the run covers',
  });

async function listOrganization(settings: Settings, session: AwsSession) {
  const org = session.organizations();
  return (settings.ou ? org.listAccountsUnder(settings.ou) : org.listAccounts()).catch((err: unknown) => {
    const error = toFlowfixError(err, "Listing the organization's accounts (organizations:ListAccounts)");
    throw new FlowfixError(error.code, error.message, {
      hint: 'run from the management account or a delegated administrator, or name the accounts with --accounts',
      cause: err,
    });
  });
}

function sessionOf(source: AccountSource): AwsSession {
  if (!source.session) throw new FlowfixError('NoSession', '--org and --accounts need AWS, not a snapshot', { hint: 'drop --snapshot' });
  return source.session;
}

/** The clients that act in `accountId`: the caller's own, or through the assumed role. */
function clientsForAccount(accountId: string, choice: AccountChoice, settings: Settings, source: AccountSource): AwsClients {
  if (accountId === choice.callerAccountId) return source.clients;
  if (!settings.assumeRole) {
    throw new FlowfixError('AssumeRoleRequired', `account ${accountId} is not the caller's (${choice.callerAccountId})`, { hint: 'add --assume-role ROLE' });
  }
  return sessionOf(source).clientsForAccount(accountId, partitionOfCaller(choice.callerArn), {
    roleName: settings.assumeRole,
    sessionName: settings.roleSessionName ?? defaultRoleSessionName(choice.callerArn),
    ...(settings.externalId ? { externalId: settings.externalId } : {}),
  });
}

/** What an account's work gets: its clients (each account's calls are bounded per region inside it, --concurrency), and `stop`, aborted when its deadline passes. */
export interface AccountContext {
  clients: AwsClients;
  account: AccountTarget;
  stop: AbortSignal;
}

/**
 * How long reading one account may take in all: its regions are read side by side, each within the
 * region deadline, plus two attempts' worth for entering it (AssumeRole, GetCallerIdentity) first.
 */
export function accountDeadlineMs(settings: Pick<Settings, 'connectTimeout' | 'readTimeout'>): number {
  return regionDeadlineMs(settings) + 2 * Math.max(settings.connectTimeout, settings.readTimeout) * 1000;
}

/** The error of an account that did not finish within its deadline. */
const accountTimedOut = (accountId: string, ms: number): FlowfixError =>
  new FlowfixError(
    'AccountTimeout',
    `account ${accountId} was not read within ${ms % 1000 === 0 ? ms / 1000 : (ms / 1000).toFixed(1)} s (its calls did not answer in time); the other accounts are reported`,
    {
      hint: "check that account's network path and role, or run it alone with --accounts; --connect-timeout and --read-timeout (seconds) set the wait per attempt",
    },
  );

/** `work`, or its account's AccountTimeout once `ms` have passed; then `stop` is aborted, so the account's reads in flight are abandoned. */
async function withinDeadline<T>(work: Promise<T>, ms: number | undefined, accountId: string, stop: AbortController): Promise<T> {
  if (ms === undefined) return work;
  // Once the deadline has won, the work still ends (its reads abandoned): its failure is not news.
  work.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = accountTimedOut(accountId, ms);
      stop.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Accounts worked on at once. AWS throttles per account, so accounts do not slow each other down and an
 * organization is read in one account's round trips; this bound only keeps memory and open connections
 * in check for very large organizations (each account in flight holds up to three calls per region).
 */
export const MAX_ACCOUNTS_AT_ONCE = 100;

/**
 * Runs `work` in every account, up to MAX_ACCOUNTS_AT_ONCE at once, and keeps going past an account
 * that fails: its error becomes an 'unreachable' outcome. After Ctrl-C, accounts not yet started are
 * reported as such. `accountOf`: the account the work found itself in, which must be the one entered.
 * With `deadlineMs` (reads only: a write is never abandoned midway), an account still working when it
 * passes is unreachable with AccountTimeout: one account whose calls all hang never holds the others.
 */
export async function forEachAccount<T>(
  choice: AccountChoice,
  settings: Settings,
  source: AccountSource & Pick<WorkflowDeps, 'signal' | 'status'> & { deadlineMs?: number },
  work: (context: AccountContext) => Promise<T>,
  accountOf?: (value: T) => string,
): Promise<AccountOutcome<T>[]> {
  // Many accounts: the status counts accounts read (one account's own status counts its regions).
  const total = choice.targets.length;
  let read = 0;
  const accountRead = (outcome: AccountOutcome<T>) => {
    if (total > 1) source.status?.({ phase: 'Reading accounts', done: ++read, total, account: outcome.accountId });
    return outcome;
  };
  const outcomes = await mapWithConcurrency(choice.targets, MAX_ACCOUNTS_AT_ONCE, async (account) => accountRead(await enter(account)));
  if (total > 1) source.status?.(undefined);
  // A run of one account stops at its error, as it always has: there is no other account to go on with.
  if (outcomes.length === 1) soleValue(outcomes[0]!);
  return outcomes;

  async function enter(account: AccountTarget): Promise<AccountOutcome<T>> {
    if (source.signal?.aborted) return { ...account, status: 'not-started' };
    let clients: AwsClients | undefined;
    try {
      const stop = new AbortController();
      clients = clientsForAccount(account.accountId, choice, settings, source);
      const value = await withinDeadline(work({ clients, account, stop: stop.signal }), source.deadlineMs, account.accountId, stop);
      const answered = accountOf?.(value);
      if (account.accountId === THE_CALLER) return { accountId: answered ?? THE_CALLER, status: 'done', value };
      if (answered !== undefined && answered !== account.accountId) {
        throw new FlowfixError('WrongAccount', `role ${settings.assumeRole} in ${account.accountId} answered as account ${answered}`, {
          hint: 'check the account id and the role',
        });
      }
      return { ...account, status: 'done', value };
    } catch (err) {
      const alone = choice.targets.length === 1;
      if (isFlowfixError(err) && err.code === 'Interrupted') {
        if (alone) throw err;
        return { ...account, status: 'not-started' };
      }
      // The caller's own account alone fails exactly as it always has; another account says what to fix there.
      if (alone && account.accountId === choice.callerAccountId) throw err;
      return {
        ...account,
        status: 'unreachable',
        problem: accountProblem(err, account.accountId, settings, choice.invited?.includes(account.accountId) === true),
        thrown: err,
      };
    } finally {
      // With many accounts, one account's SDK clients go when its work ends (made again should it be
      // written to later), so memory follows the accounts in flight, not all the accounts read.
      if (choice.targets.length > 1) clients?.release?.();
    }
  }
}

/**
 * The writing half: one account after another, so a failure in one never stops the others. After Ctrl-C
 * the accounts after the current one are not started; the current one (the first, when Ctrl-C came
 * during the reads) still runs and reports each of its actions as not started.
 */
export async function inTurn<T, U>(
  accounts: AccountOutcome<T>[],
  signal: AbortSignal | undefined,
  work: (value: T, account: AccountTarget) => Promise<U>,
): Promise<AccountOutcome<U>[]> {
  const results: AccountOutcome<U>[] = [];
  let ran = 0;
  for (const outcome of accounts) {
    if (outcome.status !== 'done') results.push(outcome);
    else if (signal?.aborted && ran > 0) results.push({ ...identityOf(outcome), status: 'not-started' });
    else {
      ran++;
      results.push({ ...identityOf(outcome), status: 'done', value: await work(outcome.value, identityOf(outcome)) });
    }
  }
  return results;
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
  if (isRootAssumingRole(message)) {
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
  return kind === 'access-denied'
    ? `grant the read permissions of policies/operator-plan.json to role ${role} in ${accountId}`
    : 'run again; if it persists, check the account in the console';
}

/** Regions read, told as the work's status (one account's run); the line goes once the last is in. */
export const readingRegions =
  (status: WorkStatusSink): InventoryProgress =>
  (done, total, region, account) =>
    status(done === total ? undefined : { phase: 'Reading regions', done, total, account, ...(region ? { region } : {}) });

/**
 * The central bucket (--log-archive-account with an S3 destination), read once per run in the
 * log-archive account: the facts that account's assessment audits and plans from, and for every account
 * whether delivery to the bucket can work at all.
 */
async function readCentralBucket(
  choice: AccountChoice,
  settings: Settings,
  source: AccountSource & Pick<WorkflowDeps, 'signal'>,
): Promise<((accountId: string) => CentralBucketFacts) | undefined> {
  const { destination, logArchiveAccount } = settings;
  if (destination.type !== 's3' || !logArchiveAccount) return undefined;
  const target = {
    accountId: logArchiveAccount,
    bucket: destination.bucket,
    prefix: destination.prefix,
    deliveringAccounts: choice.targets.map((t) => t.accountId).sort(),
  };
  let archive: LogArchiveRead;
  let clients: AwsClients | undefined;
  try {
    clients = clientsForAccount(logArchiveAccount, choice, settings, source);
    archive = await readLogArchive(clients, target, source.signal ? { signal: source.signal } : {});
  } catch (err) {
    if (isFlowfixError(err) && err.code === 'Interrupted') throw err;
    archive = unreadLogArchive(target, err);
  } finally {
    // The account's own work makes its clients again; these served the bucket reads only.
    if (choice.targets.length > 1) clients?.release?.();
  }
  const blocked = deliveryBlocker(archive, settings, partitionOfCaller(choice.callerArn));
  return (accountId) => ({ ...(accountId === logArchiveAccount ? { logArchive: archive } : {}), ...(blocked ? { deliveryBlocked: blocked } : {}) });
}

/**
 * Reads and assesses every account, and keeps of each only what `keep` returns (given the assessment
 * and the account's clients, e.g. to look further, as verify's delivery check does): with many
 * accounts, each one's inventory and audit are let go as soon as its work ends, not held until the
 * last account is read. The spinner follows a run of one account.
 */
export async function assessAccounts<T>(
  settings: Settings,
  deps: WorkflowDeps & AccountSource,
  keep: (assessment: Assessment, clients: AwsClients) => T | Promise<T>,
): Promise<{ choice: AccountChoice; accounts: AccountOutcome<T>[] }> {
  const choice = await chooseAccounts(settings, deps);
  const central = await readCentralBucket(choice, settings, deps);
  const templates = deps.templates ?? loadPolicyTemplates();
  const one = choice.targets.length === 1;
  const accounts = await forEachAccount(
    choice,
    settings,
    { ...deps, deadlineMs: deps.accountDeadlineMs ?? accountDeadlineMs(settings) },
    async ({ clients, stop, account }) => {
      const { status, ...rest } = deps;
      const assessment = await assess(
        settings,
        { ...rest, clients, templates, stop, ...(one && status ? { progress: readingRegions(status) } : {}) },
        central?.(account.accountId),
      );
      return { accountId: assessment.inventory.accountId, kept: await keep(assessment, clients) };
    },
    (a) => a.accountId,
  );
  return { choice, accounts: accounts.map((a) => (a.status === 'done' ? { ...a, value: a.value.kept } : a)) };
}
