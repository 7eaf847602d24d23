// yargs' own complaints ("Unknown arguments: dry-run, dryRun", "Invalid values: Argument: format, …")
// said in flowfix's words: the flag as typed, the command it belongs to, and the closest flag or value
// when the typed one looks like a typo.
import { FlowfixError } from '../errors.js';
import { closestWord } from '../util/closest-word.js';
import { COMMAND_OPTIONS, commandFlags, globalFlags, type CommandName } from './command-options.js';

const COMMANDS = Object.keys(COMMAND_OPTIONS) as CommandName[];

/** `flowfix plan`; bare `flowfix` (which is guided mode) as typed. */
const named = (command: CommandName | undefined) => (command ? `flowfix ${command}` : 'flowfix');

const listed = (items: readonly string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/** `command`: the one argv names; undefined for bare `flowfix`. */
export function usageError(message: string, argv: readonly string[], command: CommandName | undefined): FlowfixError {
  const hint = `see ${named(command)} --help`;
  const unknown = /^Unknown arguments?: (.+)$/s.exec(message);
  if (unknown) return new FlowfixError('BadUsage', unknownFlags(unknown[1]!.split(/,\s*/), argv, command), { hint });
  const invalid = /^Invalid values:\s*Argument: ([\w-]+), Given: "([^"]*)", Choices: (.+)$/s.exec(message.trim());
  if (invalid) {
    const [, flag, given, choices] = invalid;
    const values = choices!.split(/,\s*/).map((c) => c.replace(/^"|"$/g, ''));
    const guess = closestWord(given!, values);
    return new FlowfixError('BadUsage', `--${flag} ${given} is not one of ${values.join(', ')}${guess ? `; did you mean --${flag} ${guess}?` : ''}`, { hint });
  }
  const noValue = /^Not enough arguments following: (.+)$/s.exec(message.trim());
  if (noValue) return new FlowfixError('BadUsage', `--${noValue[1]!.trim()} needs a value`, { hint });
  // yargs spreads some messages over lines: one line.
  return new FlowfixError('BadUsage', message.replace(/\s*\n\s*/g, ' '), { hint });
}

/**
 * yargs names each unknown flag twice (dry-run, dryRun) and without its dashes: keep the ones the user
 * typed, as typed, and say for each where it belongs or what was probably meant.
 */
function unknownFlags(names: readonly string[], argv: readonly string[], command: CommandName | undefined): string {
  const typed = [...new Set(argv.filter((a) => a.startsWith('-')).map((a) => a.split('=')[0]!))];
  const flags = typed.filter((flag) => names.includes(flag.replace(/^-+/, '')));
  // A name yargs reports that was not typed as such (a camel-cased twin only): fall back to it.
  const shown = flags.length > 0 ? flags : names.filter((n) => !/[A-Z]/.test(n)).map((n) => `--${n}`);
  // Bare `flowfix` takes guided's options.
  const accepted = [...globalFlags(), ...commandFlags(command ?? 'guided')];
  const others = COMMANDS.filter((c) => c !== (command ?? 'guided'));
  const commandsWith = (flag: string) => others.filter((c) => commandFlags(c).includes(flag)).map(named);
  return shown
    .map((flag) => {
      const elsewhere = commandsWith(flag);
      if (elsewhere.length > 0) return `${flag} is not an option of ${named(command)} (it is one of ${listed(elsewhere)})`;
      const guess = closestWord(flag, accepted);
      if (guess) return `unknown option ${flag}; did you mean ${guess}?`;
      // A typo of another command's option: say whose.
      const theirs = closestWord(flag, [...new Set(others.flatMap(commandFlags))]);
      return theirs ? `unknown option ${flag}; did you mean ${theirs} (an option of ${listed(commandsWith(theirs))})?` : `unknown option ${flag}`;
    })
    .join('; ');
}
