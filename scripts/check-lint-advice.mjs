// Checks the README's advice for eslint-plugin-rxjs-x users: the rule
// options it shows (read from the README itself, so the two cannot drift)
// allow this package's safe operators after takeUntil and still report the
// unsafe ones. Run by .ci/run with the lint.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import rxjsX from 'eslint-plugin-rxjs-x';
import tseslint from 'typescript-eslint';

const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'scripts', 'lint-advice');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const block = /### With eslint-plugin-rxjs-x[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
if (block === undefined) throw new Error('check-lint-advice: no eslint-plugin-rxjs-x example in the README');
const { rules } = new Function(`return { ${block} };`)();

const eslint = new ESLint({
  cwd: dir,
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['**/*.ts'],
      languageOptions: {
        parser: tseslint.parser,
        parserOptions: { project: join(dir, 'tsconfig.json'), tsconfigRootDir: dir },
      },
      plugins: { 'rxjs-x': rxjsX },
      rules,
    },
  ],
});
const [result] = await eslint.lintFiles([join(dir, 'fixture.ts')]);
const source = readFileSync(join(dir, 'fixture.ts'), 'utf8').split('\n');
const reported = result.messages.map((message) => `${message.ruleId} at ${source[message.line - 1].trim()}`);
const expected = [
  'rxjs-x/no-unsafe-takeuntil at export const fallback = of(1).pipe(takeUntil(stop), timeoutCancel({ total: 10, with: () => of(0) }));',
  'rxjs-x/no-unsafe-takeuntil at cancellable(stop),',
];
if (JSON.stringify(reported) !== JSON.stringify(expected)) {
  console.error(`check-lint-advice: expected\n  ${expected.join('\n  ')}\ngot\n  ${reported.join('\n  ')}`);
  process.exit(1);
}
console.log('check-lint-advice: the README rule options allow the safe operators and report the rest');
