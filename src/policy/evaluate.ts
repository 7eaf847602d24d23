// A small IAM evaluator for flowfix's own documents: Allow/Deny by action and resource with `*`/`?`
// wildcards, and conditions when the request's context is given. Without a context, conditions are
// ignored: the question is then "could this statement ever apply", the conservative direction for
// checks that a policy does NOT grant something.
import type { PolicyDocument, PolicyStatement } from '../facts/policy-document.js';

export const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export const statementsOf = (policy: PolicyDocument): PolicyStatement[] => (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]);

/**
 * The condition keys of one request and their values, as IAM sees them (`iam:PermissionsBoundary`,
 * `aws:ResourceTag/ManagedBy`, `iam:PassedToService`...). Keys are matched case-insensitively, as IAM
 * does; a key that is absent is absent from the request.
 */
export type RequestContext = Readonly<Record<string, string | readonly string[] | undefined>>;

function wildcardMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

/** ArnEquals/ArnLike: each of the six ARN parts matched on its own. */
function arnLike(pattern: string, arn: string): boolean {
  const parts = (text: string) => {
    const split = text.split(':');
    return split.length < 6 ? undefined : [...split.slice(0, 5), split.slice(5).join(':')];
  };
  const p = parts(pattern);
  const a = parts(arn);
  return p !== undefined && a !== undefined && p.every((part, i) => wildcardMatch(part, a[i]!, false));
}

function valueMatches(operator: string, expected: string, actual: string): boolean | undefined {
  switch (operator) {
    case 'StringEquals':
      return expected === actual;
    case 'StringEqualsIgnoreCase':
      return expected.toLowerCase() === actual.toLowerCase();
    case 'StringLike':
      return wildcardMatch(expected, actual, false);
    case 'ArnEquals':
    case 'ArnLike':
      return arnLike(expected, actual);
    case 'Bool':
      return expected.toLowerCase() === actual.toLowerCase();
    default:
      return undefined;
  }
}

/**
 * Whether every condition of a statement holds for the request, as IAM evaluates it: a key missing
 * from the request fails the condition (the Not operators, `...IfExists` and `Null` aside); an
 * operator this evaluator does not know yields undefined, and the caller decides which way that counts.
 */
export function conditionsHold(condition: PolicyStatement['Condition'], context: RequestContext): boolean | undefined {
  if (condition === undefined) return true;
  const lowerContext = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v === undefined ? undefined : asList(v as string | string[])]));
  let verdict: boolean | undefined = true;
  for (const [rawOperator, entries] of Object.entries(condition)) {
    const setOperator = /^For(AnyValue|AllValues):/.exec(rawOperator)?.[1];
    const ifExists = rawOperator.endsWith('IfExists');
    const operator = rawOperator.replace(/^For(AnyValue|AllValues):/, '').replace(/IfExists$/, '');
    for (const [key, expectedValue] of Object.entries(entries)) {
      const actual = lowerContext.get(key.toLowerCase());
      const expected = asList(expectedValue);
      let holds: boolean | undefined;
      if (operator === 'Null') holds = expected.includes(actual === undefined || actual.length === 0 ? 'true' : 'false');
      else {
        const negated = /^(String|Arn)Not/.test(operator);
        const base = negated ? operator.replace('Not', '') : operator;
        if (actual === undefined || actual.length === 0) holds = ifExists || negated || setOperator === 'AllValues';
        else {
          const one = (value: string): boolean | undefined => {
            const matches = expected.map((e) => valueMatches(base, e, value));
            if (matches.some((m) => m === undefined)) return undefined;
            return negated ? !matches.some(Boolean) : matches.some(Boolean);
          };
          const results = actual.map(one);
          if (results.some((r) => r === undefined)) holds = undefined;
          else holds = setOperator === 'AllValues' ? results.every(Boolean) : results.some(Boolean);
        }
      }
      if (holds === false) return false;
      if (holds === undefined) verdict = undefined;
    }
  }
  return verdict;
}

function statementMatches(statement: PolicyStatement, action: string, resource: string): boolean {
  const actionMatches = statement.NotAction
    ? !asList(statement.NotAction).some((p) => wildcardMatch(p, action, true))
    : asList(statement.Action).some((p) => wildcardMatch(p, action, true));
  const resources = statement.Resource === undefined ? ['*'] : asList(statement.Resource);
  return actionMatches && resources.some((p) => wildcardMatch(p, resource, false));
}

/**
 * True when some statement allows `action` on `resource` and none denies it. With a `context`, a
 * statement applies only when its conditions hold for it (an unknown operator: an Allow does not apply,
 * a Deny does); without one, conditions are ignored.
 */
export function isAllowed(policy: PolicyDocument, action: string, resource = '*', context?: RequestContext): boolean {
  const applies = (s: PolicyStatement): boolean => {
    if (!statementMatches(s, action, resource)) return false;
    if (context === undefined) return true;
    return conditionsHold(s.Condition, context) ?? s.Effect === 'Deny';
  };
  const matching = statementsOf(policy).filter(applies);
  return matching.some((s) => s.Effect === 'Allow') && !matching.some((s) => s.Effect === 'Deny');
}
