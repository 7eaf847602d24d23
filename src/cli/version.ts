import { readFileSync } from 'node:fs';

/** The version users see (--version, SARIF's tool version) is package.json's: one place. package.json sits two levels above src/cli and dist/cli. */
export const flowfixVersion = (): string => (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
