// The consent step every mutating command shares: ask (or take --yes), and say what "no" and Ctrl-C left.
import type { Io } from '../io/io.js';
import { askConsent, type TypedConsent } from '../workflow/consent.js';
import { EXIT } from '../workflow/exit-codes.js';
import type { CommandDeps } from './context.js';

export interface ChangeToConfirm {
  actions: number;
  /** "account 111111111111", "3 accounts". */
  where: string;
  /** Past participle for the "nothing was …" line: changed, deleted. */
  verb: string;
  /** Asked instead of "Apply these N actions to WHERE?". */
  question?: string;
  /** Data is destroyed: a word to type instead of y/N. */
  typed?: TypedConsent;
}

/** The exit code to stop with when the answer is not "yes"; undefined to go ahead. */
export async function confirmChange(change: ChangeToConfirm, yes: boolean, io: Io, deps: CommandDeps): Promise<number | undefined> {
  const source = { yes, interactive: io.interactive, ...(deps.prompter ? { prompter: deps.prompter } : {}) };
  const consent = await askConsent(change.actions, change.where, source, change.question, change.typed);
  if (consent === 'cancelled') {
    io.stderr.write(`Cancelled: nothing was ${change.verb}.\n`);
    return EXIT.interrupted;
  }
  if (consent === 'no') {
    io.stdout.write(`Nothing was ${change.verb}.\n`);
    return EXIT.ok;
  }
  return undefined;
}
