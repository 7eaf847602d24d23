// Bundles the built CLI (tsc's dist/, so the bundle runs exactly the JavaScript the tests type-check)
// into dist/bundle/: what `bin` points at and what `npm pack` ships. One ESM entry, flowfix.js, with
// code splitting, so every `await import()` in flowfix stays a lazy chunk: `--help` loads neither a
// command nor the SDK, and the SDK is loaded only on the first AWS call. The SDK's own ESM builds
// (mainFields module first) let esbuild keep only the commands flowfix imports (src/aws/sdk.ts).
//
// Every chunk sits in dist/bundle/, two folders below the package root like src/<folder>/*.ts and
// dist/<folder>/*.js, so `new URL('../../policies/', import.meta.url)` (src/policy/templates.ts) and
// `../../package.json` (src/cli/run.ts) find the same files from the sources, the tsc build and the bundle.
import { rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const OUT_DIR = 'dist/bundle';
rmSync(OUT_DIR, { recursive: true, force: true });

/**
 * The SDK's generated schema modules (one per client, EC2's is 1.3 MB) write member traits with computed
 * keys of module constants, `{ [_xN]: _Fil }` where `const _xN = "xmlName"`. esbuild cannot prove such a
 * key free of side effects, so it kept every schema of the client whether a command uses it or not
 * (EC2: 549 kB of 557 kB). The same object with the constant's string as a literal key is the same
 * value and lets tree shaking drop the schemas of commands flowfix never sends.
 */
const literalSchemaKeys = {
  name: 'literal-schema-keys',
  setup(b) {
    b.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const constants = new Map();
      for (const [, name, value] of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) constants.set(name, value);
      const contents = source.replace(/\[(_\w+)\]:/g, (key, name) => (constants.has(name) ? `${constants.get(name)}:` : key));
      return { contents, loader: 'js' };
    });
  },
};

const ASCII_FIRST_STRING_WIDTH = fileURLToPath(new URL('./string-width-ascii-first.mjs', import.meta.url));

/** Every `string-width` (yargs asks for 8.x, cliui and wrap-ansi for 7.x) → the ASCII-first one. */
const asciiFirstStringWidth = {
  name: 'ascii-first-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, (args) => (args.importer === ASCII_FIRST_STRING_WIDTH ? undefined : { path: ASCII_FIRST_STRING_WIDTH }));
  },
};

const result = await build({
  // The CLI, and the guard's AWS Lambda handler (npm run package:lambda zips it with the policies).
  entryPoints: { flowfix: 'dist/cli/main.js', lambda: 'dist/lambda/handler.js' },
  outdir: OUT_DIR,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  mainFields: ['module', 'main'],
  minify: true,
  // Maps beside each chunk, back through tsc's maps to src/*.ts, so `--debug` stack traces name the
  // sources (main.ts turns them on). Without the sources' text: a map only needs names and lines.
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [literalSchemaKeys, asciiFirstStringWidth],
  // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
  banner: { js: "import { createRequire as __flowfixCreateRequire } from 'node:module'; const require = __flowfixCreateRequire(import.meta.url);" },
});

// Beside the bundle, not in it: what went into each chunk, for `npx esbuild --analyze`-style questions.
writeFileSync('dist/bundle-meta.json', JSON.stringify(result.metafile));
