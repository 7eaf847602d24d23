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

/** Reports (sarif, markdown, csv) are of findings: plan and verify have them; the others speak text or JSON. */
const FORMATS_OF: Record<CommandName, readonly OutputFormat[]> = {
  plan: OUTPUT_FORMATS,
  verify: OUTPUT_FORMATS,
  apply: ['text', 'json'],
  guided: ['text', 'json'],
  rollback: ['text', 'json'],
};

const badUsage = (message: string, hint: string) => new FlowfixError('BadUsage', message, { hint });

/** The accounts the flags name before anything is listed; undefined for --org (known only from AWS). */
function namedAccounts({ org, accounts, excludeAccounts = [] }: CommandOptions['settings']): string[] | undefined {
  if (org) return undefined;
  return accounts ? [...new Set(accounts)].filter((a) => !excludeAccounts.includes(a)) : ['(own)'];
}

/** [the commands a rule is for, the problem when a call breaks it]. */
const COMMAND_RULES: readonly [readonly CommandName[], (call: CommandCall) => FlowfixError | undefined][] = [
  [
    ['plan', 'apply', 'verify', 'rollback', 'guided'],
    ({ command, options: { format } }) => {
      const allowed = FORMATS_OF[command];
      const others = OUTPUT_FORMATS.filter((f) => !allowed.includes(f));
      return allowed.includes(format)
        ? undefined
        : badUsage(
            `--format ${format} is not available for ${command}: it prints ${allowed.join(' or ')}`,
            `use --format ${allowed.join('|')}; reports in ${others.join(', ')} come from flowfix plan and flowfix verify`,
          );
    },
  ],
  // A JSON document on stdout leaves no terminal to ask on: consent must be given up front.
  [
    ['apply', 'rollback'],
    ({ command, options: o }) =>
      o.format !== 'json' || o.yes || o.dryRun
        ? undefined
        : new FlowfixError('ConsentRequired', '--format json cannot ask for confirmation', {
            hint: command === 'apply' ? 'add --yes to apply, or --dry-run to only check' : 'add --yes to roll back, or --dry-run to only show',
          }),
  ],
  [
    ['plan'],
    ({ options: o }) =>
      o.emit && o.format !== 'text' && o.format !== 'json'
        ? badUsage(`--emit ${o.emit} prints one JSON document and cannot be combined with --format ${o.format}`, 'drop --format, or run plan twice')
        : undefined,
  ],
  [
    ['plan'],
    ({ options: o }) =>
      o.checkPermissions && o.snapshot
        ? badUsage('--check-permissions asks IAM and cannot be used with --snapshot', 'drop --snapshot to check permissions against the live account')
        : undefined,
  ],
  [
    ['plan', 'verify'],
    ({ options: o }) =>
      o.snapshot && isMultiAccount(o.settings)
        ? new FlowfixError('NoSession', '--org and --accounts need AWS, not a snapshot', { hint: 'drop --snapshot' })
        : undefined,
  ],
  [['rollback'], ({ options: o }) => (o.snapshot ? badUsage('rollback changes AWS and cannot work from a snapshot', 'drop --snapshot') : undefined)],
  // --out is one file: a run over many accounts writes one file per account instead.
  [
    ['plan'],
    ({ options: o }) => {
      const named = namedAccounts(o.settings);
      if (!o.out || named?.length === 1) return undefined;
      const which = named ? `--accounts names ${named.length} (${named.join(', ')})` : '--org chooses every account of the organization';
      return badUsage(`--out saves the plan of one account, but ${which}`, 'use --out-dir DIR: one plan per account, DIR/<account>.json');
    },
  ],
  // A saved plan is for one account: account flags may name it, never leave it out.
  [
    ['apply'],
    ({ options: o, planAccountId }) => {
      const conflict = planAccountId && planAccountFlagConflict(o.settings, planAccountId);
      return conflict ? planAccountLeftOut({ accountId: planAccountId, what: `plan ${o.planFile}` }, conflict) : undefined;
    },
  ],
];

/** Throws the first rule the call breaks (one line; the next shows once it is fixed). */
export function checkCommandRules(call: CommandCall): void {
  for (const [commands, check] of COMMAND_RULES) {
    const problem = commands.includes(call.command) ? check(call) : undefined;
    if (problem) throw problem;
  }
}
