// Reads the real import statements (static, dynamic, re-exports, `import type`, `typeof import()`) and
// the uses of the global `process` out of TypeScript sources with the compiler's own parser, and checks
// the layering rules against them. Comments and strings never count: only code does.

import path from 'node:path';
import ts from 'typescript';

/** A source file: its path relative to the repository (`src/plan/build-plan.ts`) and its text. */
export interface SourceFile {
  file: string;
  text: string;
}

export interface Import {
  /** As written: `../aws/clients.js`, `@aws-sdk/client-ec2`. */
  specifier: string;
  /** The source file it names (relative imports only), `src/aws/clients.ts`. */
  target?: string;
  line: number;
}

export interface Scanned {
  file: string;
  imports: Import[];
  /** Lines where the global `process` is used. */
  processLines: number[];
}

export function scan({ file, text }: SourceFile): Scanned {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imports: Import[] = [];
  const processLines: number[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const addImport = (literal: ts.Node) => {
    if (!ts.isStringLiteralLike(literal)) return;
    const specifier = literal.text;
    imports.push({ specifier, line: lineOf(literal), ...(specifier.startsWith('.') ? { target: resolve(file, specifier) } : {}) });
  };

  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) addImport(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) addImport(node.moduleReference.expression);
    else if (
      ts.isCallExpression(node) &&
      node.arguments[0] &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      addImport(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) addImport(node.argument.literal);
    else if (ts.isIdentifier(node) && node.text === 'process' && isGlobalProcess(node)) processLines.push(lineOf(node));
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const i of imports) if (i.specifier === 'process' || i.specifier === 'node:process') processLines.push(i.line);
  return { file, imports, processLines };
}

/** `process` as the global: not a property name (`x.process`, `{ process: … }`), but `globalThis.process` is. */
function isGlobalProcess(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return ts.isIdentifier(parent.expression) && parent.expression.text === 'globalThis';
  if (
    (ts.isPropertyAssignment(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent)) &&
    parent.name === node
  )
    return false;
  if (ts.isQualifiedName(parent) && parent.right === node) return false;
  return true;
}

/** `./x.js` from src/a/b.ts → src/a/x.ts (the ESM `.js` names the compiled `.ts`). */
function resolve(from: string, specifier: string): string {
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return joined.replace(/\.js$/, '.ts');
}

/** The folder of src/ a file belongs to (`src/plan/x.ts` → `plan`); a file directly in src/ is its own. */
export function folderOf(file: string): string {
  const rest = file.replace(/^src\//, '');
  return rest.includes('/') ? rest.slice(0, rest.indexOf('/')) : rest;
}

/** Where a process starts: the CLI's bin and the guard's Lambda handler (the function's environment). */
export const ENTRY_POINTS = ['src/cli/main.ts', 'src/lambda/handler.ts'];

/** Every rule broken, one line each (`file:line: what`); empty when the sources keep them all. */
export function architectureProblems(files: readonly Scanned[]): string[] {
  const problems: string[] = [];
  for (const { file, imports, processLines } of files) {
    if (!(file.startsWith('src/io/') || ENTRY_POINTS.includes(file))) {
      for (const line of processLines) problems.push(`${file}:${line}: uses process (only src/io/ and the entry points ${ENTRY_POINTS.join(', ')} may)`);
    }
    for (const i of imports) {
      if (/^@(aws-sdk|smithy)\//.test(i.specifier) && !file.startsWith('src/aws/'))
        problems.push(`${file}:${i.line}: imports ${i.specifier} (only src/aws/ may)`);
      if (file.startsWith('src/cli/commands/') && i.target?.startsWith('src/cli/commands/'))
        problems.push(`${file}:${i.line}: a command imports another command (${i.target})`);
    }
  }
  for (const cycle of folderCycles(files)) problems.push(`folder cycle: ${cycle}`);
  return problems;
}

/**
 * The import cycles between folders of src/, one per strongly connected group of folders, shown as a
 * path through it with the file import that makes each step (`plan → audit (src/plan/x.ts:3) → plan …`).
 */
export function folderCycles(files: readonly Scanned[]): string[] {
  const edges = new Map<string, Map<string, string>>();
  for (const { file, imports } of files) {
    if (!file.startsWith('src/')) continue;
    for (const i of imports) {
      if (!i.target?.startsWith('src/')) continue;
      const [from, to] = [folderOf(file), folderOf(i.target)];
      if (from === to) continue;
      const out = edges.get(from) ?? new Map<string, string>();
      if (!out.has(to)) out.set(to, `${file}:${i.line}`);
      edges.set(from, out);
    }
  }
  const cycles: string[] = [];
  const reported = new Set<string>();
  for (const start of [...edges.keys()].sort()) {
    if (reported.has(start)) continue;
    const way = pathBack(edges, start);
    if (!way) continue;
    way.forEach((step) => reported.add(step.folder));
    cycles.push([start, ...way.map((step) => `${step.folder} (${step.via})`)].join(' → '));
  }
  return cycles;
}

/** A shortest way from `start` through the import edges back to `start`, if there is one (breadth first). */
function pathBack(edges: Map<string, Map<string, string>>, start: string): { folder: string; via: string }[] | undefined {
  const cameFrom = new Map<string, { from: string; via: string }>();
  const queue = [start];
  while (queue.length > 0) {
    const folder = queue.shift()!;
    for (const [next, via] of edges.get(folder) ?? []) {
      if (next === start) {
        const steps = [{ folder: next, via }];
        for (let at = folder; at !== start; at = cameFrom.get(at)!.from) steps.unshift({ folder: at, via: cameFrom.get(at)!.via });
        return steps;
      }
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, { from: folder, via });
      queue.push(next);
    }
  }
  return undefined;
}
