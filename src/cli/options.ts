// argv → typed options. Only mapping here; validation is the settings schema's job, so every problem
// is reported at once.
import path from 'node:path';
import { settingsFromFlags, type FlagSettings } from '../config/flags.js';
import type { Settings } from '../config/settings.js';
import type { Io } from '../io/io.js';

export interface CommandOptions {
  settings: Settings;
  /** Only the settings the user typed as flags (a saved plan refuses those that disagree with it). */
  flagSettings: FlagSettings;
  format: 'text' | 'json';
  debug: boolean;
  snapshot?: string;
  out?: string;
  /** One plan file per account: DIR/<account>.json. */
  outDir?: string;
  /** apply */
  yes: boolean;
  dryRun: boolean;
  wait: boolean;
  planFile?: string;
}

/** The parsed argv shape yargs hands us (kebab-case flags arrive camel-cased too); settings flags are read by config/flags.ts. */
export interface RawArgs {
  [key: string]: unknown;
  format?: string;
  debug?: boolean;
  config?: string;
  snapshot?: string;
  out?: string;
  outDir?: string;
  yes?: boolean;
  dryRun?: boolean;
  wait?: boolean;
  planFile?: string;
}

export const DEFAULT_CONFIG_FILE = 'flowfix.config.json';

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
    ...(args.outDir ? { outDir: args.outDir } : {}),
    yes: args.yes === true,
    dryRun: args.dryRun === true,
    wait: args.wait === true,
    ...(args.planFile ? { planFile: args.planFile } : {}),
  };
}
