import type { Config } from 'jest';
import base from './jest.config';

// The jest setup Stryker runs for every mutant: all of it but the leak
// tests, whose full garbage collections make one run take 40 s and which
// cover nearly every line. What only they can catch (a reference kept past
// the end of a subscription) is listed in docs/mutation.md.
const config: Config = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/', '/spec/leaks\\.spec\\.ts$'],
};

export default config;
