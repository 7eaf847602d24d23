// `npm run schemas`: writes schemas/*.schema.json from the zod schemas in src/report/json-schemas.ts
// (built into dist/ first). test/report/json-schemas.test.ts fails while the committed files differ.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';

import { PUBLISHED_SCHEMAS, renderJsonSchema } from '../dist/report/json-schemas.js';

const dir = new URL('../schemas/', import.meta.url);
mkdirSync(dir, { recursive: true });
const published = new Set(PUBLISHED_SCHEMAS.map((p) => p.file));
for (const file of readdirSync(dir)) if (file.endsWith('.schema.json') && !published.has(file)) rmSync(new URL(file, dir));
for (const { file, schema } of PUBLISHED_SCHEMAS) {
  writeFileSync(new URL(file, dir), renderJsonSchema(schema));
  console.log(`schemas/${file}`);
}
