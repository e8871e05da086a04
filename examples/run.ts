// npm run examples            all fourteen patterns, in real time
// npm run examples -- 4 13    some of them
//
// Prints what ../shared/reference/asyncio_patterns.py prints (1 to 12), then
// what examples/reference/more_patterns.py prints (13 and 14), in the same
// format, so the two can be read side by side.
import { asyncScheduler } from 'rxjs';
import { morePatterns, patterns } from './index';
import { runPattern } from './support/runPattern';
import { scaledScheduler } from './support/scaledScheduler';

/** Real milliseconds per unit of the reference's time. */
const UNIT_MS = 100;

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
  for (const [index, pattern] of all.entries()) {
    const number = index + 1;
    if (selected.size > 0 && !selected.has(number)) continue;
    console.log(`# ${number} ${pattern.name}`);
    await runPattern(pattern, scaledScheduler(asyncScheduler, UNIT_MS), (line) => console.log(line));
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
