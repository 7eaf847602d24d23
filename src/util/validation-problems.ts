// The one way zod issues become the lines flowfix prints, for config files, flags, plan files and
// snapshots alike: one path syntax (`actions[3].input.RoleName`) and one cap, so a file with 200k
// mistakes still gives one readable line, and only the lines shown are ever formatted.
import type { z } from 'zod';

export type ValidationIssue = z.core.$ZodIssue;

/** Issues shown per list; the rest are counted in a last `and N more`. */
export const MAX_SHOWN_ISSUES = 8;
/** Keys named in one unknown-keys problem (zod's own message names all of them). */
const MAX_SHOWN_KEYS = 5;

export interface IssueFormat {
  /** Where the issue is; '' for none. Default: formatIssuePath. */
  where?: (path: readonly PropertyKey[]) => string;
  /** What is wrong. Default: zod's message, with unknown keys listed up to a cap. */
  message?: (issue: ValidationIssue) => string;
}

/**
 * Dotted keys, [n] for array indexes and ["…"] for keys that are not identifiers; `(top level)` for the
 * document itself. `root` (e.g. a flag name) is put in front as is.
 */
export function formatIssuePath(path: readonly PropertyKey[], root = ''): string {
  if (path.length === 0 && root === '') return '(top level)';
  let out = root;
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** `"a", "b" and 3 more`. */
export function listKeys(keys: readonly string[]): string {
  const shown = keys
    .slice(0, MAX_SHOWN_KEYS)
    .map((key) => JSON.stringify(key))
    .join(', ');
  return keys.length > MAX_SHOWN_KEYS ? `${shown} and ${keys.length - MAX_SHOWN_KEYS} more` : shown;
}

function defaultMessage(issue: ValidationIssue): string {
  if (issue.code === 'unrecognized_keys') return `Unrecognized key${issue.keys.length > 1 ? 's' : ''}: ${listKeys(issue.keys)}`;
  return issue.message;
}

/** One `where: what` line per issue (just `what` when `where` gives ''), capped at MAX_SHOWN_ISSUES. */
export function issueLines(issues: readonly ValidationIssue[], format: IssueFormat = {}): string[] {
  const where = format.where ?? ((path) => formatIssuePath(path));
  const message = format.message ?? defaultMessage;
  const lines = issues.slice(0, MAX_SHOWN_ISSUES).map((issue) => {
    const location = where(issue.path);
    return location === '' ? message(issue) : `${location}: ${message(issue)}`;
  });
  if (issues.length > MAX_SHOWN_ISSUES) lines.push(`and ${issues.length - MAX_SHOWN_ISSUES} more`);
  return lines;
}
