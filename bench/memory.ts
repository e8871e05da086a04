// npm run bench:memory   bytes per live subscription, ours beside RxJS's
//
// What an app pays for each subscription it keeps open: heap used with
// 100,000 subscriptions alive (to NEVER, so none ends), minus the heap before,
// divided by their number, after full garbage collections. Each case runs in
// a process of its own (a fresh heap), three times; the table shows the
// median. The operators and their pipes are built once, as an app builds a
// pipe once and subscribes to it many times.
import { execFileSync } from 'node:child_process';
import { finalize, map, NEVER, Subject, takeUntil, type Observable, type OperatorFunction } from 'rxjs';
import { cancellable, finalizeCleanup } from '../lib';

const LIVE = 100_000;
const RUNS = 3;
const noop = (): void => {};
const five = <T>(make: () => OperatorFunction<T, T>): OperatorFunction<T, T> => {
  const operators = [make(), make(), make(), make(), make()];
  return (source) => operators.reduce((piped, operator) => piped.pipe(operator), source);
};

/** Each row: ours, then the RxJS code a user would write instead. */
const cases: Record<string, () => Observable<unknown>> = {
  finalizeCleanup: () => NEVER.pipe(finalizeCleanup(noop)),
  finalize: () => NEVER.pipe(finalize(noop)),
  'finalizeCleanup ×5': () => NEVER.pipe(five(() => finalizeCleanup(noop))),
  'finalize ×5': () => NEVER.pipe(five(() => finalize(noop))),
  cancellable: () => NEVER.pipe(cancellable(new Subject<void>())),
  takeUntil: () => NEVER.pipe(takeUntil(new Subject<void>())),
  'map(x => x), for scale': () => NEVER.pipe(map((x) => x)),
};
const rows: [string, string][] = [
  ['finalizeCleanup', 'finalize'],
  ['finalizeCleanup ×5', 'finalize ×5'],
  ['cancellable', 'takeUntil'],
  ['map(x => x), for scale', 'finalize'],
];

function measureHere(name: string): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('bench/memory.ts needs node --expose-gc');
  const source = cases[name]();
  for (let i = 0; i < 1_000; i++) source.subscribe(noop).unsubscribe(); // warm up
  // Made before the heap is read, so its slots are counted in neither side.
  const kept = new Array<unknown>(LIVE).fill(null);
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < LIVE; i++) kept[i] = source.subscribe(noop);
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  // Read after the heap, so the subscriptions are alive when it is read.
  if (kept.some((each) => each === null)) throw new Error('bench/memory.ts: a subscription is missing');
  return (after - before) / LIVE;
}

function measureInProcess(name: string): number {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '-r', 'ts-node/register/transpile-only', __filename, '--case', name],
    { encoding: 'utf8', env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' } },
  );
  return Number(out);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const at = process.argv.indexOf('--case');
if (at >= 0) {
  process.stdout.write(String(measureHere(process.argv[at + 1])));
} else {
  const bytes = new Map<string, number>();
  for (const name of Object.keys(cases)) {
    const runs: number[] = [];
    for (let run = 0; run < RUNS; run++) runs.push(measureInProcess(name));
    bytes.set(name, median(runs));
  }
  const lines = [
    `Bytes per live subscription (${LIVE.toLocaleString('en')} alive, median of ${RUNS} processes), Node ${process.version}:`,
    '',
    '| ours | bytes | RxJS | bytes | ratio |',
    '|---|---|---|---|---|',
  ];
  for (const [ours, pair] of rows) {
    const a = bytes.get(ours) ?? NaN;
    const b = bytes.get(pair) ?? NaN;
    lines.push(`| ${ours} | ${a.toFixed(0)} | ${pair} | ${b.toFixed(0)} | ${(a / b).toFixed(2)}× |`);
  }
  console.log(lines.join('\n'));
}
