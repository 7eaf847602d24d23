// Where things are, seen from the compiled bench (dist-bench/bench/*.js): the repository root is two
// levels up. src/policy/templates.ts finds policies/ two levels above its own file, which inside
// dist-bench/ is dist-bench/policies/: linkPoliciesIntoBenchBuild puts a link to policies/ there.

import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { PolicyDocument } from '../src/facts/policy-document.js';
import type { PolicyTemplates } from '../src/policy/templates.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What `bin` runs: the esbuild bundle of the tsc build (scripts/bundle.mjs), relative to the root. */
export const BUNDLE_ENTRY = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { bin: { flowfix: string } }).bin.flowfix;

export function repoPath(relative: string): string {
  return fileURLToPath(new URL(relative, new URL('../../', import.meta.url)));
}

/** dist-bench/policies → ../policies, for the modules that read policies/ relative to themselves (templates.ts). */
export function linkPoliciesIntoBenchBuild(): void {
  const link = new URL('../policies', import.meta.url);
  if (!existsSync(link)) symlinkSync('../policies', link, 'dir');
}

function readPolicy(fileName: string): PolicyDocument {
  return JSON.parse(readFileSync(repoPath(`policies/${fileName}`), 'utf8')) as PolicyDocument;
}

/** The operator's apply policy (what the fake's SimulatePrincipalPolicy evaluates in the bench). */
export const loadOperatorApplyPolicy = (): PolicyDocument => readPolicy('operator-apply.json');

export function loadBenchPolicyTemplates(): PolicyTemplates {
  return { trust: readPolicy('delivery-role-trust.json'), publish: readPolicy('delivery-role-publish.json') };
}
