// The delivery role's documents live in policies/ as templates, so what flowfix writes is reviewable
// on its own. `${Name}` placeholders (no colon, unlike IAM's own `${aws:...}` variables) are filled here.
import { readFileSync } from 'node:fs';

import type { PolicyDocument } from '../facts/policy-document.js';

export interface PolicyTemplates {
  trust: PolicyDocument;
  publish: PolicyDocument;
}

export interface PolicyVariables {
  Partition: string;
  AccountId: string;
  LogGroupName?: string;
}

/** policies/ sits two levels above both src/policy/ and dist/policy/. */
const POLICIES_DIR = new URL('../../policies/', import.meta.url);

export function readPolicyFile(fileName: string): PolicyDocument {
  return JSON.parse(readFileSync(new URL(fileName, POLICIES_DIR), 'utf8')) as PolicyDocument;
}

let cached: PolicyTemplates | undefined;

export function loadPolicyTemplates(): PolicyTemplates {
  cached ??= {
    trust: readPolicyFile('delivery-role-trust.json'),
    publish: readPolicyFile('delivery-role-publish.json'),
  };
  return cached;
}

export function renderPolicy(template: PolicyDocument, vars: PolicyVariables): PolicyDocument {
  const text = JSON.stringify(template).replace(/\$\{(\w+)\}/g, (placeholder, name: string) => {
    const value = (vars as unknown as Record<string, string | undefined>)[name];
    if (value === undefined) throw new Error(`policy template needs ${placeholder}`);
    return value;
  });
  return JSON.parse(text) as PolicyDocument;
}
