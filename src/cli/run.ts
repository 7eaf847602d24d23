// The whole CLI as a function: argv in, exit code out. main.ts is the only caller that touches process.
import yargs from 'yargs';

import { isAwsOrNetworkError, toFlowfixError } from '../aws/errors.js';
import { withGlobalSettingsFlags } from '../config/flags.js';
import { FlowfixError, isFlowfixError } from '../errors.js';
import type { Io } from '../io/io.js';
import { visible } from '../render/visible.js';
import { closestWord } from '../util/closest-word.js';
import { EXIT } from '../workflow/exit-codes.js';
import { COMMAND_OPTIONS, type CommandName } from './command-options.js';
import type { CommandDeps } from './context.js';
import { OUTPUT_FORMATS, toCommandOptions, type CommandOptions, type RawArgs } from './options.js';
import { usageError } from './usage-errors.js';
import { flowfixVersion } from './version.js';

type CommandHandler = (options: CommandOptions, io: Io, deps: CommandDeps) => Promise<number>;

/** Loaded on demand: each command handles any number of accounts. */
const commands: Record<CommandName, () => Promise<CommandHandler>> = {
  plan: async () => (await import('./commands/plan.js')).planCommand,
  apply: async () => (await import('./commands/apply.js')).applyCommand,
  verify: async () => (await import('./commands/verify.js')).verifyCommand,
  guided: async () => (await import('./commands/guided.js')).guidedCommand,
  rollback: async () => (await import('./commands/rollback.js')).rollbackCommand,
};

/** The command argv names; undefined for bare `flowfix`. */
function commandOf(argv: readonly string[]): CommandName | undefined {
  return argv.find((a) => Object.hasOwn(COMMAND_OPTIONS, a)) as CommandName | undefined;
}

/** `deps.signal`: aborted by main.ts on Ctrl-C. */
export async function runCli(argv: string[], io: Io, deps: CommandDeps = {}): Promise<number> {
  // `flowfix help [command]` as `flowfix [command] --help`, as git and npm take it.
  if (argv[0] === 'help') argv = [...argv.slice(1), '--help'];
  let debug = argv.includes('--debug');
  try {
    // Before yargs, whose strict mode would first complain about the options of a command that does not exist.
    const first = argv[0];
    if (first !== undefined && !first.startsWith('-') && !Object.hasOwn(commands, first)) throw unknownCommand(first);
    let chosen: { name: CommandName; args: RawArgs } | undefined;
    const parser = withGlobalSettingsFlags(
      yargs(argv)
        .scriptName('flowfix')
        .usage('$0 <command> [options]\n\nFind AWS VPCs and subnets without working VPC Flow Logs, in every region, and fix them safely.'),
    )
      .option('config', { type: 'string', describe: 'Settings file (default ./flowfix.config.json when present)' })
      .option('format', {
        type: 'string',
        choices: OUTPUT_FORMATS,
        default: 'text',
        describe: 'Output format: text, json; for plan and verify also sarif (GitHub code scanning), markdown (PR comment, job summary), csv',
      })
      .option('debug', { type: 'boolean', default: false, describe: 'Show stack traces and AWS error details' })
      .command('plan', 'Show what is wrong and what flowfix would change (read-only)', COMMAND_OPTIONS.plan, (args) => {
        chosen = { name: 'plan', args: args as RawArgs };
      })
      .command('apply [plan-file]', 'Carry out a fresh plan, or a saved one, after confirmation', COMMAND_OPTIONS.apply, (args) => {
        chosen = { name: 'apply', args: args as RawArgs };
      })
      .command('verify', 'Re-check every VPC/subnet in scope, including delivery status (read-only)', COMMAND_OPTIONS.verify, (args) => {
        chosen = { name: 'verify', args: args as RawArgs };
      })
      .command(
        'rollback',
        'Delete what flowfix created (flow logs and role tagged ManagedBy=flowfix), after confirmation; log groups are kept unless --delete-log-groups',
        COMMAND_OPTIONS.rollback,
        (args) => {
          chosen = { name: 'rollback', args: args as RawArgs };
        },
      )
      .command('guided', 'Walk through finding and fixing flow logs step by step', COMMAND_OPTIONS.guided, (args) => {
        chosen = { name: 'guided', args: args as RawArgs };
      })
      // Bare `flowfix` is guided mode: it takes guided's options (`flowfix --regions eu-west-1`).
      .command('$0 [command]', false, COMMAND_OPTIONS.guided, (args) => {
        // A word that is no command: name the closest one.
        if (typeof args.command === 'string') throw unknownCommand(args.command);
        // Bare `flowfix`: a person at a terminal gets guided mode; scripts keep the usage error.
        if (!io.interactive)
          throw new FlowfixError('BadUsage', 'Name a command: flowfix plan | apply | verify | rollback | guided', { hint: 'see flowfix --help' });
        chosen = { name: 'guided', args: args as RawArgs };
      })
      .strict()
      .version(flowfixVersion())
      .help()
      .alias('help', 'h')
      .wrap(Math.min(110, io.stdout.columns ?? 100))
      .exitProcess(false)
      .fail((message, err) => {
        throw err ?? usageError(message, argv, commandOf(argv));
      });
    await parser.parseAsync();
    if (!chosen) return EXIT.ok; // --help or --version already printed
    const options = await toCommandOptions(chosen.args, io);
    debug = options.debug;
    // The flags' rules, before any AWS call (a saved plan's account is read from the file).
    const planAccountId = options.planFile ? (await (await import('../plan/plan-file.js')).readPlanFile(options.planFile)).accountId : undefined;
    (await import('./command-rules.js')).checkCommandRules({ command: chosen.name, options, ...(planAccountId ? { planAccountId } : {}) });
    const handler = await commands[chosen.name]();
    return await handler(options, io, deps);
  } catch (err) {
    if (isFlowfixError(err) && err.code === 'Interrupted') {
      io.stderr.write(`${formatError(err, debug)}\n`);
      return EXIT.interrupted;
    }
    io.stderr.write(`${formatError(err, debug)}\n`);
    return EXIT.error;
  }
}

/** `flowfix plna` → "Unknown command plna; did you mean plan?" */
function unknownCommand(word: string): FlowfixError {
  const names = Object.keys(commands);
  const guess = closestWord(word, names);
  return new FlowfixError('BadUsage', `Unknown command ${word}${guess ? `; did you mean ${guess}?` : ''}`, {
    hint: guess ? 'see flowfix --help' : `the commands are ${names.join(', ')}; see flowfix --help`,
  });
}

/** One line that says what is wrong and how to fix it (a list it counts goes under it); the stack only with --debug. */
export function formatError(err: unknown, debug: boolean): string {
  const known = isFlowfixError(err) ? err : isAwsOrNetworkError(err) ? toFlowfixError(err, 'An AWS call') : undefined;
  // Messages carry AWS's words, paths and names: shown, never acted on by the terminal (each part on its own line).
  const summary = known ? `flowfix: ${visible(known.message)}${known.hint ? ` (${visible(known.hint)})` : ''}` : describeUnexpected(err);
  const line = [summary, ...(known?.details ?? []).map((detail) => `  ${visible(detail)}`)].join('\n');
  if (!debug) return line;
  const stack = err instanceof Error ? err.stack : String(err);
  const cause = err instanceof Error && err.cause instanceof Error ? `\ncaused by: ${err.cause.stack}` : '';
  return `${line}\n${`${stack}${cause}`.split('\n').map(visible).join('\n')}`;
}

function describeUnexpected(err: unknown): string {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return `flowfix: unexpected error: ${visible(message.split('\n')[0]!)} (re-run with --debug for details, and please report it)`;
}
