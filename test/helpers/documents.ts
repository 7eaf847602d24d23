// Every JSON document flowfix prints in a test is checked against its schema (test/setup/documents.ts):
// plan reports and apply reports against the zod schemas the published JSON Schemas are generated
// from, SARIF against what GitHub code scanning requires of an upload.
import type { z } from 'zod';

import { planFileSchema } from '../../src/plan/plan-file.js';
import { APPLY_REPORT_SCHEMA, applyReportSchema } from '../../src/report/apply-report.js';
import { ORG_APPLY_REPORT_SCHEMA, ORG_REPORT_SCHEMA, orgApplyReportSchema, orgPlanReportSchema } from '../../src/report/org-report.js';
import { planReportSchema, REPORT_SCHEMA } from '../../src/report/plan-report.js';
import { ROLLBACK_REPORT_SCHEMA, rollbackReportSchema } from '../../src/report/rollback-report.js';
import { githubSarifSchema } from './github-sarif.js';

/** Output of every io captureIo made since the last take, for the after-each check. */
const captured: { stdout: string[] }[] = [];
export const registerCapturedOutput = (out: { stdout: string[] }): void => void captured.push(out);
export const takeCapturedOutputs = (): string[] => captured.splice(0).map((c) => c.stdout.join(''));

/** The schema a document claims to follow, by its own markers; undefined when it is no flowfix document. */
export function schemaOf(document: unknown): { name: string; schema: z.ZodType } | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const d = document as Record<string, unknown>;
  if (d['schema'] === REPORT_SCHEMA) return { name: REPORT_SCHEMA, schema: planReportSchema };
  if (d['schema'] === APPLY_REPORT_SCHEMA) return { name: APPLY_REPORT_SCHEMA, schema: applyReportSchema };
  if (d['schema'] === ORG_REPORT_SCHEMA) return { name: ORG_REPORT_SCHEMA, schema: orgPlanReportSchema };
  if (d['schema'] === ORG_APPLY_REPORT_SCHEMA) return { name: ORG_APPLY_REPORT_SCHEMA, schema: orgApplyReportSchema };
  if (d['schema'] === ROLLBACK_REPORT_SCHEMA) return { name: ROLLBACK_REPORT_SCHEMA, schema: rollbackReportSchema };
  if (d['schemaVersion'] !== undefined && 'actions' in d) return { name: 'plan file', schema: planFileSchema };
  if (d['version'] === '2.1.0' && 'runs' in d) return { name: 'SARIF (GitHub code scanning)', schema: githubSarifSchema };
  return undefined;
}

/** Problems of one printed document (empty when valid, or when the text is not a JSON document at all). */
export function documentProblems(text: string): string[] {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return [];
  let document: unknown;
  try {
    document = JSON.parse(trimmed);
  } catch {
    return [];
  }
  const known = schemaOf(document);
  if (!known) return [];
  const result = known.schema.safeParse(document);
  return result.success ? [] : result.error.issues.map((i) => `${known.name}: ${i.path.join('.') || '(root)'}: ${i.message}`);
}

/** Validates a document and returns it as it was (not as parsed: loose schemas drop what they do not name), failing the test with every problem listed. */
export function validDocument<T>(schema: z.ZodType<T>, document: unknown): T {
  const result = schema.safeParse(document);
  if (!result.success) throw new Error(`invalid document:\n${result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  return document as T;
}
