/**
 * IAM returns policy documents URL-encoded (RFC 3986) in GetRole and GetRolePolicy. An encoded
 * document never starts with '{' (that is %7B), so a document that does is already plain JSON, as
 * some emulators return it; decoding it again would corrupt any literal '%' in it. Throws on bad JSON.
 */
export function decodePolicyText(text: string): unknown {
  return JSON.parse(text.trimStart().startsWith('{') ? text : decodeURIComponent(text));
}
