import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAsync } from 'rxjs-cancel/testing';
import { morePatterns, patterns } from '../examples';
import { runExample, UNIT_MS, type Example } from '../examples/support/timeline';
import { checkDiagram } from '../test-support/diagram';
import { testScheduler } from '../test-support/marbles';

// The package's reference behaviour: what ../shared/reference/asyncio_patterns.py
// prints. A copy lives in examples/reference so the test runs without ../shared;
// when ../shared is there, the copy must be identical to it.
const FIXTURE = join(__dirname, '../examples/reference/asyncio_patterns.expected.txt');
const SHARED = join(__dirname, '../../shared/reference/asyncio_patterns.expected.txt');
const SHARED_SOURCE = join(__dirname, '../../shared/reference/asyncio_patterns.py');
/** What the examples are compared with: ../shared's file itself when present, else the copy. */
const REFERENCE = existsSync(SHARED) ? SHARED : FIXTURE;

/** The reference output, split into its patterns: `# N name` and the lines under it. */
function referenceSections(): { header: string; lines: string[] }[] {
  const sections: { header: string; lines: string[] }[] = [];
  for (const line of readFileSync(REFERENCE, 'utf8').split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# ')) sections.push({ header: line, lines: [] });
    else sections.at(-1)!.lines.push(line);
  }
  return sections;
}

/**
 * Runs an example in virtual time and returns what it printed. The example
 * times itself on RxJS's default schedulers, which runAsync makes virtual (one
 * frame per millisecond) for as long as it runs: `timer(200)` is frame 200,
 * printed `t=2`. A unit is printed unrounded, so an event one frame off (201)
 * prints `t=2.01` and fails the comparison.
 */
async function runVirtually(index: number, list: readonly Example[] = patterns): Promise<string[]> {
  const printed: string[] = [];
  await runAsync(testScheduler(), () =>
    runExample(list[index], (elapsedMs, message) => printed.push(`t=${elapsedMs / UNIT_MS} ${message}`)),
  );
  return printed;
}

describe('the twelve asyncio patterns, in virtual time', () => {
  const sections = referenceSections();

  it('has one example per pattern of the reference, named as it is', () => {
    expect(sections.map((section) => section.header)).toEqual(
      patterns.map((example, index) => `# ${index + 1} ${example.name}`),
    );
  });

  it.each(sections.map((section, index) => [section.header, index] as const))(
    '%s prints the reference, line for line, times included',
    async (_header, index) => {
      expect(await runVirtually(index)).toEqual(sections[index].lines);
    },
  );

  it('prints the whole reference file when all twelve run in order', async () => {
    const printed: string[] = [];
    for (const [index, example] of patterns.entries()) {
      printed.push(`# ${index + 1} ${example.name}`, ...(await runVirtually(index)));
    }
    expect(printed.join('\n') + '\n').toBe(readFileSync(REFERENCE, 'utf8'));
  });

  it('keeps its copy of the reference identical to ../shared when that is present', () => {
    if (!existsSync(SHARED)) {
      // A clone on its own has only the copy; CI runs with ../shared beside it.
      expect(existsSync(FIXTURE)).toBe(true);
      return;
    }
    expect(readFileSync(FIXTURE, 'utf8')).toBe(readFileSync(SHARED, 'utf8'));
    expect(readFileSync(join(__dirname, '../examples/reference/asyncio_patterns.py'), 'utf8')).toBe(
      readFileSync(SHARED_SOURCE, 'utf8'),
    );
  });
});

describe('two more patterns (typeahead, happy eyeballs), in virtual time', () => {
  // Their asyncio programs are examples/reference/more_patterns.py; what it
  // prints is the fixture.
  const MORE = join(__dirname, '../examples/reference/more_patterns.expected.txt');

  it('print what the asyncio programs print, line for line, times included', async () => {
    const printed: string[] = [];
    for (const [index, example] of morePatterns.entries()) {
      printed.push(`# ${index + 13} ${example.name}`, ...(await runVirtually(index, morePatterns)));
    }
    expect(printed.join('\n') + '\n').toBe(readFileSync(MORE, 'utf8'));
  });
});

describe('the timelines, drawn from these runs (docs/diagrams/asyncio/*.svg)', () => {
  // Each example's events at their virtual times, as the README and the API
  // reference show them; `npm run diagrams` draws them again, and the suite
  // fails if a committed picture is not what the run records.
  const all = [...patterns, ...morePatterns];
  it.each(all.map((example, index) => [`${index + 1} ${example.name}`, example] as const))(
    '%s',
    async (label, example) => {
      const events: [number, string][] = [];
      await runAsync(testScheduler(), () =>
        runExample(example, (elapsedMs, message) => events.push([elapsedMs / UNIT_MS, message])),
      );
      checkDiagram({
        name: `asyncio/${example.name}`,
        title: `# ${label}: what it prints, at its times (t = 100 ms)`,
        events,
      });
    },
  );
});
