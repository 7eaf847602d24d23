// Whether the bundle tests run: .ci/run builds and sets FLOWFIX_TEST_BUNDLE=1, which makes a missing or
// stale bundle a failure; a plain `npm test` runs them only while dist/bundle is newer than every source.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const REPO = process.cwd();
export const BIN = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { bin: { flowfix: string } }).bin.flowfix;

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMs(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export function bundleProblem(): string | undefined {
  const bin = path.join(REPO, BIN);
  if (!existsSync(bin)) return `${BIN} is missing: run \`npm run build\``;
  const sources = Math.max(
    newestSourceMs(path.join(REPO, 'src')),
    newestSourceMs(path.join(REPO, 'scripts')),
    statSync(path.join(REPO, 'package.json')).mtimeMs,
  );
  if (statSync(bin).mtimeMs < sources) return `${BIN} is older than the sources: run \`npm run build\``;
  return undefined;
}

const required = process.env['FLOWFIX_TEST_BUNDLE'] === '1';
const problem = bundleProblem();
export const describeBundle = problem === undefined || required ? describe : describe.skip;
