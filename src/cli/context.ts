// Builds what a command hands the workflow: AWS clients (live, or a snapshot directory), a clock, the
// abort signal from main.ts, a spinner for a person watching, and news lines on stderr.
import type { AwsClients } from '../aws/api.js';
import { flagFor } from '../config/flags.js';
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

export async function connectAws(settings: Settings, io: Io): Promise<AwsClients> {
  const [{ createAwsClients }, { findHomeRegion }] = await Promise.all([import('../aws/clients.js'), import('../aws/shared-config.js')]);
  const homeRegion = await findHomeRegion({ flagRegion: settings.region, profile: settings.profile, env: io.env });
  return createAwsClients({
    homeRegion,
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpointUrl ? { endpointUrl: settings.endpointUrl } : {}),
  });
}

async function clientsFor(options: CommandOptions, io: Io): Promise<AwsClients> {
  if (!options.snapshot) return connectAws(options.settings, io);
  const { openSnapshot } = await import('../snapshot/snapshot-clients.js');
  return openSnapshot(options.snapshot, options.settings);
}

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
export async function withWorkflow<T>(options: CommandOptions, io: Io, deps: CommandDeps, work: (deps: WorkflowDeps) => Promise<T>): Promise<T> {
  // stderr, so stdout stays one JSON document; a snapshot makes no AWS call, so nothing is redirected.
  if (!options.snapshot) for (const line of redirectNotices(options, io.env)) io.stderr.write(`${line}\n`);
  const clients = deps.clients ?? (await clientsFor(options, io));
  const progress: Progress = await createProgress(io, decorationsWanted(io, options.format));
  try {
    return await work({
      clients,
      clock: deps.clock ?? systemClock,
      ...(deps.signal ? { signal: deps.signal } : {}),
      progress: (done, total) => (done === total ? progress.stop() : progress.phase(`Reading regions: ${done}/${total}`)),
      notify: (line) => io.stderr.write(`${line}\n`),
    });
  } finally {
    progress.stop();
  }
}
