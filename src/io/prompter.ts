// Questions go through this interface: inquirer on a terminal (asked on stderr), scripted answers in tests.
import { emitKeypressEvents } from 'node:readline';

import { visible } from '../render/visible.js';

export interface Choice<T> {
  name: string;
  value: T;
  checked?: boolean;
  description?: string;
}

export interface Prompter {
  confirm(message: string, options?: { default?: boolean }): Promise<boolean>;
  select<T>(message: string, choices: Choice<T>[], options?: { default?: T }): Promise<T>;
  checkbox<T>(message: string, choices: Choice<T>[]): Promise<T[]>;
  input(message: string, options?: { default?: string; validate?: (value: string) => true | string }): Promise<string>;
  /** Typed without echo (an MFA code): nothing of it is shown, before or after Enter. */
  secret(message: string, options?: { validate?: (value: string) => true | string }): Promise<string>;
}

/** Thrown when the user presses Ctrl-C or Esc at a prompt. */
export class PromptCancelled extends Error {
  constructor() {
    super('cancelled at a prompt');
    this.name = 'PromptCancelled';
  }
}

/**
 * The prompter with every question and choice shown through `visible`: a choice names a VPC by its Name
 * tag, the apply question a saved plan's account. Values (what an answer returns) are kept exact.
 */
export function visiblePrompter(ask: Prompter): Prompter {
  const shown = <T>(choices: Choice<T>[]): Choice<T>[] =>
    choices.map((c) => ({ ...c, name: visible(c.name), ...(c.description !== undefined ? { description: visible(c.description) } : {}) }));
  return {
    confirm: (message, options) => ask.confirm(visible(message), options),
    select: (message, choices, options) => ask.select(visible(message), shown(choices), options),
    checkbox: (message, choices) => ask.checkbox(visible(message), shown(choices)),
    input: (message, options) => ask.input(visible(message), options),
    secret: (message, options) => ask.secret(visible(message), options),
  };
}

/**
 * How many choices a list shows at once: inquirer's 7, more on a tall terminal (leaving room for the
 * question, the description and the help line), at most 20.
 */
export function listPageSize(rows: number | undefined): number {
  return Math.max(7, Math.min(20, (rows ?? 0) - 8));
}

/** The question, saying when its list scrolls: a choice out of sight is easy to miss ("7 of 14 shown"). */
export function withScrollNote(message: string, choices: number, pageSize: number): string {
  return choices > pageSize ? `${message} (${pageSize} of ${choices} shown; ↑↓ scrolls)` : message;
}

export async function inquirerPrompter(): Promise<Prompter> {
  const { default: inquirer } = await import('inquirer');
  const ask = async <T>(question: Record<string, unknown>): Promise<T> => {
    // inquirer handles Ctrl-C itself; Esc aborts the question through its signal.
    const controller = new AbortController();
    const onKey = (_text: string, key?: { name?: string }) => {
      if (key?.name === 'escape') controller.abort();
    };
    emitKeypressEvents(process.stdin);
    process.stdin.on('keypress', onKey);
    try {
      // Asked on stderr, like every other word for the person: stdout may be a pipe (`apply | tee`).
      const prompt = inquirer.createPromptModule({ signal: controller.signal, output: process.stderr });
      const answers = (await prompt([{ name: 'answer', ...question } as never])) as { answer: T };
      return answers.answer;
    } catch (err) {
      if (err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError')) throw new PromptCancelled();
      throw err;
    } finally {
      process.stdin.off('keypress', onKey);
    }
  };
  const pageSize = listPageSize(process.stderr.rows);
  return {
    confirm: (message, options) => ask({ type: 'confirm', message, default: options?.default ?? false }),
    select: (message, choices, options) =>
      ask({ type: 'select', message: withScrollNote(message, choices.length, pageSize), choices, default: options?.default, pageSize }),
    checkbox: (message, choices) => ask({ type: 'checkbox', message: withScrollNote(message, choices.length, pageSize), choices, pageSize }),
    input: (message, options) => ask({ type: 'input', message, default: options?.default, validate: options?.validate }),
    // No mask character and no Ctrl-T reveal: not even the code's length is shown.
    secret: (message, options) => ask({ type: 'password', message, toggleMask: false, validate: options?.validate }),
  };
}
