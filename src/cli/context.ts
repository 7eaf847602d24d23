// Builds what a command hands the workflow: AWS clients (live, or a snapshot directory), a clock, the
// abort signal from main.ts, the status line for a person watching, and news lines on stderr.
import type { AwsClients, AwsSession } from '../aws/api.js';
import type { AwsClientOptions } from '../aws/clients.js';
import { plainHttpWarning, resolveConnection } from '../aws/connection.js';
import { loadSharedFiles } from '../aws/shared-config.js';
import type { Settings } from '../config/settings.js';
import { FlowfixError } from '../errors.js';
import { liveStatusWanted, type Io } from '../io/io.js';
import { createProgress, type Progress, type ProgressTimings } from '../io/progress.js';
import { inquirerPrompter, PromptCancelled, visiblePrompter, type Prompter } from '../io/prompter.js';
import { createStatusLine } from '../io/status-line.js';
import { visible } from '../render/visible.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { ApplyTimings } from '../workflow/apply-and-verify.js';
import type { WorkflowDeps } from '../workflow/deps.js';
import { REDIRECTING_SETTINGS, type CommandOptions } from './options.js';

/** What tests (and main.ts) may inject into a command. */
export interface CommandDeps {
  clients?: AwsClients;
  /** Below the SDK: live clients are built as usual (credential chain, retries) but send through this. */
  requestHandler?: AwsClientOptions['requestHandler'];
  prompter?: Prompter;
  /** Aborted on Ctrl-C (main.ts wires SIGINT to it). */
  signal?: AbortSignal;
  clock?: Clock;
  timings?: Partial<ApplyTimings>;
  /** When a call counts as unanswered and is named on stderr (tests shorten it). */
  progressTimings?: Partial<ProgressTimings>;
  /** Many-account reads: how long one account may take (tests shorten it). */
  accountDeadlineMs?: number;
}

/**
 * Live clients as the AWS CLI would connect: the profile (which must exist), whose credentials win,
 * the region STS is first asked in, retries, per-profile endpoints and timeouts. Notices (which
 * credentials win) go to stderr as one line each; an MFA code is asked for at a terminal.
 */
export async function connectAws(settings: Settings, io: Io, deps: CommandDeps = {}, progress?: Progress): Promise<AwsSession> {
  const files = await loadSharedFiles(io.env);
  const canAskMfa = deps.prompter !== undefined || io.interactive;
  const connection = resolveConnection({
    env: io.env,
    files,
    canAskMfa,
    ...(settings.profile ? { profileFlag: settings.profile } : {}),
    ...(settings.regions ? { workRegions: settings.regions } : {}),
    ...(settings.endpointUrl ? { endpointUrl: settings.endpointUrl } : {}),
  });
  for (const notice of connection.notices) io.stderr.write(`${visible(notice)}\n`);
  const { credentials } = connection;
  const { createAwsSession } = await import('../aws/clients.js');
  return createAwsSession({
    homeRegion: connection.startRegion.region,
    ...(connection.profile ? { profile: connection.profile.name } : {}),
    ...(settings.endpointUrl ? { endpointUrl: settings.endpointUrl } : {}),
    serviceEndpoints: connection.serviceEndpoints,
    retryMode: connection.retryMode,
    maxAttempts: connection.maxAttempts,
    ...(credentials.kind === 'environment'
      ? {
          credentials: {
            accessKeyId: credentials.accessKeyId,
            secretAccessKey: credentials.secretAccessKey,
            ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
          },
        }
      : {}),
    credentialChain: {
      filepath: files.credentialsPath,
      configFilepath: files.configPath,
      ...(canAskMfa ? { mfaCode: mfaCodeAsker(deps.prompter) } : {}),
      warn: (message) => io.stderr.write(`${visible(message.split('\n')[0]!)}\n`),
    },
    credentialSource: connection.credentialSource,
    httpTimeouts: { connectTimeoutMs: settings.connectTimeout * 1000, readTimeoutMs: settings.readTimeout * 1000 },
    ...(deps.requestHandler ? { requestHandler: deps.requestHandler } : {}),
    ...(deps.signal ? { interrupt: deps.signal } : {}),
    ...(progress ? { watch: progress.watch } : {}),
  });
}

/**
 * Asks for the code of an MFA device without echo. The credential chain is shared by every client and
 * remembers what it got, so this runs once per run (again only if the role session expires). The code
 * is handed to the SDK and nowhere else: never printed, logged or kept.
 */
function mfaCodeAsker(injected: Prompter | undefined): (serial: string) => Promise<string> {
  // The first calls of a run go out together; one answered after the chain has failed runs it again.
  // A person who pressed Esc is not asked twice.
  let cancelled: FlowfixError | undefined;
  return async (serial) => {
    if (cancelled) throw cancelled;
    const ask = visiblePrompter(injected ?? (await inquirerPrompter()));
    try {
      const code = await ask.secret(`MFA code for ${serial}`, { validate: (v) => (/^\d{6}$/.test(v.trim()) ? true : 'enter the 6-digit code') });
      return code.trim();
    } catch (err) {
      if (err instanceof PromptCancelled) {
        cancelled = new FlowfixError('Interrupted', 'interrupted at the MFA code prompt: nothing was read or changed', { hint: 'run the same command again' });
        throw cancelled;
      }
      throw err;
    }
  };
}

/** Live AWS (the caller's session) or a snapshot directory, which has one account and is read-only. */
async function sourceFor(options: CommandOptions, io: Io, deps: CommandDeps, progress: Progress): Promise<{ clients: AwsClients; session?: AwsSession }> {
  if (!options.snapshot) {
    const session = await connectAws(options.settings, io, deps, progress);
    return { clients: session.clients, session };
  }
  const { openSnapshot } = await import('../snapshot/snapshot-clients.js');
  return { clients: await openSnapshot(options.snapshot, options.settings) };
}

export type CommandWorkflow = WorkflowDeps & { session?: AwsSession };

/**
 * One line per setting that sends AWS calls elsewhere than the SDK's defaults and that the user did not
 * type on this command line, naming where it came from: a settings file in the working directory or a
 * variable in the environment must never redirect calls without a word. A flag just typed is not news.
 */
export function redirectNotices({ settings, origins }: Pick<CommandOptions, 'settings' | 'origins'>, env: Io['env']): string[] {
  const nouns = { endpointUrl: 'endpoint', profile: 'profile' } as const;
  return (Object.keys(nouns) as (keyof typeof nouns)[]).flatMap((key) => {
    const origin = origins[key];
    if (!origin) return [];
    const variable = REDIRECTING_SETTINGS[key];
    const value = origin === 'env' ? env[variable] : settings[key];
    const warning = key === 'endpointUrl' && value ? plainHttpWarning(value) : undefined;
    if (origin === 'flag') return warning ? [visible(warning)] : [];
    const from = origin === 'env' ? variable : `settings file ${origin.slice('file:'.length)}`;
    return [visible(`Using ${nouns[key]} ${value} (from ${from})`), ...(warning ? [visible(warning)] : [])];
  });
}

/** What is going on, on stderr: a live line at a terminal, plain lines elsewhere; --debug logs each AWS call. */
export function progressFor(options: Pick<CommandOptions, 'debug'>, io: Io, deps: Pick<CommandDeps, 'progressTimings' | 'clock'> = {}): Progress {
  const clock = deps.clock;
  return createProgress({
    status: createStatusLine(io.stderr, liveStatusWanted(io)),
    requestLog: options.debug,
    ...(deps.progressTimings ? { timings: deps.progressTimings } : {}),
    // The work's phases are timed with the workflow's clock (tests fake it); calls in real time.
    ...(clock ? { workNow: () => clock.now() } : {}),
  });
}

/** Runs `work` with the workflow's dependencies and a status line that is cleared however it ends. */
export async function withWorkflow<T>(options: CommandOptions, io: Io, deps: CommandDeps, work: (deps: CommandWorkflow) => Promise<T>): Promise<T> {
  // stderr, so stdout stays one JSON document; a snapshot makes no AWS call, so nothing is redirected.
  // A settings file in the working directory can change what is read and planned: it is never silent.
  if (options.settingsFile) io.stderr.write(`${visible(`Using settings file ${options.settingsFile}`)}\n`);
  if (!options.snapshot) for (const line of redirectNotices(options, io.env)) io.stderr.write(`${line}\n`);
  const progress = progressFor(options, io, deps);
  // Reads still in flight when the workflow ends answer no one (the region list and the role, asked
  // beside an identity call that failed): they are abandoned then, as on Ctrl-C. Left running, their
  // sockets would keep the process alive after its last line, up to their timeouts: minutes.
  const ended = new AbortController();
  const abandonReads = deps.signal ? AbortSignal.any([deps.signal, ended.signal]) : ended.signal;
  try {
    const source = deps.clients ? { clients: deps.clients } : await sourceFor(options, io, { ...deps, signal: abandonReads }, progress);
    return await work({
      ...source,
      clock: deps.clock ?? systemClock,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.accountDeadlineMs !== undefined ? { accountDeadlineMs: deps.accountDeadlineMs } : {}),
      // Region and account names come from AWS: shown as escapes, like any text that is not flowfix's.
      status: (work) => progress.work(work && { ...work, phase: visible(work.phase), ...(work.region ? { region: visible(work.region) } : {}) }),
      notify: (line) => progress.notify(visible(line)),
    });
  } finally {
    ended.abort();
    progress.stop();
  }
}
