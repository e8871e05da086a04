// The test suite against the lowest rxjs 7.x the package supports (the floor
// of its peer range) and the latest 7.x on the registry, run by .ci/run.
// Each version is installed into a directory of its own and mapped in by
// jest.config.ts, so the project's node_modules stay as the lockfile says.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const range = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).peerDependencies.rxjs;
const lowest = /^\^(7\.\d+\.\d+)$/.exec(range)?.[1];
if (lowest === undefined) throw new Error(`rxjs-matrix: expected a peer range like ^7.x.y, found ${range}`);
// The newest stable 7.x on the registry (npm view's list is not in semver order).
const published = JSON.parse(execFileSync('npm', ['view', 'rxjs', 'versions', '--json'], { encoding: 'utf8' }));
const byNumber = (version) => version.split('.').map(Number);
const latest = published
  .filter((version) => /^7\.\d+\.\d+$/.test(version))
  .sort((a, b) => {
    const [x, y] = [byNumber(a), byNumber(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  })
  .at(-1);
const versions = [lowest, latest];

for (const version of versions) {
  const dir = join(root, '.ci', 'out', `rxjs-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true }));
  execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund', '--no-package-lock', `rxjs@${version}`], {
    cwd: dir,
    stdio: 'inherit',
  });
  const installed = JSON.parse(readFileSync(join(dir, 'node_modules', 'rxjs', 'package.json'), 'utf8')).version;
  console.log(`rxjs-matrix: the suite against rxjs ${installed}`);
  const result = spawnSync('npx', ['jest', '--ci', '--silent'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, RXJS_UNDER_TEST: dir },
  });
  if (result.status !== 0) {
    console.error(`rxjs-matrix: the suite fails against rxjs ${installed}`);
    process.exit(1);
  }
}
console.log(`rxjs-matrix: the suite passes against rxjs ${versions.join(' and ')}`);
