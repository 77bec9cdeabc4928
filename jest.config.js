/** Jest runs the TypeScript sources as ES modules (middy 7 ships ESM only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', '^virtual:template-files$': '<rootDir>/test/support/template-files.cjs' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.cjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.cjs',
  setupFiles: ['<rootDir>/test/support/env.cjs'],
  setupFilesAfterEnv: ['<rootDir>/test/support/matchers.ts'],
  testTimeout: 60000,
};
