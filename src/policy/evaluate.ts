// A small IAM evaluator for flowfix's own documents: Allow/Deny by action and resource with `*`/`?`
// wildcards. It ignores conditions, which is the conservative direction for least-privilege checks.
import type { PolicyDocument, PolicyStatement } from '../facts/policy-document.js';

export const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export const statementsOf = (policy: PolicyDocument): PolicyStatement[] =>
  Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];

function wildcardMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

function statementMatches(statement: PolicyStatement, action: string, resource: string): boolean {
  const actionMatches = statement.NotAction
    ? !asList(statement.NotAction).some((p) => wildcardMatch(p, action, true))
    : asList(statement.Action).some((p) => wildcardMatch(p, action, true));
  const resources = statement.Resource === undefined ? ['*'] : asList(statement.Resource);
  return actionMatches && resources.some((p) => wildcardMatch(p, resource, false));
}

/** True when some statement allows `action` on `resource` and none denies it. */
export function isAllowed(policy: PolicyDocument, action: string, resource = '*'): boolean {
  const matching = statementsOf(policy).filter((s) => statementMatches(s, action, resource));
  return matching.some((s) => s.Effect === 'Allow') && !matching.some((s) => s.Effect === 'Deny');
}
