// npm run examples            all twelve patterns, in real time
// npm run examples -- 4 11    some of them
//
// Prints what ../shared/reference/asyncio_patterns.py prints, in the same
// format, so the two can be read side by side.
import { asyncScheduler } from 'rxjs';
import { patterns } from './index';
import { runPattern } from './support/runPattern';
import { scaledScheduler } from './support/scaledScheduler';

/** Real milliseconds per unit of the reference's time. */
const UNIT_MS = 100;

async function main(args: readonly string[]): Promise<void> {
  const selected = new Set<number>();
  for (const arg of args) {
    const number = Number(arg);
    if (!Number.isInteger(number) || number < 1 || number > patterns.length) {
      throw new RangeError(`examples: no pattern ${JSON.stringify(arg)}; choose from 1 to ${patterns.length}`);
    }
    selected.add(number);
  }
  for (const [index, pattern] of patterns.entries()) {
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
