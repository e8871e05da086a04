import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A full garbage collection on demand, without --expose-gc on the command
// line: the flag is set at run time, and a fresh context then has `gc`.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gc();
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/**
 * Heap retained per cycle: `cycle` runs `cycles` times between two full
 * collections, in `runs` runs after a warm-up (so that code compiled and
 * caches filled on first use do not count); the median over the runs. One
 * run's closing collection is the next one's opening: a full collection is
 * what takes the time here, not the cycles.
 * Promise jobs the cycles queued run before each measurement: work that is
 * merely pending is not a leak.
 */
export async function retainedBytesPerCycle(cycle: () => void, { cycles = 10_000, runs = 3 } = {}): Promise<number> {
  for (let i = 0; i < 5_000; i++) cycle();
  await settle();
  const samples: number[] = [];
  collectGarbage();
  let before = process.memoryUsage().heapUsed;
  for (let run = 0; run < runs; run++) {
    for (let i = 0; i < cycles; i++) cycle();
    await settle();
    collectGarbage();
    const after = process.memoryUsage().heapUsed;
    samples.push((after - before) / cycles);
    before = after;
  }
  return median(samples);
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs `scenario`, which registers with `track` every object it hands to the
 * operators (callbacks, values, triggers, sources), and returns the labels of
 * those that are still alive once the scenario is over and garbage has been
 * collected: whatever the operators kept.
 */
export async function survivors(scenario: (track: (object: object, label: string) => void) => void): Promise<string[]> {
  const alive = new Set<string>();
  const registry = new FinalizationRegistry<string>((label) => alive.delete(label));
  // In a function of its own, so that nothing of the scenario stays on this stack.
  (() =>
    scenario((object, label) => {
      alive.add(label);
      registry.register(object, label);
    }))();
  for (let attempt = 0; attempt < 10 && alive.size > 0; attempt++) {
    collectGarbage();
    collectGarbage();
    // Finalization callbacks run in a later task.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return [...alive].sort();
}
