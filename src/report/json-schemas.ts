// The JSON Schemas flowfix publishes under schemas/ (and in the npm package), generated from the zod
// schemas the code itself validates with. `npm run schemas` writes them; a test fails when the
// committed files differ from what this renders.
import * as z from 'zod';

import { planFileSchema } from '../plan/plan-file.js';
import { applyReportSchema } from './apply-report.js';
import { orgApplyReportSchema, orgPlanReportSchema } from './org-report.js';
import { planReportSchema } from './plan-report.js';
import { rollbackReportSchema } from './rollback-report.js';

export interface PublishedSchema {
  /** File name under schemas/. */
  file: string;
  schema: z.ZodType;
}

export const PUBLISHED_SCHEMAS: readonly PublishedSchema[] = [
  { file: 'plan-report.v1.schema.json', schema: planReportSchema },
  { file: 'plan.v1.schema.json', schema: planFileSchema },
  { file: 'apply-report.v1.schema.json', schema: applyReportSchema },
  { file: 'org-plan-report.v1.schema.json', schema: orgPlanReportSchema },
  { file: 'org-apply-report.v1.schema.json', schema: orgApplyReportSchema },
  { file: 'rollback-report.v1.schema.json', schema: rollbackReportSchema },
];

/** The file's text: JSON Schema draft 2020-12 as zod renders it, two-space indented, final newline. */
export function renderJsonSchema(schema: z.ZodType): string {
  return `${JSON.stringify(z.toJSONSchema(schema, { io: 'input' }), null, 2)}\n`;
}
