// What GitHub code scanning requires of an uploaded SARIF file, as a zod schema: the properties its
// "SARIF support for code scanning" reference marks required (explicit, non-empty values), its limits,
// and what its ingestion refuses in practice (an absolute artifact URI whose scheme is not the
// checkout's "file": "SARIF URI scheme ... did not match the checkout URI scheme").
// https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support
// Objects are not strict: SARIF allows more properties than GitHub reads.
import { z } from 'zod';

const text = z.string().min(1);
const level = z.enum(['none', 'note', 'warning', 'error']);

/** A URI reference with no scheme (relative to the repository root), as RFC 3986 spells one. */
const relativeUri = text
  .refine((uri) => !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri), 'must be relative: an absolute URI with a scheme other than file is refused')
  .refine((uri) => /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]+$/.test(uri) && !/%(?![0-9A-Fa-f]{2})/.test(uri), 'is not a valid uri-reference');

const rule = z.object({
  id: text,
  name: z.string().max(255).optional(),
  shortDescription: z.object({ text: text.max(1024) }),
  fullDescription: z.object({ text: text.max(1024) }),
  defaultConfiguration: z.object({ level: z.enum(['note', 'warning', 'error']) }).optional(),
  help: z.object({ text, markdown: text.optional() }),
  helpUri: z.url().optional(),
  properties: z
    .object({
      tags: z.array(text).max(20).optional(),
      precision: z.enum(['very-high', 'high', 'medium', 'low']).optional(),
      'security-severity': z
        .string()
        .refine((s) => /^\d+(\.\d+)?$/.test(s) && Number(s) > 0 && Number(s) <= 10, 'must be a score greater than 0.0 up to 10.0')
        .optional(),
    })
    .optional(),
});

const location = z.object({
  physicalLocation: z.object({
    artifactLocation: z.object({ uri: relativeUri }),
    region: z.object({
      startLine: z.number().int().min(1),
      startColumn: z.number().int().min(1),
      endLine: z.number().int().min(1),
      endColumn: z.number().int().min(1),
    }),
  }),
});

const result = z.object({
  ruleId: text,
  ruleIndex: z.number().int().min(0).optional(),
  level: level.optional(),
  message: z.object({ text }),
  locations: z.array(location).min(1).max(10),
  // Code scanning reads only primaryLocationLineHash from partialFingerprints.
  partialFingerprints: z.object({ primaryLocationLineHash: text }),
});

const run = z
  .object({
    tool: z.object({ driver: z.object({ name: text, semanticVersion: z.string().optional(), rules: z.array(rule).max(25_000) }) }),
    automationDetails: z.object({ id: text }).optional(),
    results: z.array(result).max(25_000),
  })
  .superRefine((r, ctx) => {
    const ids = r.tool.driver.rules.map((x) => x.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'rule ids must be unique', path: ['tool', 'driver', 'rules'] });
    r.results.forEach((res, i) => {
      if (!ids.includes(res.ruleId)) ctx.addIssue({ code: 'custom', message: `ruleId ${res.ruleId} is not a rule of the run`, path: ['results', i, 'ruleId'] });
      if (res.ruleIndex !== undefined && ids[res.ruleIndex] !== res.ruleId)
        ctx.addIssue({ code: 'custom', message: 'ruleIndex does not point at ruleId', path: ['results', i, 'ruleIndex'] });
    });
  });

export const githubSarifSchema = z.object({
  $schema: z.url(),
  version: z.literal('2.1.0'),
  runs: z.array(run).min(1).max(20),
});
