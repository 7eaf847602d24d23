// Reads and validates single snapshot files, recording every problem (file, JSON path, regenerating
// command) instead of stopping at the first, so one SnapshotError can name them all.
import path from 'node:path';
import type { z } from 'zod';

import { issueLines, type ValidationIssue } from '../util/validation-problems.js';
import { readBoundedFile } from './bounded-read.js';
import { errorText, type SnapshotProblem } from './snapshot-error.js';

export class SnapshotFiles {
  readonly problems: SnapshotProblem[] = [];

  /** `realDir`: `dir` with its links resolved, the boundary no file may leave. */
  constructor(
    readonly dir: string,
    private readonly realDir: string,
  ) {}

  /** Undefined (and the problem recorded) when the file is missing or invalid. */
  async required<T>(relative: string, schema: z.ZodType<T>, command: string): Promise<T | undefined> {
    return this.read(relative, schema, command, '', false);
  }

  /** Undefined when the file does not exist (a normal state) or is invalid (recorded). */
  async optional<T>(relative: string, schema: z.ZodType<T>, command: string, fixSuffix = ''): Promise<T | undefined> {
    return this.read(relative, schema, command, fixSuffix, true);
  }

  report(relative: string, issues: string[], fix: string): void {
    this.problems.push({ file: path.join(this.dir, relative), issues, fix });
  }

  regenerate(relative: string, command: string): string {
    return `regenerate it with \`${command} > ${path.join(this.dir, relative)}\``;
  }

  private async read<T>(relative: string, schema: z.ZodType<T>, command: string, fixSuffix: string, mayBeAbsent: boolean) {
    const fix = this.regenerate(relative, command) + fixSuffix;
    const read = await readBoundedFile(this.realDir, path.join(this.dir, relative));
    if ('missing' in read) {
      if (!mayBeAbsent) this.report(relative, ['required file is missing'], fix);
      return undefined;
    }
    if ('problem' in read) {
      this.report(relative, [read.problem], fix);
      return undefined;
    }
    const text = decodeText(read.bytes);
    if (text.trim() === '') {
      this.report(relative, ['the file is empty (did the AWS CLI command fail?)'], fix);
      return undefined;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      this.report(relative, [`not valid JSON: ${describeJsonError(error, text)}`], fix);
      return undefined;
    }
    const result = schema.safeParse(json);
    if (result.success) return result.data;
    this.report(relative, issueLines(result.error.issues, { message: (issue) => describeIssue(issue, json) }), fix);
    return undefined;
  }
}

/** The AWS CLI on Windows PowerShell writes UTF-16 with a BOM; elsewhere UTF-8, maybe with a BOM. */
function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function describeJsonError(error: unknown, text: string): string {
  const message = errorText(error);
  if (/Unexpected end of JSON input/i.test(message)) return 'the file ends in the middle of the JSON (truncated?)';
  // Node reports a character offset; people look for lines.
  const position = /at position (\d+)/.exec(message);
  if (position?.[1] === undefined) return message;
  const offset = Number(position[1]);
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  const column = offset - lineStart + 1;
  return `${message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ at position \d+/, '')} at line ${line} column ${column}`;
}

/** Says what was found as well as what was expected: "expected string, got number 123456789012". */
function describeIssue(issue: ValidationIssue, json: unknown): string {
  const actual = valueAt(json, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = issue.expected === 'int' ? 'integer' : issue.expected;
      return actual.present ? `expected ${expected}, got ${describeValue(actual.value)}` : `expected ${expected}, but it is missing`;
    }
    case 'invalid_value': {
      const got = actual.present ? `, got ${JSON.stringify(actual.value)}` : ', but it is missing';
      return `expected one of ${issue.values.map(String).join(' | ')}${got}`;
    }
    case 'too_small':
      return `expected a value ≥ ${String(issue.minimum)}, got ${describeValue(actual.value)}`;
    case 'invalid_union': {
      const expected = issue.path.at(-1) === 'Statement' ? 'a statement object or an array of them' : 'a different shape';
      return `expected ${expected}, got ${describeValue(actual.value)}`;
    }
    case 'invalid_format':
      return `${issue.message}, got ${describeValue(actual.value)}`;
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

function valueAt(json: unknown, segments: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let current: unknown = json;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !(segment in current)) return { present: false, value: undefined };
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return { present: current !== undefined, value: current };
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}
