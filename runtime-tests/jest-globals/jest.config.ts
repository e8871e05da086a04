import type { Config } from 'jest';
import { join } from 'node:path';

// A project of its own for spec/jest-globals.spec.ts: two test files that
// leave this package's work running past their end, run by Jest 30 with the
// `globalsCleanup` setting given in GLOBALS_CLEANUP ('off', 'soft' or 'on').
const root = join(__dirname, '../..');

const config: Config = {
  rootDir: root,
  roots: ['<rootDir>/runtime-tests/jest-globals'],
  testMatch: ['**/*.test.ts'],
  testEnvironment: 'node',
  testEnvironmentOptions: { globalsCleanup: process.env['GLOBALS_CLEANUP'] },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: join(root, 'tsconfig.jest.json') }] },
  cacheDirectory: join(root, '.ci/out/jest-globals-cache'),
};

export default config;
