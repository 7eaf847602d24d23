// The one error type flowfix raises on purpose. The CLI prints `message` (and `hint`) on one line, any
// `details` one per line under it, without a stack trace unless --debug; anything that is not a
// FlowfixError is a bug and is shown in full.

export interface FlowfixErrorOptions {
  /** One line telling the user what to do next, when the message alone does not. */
  hint?: string;
  /** The error this one explains (an AWS SDK error, a parse error...), kept for --debug. */
  cause?: unknown;
  /** Items of a list the message counts (e.g. each settings problem), printed one per line under it. */
  details?: readonly string[];
}

export class FlowfixError extends Error {
  /** Stable, machine-readable code (e.g. 'UnknownRegion', 'NoCredentials'); part of the JSON output. */
  readonly code: string;
  readonly hint?: string;
  readonly details?: readonly string[];

  constructor(code: string, message: string, options: FlowfixErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FlowfixError';
    this.code = code;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.details?.length) this.details = options.details;
  }
}

export function isFlowfixError(err: unknown): err is FlowfixError {
  return err instanceof FlowfixError;
}

/** Ctrl-C before the work was done: what was in flight finished, nothing more was started. */
export const interrupted = (): FlowfixError =>
  new FlowfixError('Interrupted', 'interrupted: the calls in flight finished, nothing more was started', { hint: 'run the same command again to finish' });

/** Ctrl-C while reading: the read in flight was abandoned (reads change nothing), nothing more was started. */
export const interruptedRead = (cause?: unknown): FlowfixError =>
  new FlowfixError('Interrupted', 'interrupted: the read in flight was abandoned, nothing more was started', {
    hint: 'run the same command again to finish',
    cause,
  });
