// Builds what a command hands the workflow: AWS clients (live, or a snapshot directory), a clock, the
// abort signal from main.ts, a spinner for a person watching, and news lines on stderr.
import type { AwsClients, AwsSession } from '../aws/api.js';
import { flagFor } from '../config/flags.js';
import { FlowfixError } from '../errors.js';
import type { Settings } from '../config/settings.js';
import { decorationsWanted, type Io } from '../io/io.js';
import { createProgress, type Progress } from '../io/progress.js';
import type { Prompter } from '../io/prompter.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { ApplyTimings } from '../workflow/apply-and-verify.js';
import type { WorkflowDeps } from '../workflow/deps.js';
import { REDIRECTING_SETTINGS, type CommandOptions } from './options.js';

/** What tests (and main.ts) may inject into a command. */
export interface CommandDeps {
  clients?: AwsClients;
  prompter?: Prompter;
  /** Aborted on Ctrl-C (main.ts wires SIGINT to it). */
  signal?: AbortSignal;
  clock?: Clock;
  timings?: Partial<ApplyTimings>;
}

export async function connectAws(settings: Settings, io: Io): Promise<AwsSession> {
  const [{ createAwsSession }, { findHomeRegion }] = await Promise.all([import('../aws/clients.js'), import('../aws/shared-config.js')]);
  const homeRegion = await findHomeRegion({ flagRegion: settings.region, profile: settings.profile, env: io.env });
  return createAwsSession({
    homeRegion,
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpointUrl ? { endpointUrl: settings.endpointUrl } : {}),
  });
}

/** Live AWS (the caller's session) or a snapshot directory, which has one account and is read-only. */
async function sourceFor(options: CommandOptions, io: Io): Promise<{ clients: AwsClients; session?: AwsSession }> {
  if (!options.snapshot) {
    const session = await connectAws(options.settings, io);
    return { clients: session.clients, session };
  }
  const { openSnapshot } = await import('../snapshot/snapshot-clients.js');
  return { clients: await openSnapshot(options.snapshot, options.settings) };
}

/** The session many-account commands need: live AWS only. */
export function requireSession(wf: CommandWorkflow): AwsSession {
  if (!wf.session) throw new FlowfixError('NoSession', '--org and --accounts need AWS, not a snapshot', { hint: 'drop --snapshot' });
  return wf.session;
}

export type CommandWorkflow = WorkflowDeps & { session?: AwsSession };

/**
 * One line per setting that sends AWS calls elsewhere than the SDK's defaults, naming where it came
 * from: a settings file in the working directory must never redirect calls without a word.
 */
export function redirectNotices({ settings, origins }: Pick<CommandOptions, 'settings' | 'origins'>, env: Io['env']): string[] {
  const nouns = { endpointUrl: 'endpoint', profile: 'profile' } as const;
  return (Object.keys(nouns) as (keyof typeof nouns)[]).flatMap((key) => {
    const origin = origins[key];
    if (!origin) return [];
    const variable = REDIRECTING_SETTINGS[key];
    const value = origin === 'env' ? env[variable] : settings[key];
    const from = origin === 'flag' ? flagFor(key) : origin === 'env' ? variable : `settings file ${origin.slice('file:'.length)}`;
    return [`Using ${nouns[key]} ${value} (from ${from})`];
  });
}

/** Runs `work` with the workflow's dependencies and a spinner that is stopped however it ends. */
export async function withWorkflow<T>(options: CommandOptions, io: Io, deps: CommandDeps, work: (deps: CommandWorkflow) => Promise<T>): Promise<T> {
  // stderr, so stdout stays one JSON document; a snapshot makes no AWS call, so nothing is redirected.
  if (!options.snapshot) for (const line of redirectNotices(options, io.env)) io.stderr.write(`${line}\n`);
  const source = deps.clients ? { clients: deps.clients } : await sourceFor(options, io);
  const progress: Progress = await createProgress(io, decorationsWanted(io, options.format));
  try {
    return await work({
      ...source,
      clock: deps.clock ?? systemClock,
      ...(deps.signal ? { signal: deps.signal } : {}),
      progress: (done, total) => (done === total ? progress.stop() : progress.phase(`Reading regions: ${done}/${total}`)),
      notify: (line) => io.stderr.write(`${line}\n`),
    });
  } finally {
    progress.stop();
  }
}
