// Each command's own options, declared once: the parser (run.ts) and its --help use them, and the
// usage errors (usage-errors.ts) know from them which command a mistyped or misplaced flag belongs to.
import type { Argv } from 'yargs';

import { withGlobalSettingsFlags, withSettingsFlags } from '../config/flags.js';
import type { CommandName } from './command-rules.js';

/** Read-only commands can work offline from AWS CLI output. */
function withSnapshotFlag<T>(y: Argv<T>): Argv<T> {
  return y.option('snapshot', { type: 'string', describe: 'Read the inventory from AWS CLI JSON files in DIR instead of AWS (see examples/README.md)' });
}

/** One plan file per account, for splitting an organization across jobs. */
function withOutDir<T>(y: Argv<T>): Argv<T> {
  return y.option('out-dir', { type: 'string', describe: 'Save one plan per account as DIR/<account>.json (each applicable alone)' });
}

export type { CommandName };
type OptionsBuilder = <T>(y: Argv<T>) => Argv<T>;

/** Each command's own options, once: the parser, its --help, and the usage errors (usage-errors.ts) read them. */
export const COMMAND_OPTIONS: Record<CommandName, OptionsBuilder> = {
  plan: (y) =>
    withOutDir(
      withSnapshotFlag(withSettingsFlags(y, 'plan')).option('out', { type: 'string', describe: 'Save the plan as JSON for a later `flowfix apply FILE`' }),
    )
      .option('check-permissions', {
        type: 'boolean',
        describe: 'Ask IAM (SimulatePrincipalPolicy) whether you may send every call the plan needs; exit 1 if anything is missing',
      })
      .option('emit', {
        type: 'string',
        choices: ['telemetry-rule'],
        describe:
          "Print, as JSON, the CloudWatch telemetry rule (CreateTelemetryRuleForOrganization) equivalent to the plan's VPC/CloudWatch Logs part, and what it would leave uncovered",
      }),
  apply: (y) =>
    withOutDir(withSettingsFlags(y, 'apply'))
      .positional('plan-file', { type: 'string', describe: 'A plan saved with `flowfix plan --out`' })
      .option('yes', { type: 'boolean', alias: 'y', describe: 'Apply without asking (required without a terminal)' })
      .option('dry-run', { type: 'boolean', describe: 'Read and check everything, probe permissions with DryRun, change nothing' })
      .option('wait', { type: 'boolean', describe: 'After applying, wait until the new flow logs deliver (up to 10 minutes)' }),
  verify: (y) => withSnapshotFlag(withSettingsFlags(y, 'verify')),
  rollback: (y) =>
    withSettingsFlags(y, 'rollback')
      .option('yes', { type: 'boolean', alias: 'y', describe: 'Delete without asking (required without a terminal)' })
      .option('dry-run', { type: 'boolean', describe: 'Read and show what would be deleted, delete nothing' })
      .option('delete-log-groups', { type: 'boolean', describe: "Also delete flowfix's log groups (tagged ManagedBy=flowfix) and the log data in them" })
      .option('denied-regions-hold-nothing', {
        type: 'boolean',
        describe: 'Regions an organization policy (SCP/RCP) denies hold no flowfix flow logs: they do not keep the role from being deleted',
      }),
  guided: (y) => withSettingsFlags(y, 'guided'),
};

/** The flags a command accepts beyond the global ones, as typed (--dry-run), found by running its builder on a recorder. */
export function commandFlags(command: CommandName): string[] {
  const flags: string[] = [];
  const recorder = {
    option(name: string, options?: { alias?: string }) {
      flags.push(`--${name}`);
      if (options?.alias) flags.push(options.alias.length === 1 ? `-${options.alias}` : `--${options.alias}`);
      return recorder;
    },
    positional: () => recorder,
  };
  COMMAND_OPTIONS[command](recorder as unknown as Argv);
  return flags;
}

/** The options every command takes (the top-level parser's). */
export function globalFlags(): string[] {
  const flags = ['--config', '--format', '--debug', '--help', '-h', '--version'];
  const recorder = { option: (name: string) => (flags.push(`--${name}`), recorder) };
  withGlobalSettingsFlags(recorder as unknown as Argv);
  return flags;
}
