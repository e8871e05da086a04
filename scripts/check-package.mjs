// Packaging checks, run by .ci/run: what `npm publish` would ship, checked
// the way a user would meet it.
//   1. `npm pack` (which builds) ships only dist/, the README, the licence,
//      the changelog and package.json.
//   2. publint --strict and `attw --pack` (are the types wrong?) are clean.
//   3. A consumer project installs the tarball and type-checks an example
//      under strict settings with skipLibCheck off, for NodeNext (ESM and
//      CommonJS) and Bundler resolution on lib ES2022 + DOM, and on ESNext
//      with `await using`; and an Angular component and service with the
//      compiler options of an Angular CLI workspace. All with the repository's
//      TypeScript (the latest supported), and the main and testing entries
//      once more with the lowest supported TypeScript (`await using` with the
//      lowest that has it).
//   4. Both formats of each entry load in Node and export the same names.
//   5. rxjs-cancel/testing runs a marble test with a Promise cleanup, in both formats.
//   6. With both builds loaded in one process, instanceof holds across them.
//   7. Without Angular: the main and testing entries never load @angular/*,
//      which is an optional peer dependency only, and an app that installs
//      the package with rxjs alone gets no Angular and loads both formats.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// The lowest TypeScript the package supports, as the README's Install section
// states it: the main and testing entries' declarations type-check from 4.7
// (the first with NodeNext), under NodeNext and, as a bundler's user on a
// TypeScript before 5.0 wrote it, `moduleResolution: "node"`. Raise it, and
// the README with it, when the declarations need a newer TypeScript.
const LOWEST_TYPESCRIPT = '4.7.4';
// `await using` on a CancelScope: the first TypeScript with the syntax.
const LOWEST_TYPESCRIPT_AWAIT_USING = '5.2.2';
// What each lowest TypeScript type-checks, installed into the consumer under
// `name` (an alias for the second) and run by its own tsc. node10 with the
// lowest alone: TypeScript 6 deprecates that resolution.
const lowestChecks = [
  {
    name: 'typescript',
    version: LOWEST_TYPESCRIPT,
    what: 'the lowest supported',
    configs: ['tsconfig.nodenext.json', 'tsconfig.node10.json'],
  },
  {
    name: 'typescript-await-using',
    version: LOWEST_TYPESCRIPT_AWAIT_USING,
    what: 'the lowest with `await using`',
    configs: ['tsconfig.esnext.json'],
  },
];
const lowestOnly = new Set(['tsconfig.node10.json']);

const root = resolve(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
function run(command, args, cwd = root) {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    fail(`${[command, ...args].join(' ')} failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
}
const step = (text) => console.log(`check-package: ${text}`);
class CheckFailed extends Error {}
function fail(text) {
  throw new CheckFailed(text);
}

const work = mkdtempSync(join(tmpdir(), 'rxjs-cancel-package-'));
try {
  // 1. What the tarball holds (built first, so that pack's JSON stands alone).
  run('npm', ['run', 'build', '--silent']);
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work]));
  const tarball = join(work, packed.filename);
  const allowed = /^(dist\/.+\.(mjs|js|d\.mts|d\.ts)|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/;
  const unexpected = packed.files.map((file) => file.path).filter((path) => !allowed.test(path));
  if (unexpected.length > 0) fail(`the tarball holds files users do not need: ${unexpected.join(', ')}`);
  const entries = ['index', 'testing/index', 'angular/index'];
  const builds = entries.flatMap((entry) => ['mjs', 'js', 'd.mts', 'd.ts'].map((ext) => `dist/${entry}.${ext}`));
  for (const needed of [...builds, 'CHANGELOG.md']) {
    if (!packed.files.some((file) => file.path === needed)) fail(`the tarball lacks ${needed}`);
  }
  step(`npm pack: ${packed.files.length} files, ${(packed.size / 1024).toFixed(1)} KB packed`);

  // 2. Linters of packages.
  run(bin('publint'), ['--strict', tarball]);
  step('publint --strict: clean');
  run(bin('attw'), ['--pack', '.', '--format', 'table-flipped']);
  step('attw --pack: clean');

  // 3. A consumer project.
  const consumer = join(work, 'consumer');
  cpSync(join(root, 'scripts', 'consumer'), consumer, { recursive: true });
  // The same code once more as a CommonJS module: under NodeNext a .cts file
  // resolves the package's `require` branch and its .d.ts declarations.
  cpSync(join(consumer, 'esm.mts'), join(consumer, 'cjs.cts'));
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  const installed = JSON.parse(run('npm', ['ls', 'rxjs', '@angular/core', '--json', '--depth=0'])).dependencies;
  const peers = [`rxjs@${installed.rxjs.version}`, `@angular/core@${installed['@angular/core'].version}`];
  run('npm', ['install', '--silent', '--no-audit', '--no-fund', tarball, ...peers], consumer);
  const configs = readdirSync(consumer).filter((name) => /^tsconfig\..+\.json$/.test(name));
  for (const config of configs.filter((name) => !lowestOnly.has(name))) {
    run(bin('tsc'), ['-p', join(consumer, config)]);
    step(`consumer type-checks with ${config}`);
  }
  // The same consumer with the lowest supported TypeScript.
  const typescripts = lowestChecks.map(({ name, version }) =>
    name === 'typescript' ? `typescript@${version}` : `${name}@npm:typescript@${version}`,
  );
  run('npm', ['install', '--silent', '--no-audit', '--no-fund', '--no-save', ...typescripts], consumer);
  for (const { name, version, what, configs: checked } of lowestChecks) {
    const tsc = join(consumer, 'node_modules', name, 'bin', 'tsc');
    const said = run('node', [tsc, '-v'], consumer).trim();
    if (said !== `Version ${version}`) fail(`expected TypeScript ${version} in node_modules/${name}, found ${said}`);
    for (const config of checked) run('node', [tsc, '-p', join(consumer, config)], consumer);
    step(`consumer type-checks with TypeScript ${version} (${what}): ${checked.join(', ')}`);
  }

  // 4. Both formats at run time, for each entry point.
  const names = (code, type) => run('node', ['--input-type', type, '-e', code], consumer).trim();
  for (const entry of ['rxjs-cancel', 'rxjs-cancel/testing', 'rxjs-cancel/angular']) {
    const fromRequire = names(`console.log(Object.keys(require('${entry}')).sort().join())`, 'commonjs');
    const fromImport = names(
      `const m = await import('${entry}'); console.log(Object.keys(m).filter((k) => k !== 'default').sort().join())`,
      'module',
    );
    if (fromRequire !== fromImport) {
      fail(`${entry}: require and import export different names:\n  ${fromRequire}\n  ${fromImport}`);
    }
    step(`${entry}: require() and import both load: ${fromImport.split(',').length} exports`);
  }

  // 5. rxjs-cancel/testing reaches the rxjs the consumer installed (it sets
  // that rxjs's run-mode timers): a cleanup's Promise, which waits for an
  // RxJS timer, holds the completion back to the frame that timer fires in.
  const marble = (load) => `${load}
    const scheduler = new TestScheduler((actual, expected) => {
      if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(JSON.stringify(actual));
    });
    runAsync(scheduler, ({ cold, expectObservable }) => {
      expectObservable(cold('a-|').pipe(finalizeCleanup(() => firstValueFrom(timer(3))))).toBe('a----|');
    }).then(
      () => console.log('ok'),
      (error) => console.log(String(error)),
    );`;
  const loads = {
    commonjs: `const { firstValueFrom, timer } = require('rxjs');
      const { TestScheduler } = require('rxjs/testing');
      const { finalizeCleanup } = require('rxjs-cancel');
      const { runAsync } = require('rxjs-cancel/testing');`,
    module: `import { firstValueFrom, timer } from 'rxjs';
      import { TestScheduler } from 'rxjs/testing';
      import { finalizeCleanup } from 'rxjs-cancel';
      import { runAsync } from 'rxjs-cancel/testing';`,
  };
  for (const [type, load] of Object.entries(loads)) {
    const said = names(marble(load), type);
    if (said !== 'ok') fail(`rxjs-cancel/testing (${type}): the Promise cleanup's frame was wrong: ${said}`);
  }
  step('rxjs-cancel/testing: a Promise cleanup settles in virtual time, from require() and import');

  // 6. Both builds in one process (Jest's CommonJS beside an ES module
  // bundle): each error class of one is the other's for instanceof.
  const crossed = names(
    `import { createRequire } from 'node:module';
    const esm = await import('rxjs-cancel');
    const cjs = createRequire(process.cwd() + '/')('rxjs-cancel');
    const info = { deadline: 'total', seen: 0, lastValue: null };
    const made = {
      CancelledError: (lib) => new lib.CancelledError('x'),
      CleanupError: (lib) => new lib.CleanupError([]),
      CleanupTimeoutError: (lib) => new lib.CleanupTimeoutError(1),
      DeadlineError: (lib) => new lib.DeadlineError(info),
      GroupError: (lib) => new lib.GroupError([]),
      ShieldReleased: (lib) => new lib.ShieldReleased(1),
    };
    const wrong = Object.entries(made).filter(([name, make]) =>
      esm[name] === cjs[name] || !(make(esm) instanceof cjs[name]) || !(make(cjs) instanceof esm[name]));
    console.log(wrong.map(([name]) => name).join() || 'ok');`,
    'module',
  );
  if (crossed !== 'ok') fail(`instanceof fails between the ESM and CommonJS builds for: ${crossed}`);
  step("both builds in one process: every error class is the other build's for instanceof");

  // 7. The package without Angular.
  for (const entry of ['index', 'testing/index']) {
    for (const ext of ['mjs', 'js']) {
      const angular = modulesLoadedBy(join(root, 'dist', `${entry}.${ext}`)).filter((id) => id.startsWith('@angular/'));
      if (angular.length > 0) fail(`dist/${entry}.${ext} loads ${angular.join(', ')}`);
    }
  }
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const angularPeers = Object.keys(manifest.peerDependencies).filter((name) => name.startsWith('@angular/'));
  if (manifest.dependencies !== undefined) fail('the package has dependencies: it should have peers only');
  for (const name of angularPeers) {
    if (manifest.peerDependenciesMeta?.[name]?.optional !== true) fail(`the peer dependency ${name} is not optional`);
  }
  const plain = join(work, 'plain');
  mkdirSync(plain);
  writeFileSync(join(plain, 'package.json'), JSON.stringify({ name: 'plain', private: true }));
  run('npm', ['install', '--silent', '--no-audit', '--no-fund', tarball, `rxjs@${installed.rxjs.version}`], plain);
  if (existsSync(join(plain, 'node_modules', '@angular')))
    fail('installing the package with rxjs alone installed Angular');
  run('node', ['--input-type', 'commonjs', '-e', `require('rxjs-cancel'); require('rxjs-cancel/testing')`], plain);
  run(
    'node',
    ['--input-type', 'module', '-e', `await import('rxjs-cancel'); await import('rxjs-cancel/testing')`],
    plain,
  );
  step(`without Angular: the main and testing entries load no @angular/* (${angularPeers.join(', ')}: optional peer)`);
} catch (error) {
  if (!(error instanceof CheckFailed)) throw error;
  console.error(`check-package: ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The bare module ids (packages) that `file` and the package's own modules it imports load, transitively. */
function modulesLoadedBy(file, seen = new Set()) {
  if (seen.has(file)) return [];
  seen.add(file);
  // (Doc comments, which tsdown keeps, show imports in their examples.)
  const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const ids = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)].map(
    (match) => match[1],
  );
  return ids.flatMap((id) => (id.startsWith('.') ? modulesLoadedBy(resolve(dirname(file), id), seen) : [id]));
}
