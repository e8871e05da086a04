import type { Config } from 'jest';
import base from './jest.config';

// The jest setup Stryker runs for every mutant: all of it but the leak
// checks, whose full garbage collections cover nearly every line, so they
// would run for almost every mutant. What only they can catch (a reference kept past
// the end of a subscription) is listed in docs/mutation.md.
//
// Properties run 100 times per mutant instead of 1,000: a mutant the
// properties catch at all is almost always caught in the first few dozen
// runs, and the full count would make a Stryker run take hours.
process.env['PROPERTY_RUNS'] ??= '100';

const config: Config = {
  ...base,
  // spec/jest-globals.spec.ts runs Jest again in a child process over the
  // sandbox's code. No mutant is active there (Stryker switches them in its
  // own process), so it cannot kill one; and the instrumented code reads
  // Stryker's coverage counters from the global object, which that Jest
  // reports as a "soft deleted" global, failing the test before any mutant runs.
  testPathIgnorePatterns: [
    '/node_modules/',
    '/spec/leaks\\.spec\\.ts$',
    '/spec/retained-heap\\.spec\\.ts$',
    '/spec/jest-globals\\.spec\\.ts$',
  ],
  // Stryker runs every mutant's tests in one long-lived jest process. Jest
  // 30's default "soft" clean-up of globals wraps the ambient-waiter slot in
  // one more accessor per test file it tears down, and after a few hundred
  // files reading it overflows the stack. A fresh `npm test` never gets there.
  testEnvironmentOptions: { ...base.testEnvironmentOptions, globalsCleanup: 'off' },
};

export default config;
