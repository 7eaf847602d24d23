// The layering, kept by a test over the real import statements of src/ (see source-rules.ts):
// the terminal and the environment stay in src/io/ and the entry points, the SDK in src/aws/, commands stay independent of each other,
// and no two folders of src/ import each other, directly or round a loop.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';

import { architectureProblems, scan, type SourceFile } from './source-rules.js';

async function sourcesUnder(dir: string): Promise<SourceFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.posix.join(path.relative('.', e.parentPath).split(path.sep).join('/'), e.name));
  return Promise.all(files.sort().map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
}

describe('architecture of src/', () => {
  test('GIVEN every source file THEN process only in src/io/ and the entry points, @aws-sdk and @smithy only in src/aws/, no command imports another, no folder cycle', async () => {
    const sources = await sourcesUnder('src');
    expect(sources.length).toBeGreaterThan(50);
    const scanned = sources.map(scan);
    // The scan sees what is there: main uses process, the AWS adapters import the SDK.
    expect(scanned.find((s) => s.file === 'src/cli/main.ts')!.processLines.length).toBeGreaterThan(0);
    expect(scanned.filter((s) => s.imports.some((i) => i.specifier.startsWith('@aws-sdk/'))).map((s) => s.file)).toContain('src/aws/sdk.ts');

    expect(architectureProblems(scanned)).toEqual([]);
  });
});

describe('the rules themselves (a check that would pass on anything checks nothing)', () => {
  const problemsOf = (files: Record<string, string>) => architectureProblems(Object.entries(files).map(([file, text]) => scan({ file, text })));

  test.each([
    [
      'process in the plan',
      { 'src/plan/a.ts': 'export const cwd = () => process.cwd();' },
      ['src/plan/a.ts:1: uses process (only src/io/ and the entry points src/cli/main.ts, src/lambda/handler.ts may)'],
    ],
    [
      'globalThis.process',
      { 'src/audit/a.ts': 'const env = globalThis.process.env;' },
      ['src/audit/a.ts:1: uses process (only src/io/ and the entry points src/cli/main.ts, src/lambda/handler.ts may)'],
    ],
    [
      'node:process imported',
      { 'src/render/a.ts': "import { env } from 'node:process';" },
      ['src/render/a.ts:1: uses process (only src/io/ and the entry points src/cli/main.ts, src/lambda/handler.ts may)'],
    ],
    [
      'the SDK outside src/aws/',
      { 'src/inventory/a.ts': "import { EC2Client } from '@aws-sdk/client-ec2';" },
      ['src/inventory/a.ts:1: imports @aws-sdk/client-ec2 (only src/aws/ may)'],
    ],
    [
      '@smithy loaded lazily outside src/aws/',
      { 'src/apply/a.ts': "const m = await import('@smithy/core');" },
      ['src/apply/a.ts:1: imports @smithy/core (only src/aws/ may)'],
    ],
    [
      'a type-only SDK import',
      { 'src/plan/a.ts': "type T = typeof import('@aws-sdk/client-iam');" },
      ['src/plan/a.ts:1: imports @aws-sdk/client-iam (only src/aws/ may)'],
    ],
    [
      'a command importing another',
      { 'src/cli/commands/apply.ts': "export { planCommand } from './plan.js';", 'src/cli/commands/plan.ts': '' },
      ['src/cli/commands/apply.ts:1: a command imports another command (src/cli/commands/plan.ts)'],
    ],
    [
      'two folders importing each other',
      { 'src/plan/a.ts': "import type { B } from '../audit/b.js';", 'src/audit/b.ts': "\nimport { a } from '../plan/a.js';" },
      ['folder cycle: audit → plan (src/audit/b.ts:2) → audit (src/plan/a.ts:1)'],
    ],
    [
      'a loop through three folders',
      { 'src/plan/a.ts': "import '../render/r.js';", 'src/render/r.ts': "import '../report/p.js';", 'src/report/p.ts': "import '../plan/a.js';" },
      ['folder cycle: plan → render (src/plan/a.ts:1) → report (src/render/r.ts:1) → plan (src/report/p.ts:1)'],
    ],
  ])('GIVEN %s THEN it is reported', (_label, files, expected) => {
    expect(problemsOf(files)).toEqual(expected);
  });

  test('GIVEN the same words only in comments, strings, property names and the allowed places THEN nothing is reported', () => {
    expect(
      problemsOf({
        'src/plan/a.ts':
          "// process.env and import '@aws-sdk/client-ec2' in a comment\nconst s = 'process.exit(1)';\nconst o = { process: 1 };\nexport const p = o.process;",
        'src/io/io.ts': 'export const out = process.stdout;',
        'src/cli/main.ts': 'process.exitCode = 0;',
        'src/aws/sdk.ts': "export * from '@aws-sdk/client-ec2';",
        'src/cli/commands/plan.ts': "import { run } from '../run.js';",
        'src/plan/b.ts': "import { x } from '../audit/x.js';",
      }),
    ).toEqual([]);
  });
});

describe('action kinds own their behaviour', () => {
  test('GIVEN the executor and the saved-plan matcher THEN they name a kind only where the remaining kind-specific code is (a new kind touches its module and the table)', async () => {
    const { ACTION_KINDS } = await import('../../src/actions/action-kinds.js');
    const kinds = new Set(Object.keys(ACTION_KINDS));
    const named: string[] = [];
    for (const file of ['src/apply/apply-plan.ts', 'src/apply/match-saved-plan.ts']) {
      const source = ts.createSourceFile(file, await readFile(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isStringLiteral(node) && kinds.has(node.text)) named.push(`${file}: ${node.text}`);
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    // What is left: CreateFlowLogs' and DeleteFlowLogs' own executors (per-id results, IAM-propagation
    // retries, the dry-run probe), the role created or given its policy in this run (IAM propagation is
    // waited for only then), a group found existing before its retention, and CreateFlowLogs'
    // per-resource matching of saved plans.
    expect(named.sort()).toEqual(
      [
        'src/apply/apply-plan.ts: create-flow-logs',
        'src/apply/apply-plan.ts: create-flow-logs',
        'src/apply/apply-plan.ts: create-log-group',
        'src/apply/apply-plan.ts: delete-flow-logs',
        'src/apply/apply-plan.ts: put-retention-policy',
        'src/apply/match-saved-plan.ts: create-flow-logs',
        'src/apply/match-saved-plan.ts: create-flow-logs',
        'src/apply/match-saved-plan.ts: create-flow-logs',
      ].sort(),
    );
  });
});
