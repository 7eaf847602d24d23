// argv → typed options. Only mapping here; validation is the settings schema's job, so every problem
// is reported at once.
import path from 'node:path';
import type { UserSettings } from '../config/resolve-settings.js';
import type { Settings } from '../config/settings.js';
import type { Io } from '../io/io.js';

export interface CommandOptions {
  settings: Settings;
  /** Only the settings the user typed as flags (a saved plan refuses those that disagree with it). */
  flagSettings: UserSettings;
  format: 'text' | 'json';
  debug: boolean;
  snapshot?: string;
  out?: string;
  /** apply */
  yes: boolean;
  dryRun: boolean;
  wait: boolean;
  planFile?: string;
}

/** The parsed argv shape yargs hands us (kebab-case flags arrive camel-cased too). */
export interface RawArgs {
  [key: string]: unknown;
  format?: string;
  debug?: boolean;
  config?: string;
  snapshot?: string;
  out?: string;
  yes?: boolean;
  dryRun?: boolean;
  wait?: boolean;
  planFile?: string;
  scope?: string;
  trafficType?: string;
  destination?: string;
  logGroup?: string;
  roleName?: string;
  policyName?: string;
  retention?: number;
  minRetention?: number;
  kmsKey?: string;
  regions?: string | string[];
  region?: string;
  concurrency?: number;
  profile?: string;
  endpointUrl?: string;
}

export const DEFAULT_CONFIG_FILE = 'flowfix.config.json';

/** Only the settings the user typed, so config-file values survive where no flag was given. */
export function settingsFromFlags(args: RawArgs): UserSettings {
  const flags: Record<string, unknown> = {
    scope: args.scope,
    trafficType: typeof args.trafficType === 'string' ? args.trafficType.toUpperCase() : args.trafficType,
    destination: args.destination,
    logGroupName: args.logGroup,
    roleName: args.roleName,
    policyName: args.policyName,
    retentionInDays: args.retention,
    minRetentionDays: args.minRetention,
    kmsKeyId: args.kmsKey,
    regions: splitList(args.regions),
    region: args.region,
    concurrency: args.concurrency,
    profile: args.profile,
    endpointUrl: args.endpointUrl,
  };
  return Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) as UserSettings;
}

function splitList(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return [value]
    .flat()
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

export async function toCommandOptions(args: RawArgs, io: Io): Promise<CommandOptions> {
  // Loaded here, not at the top: zod is a large share of start-up and --help needs none of it.
  const { readConfigFile, resolveSettings } = await import('../config/resolve-settings.js');
  const configPath = args.config ?? path.join(io.cwd, DEFAULT_CONFIG_FILE);
  const config = await readConfigFile(configPath, args.config !== undefined);
  const flagSettings = settingsFromFlags(args);
  const settings = resolveSettings(flagSettings, config);
  return {
    settings,
    flagSettings,
    format: args.format === 'json' ? 'json' : 'text',
    debug: args.debug === true,
    ...(args.snapshot ? { snapshot: args.snapshot } : {}),
    ...(args.out ? { out: args.out } : {}),
    yes: args.yes === true,
    dryRun: args.dryRun === true,
    wait: args.wait === true,
    ...(args.planFile ? { planFile: args.planFile } : {}),
  };
}
