import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec', '<rootDir>/marble-tests'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  // Every test fails if an error reaches config.onUnhandledError that it did
  // not expect (test-support/unhandled.ts).
  setupFilesAfterEnv: ['<rootDir>/test-support/setup.ts'],
  restoreMocks: true,
};

export default config;
