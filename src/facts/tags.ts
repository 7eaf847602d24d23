// AWS returns tags as [{Key, Value}]; flowfix's facts keep them as a record.

export function tagsToRecord(tags: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (tag.Key !== undefined) record[tag.Key] = tag.Value ?? '';
  }
  return record;
}

// The tag rules IAM (roles), CloudWatch Logs (log groups) and EC2 (flow logs) all accept, as AWS's tag
// documentation states them: keys 1-128 and values 0-256 Unicode characters; letters, numbers, spaces
// and _ . : / = + - @; no `aws:` prefix in any case (reserved for AWS); at most 50 tags per resource.
export const MAX_TAGS_PER_RESOURCE = 50;
export const MAX_TAG_KEY_CHARACTERS = 128;
export const MAX_TAG_VALUE_CHARACTERS = 256;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const AWS_PREFIX = /^aws:/i;

/** Unicode characters, as AWS counts them (not UTF-16 code units). */
const characters = (text: string) => [...text].length;

/** Why `key` cannot be a tag key flowfix sets, or undefined when it can. */
export function tagKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'a tag key cannot be empty';
  if (characters(key) > MAX_TAG_KEY_CHARACTERS) return `tag key "${clip(key)}" is longer than ${MAX_TAG_KEY_CHARACTERS} characters`;
  if (!TAG_CHARACTERS.test(key)) return `tag key "${clip(key)}" may hold only letters, numbers, spaces and _ . : / = + - @`;
  if (AWS_PREFIX.test(key)) return `tag key "${clip(key)}" starts with "aws:", which AWS reserves`;
  return undefined;
}

/** Why `value` cannot be the value of tag `key`, or undefined when it can. */
export function tagValueProblem(key: string, value: string): string | undefined {
  if (characters(value) > MAX_TAG_VALUE_CHARACTERS) return `tag ${clip(key)}: value is longer than ${MAX_TAG_VALUE_CHARACTERS} characters`;
  if (!TAG_CHARACTERS.test(value)) return `tag ${clip(key)}: value "${clip(value)}" may hold only letters, numbers, spaces and _ . : / = + - @`;
  if (AWS_PREFIX.test(value)) return `tag ${clip(key)}: value "${clip(value)}" starts with "aws:", which AWS reserves`;
  return undefined;
}

const clip = (text: string) => (text.length > 40 ? `${text.slice(0, 37)}…` : text);

/** `KEY`, `KEY=` or `KEY=VALUE` (the first = splits): how tags are written on the command line. */
export function parseTagAssignment(text: string): { key: string; value?: string } {
  const at = text.indexOf('=');
  return at < 0 ? { key: text } : { key: text.slice(0, at), value: text.slice(at + 1) };
}
