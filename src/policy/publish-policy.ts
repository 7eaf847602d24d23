// The delivery role's publish policy covers every log group flowfix delivers to: switching to a new
// --log-group adds it, so flow logs already delivering to the old one keep their access.
import { isValidLogGroupName } from '../facts/names.js';
import type { PolicyDocument, PolicyStatement } from '../facts/policy-document.js';
import { canonicalJson } from '../util/canonical-json.js';
import { escapeRegExp } from '../util/collections.js';
import { asList, isAllowed, statementsOf } from './evaluate.js';
import { renderPolicy, type PolicyVariables } from './templates.js';

type AccountVariables = Omit<PolicyVariables, 'LogGroupName'>;

/** The template rendered once per name, with each statement's Resource list merged in name order. */
export function renderPublishPolicy(template: PolicyDocument, vars: AccountVariables, logGroupNames: string[]): PolicyDocument {
  const names = [...new Set(logGroupNames)].sort();
  const renders = names.map((name) => statementsOf(renderPolicy(template, { ...vars, LogGroupName: name })));
  const merged = statementsOf(template).map((_, i): PolicyStatement => {
    const resources = [...new Set(renders.flatMap((statements) => asList(statements[i]!.Resource)))];
    return { ...renders[0]![i]!, Resource: resources.length === 1 ? resources[0]! : resources };
  });
  return { ...renderPolicy(template, { ...vars, LogGroupName: names[0] ?? '' }), Statement: merged };
}

/**
 * The log groups an existing inline policy grants, when it is exactly what flowfix renders for them;
 * null for any other document (hand-written or widened), which is then not built upon.
 */
export function logGroupsGrantedBy(policy: PolicyDocument, template: PolicyDocument, vars: AccountVariables): string[] | null {
  const marker = 'FLOWFIX-LOG-GROUP';
  const patterns = statementsOf(renderPolicy(template, { ...vars, LogGroupName: marker }))
    .flatMap((s) => asList(s.Resource))
    .filter((resource) => resource.includes(marker))
    .map((resource) => new RegExp(`^${escapeRegExp(resource).replace(marker, '(.+?)')}$`));
  const resources = statementsOf(policy).flatMap((s) => asList(s.Resource));
  const captured = (pattern: RegExp) => new Set(resources.map((r) => pattern.exec(r)?.[1]).filter((n): n is string => n !== undefined));
  // A name is granted when every templated resource is there for it ("/a" and "/a:*").
  const [first, ...others] = patterns.map(captured);
  const names = [...(first ?? [])].filter((name) => others.every((set) => set.has(name)));
  if (names.length === 0 || !names.every(isValidLogGroupName)) return null;
  return canonicalJson(renderPublishPolicy(template, vars, names)) === canonicalJson(policy) ? names.sort() : null;
}

export interface Grant {
  action: string;
  resource: string;
}

/** Every (action, resource) pair the Allow statements of a document flowfix renders grant. */
const grantsOf = (policy: PolicyDocument): Grant[] =>
  statementsOf(policy)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => asList(s.Action).flatMap((action) => asList(s.Resource).map((resource) => ({ action, resource }))));

/**
 * The first grant of `needed` that `policy` does not give. Deny statements win; an Allow with a
 * Condition or NotResource counts for nothing, since it may not apply when VPC Flow Logs delivers.
 */
export function firstMissingGrant(policy: PolicyDocument, needed: PolicyDocument): Grant | undefined {
  const certain = statementsOf(policy).filter((s) => s.Effect !== 'Allow' || (s.Condition === undefined && !('NotResource' in s)));
  return grantsOf(needed).find(({ action, resource }) => !isAllowed({ Statement: certain }, action, resource));
}

/** `policy` with `added`'s statements after its own, under Sids it does not use yet; nothing of `policy` changes. */
export function appendStatements(policy: PolicyDocument, added: PolicyDocument): PolicyDocument {
  const taken = new Set(statementsOf(policy).map((s) => s.Sid));
  const freshSid = (sid: string) => {
    let candidate = sid;
    for (let n = 2; taken.has(candidate); n++) candidate = `${sid}${n}`;
    taken.add(candidate);
    return candidate;
  };
  const appended = statementsOf(added).map((s) => (s.Sid === undefined ? s : { ...s, Sid: freshSid(s.Sid) }));
  return { ...policy, Statement: [...statementsOf(policy), ...appended] };
}

const MARKS = { Partition: 'PARTITION-MARK', AccountId: 'ACCOUNT-MARK', LogGroupName: 'GROUP-MARK' };

/** A rendered template resource as a pattern: any partition and account, the log group name captured. */
const resourcePattern = (resource: string) =>
  new RegExp(`^${escapeRegExp(resource).replace(MARKS.Partition, 'aws[a-z-]*').replace(MARKS.AccountId, '\\d{12}').replace(MARKS.LogGroupName, '(.+?)')}$`);

/**
 * The log groups one statement grants when it is one of the template's statements rendered for them
 * (any Sid); null for any other statement. Read from the statement alone, for words shown to users.
 */
export function templateStatementGroups(statement: PolicyStatement, template: PolicyDocument): string[] | null {
  const withoutResources = ({ Sid: _sid, Resource: _resource, ...rest }: PolicyStatement) => canonicalJson(rest);
  for (const expected of statementsOf(renderPolicy(template, MARKS))) {
    if (withoutResources(statement) !== withoutResources(expected)) continue;
    const patterns = asList(expected.Resource).map(resourcePattern);
    // Per resource: '' for a fixed one (no group in it), the group's name, or undefined when it is no template resource.
    const groups = asList(statement.Resource).map((resource) =>
      patterns
        .map((p) => p.exec(resource))
        .flatMap((m) => (m ? [m[1] ?? ''] : []))
        .find((name) => name === '' || isValidLogGroupName(name)),
    );
    if (groups.length > 0 && groups.every((g) => g !== undefined)) return [...new Set(groups.filter((g) => g !== ''))] as string[];
  }
  return null;
}
