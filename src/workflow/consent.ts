// flowfix never changes AWS without `--yes` or a person answering "yes" at a terminal.
import { FlowfixError } from '../errors.js';
import { PromptCancelled, type Prompter } from '../io/prompter.js';

export interface ConsentSource {
  yes: boolean;
  /** A person can answer; when false and there is no --yes, flowfix refuses instead of hanging. */
  interactive: boolean;
  prompter?: Prompter;
}

/** "no" is an answer (exit 0); Ctrl-C or Esc at the question is a cancel (exit 130, as everywhere else). */
export type Consent = 'yes' | 'no' | 'cancelled';

/**
 * For a step that destroys data (rollback --delete-log-groups): instead of y/N, the person types one of
 * these words (the number of groups, or `delete`), as other tools ask before destroying data; anything
 * else is a "no".
 */
export interface TypedConsent {
  accept: readonly string[];
  /** Appended to the question: what to type. */
  prompt: string;
}

/** `where`: "account 111111111111", "3 accounts"; `question`, when given, is asked instead of "Apply these N actions to WHERE?". */
export async function askConsent(actions: number, where: string, source: ConsentSource, question?: string, typed?: TypedConsent): Promise<Consent> {
  if (source.yes) return 'yes';
  if (!source.interactive && !source.prompter) {
    throw new FlowfixError('ConsentRequired', 'refusing to change AWS without consent: no terminal to ask on', {
      hint: 'review the plan, then re-run with --yes (or --dry-run to only check)',
    });
  }
  const { inquirerPrompter, visiblePrompter } = await import('../io/prompter.js');
  const ask = visiblePrompter(source.prompter ?? (await inquirerPrompter()));
  const asked = question ?? `Apply ${actions === 1 ? 'this action' : `these ${actions} actions`} to ${where}?`;
  try {
    if (typed) {
      const answer = (await ask.input(`${asked} ${typed.prompt}`)).trim().toLowerCase();
      return typed.accept.includes(answer) ? 'yes' : 'no';
    }
    return (await ask.confirm(asked, { default: false })) ? 'yes' : 'no';
  } catch (err) {
    if (err instanceof PromptCancelled) return 'cancelled';
    throw err;
  }
}
