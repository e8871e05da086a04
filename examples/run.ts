// npm run examples            all fourteen patterns, in real time
// npm run examples -- 4 13    some of them
//
// Prints what ../shared/reference/asyncio_patterns.py prints (1 to 12), then
// what examples/reference/more_patterns.py prints (13 and 14), in the same
// format, so the two can be read side by side; a header first says what the
// times mean.
import './support/resolve-rxjs-cancel'; // first: 'rxjs-cancel' is lib/, not dist/
import { morePatterns, patterns } from './index';
import { runExample, UNIT_MS } from './support/timeline';

async function main(args: readonly string[]): Promise<void> {
  const all = [...patterns, ...morePatterns];
  const selected = new Set<number>();
  for (const arg of args) {
    const number = Number(arg);
    if (!Number.isInteger(number) || number < 1 || number > all.length) {
      throw new RangeError(`examples: no pattern ${JSON.stringify(arg)}; choose from 1 to ${all.length}`);
    }
    selected.add(number);
  }
  console.log(`(t=<N>: N units since the pattern started; one unit = ${UNIT_MS} ms, so t=3 is ${3 * UNIT_MS} ms)`);
  for (const [index, example] of all.entries()) {
    const number = index + 1;
    if (selected.size > 0 && !selected.has(number)) continue;
    console.log(`# ${number} ${example.name}`);
    // The examples run on RxJS's default schedulers, in real time.
    await runExample(example, (elapsedMs, message) => console.log(`t=${Math.round(elapsedMs / UNIT_MS)} ${message}`));
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
