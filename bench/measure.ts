// Measures one row of the table, in a process of its own (see run.ts), and
// prints its figures as JSON. Run with --expose-gc and a semi-space large
// enough that no scavenge happens while allocation is counted.
import { Bench } from 'tinybench';
import { rows, runCycle, runValues, VALUES, type Side } from './rows';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
/** ms tinybench spends on each task per round (BENCH_TIME lowers it for a quick trial of the harness). */
const TIME = Number(process.env['BENCH_TIME'] ?? 150);

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('bench/measure.ts needs node --expose-gc');

export interface Figures {
  /** Median over rounds of each round's median, in ns. */
  readonly value: number | null;
  readonly cycle: number;
  /** Bytes allocated per subscribe+cancel cycle, median over rounds; null where a cycle allocates more than a scavenge lets be counted. */
  readonly bytes: number | null;
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** One round of tinybench over both sides, in the given order; returns each side's median ns per unit. */
function round(tasks: readonly { name: string; fn: () => void; units: number }[]): Map<string, number> {
  // (At least 3 calls: a call of a cycle of 100,000 children takes a good part of a second.)
  const bench = new Bench({ time: TIME, warmupTime: TIME / 3, iterations: 3, warmupIterations: 1 });
  for (const task of tasks) bench.add(task.name, task.fn);
  bench.runSync();
  const result = new Map<string, number>();
  for (const [index, task] of bench.tasks.entries()) {
    const { units } = tasks[index];
    const latency = (task.result as { latency?: { p50: number } }).latency;
    if (latency === undefined) throw new Error(`task ${task.name} did not complete`);
    result.set(task.name, (latency.p50 * 1e6) / units); // ms per call → ns per unit
  }
  return result;
}

function allocationPerCycle(side: Side, cycles: number): number {
  for (let i = 0; i < 200; i++) runCycle(side.cycle); // warm up
  gc!();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < cycles; i++) runCycle(side.cycle);
  const after = process.memoryUsage().heapUsed;
  return (after - before) / cycles;
}

function measure(sides: readonly [Side, Side], cyclesPerCall: number): [Figures, Figures] {
  // Allocation is counted over 5 calls' worth of cycles, within one
  // semi-space (64 MB); a cycle of thousands of children does not fit.
  const countBytes = cyclesPerCall >= 100;
  const value: number[][] = [[], []];
  const cycle: number[][] = [[], []];
  const bytes: number[][] = [[], []];
  for (let r = 0; r < ROUNDS; r++) {
    // Interleaved: the two sides alternate which runs first.
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    const tasks = order.flatMap((i) => {
      const side = sides[i];
      const cycleTask = {
        name: `cycle ${i}`,
        fn: () => {
          for (let c = 0; c < cyclesPerCall; c++) runCycle(side.cycle);
        },
        units: cyclesPerCall,
      };
      const values = side.values;
      return values === null
        ? [cycleTask]
        : [{ name: `value ${i}`, fn: () => runValues(values), units: VALUES }, cycleTask];
    });
    const result = round(tasks);
    for (const i of [0, 1]) {
      if (result.has(`value ${i}`)) value[i].push(result.get(`value ${i}`)!);
      cycle[i].push(result.get(`cycle ${i}`)!);
    }
    if (countBytes) for (const i of order) bytes[i].push(allocationPerCycle(sides[i], 5 * cyclesPerCall));
  }
  const figures = (i: number): Figures => ({
    value: value[i].length === 0 ? null : median(value[i]),
    cycle: median(cycle[i]),
    bytes: countBytes ? median(bytes[i]) : null,
  });
  return [figures(0), figures(1)];
}

/**
 * BENCH_WARM_ALL=1: before the row is measured, every row's two sides run in
 * this process, as in an app where every operator of the package has run
 * (RxJS's call sites, and the core's, have seen every shape) before this one.
 */
function warmAll(): void {
  for (const { ours, pair, cyclesPerCall = 1_000 } of rows) {
    for (const side of [ours, pair]) {
      for (let i = 0; i < 2 * cyclesPerCall; i++) runCycle(side.cycle);
      if (side.values !== null) for (let i = 0; i < 5; i++) runValues(side.values);
    }
  }
}

if (process.env['BENCH_WARM_ALL'] === '1') warmAll();
const index = Number(process.argv[2]);
const row = rows[index];
if (row === undefined) throw new Error(`bench/measure.ts: no row ${process.argv[2]}`);
const [ours, pair] = measure([row.ours, row.pair], row.cyclesPerCall ?? 1_000);
process.stdout.write(JSON.stringify({ ours, pair }));
