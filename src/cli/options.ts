// argv → typed options. Only mapping here; validation is the settings schema's job, so every problem
// is reported at once.
import path from 'node:path';

import { settingsFromFlags, type FlagSettings } from '../config/flags.js';
import type { Settings } from '../config/settings.js';
import { FlowfixError } from '../errors.js';
import type { Io } from '../io/io.js';

/** Where a setting came from: a flag, the environment, or the settings file at PATH. */
export type SettingOrigin = 'flag' | 'env' | `file:${string}`;

/** The settings that send AWS calls somewhere else, and the variable the SDK reads each from. */
export const REDIRECTING_SETTINGS = { endpointUrl: 'AWS_ENDPOINT_URL', profile: 'AWS_PROFILE' } as const;
type RedirectingSetting = keyof typeof REDIRECTING_SETTINGS;

/** Every output format, declared once: the yargs choices of --format and the type below. */
export const OUTPUT_FORMATS = ['text', 'json', 'sarif', 'markdown', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface CommandOptions {
  settings: Settings;
  /** Where the endpoint and profile came from; absent when nothing chose one (the SDK's defaults). */
  origins: Partial<Record<RedirectingSetting, SettingOrigin>>;
  /** Only the settings the user typed as flags (a saved plan refuses those that disagree with it). */
  flagSettings: FlagSettings;
  /** The settings file named with --config (not the default one found in the working directory). */
  config?: string;
  /** The settings file that was read (--config, or flowfix.config.json found in the working directory). */
  settingsFile?: string;
  format: OutputFormat;
  debug: boolean;
  snapshot?: string;
  out?: string;
  /** One plan file per account: DIR/<account>.json. */
  outDir?: string;
  /** plan: ask IAM whether the plan's permissions are allowed (apply --dry-run always does). */
  checkPermissions: boolean;
  /** plan: print the AWS telemetry rule equivalent to the plan instead of the report. */
  emit?: 'telemetry-rule';
  /** apply */
  yes: boolean;
  dryRun: boolean;
  wait: boolean;
  planFile?: string;
  /** rollback: also delete flowfix's log groups (and the log data in them). */
  deleteLogGroups: boolean;
  /** rollback: regions an organization policy denies hold no flowfix flow logs (they do not keep the role). */
  deniedRegionsHoldNothing: boolean;
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
  checkPermissions?: boolean;
  emit?: string;
  yes?: boolean;
  dryRun?: boolean;
  wait?: boolean;
  planFile?: string;
  deleteLogGroups?: boolean;
  deniedRegionsHoldNothing?: boolean;
}

export const DEFAULT_CONFIG_FILE = 'flowfix.config.json';

/**
 * A plan argument that is there but names no file is an error, never "no plan": a script's empty
 * `$PLAN` (or a `-` for stdin, which flowfix does not read plans from) must not become an apply of a
 * fresh, unreviewed plan.
 */
function checkPlanArgument(planFile: unknown): void {
  if (planFile === undefined) return;
  const named = typeof planFile === 'string' ? planFile.trim() : '';
  if (named === '' || named === '-') {
    throw new FlowfixError(
      'BadUsage',
      `the plan file argument is ${named === '-' ? '"-"' : 'empty'}: name a plan file saved with flowfix plan --out (flowfix does not read a plan from stdin); nothing was changed`,
      {
        hint: 'give the file, e.g. flowfix apply plan.json, or leave the argument out to plan afresh and confirm',
      },
    );
  }
}

export async function toCommandOptions(args: RawArgs, io: Io): Promise<CommandOptions> {
  checkPlanArgument(args.planFile);
  // Loaded here, not at the top: zod is a large share of start-up and --help needs none of it.
  const { readConfigFile, resolveSettings } = await import('../config/resolve-settings.js');
  const configPath = args.config ?? path.join(io.cwd, DEFAULT_CONFIG_FILE);
  const config = await readConfigFile(configPath, args.config !== undefined);
  const flagSettings = settingsFromFlags(args);
  const settings = resolveSettings(flagSettings, config);
  const origins: CommandOptions['origins'] = {};
  for (const key of Object.keys(REDIRECTING_SETTINGS) as RedirectingSetting[]) {
    const origin = originOf(key, flagSettings, config, io.env);
    if (origin) origins[key] = origin;
  }
  return {
    settings,
    origins,
    flagSettings,
    ...(args.config !== undefined ? { config: args.config } : {}),
    ...(config ? { settingsFile: config.path } : {}),
    format: OUTPUT_FORMATS.find((f) => f === args.format) ?? 'text',
    debug: args.debug === true,
    ...(args.snapshot ? { snapshot: args.snapshot } : {}),
    ...(args.out ? { out: args.out } : {}),
    ...(args.outDir ? { outDir: args.outDir } : {}),
    checkPermissions: args.checkPermissions === true,
    ...(args.emit === 'telemetry-rule' ? { emit: 'telemetry-rule' as const } : {}),
    yes: args.yes === true,
    dryRun: args.dryRun === true,
    wait: args.wait === true,
    deleteLogGroups: args.deleteLogGroups === true,
    deniedRegionsHoldNothing: args.deniedRegionsHoldNothing === true,
    ...(args.planFile ? { planFile: args.planFile } : {}),
  };
}

/** Flags win over the settings file, which wins over the environment (the file's value is handed to the SDK). */
function originOf(key: RedirectingSetting, flags: FlagSettings, config: { path: string; value: unknown } | null, env: Io['env']): SettingOrigin | undefined {
  if (flags[key] !== undefined) return 'flag';
  if (config && (config.value as Record<string, unknown>)[key] !== undefined) return `file:${config.path}`;
  return env[REDIRECTING_SETTINGS[key]] ? 'env' : undefined;
}
