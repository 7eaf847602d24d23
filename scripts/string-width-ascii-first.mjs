// The bundle's `string-width` (scripts/bundle.mjs sends every import of it here): the same answer, but
// the real module is loaded on the first string that is not printable ASCII. Loading it builds an
// Intl.Segmenter and Unicode property regular expressions (\p{RGI_Emoji} and others), about 25 ms of
// CPU that `flowfix --help` paid for text that is all ASCII. yargs, cliui and wrap-ansi (help layout)
// import it; string-width itself answers printable ASCII with its length, as here.
let fullStringWidth;

export default function stringWidth(input, options) {
  if (typeof input === 'string' && /^[\u0020-\u007E]*$/.test(input)) return input.length;
  // require(), not import: esbuild turns it into a lazily initialised copy of the module, synchronously.
  fullStringWidth ??= require('string-width').default;
  return fullStringWidth(input, options);
}
