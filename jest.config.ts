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
  // No forceExit: the run ends when the last thing a test started has ended. If something still holds
  // the process, this names it on stderr after a grace (a command's reads left in flight did, until
  // withWorkflow abandoned them when the workflow ends).
  globalTeardown: '<rootDir>/test/setup/report-open-handles.ts',
};

export default config;
