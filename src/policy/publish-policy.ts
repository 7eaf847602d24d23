// The delivery role's publish policy covers every log group flowfix delivers to: switching to a new
// --log-group adds it, so flow logs already delivering to the old one keep their access.
import type { PolicyDocument, PolicyStatement } from '../facts/policy-document.js';
import { canonicalJson } from '../util/canonical-json.js';
import { isValidLogGroupName } from '../config/resolve-settings.js';
import { escapeRegExp } from '../util/collections.js';
import { asList, statementsOf } from './evaluate.js';
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
