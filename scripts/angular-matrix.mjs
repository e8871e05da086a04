// The real-Angular tests (runtime-tests/angular*.test.mjs) against the packed
// package, under the lowest Angular major of the peer range (its newest
// release) and the version this repository develops with (the newest that
// runs on Node 20). Each is installed into a directory of its own with the
// tarball, as an app would install them, so the project's node_modules stay
// as the lockfile says. Run by `npm run test:angular`.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const range = pkg.peerDependencies['@angular/core'];
const lowest = /^\^(\d+)\.0\.0\b/.exec(range)?.[1];
if (lowest === undefined) throw new Error(`angular-matrix: expected a peer range starting ^N.0.0, found ${range}`);
const developed = pkg.devDependencies['@angular/core'];
const packages = ['core', 'compiler', 'common', 'platform-browser', 'platform-browser-dynamic', 'platform-server'];
const tests = readdirSync(join(root, 'runtime-tests')).filter((name) => /^angular.*\.test\.mjs$/.test(name));

const out = join(root, '.ci', 'out');
mkdirSync(out, { recursive: true });
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], {
  cwd: root,
  encoding: 'utf8',
});
const tarball = join(out, JSON.parse(packed)[0].filename);

for (const version of [lowest, developed]) {
  const dir = join(out, `angular-${version}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true }));
  const wanted = packages.map((name) => `@angular/${name}@${version}`);
  execFileSync(
    'npm',
    [
      'install',
      '--silent',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      ...wanted,
      `rxjs@${pkg.devDependencies.rxjs}`,
      tarball,
    ],
    { cwd: dir, stdio: 'inherit' },
  );
  const installed = JSON.parse(
    readFileSync(join(dir, 'node_modules', '@angular', 'core', 'package.json'), 'utf8'),
  ).version;
  for (const test of tests) cpSync(join(root, 'runtime-tests', test), join(dir, test));
  console.log(`angular-matrix: ${tests.join(', ')} against @angular/core ${installed}`);
  try {
    execFileSync('node', ['--test', '--test-reporter=dot', '--test-timeout=30000', ...tests], {
      cwd: dir,
      stdio: 'inherit',
    });
  } catch {
    console.error(`angular-matrix: the tests fail against @angular/core ${installed}`);
    process.exit(1);
  }
}
rmSync(tarball);
console.log(`angular-matrix: the tests pass against Angular ${lowest} and ${developed}`);
