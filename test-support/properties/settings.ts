import fc from 'fast-check';

// npm test:       1,000 runs per property, each property with a fixed seed
//                 (derived from its name), so a run is reproducible.
// npm run test:deep: 100,000 runs per property and a fresh seed every time;
//                 fast-check prints the seed and path of any failure, and
//                 PROPERTY_SEED=<seed> replays it.
const runs = Number(process.env['PROPERTY_RUNS'] ?? 1_000);
const fixedSeed = process.env['PROPERTY_SEED'] === undefined ? undefined : Number(process.env['PROPERTY_SEED']);
const deep = process.env['PROPERTY_DEEP'] === '1';

function seedOf(name: string): number {
  let hash = 2166136261;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return hash | 0;
}

/** Asserts `property` over the configured number of runs, seeded as above. */
export function check<T>(name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void): void {
  const seed = fixedSeed ?? (deep ? Date.now() ^ seedOf(name) : seedOf(name));
  fc.assert(
    fc.property(arbitrary, (value) => {
      predicate(value);
    }),
    { numRuns: runs, seed },
  );
}

/** The same, for a property that awaits (e.g. over fast-check's scheduler of Promises). */
export async function checkAsync<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
): Promise<void> {
  const seed = fixedSeed ?? (deep ? Date.now() ^ seedOf(name) : seedOf(name));
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      await predicate(value);
    }),
    { numRuns: runs, seed },
  );
}

/** A test timeout that grows with the number of runs (a deep run takes minutes). */
export const PROPERTY_TIMEOUT = Math.max(120_000, runs * 20);

export { runs as PROPERTY_RUNS };
