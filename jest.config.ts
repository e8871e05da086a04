import type { Config } from 'jest';

// RXJS_UNDER_TEST=<dir> runs the suite against the rxjs installed in
// <dir>/node_modules instead of the pinned one (scripts/rxjs-matrix.mjs).
const rxjsUnderTest = process.env['RXJS_UNDER_TEST'];

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec', '<rootDir>/marble-tests'],
  testMatch: ['**/*.spec.ts'],
  // The retained-heap leak checks take longer than the rest of the suite
  // together: `npm run test:leaks` runs them (and .ci/run calls it).
  testPathIgnorePatterns: ['/node_modules/', '/spec/retained-heap\\.spec\\.ts$'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  // Every test fails if an error reaches config.onUnhandledError that it did
  // not expect (test-support/unhandled.ts).
  setupFilesAfterEnv: ['<rootDir>/test-support/setup.ts'],
  restoreMocks: true,
  moduleNameMapper: {
    // The examples (and their test) import the package by name, as an app
    // does: its sources, as tsconfig.json's paths say, never a built dist/.
    '^rxjs-cancel$': '<rootDir>/lib/index.ts',
    '^rxjs-cancel/testing$': '<rootDir>/lib/testing/index.ts',
    ...(rxjsUnderTest === undefined
      ? {}
      : {
          '^rxjs$': `${rxjsUnderTest}/node_modules/rxjs`,
          // rxjs-cancel/testing sets run mode's providers, which only rxjs/internal exports.
          '^rxjs/internal/(.*)$': `${rxjsUnderTest}/node_modules/rxjs/dist/cjs/internal/$1`,
          '^rxjs/(.*)$': `${rxjsUnderTest}/node_modules/rxjs/$1`,
        }),
  },
};

export default config;
