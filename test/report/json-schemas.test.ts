import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

import { planFileSchema } from '../../src/plan/plan-file.js';
import { applyReportSchema } from '../../src/report/apply-report.js';
import { PUBLISHED_SCHEMAS, renderJsonSchema } from '../../src/report/json-schemas.js';
import { planReportSchema } from '../../src/report/plan-report.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { documentProblems, validDocument } from '../helpers/documents.js';
import { FakeAws } from '../helpers/fake-aws.js';

const SCHEMAS_DIR = path.join(process.cwd(), 'schemas');
const ESTATE = 'examples/estate';

describe('published JSON Schemas (schemas/)', () => {
  test.each(PUBLISHED_SCHEMAS.map((p) => [p.file, p.schema] as const))(
    'GIVEN the zod schema of %s THEN the committed file is exactly what z.toJSONSchema renders (run `npm run schemas` when this fails)',
    (file, schema) => {
      expect(readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')).toBe(renderJsonSchema(schema));
    },
  );

  test('GIVEN the schemas directory THEN it holds the published schemas and nothing stale', () => {
    expect(readdirSync(SCHEMAS_DIR).sort()).toEqual(PUBLISHED_SCHEMAS.map((p) => p.file).sort());
  });

  test('GIVEN the npm package THEN it ships the schemas', () => {
    const pkg = JSON.parse(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as { files: string[]; scripts: Record<string, string> };
    expect(pkg.files).toContain('schemas');
    expect(pkg.scripts['schemas']).toMatch(/write-schemas/);
  });

  test('GIVEN each published schema THEN it is draft 2020-12, titled, and closed to unknown fields at the top', () => {
    for (const { file } of PUBLISHED_SCHEMAS) {
      const schema = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')) as Record<string, unknown>;
      expect([file, schema['$schema']]).toEqual([file, 'https://json-schema.org/draft/2020-12/schema']);
      expect(schema['title']).toEqual(expect.stringContaining('flowfix'));
      expect(schema['additionalProperties']).toBe(false);
    }
  });
});

describe('documents flowfix writes validate against their schemas', () => {
  test('GIVEN the example estate WHEN plan --format json --out FILE THEN the report and the saved plan both validate', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'flowfix-')), 'plan.json');
    const { stdout } = await runFlowfix(['plan', '--snapshot', ESTATE, '--format', 'json', '--out', out]);

    const report = validDocument(planReportSchema, JSON.parse(stdout));
    expect(report.findings.length).toBeGreaterThan(5);
    const saved = validDocument(planFileSchema, JSON.parse(await readFile(out, 'utf8')));
    expect(saved.actions.length).toBeGreaterThan(0);
  });

  test('GIVEN --scope subnet and a compliant estate THEN their reports validate too', async () => {
    for (const argv of [
      ['--snapshot', ESTATE, '--scope', 'subnet'],
      ['--snapshot', 'examples/compliant'],
    ]) {
      const { stdout } = await runFlowfix(['plan', ...argv, '--format', 'json']);
      expect(documentProblems(stdout)).toEqual([]);
      validDocument(planReportSchema, JSON.parse(stdout));
    }
  });

  test('GIVEN a report with a field the schema does not know THEN validation names it', async () => {
    const { stdout } = await runFlowfix(['plan', '--snapshot', ESTATE, '--format', 'json']);
    const report = JSON.parse(stdout) as { findings: Record<string, unknown>[] };
    report.findings[0]!['suppressed'] = true;
    expect(documentProblems(JSON.stringify(report))).toEqual([expect.stringMatching(/findings\.0: Unrecognized key: "suppressed"/)]);
  });

  test('GIVEN an apply report missing its exit code THEN validation names it', () => {
    const problems = applyReportSchema.safeParse({ schema: 'flowfix.apply-report/v1' });
    expect(problems.success).toBe(false);
    expect(z.treeifyError(problems.error!).properties).toHaveProperty('exitCode');
  });
});

describe('apply reports validate against flowfix.apply-report/v1', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  test.each([['--dry-run'], ['--yes']])('GIVEN a bare VPC WHEN apply %s --format json THEN the document validates, its plan as a plan file', async (flag) => {
    fake.addSubnet('us-east-1', fake.addVpc('us-east-1', { name: 'bare' }));
    const { stdout } = await runFlowfix(['apply', flag, '--regions', 'us-east-1', '--format', 'json'], { env: { CI: 'true', AWS_REGION: 'us-east-1' } });
    const report = validDocument(applyReportSchema, JSON.parse(stdout));
    expect(report.outcomes.length).toBeGreaterThan(0);
    validDocument(planFileSchema, report.plan);
  });
});
