import type { Config } from 'jest';

// ESM project: @swc/jest strips types (tsc --noEmit checks them first in `npm test`),
// and jest runs with --experimental-vm-modules.
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFilesAfterEnv: ['<rootDir>/test/setup/operator-policy.ts', '<rootDir>/test/setup/documents.ts'],
  // Only a hang guard: tests decide by gates, events and fake clocks, never by how long something took,
  // and with other work on the same cores a test can take ten times as long as on an idle machine.
  testTimeout: 120_000,
  // Every test passes, then something a test started (a fake server's socket or timer) keeps the in-band
  // run alive: end the process when the run is over instead of waiting on it (see the closing note).
  forceExit: true,
};

export default config;
