// npm run test:repeat [-- N]: runs the full test suite N times (default 50)
// in a row and stops at the first failure, to show the suite is stable.
import { spawnSync } from 'node:child_process';

const runs = Number(process.argv[2] ?? 50);
const started = Date.now();
for (let run = 1; run <= runs; run++) {
  const result = spawnSync('npm', ['test', '--silent'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    console.error(`test:repeat: run ${run} of ${runs} failed`);
    process.exit(1);
  }
  console.log(`test:repeat: run ${run} of ${runs} passed (${Math.round((Date.now() - started) / 1000)} s so far)`);
}
console.log(`test:repeat: all ${runs} runs passed`);
