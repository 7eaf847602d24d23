// Builds src/ into a temporary directory, as `npm run build` lays it out (dist/, with package.json and
// policies/ beside it), for tests that need the real `node dist/cli/main.js` process: its stdout a pipe,
// its exit status, what `process` does. swc only strips types (`npm test` type-checks first), so this
// takes about a second where tsc takes half a minute.
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transformFile } from '@swc/core';

const ROOT = process.cwd();

export interface BuiltCli {
  /** Absolute path of dist/cli/main.js. */
  main: string;
  remove(): Promise<void>;
}

export async function buildCli(): Promise<BuiltCli> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-build-'));
  const sources = (await readdir(path.join(ROOT, 'src'), { recursive: true })).filter((f) => f.endsWith('.ts'));
  await Promise.all(
    sources.map(async (file) => {
      const { code } = await transformFile(path.join(ROOT, 'src', file), {
        jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
        sourceMaps: false,
      });
      const out = path.join(dir, 'dist', file.replace(/\.ts$/, '.js'));
      await mkdir(path.dirname(out), { recursive: true });
      await writeFile(out, code);
    }),
  );
  for (const name of ['package.json', 'policies', 'node_modules']) await symlink(path.join(ROOT, name), path.join(dir, name));
  return { main: path.join(dir, 'dist', 'cli', 'main.js'), remove: () => rm(dir, { recursive: true, force: true }) };
}
