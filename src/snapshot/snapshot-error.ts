// The one error a snapshot that cannot be read raises, built from the problems of every bad file.
import { FlowfixError } from '../errors.js';

export interface SnapshotProblem {
  /** The file (or directory) as the user would type it: the snapshot dir joined with its relative path. */
  file: string;
  /** Each problem as `<json path>: <what is wrong>`, or a plain sentence for read/parse problems. */
  issues: string[];
  /** How to fix it: usually the AWS CLI command that regenerates the file. */
  fix: string;
}

/**
 * Its message is a single line that names each bad file, the JSON path of each problem and the command
 * that regenerates the file, so it carries no separate hint.
 */
export class SnapshotError extends FlowfixError {
  /** Every file that had a problem, with its problems, for callers that want more than the one line. */
  readonly problems: SnapshotProblem[];

  constructor(message: string, problems: SnapshotProblem[], cause?: unknown) {
    super('SnapshotInvalid', message, cause === undefined ? {} : { cause });
    this.name = 'SnapshotError';
    this.problems = problems;
  }
}

export function snapshotError(unordered: readonly SnapshotProblem[], cause?: unknown): SnapshotError {
  // Files are read in parallel; report them in a stable order.
  const problems = [...unordered].sort((a, b) => a.file.localeCompare(b.file));
  const parts = problems.map((problem) => `${problem.file}: ${problem.issues.join('; ')} — ${problem.fix}`);
  const message = problems.length === 1 ? (parts[0] as string) : `${problems.length} snapshot files have problems: ${parts.join(' | ')}`;
  return new SnapshotError(message.replace(/\s*\n\s*/g, ' '), problems, cause);
}

/** Node fs errors repeat the path ("…, stat '/x'"); the message already names the file. */
export function errorText(error: unknown): string {
  // Not `instanceof Error`: errors from another realm (jest's vm modules) fail that test.
  const message =
    typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string'
      ? (error as { message: string }).message
      : String(error);
  return message.replace(/, \w+ '[^']*'( -> '[^']*')?$/, '');
}

export function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
