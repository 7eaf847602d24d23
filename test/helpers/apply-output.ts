// Reading `flowfix apply`'s text output in tests: a failure is said once per cause, as a block.

/**
 * The block apply prints for one failure cause, "Failed: KIND in REGION (call NN), … / CODE: message /
 * Fix: hint", joined into one line (wrapped lines too); undefined when there is none.
 */
export function failureBlock(stdout: string, region: string, kind: string): string | undefined {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^Failed(?: \\(\\d+\\))?: ${kind} in ${region} `).test(l));
  if (start < 0) return undefined;
  const block = [lines[start]!];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith(' ')) break;
    block.push(line.trim());
  }
  return block.join(' ');
}
