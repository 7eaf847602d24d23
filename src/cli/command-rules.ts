// Which flags go together, for every command, in one table: checked after the flags are parsed and
// before any AWS call, each broken rule refused in one line that names the flag and the way out.
import { isMultiAccount } from '../config/settings.js';
import { FlowfixError } from '../errors.js';
import { planAccountFlagConflict, planAccountLeftOut } from '../workflow/accounts.js';
import { OUTPUT_FORMATS, type CommandOptions, type OutputFormat } from './options.js';

export type CommandName = 'plan' | 'apply' | 'verify' | 'rollback' | 'guided';

/** What a rule may look at: the command, its options, and the account a saved plan (apply FILE) was made for. */
export interface CommandCall {
  command: CommandName;
  options: CommandOptions;
  planAccountId?: string;
}

interface CommandRule {
  commands: readonly CommandName[];
  /** The problem, or undefined when the call keeps the rule. */
  check: (call: CommandCall) => FlowfixError | undefined;
}

/** Reports (sarif, markdown, csv) are of findings: plan and verify have them; the others speak text or JSON. */
const FORMATS_OF: Record<CommandName, readonly OutputFormat[]> = { plan: OUTPUT_FORMATS, verify: OUTPUT_FORMATS, apply: ['text', 'json'], guided: ['text', 'json'], rollback: ['text', 'json'] };

/** What a command that changes AWS does with --yes, and says it would do with --dry-run. */
const CONSENT_WORDS: Partial<Record<CommandName, { verb: string; dryRun: string }>> = { apply: { verb: 'apply', dryRun: 'check' }, rollback: { verb: 'roll back', dryRun: 'show' } };

const badUsage = (message: string, hint: string) => new FlowfixError('BadUsage', message, { hint });

/** How many accounts the flags name before anything is listed: undefined for --org (known only from AWS). */
function namedAccounts({ settings }: CommandOptions): string[] | undefined {
  if (settings.org) return undefined;
  if (!settings.accounts) return ['(own)'];
  const excluded = new Set(settings.excludeAccounts ?? []);
  return [...new Set(settings.accounts)].filter((a) => !excluded.has(a));
}

export const COMMAND_RULES: readonly CommandRule[] = [
  {
    commands: ['plan', 'apply', 'verify', 'rollback', 'guided'],
    check: ({ command, options: { format } }) => {
      const allowed = FORMATS_OF[command];
      if (allowed.includes(format)) return undefined;
      return badUsage(`--format ${format} is not available for ${command}: it prints ${allowed.join(' or ')}`,
        `use --format ${allowed.join('|')}; reports in ${OUTPUT_FORMATS.filter((f) => !allowed.includes(f)).join(', ')} come from flowfix plan and flowfix verify`);
    },
  },
  {
    // A JSON document on stdout leaves no terminal to ask on: consent must be given up front.
    commands: ['apply', 'rollback'],
    check: ({ command, options }) => {
      const words = CONSENT_WORDS[command]!;
      if (options.format !== 'json' || options.yes || options.dryRun) return undefined;
      return new FlowfixError('ConsentRequired', '--format json cannot ask for confirmation', { hint: `add --yes to ${words.verb}, or --dry-run to only ${words.dryRun}` });
    },
  },
  {
    commands: ['plan'],
    check: ({ options }) => (options.checkPermissions && options.snapshot ? badUsage('--check-permissions asks IAM and cannot be used with --snapshot', 'drop --snapshot to check permissions against the live account') : undefined),
  },
  {
    commands: ['plan', 'verify'],
    check: ({ options }) => (options.snapshot && isMultiAccount(options.settings) ? new FlowfixError('NoSession', '--org and --accounts need AWS, not a snapshot', { hint: 'drop --snapshot' }) : undefined),
  },
  {
    commands: ['rollback'],
    check: ({ options }) => (options.snapshot ? badUsage('rollback changes AWS and cannot work from a snapshot', 'drop --snapshot') : undefined),
  },
  {
    // --out is one file: a run over many accounts writes one file per account instead.
    commands: ['plan'],
    check: ({ options }) => {
      const named = namedAccounts(options);
      if (!options.out || named?.length === 1) return undefined;
      const which = named ? `--accounts names ${named.length} (${named.join(', ')})` : '--org chooses every account of the organization';
      return badUsage(`--out saves the plan of one account, but ${which}`, 'use --out-dir DIR: one plan per account, DIR/<account>.json');
    },
  },
  {
    // A saved plan is for one account: account flags may name it, never leave it out.
    commands: ['apply'],
    check: ({ options, planAccountId }) => {
      const conflict = planAccountId && planAccountFlagConflict(options.settings, planAccountId);
      return conflict ? planAccountLeftOut({ accountId: planAccountId, what: `plan ${options.planFile}` }, conflict) : undefined;
    },
  },
];

/** Throws the first rule the call breaks (one line; the next shows once it is fixed). */
export function checkCommandRules(call: CommandCall): void {
  for (const rule of COMMAND_RULES) {
    if (!rule.commands.includes(call.command)) continue;
    const problem = rule.check(call);
    if (problem) throw problem;
  }
}
