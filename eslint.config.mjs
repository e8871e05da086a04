// @ts-check
// Lint: typescript-eslint's type-aware rules everywhere, its strict set and
// rxjs-x's strict set on the library itself. Formatting is prettier's alone
// (eslint-config-prettier turns off the rules that would fight it).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import rxjsX from 'eslint-plugin-rxjs-x';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/',
      'scripts/consumer/',
      'docs/api/',
      'reports/',
      '.stryker-tmp/',
      '.ci/',
      'coverage/',
      'node_modules/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // tsdown's own types do not compile with skipLibCheck off, so its config is
        // linted outside the project.
        projectService: { allowDefaultProject: ['tsdown.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    rules: {
      // Numbers in messages and marbles read as they should.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests reject and throw non-Errors on purpose: the package must carry
    // any value a user's code rejects with.
    files: ['spec/**', 'marble-tests/**', 'test-support/**'],
    rules: { '@typescript-eslint/prefer-promise-reject-errors': 'off' },
  },
  {
    files: ['lib/**/*.ts'],
    extends: [tseslint.configs.strictTypeChecked, rxjsX.configs.strict],
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // What the type checker cannot see is modelled, not asserted: a link
      // that has ended feeds GONE rather than null. No `x!`, no `as unknown as`.
      '@typescript-eslint/no-non-null-assertion': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSAsExpression > TSAsExpression',
          message: 'A double cast says the types are wrong: fix the types.',
        },
      ],
    },
  },
  {
    // Operators stand on the core's one entry (docs/cancellation-core.md,
    // "Writing an operator"), never on its files.
    files: ['lib/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['./core/*'], message: "Import from './core', the core's entry for operators." }] },
      ],
    },
  },
  {
    // rxjs-cancel/testing drives TestScheduler's run mode across awaits: it
    // must set the scheduler providers that `run` sets (rxjs/internal, the
    // only place they are exported) and read what `run` reads
    // (`frameTimeFactor`, `hotObservables`, marked deprecated for v8, where
    // this entry will follow whatever `run` then uses).
    files: ['lib/testing/**/*.ts'],
    rules: { 'rxjs-x/no-internal': 'off', '@typescript-eslint/no-deprecated': 'off' },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    // Evaluated in the page by playwright.
    files: ['runtime-tests/browser.test.mjs', 'runtime-tests/diagrams.test.mjs'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', Image: 'readonly' } },
  },
  prettier,
);
