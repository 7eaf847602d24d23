// Does a role's trust policy let VPC Flow Logs assume it for flow logs of this account in a region?
// The trust is judged the way IAM evaluates the request VPC Flow Logs makes: principal
// vpc-flow-logs.amazonaws.com, action sts:AssumeRole, and the context keys aws:SourceAccount (the flow
// log's owner) and aws:SourceArn (the new flow log's ARN, arn:<partition>:ec2:<region>:<account>:
// vpc-flow-log/<id>). A role whose SourceArn names one region works in that region only, so the trust is
// judged per region. Conditions on any other key (aws:SourceOrgID, aws:SourceOrgPaths, …) cannot be
// checked from the account's own reads: flowfix does not guess, it reports them as not provable.
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
import type { PolicyDocument, PolicyStatement } from '../facts/policy-document.js';
import { asList, statementsOf } from '../policy/evaluate.js';

export const FLOW_LOGS_SERVICE = 'vpc-flow-logs.amazonaws.com';
const ASSUME_ROLE = 'sts:AssumeRole';

/** The id part of a flow log that does not exist yet: a SourceArn naming one existing flow log never matches it. */
const NEW_FLOW_LOG_ID = 'fl-00new0flowfix0000';

export interface TrustScope {
  partition: string;
  accountId: string;
  region: string;
}

/** Why the role cannot be used in a region. `certain: false`: flowfix cannot tell (a condition it does not evaluate). */
export interface TrustProblem {
  certain: boolean;
  /** In words, to follow "it": "holds only when ArnLike aws:SourceArn …". */
  why: string;
}

/** IAM's three answers for a condition flowfix evaluates: true, false, or cannot be known from here. */
type Truth = boolean | 'unknown';
const and = (values: Truth[]): Truth => (values.includes(false) ? false : values.includes('unknown') ? 'unknown' : true);
const or = (values: Truth[]): Truth => (values.includes(true) ? true : values.includes('unknown') ? 'unknown' : false);

/** `*` any run of characters, `?` one; case-sensitive unless told. */
function wildcard(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** ArnEquals/ArnLike: each of the six colon-separated parts is matched on its own, wildcards allowed. */
function arnMatches(pattern: string, value: string): boolean {
  const parts = (arn: string) => {
    const split = arn.split(':');
    return split.length < 6 ? null : [...split.slice(0, 5), split.slice(5).join(':')];
  };
  const p = parts(pattern);
  const v = parts(value);
  return p !== null && v !== null && p.every((part, i) => wildcard(part, v[i]!));
}

const MATCHERS: Record<string, (actual: string, expected: string) => boolean> = {
  stringequals: (a, e) => a === e,
  stringequalsignorecase: (a, e) => a.toLowerCase() === e.toLowerCase(),
  stringlike: (a, e) => wildcard(e, a),
  arnequals: (a, e) => arnMatches(e, a),
  arnlike: (a, e) => arnMatches(e, a),
};

/** One operator on one key, for a key whose value is known (present, single-valued). */
function evaluateKnown(operator: string, actual: string, expected: string[]): Truth {
  if (operator === 'null') return expected.some((e) => e.toLowerCase() === 'false');
  const negated = /^(string|arn)not/.exec(operator) !== null;
  const matcher = MATCHERS[negated ? operator.replace('not', '') : operator];
  if (!matcher) return 'unknown'; // Numeric, Date, Bool, IpAddress… never hold on an ARN or account id as AWS means them.
  const matched = expected.some((e) => matcher(actual, e));
  return negated ? !matched : matched;
}

interface ConditionCheck {
  text: string;
  truth: Truth;
  key: string;
}

/** Every operator/key pair of a statement's Condition, judged against the request VPC Flow Logs makes. */
function checkConditions(statement: PolicyStatement, context: Record<string, string>): ConditionCheck[] {
  const checks: ConditionCheck[] = [];
  for (const [rawOperator, entries] of Object.entries(statement.Condition ?? {})) {
    // Both context keys are single-valued and present: ForAnyValue/ForAllValues and …IfExists change nothing.
    const operator = rawOperator
      .replace(/^for(anyvalue|allvalues):/i, '')
      .replace(/ifexists$/i, '')
      .toLowerCase();
    for (const [key, value] of Object.entries(entries ?? {})) {
      const expected = asList(value as string | string[]).map(String);
      const actual = context[key.toLowerCase()];
      const truth = actual === undefined ? 'unknown' : evaluateKnown(operator, actual, expected);
      checks.push({ text: `${rawOperator} ${key} ${expected.join(' or ')}`, truth, key });
    }
  }
  return checks;
}

const principalMatches = (s: PolicyStatement): boolean => {
  const names = (principal: unknown): string[] =>
    principal === '*'
      ? ['*']
      : [
          ...asList((principal as { Service?: string | string[] } | undefined)?.Service),
          ...asList((principal as { AWS?: string | string[] } | undefined)?.AWS).filter((p) => p === '*'),
        ];
  const notPrincipal = (s as { NotPrincipal?: unknown }).NotPrincipal;
  if (notPrincipal !== undefined) return !names(notPrincipal).some((n) => n === '*' || n === FLOW_LOGS_SERVICE);
  return names(s.Principal).some((n) => n === '*' || n === FLOW_LOGS_SERVICE);
};

const actionMatches = (s: PolicyStatement): boolean =>
  s.NotAction !== undefined ? !asList(s.NotAction).some((p) => wildcard(p, ASSUME_ROLE, true)) : asList(s.Action).some((p) => wildcard(p, ASSUME_ROLE, true));

/** null when VPC Flow Logs can assume the role for a new flow log of the account in `scope.region`. */
export function trustProblemIn(trustPolicy: PolicyDocument, scope: TrustScope): TrustProblem | null {
  const context: Record<string, string> = {
    'aws:sourceaccount': scope.accountId,
    'aws:sourcearn': `arn:${scope.partition}:ec2:${scope.region}:${scope.accountId}:vpc-flow-log/${NEW_FLOW_LOG_ID}`,
  };
  const relevant = statementsOf(trustPolicy)
    .filter((s) => principalMatches(s) && actionMatches(s))
    .map((s) => ({ statement: s, checks: checkConditions(s, context) }));
  const judged = relevant.map((r) => ({ ...r, truth: and(r.checks.map((c) => c.truth)) }));
  const denies = judged.filter((j) => j.statement.Effect === 'Deny');
  const allows = judged.filter((j) => j.statement.Effect === 'Allow');
  const unknownKeys = (list: typeof judged) => [...new Set(list.flatMap((j) => j.checks.filter((c) => c.truth === 'unknown').map((c) => c.key)))].join(', ');

  const denied = denies.find((d) => d.truth === true);
  if (denied) {
    const when = denied.checks.length > 0 ? ` (when ${denied.checks.map((c) => c.text).join(' and ')})` : '';
    return { certain: true, why: `a Deny statement refuses ${FLOW_LOGS_SERVICE} ${ASSUME_ROLE}${when}` };
  }
  if (allows.length === 0) return { certain: true, why: `no statement allows ${FLOW_LOGS_SERVICE} ${ASSUME_ROLE}` };
  const verdict = or(allows.map((a) => a.truth));
  if (verdict === false) {
    const failing = allows[0]!.checks.filter((c) => c.truth === false).map((c) => c.text);
    return { certain: true, why: `its Allow for ${FLOW_LOGS_SERVICE} holds only when ${failing.join(' and ')}` };
  }
  const undecidedDenies = denies.filter((d) => d.truth === 'unknown');
  if (verdict === 'unknown' || undecidedDenies.length > 0) {
    const keys = verdict === 'unknown' ? unknownKeys(allows.filter((a) => a.truth === 'unknown')) : unknownKeys(undecidedDenies);
    const which = verdict === 'unknown' ? 'its Allow' : 'a Deny statement';
    return {
      certain: false,
      why: `${which} for ${FLOW_LOGS_SERVICE} depends on ${keys}, which flowfix cannot check (it reads neither AWS Organizations nor anything beyond the account and the flow log's ARN)`,
    };
  }
  return null;
}

/** "does not trust vpc-flow-logs.amazonaws.com in us-east-1 (why)", to follow "delivery role X". */
export function describeTrustProblem(problem: TrustProblem, regions: string[] = []): string {
  const verb = problem.certain ? 'does not trust' : 'cannot be shown to trust';
  const where = regions.length > 0 ? ` in ${regions.join(', ')}` : '';
  return `${verb} ${FLOW_LOGS_SERVICE}${where} (${problem.why})`;
}

/**
 * The problems of `trustProblemsByRegion` in words: without region names when every region asked about
 * has the same one, else grouped by problem ("… in us-east-1, ap-south-1 (…); … in eu-west-1 (…)").
 */
export function describeTrustProblems(problems: Map<string, TrustProblem>, regionsAsked: string[]): string {
  const byWhy = new Map<string, { problem: TrustProblem; regions: string[] }>();
  for (const [region, problem] of problems) {
    const key = `${problem.certain}|${problem.why}`;
    const entry = byWhy.get(key) ?? { problem, regions: [] };
    entry.regions.push(region);
    byWhy.set(key, entry);
  }
  const everywhere = byWhy.size === 1 && problems.size === regionsAsked.length;
  return [...byWhy.values()].map(({ problem, regions }) => describeTrustProblem(problem, everywhere ? [] : regions)).join('; ');
}

/** Each region whose flow logs the trust policy does not admit, by problem; regions in the order given. */
export function trustProblemsByRegion(trustPolicy: PolicyDocument, scope: Omit<TrustScope, 'region'>, regions: string[]): Map<string, TrustProblem> {
  const problems = new Map<string, TrustProblem>();
  for (const region of regions) {
    const problem = trustProblemIn(trustPolicy, { ...scope, region });
    if (problem) problems.set(region, problem);
  }
  return problems;
}
