// npm run bench -- --scaling   ns per child as N grows, ours beside RxJS
//
// What one child costs when a parent holds N of them, for N from 10 to
// 100,000, and the slope of log(time) over log(N): 1 is linear (a constant
// cost per child), 2 quadratic. Each case and N runs in a process of its own
// (a fresh heap, call sites that have seen one shape); the figure is the
// median of RUNS runs. --only <text>: the cases whose name has that text.
//
// Every run makes at least MIN_CHILDREN children (at small N, the case
// several times over) before the clock starts, so every N sees a heap of the
// same size and what changes with N is only how the children are held.
// Touching objects in random order still costs more per object as they
// spread over more memory, whatever the code: each case has a floor, the same
// children with no parent at all (a plain subscriber each), ended in the
// same order. Its slope is the part of ours that no parent could avoid.
// With --check, exits 1 if a slope of ours is above MAX_SLOPE after that part
// (the floor's slope above 1) is taken off.
//
// Pipes are built once per N (an operator captures its call site when made,
// a constant cost per pipe, see lib/core/site.ts).
//
// Cases (each subscribes N children, untimed, then, after a full garbage
// collection, ends them one by one, timed):
// - a group whose children complete one by one, in forward, reverse or random
//   order: groupCancel beside forkJoin;
// - a group that runs 10 children at a time, each completion starting the
//   next: groupCancel({ concurrency: 10 }) beside merge(…children, 10);
// - a cancelScope whose N runs end in reverse order, beside a Subscription
//   that N subscriptions were added to;
// - N subscriptions with a deadline each (a real timer on the async
//   scheduler), subscribed and unsubscribed, both timed: timeoutCancel
//   beside takeUntil(timer(…)), a user's total deadline;
// - N subscriptions watching one AbortSignal, unsubscribed in random order:
//   cancellable(signal) beside takeUntil(fromEvent(signal, 'abort')).
import { execFileSync } from 'node:child_process';
import { forkJoin, fromEvent, merge, NEVER, Subject, Subscription, takeUntil, timer, type Observable } from 'rxjs';
import { cancellable, cancelScope, groupCancel, timeoutCancel } from '../lib';

const SIZES = (process.env['BENCH_SIZES'] ?? '10,100,1000,10000,100000').split(',').map(Number);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const MAX_SLOPE = 1.15;
/** At small N, a run repeats the case until it has handled at least this many children. */
const MIN_CHILDREN = 200_000;

type Order = 'forward' | 'reverse' | 'random';

/** A fixed shuffle (the same order for ours and RxJS's), from a seeded generator. */
function order(n: number, kind: Order): number[] {
  const indexes = Array.from({ length: n }, (_, i) => i);
  if (kind === 'reverse') return indexes.reverse();
  if (kind === 'random') {
    let seed = 12345;
    for (let i = n - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const j = seed % (i + 1);
      [indexes[i], indexes[j]] = [indexes[j], indexes[i]];
    }
  }
  return indexes;
}

/** One case: makes N children, returns what ends them. */
type Case = (n: number) => () => void;
type Side = 'ours' | 'rxjs' | 'floor';

const noop = (): void => {};

function groupEnding(kind: Order, group: ((children: Observable<unknown>[]) => Observable<unknown>) | null): Case {
  return (n) => {
    const subjects = Array.from({ length: n }, () => new Subject<number>());
    if (group === null) for (const subject of subjects) subject.subscribe({ error: noop });
    else group(subjects).subscribe({ error: noop });
    const ends = order(n, kind);
    return () => {
      for (const i of ends) {
        subjects[i].next(i);
        subjects[i].complete();
      }
    };
  };
}

/** The floor of the scope and signal cases: N subscriptions to NEVER, no parent, unsubscribed in `kind` order. */
function alone(kind: Order): Case {
  return (n) => {
    const subscriptions = Array.from({ length: n }, () => NEVER.subscribe());
    const ends = order(n, kind);
    return () => {
      for (const i of ends) subscriptions[i].unsubscribe();
    };
  };
}

const cases: Record<string, Record<Side, Case> & { rxjsLabel: string }> = {};
for (const kind of ['forward', 'reverse', 'random'] as const) {
  cases[`groupCancel, children complete in ${kind} order`] = {
    ours: groupEnding(kind, (children) => groupCancel(children)),
    rxjs: groupEnding(kind, (children) => forkJoin(children)),
    floor: groupEnding(kind, null),
    rxjsLabel: 'forkJoin',
  };
}
// 10 at a time: each child that completes starts the next one waiting.
cases['groupCancel({ concurrency: 10 }), children complete in order'] = {
  ours: groupEnding('forward', (children) => groupCancel(children, { concurrency: 10, output: 'merge' })),
  rxjs: groupEnding('forward', (children) => merge(...children, 10)),
  floor: groupEnding('forward', null),
  rxjsLabel: 'merge(…, 10)',
};
cases['cancelScope, runs end in reverse order'] = {
  ours: (n) => {
    const scope = cancelScope();
    const runs = Array.from({ length: n }, () => scope.run(NEVER));
    return () => {
      for (let i = n - 1; i >= 0; i--) runs[i].unsubscribe();
    };
  },
  rxjs: (n) => {
    const parent = new Subscription();
    const runs = Array.from({ length: n }, () => {
      const run = NEVER.subscribe();
      parent.add(run);
      return run;
    });
    return () => {
      for (let i = n - 1; i >= 0; i--) runs[i].unsubscribe();
    };
  },
  floor: alone('reverse'),
  rxjsLabel: 'Subscription.add',
};
/** N subscriptions to `watched` (each with its own timer on the async scheduler, but the floor's), made and then ended, both timed. */
function deadlines(watched: Observable<unknown>): Case {
  return (n) => () => {
    const subscriptions = Array.from({ length: n }, () => watched.subscribe());
    for (const subscription of subscriptions) subscription.unsubscribe();
  };
}
cases['N concurrent deadlines (1 min), subscribed then unsubscribed'] = {
  ours: deadlines(NEVER.pipe(timeoutCancel(60_000))),
  rxjs: deadlines(NEVER.pipe(takeUntil(timer(60_000)))),
  floor: deadlines(NEVER),
  rxjsLabel: 'takeUntil(timer(60_000))',
};
cases['one AbortSignal, N watchers unsubscribed in random order'] = {
  ours: (n) => {
    const { signal } = new AbortController();
    const watching = NEVER.pipe(cancellable(signal));
    const subscriptions = Array.from({ length: n }, () => watching.subscribe());
    const ends = order(n, 'random');
    return () => {
      for (const i of ends) subscriptions[i].unsubscribe();
    };
  },
  rxjs: (n) => {
    const { signal } = new AbortController();
    const watching = NEVER.pipe(takeUntil(fromEvent(signal, 'abort')));
    const subscriptions = Array.from({ length: n }, () => watching.subscribe());
    const ends = order(n, 'random');
    return () => {
      for (const i of ends) subscriptions[i].unsubscribe();
    };
  },
  floor: alone('random'),
  rxjsLabel: 'takeUntil(fromEvent(signal))',
};

const collect = (globalThis as { gc?: () => void }).gc ?? noop;

/**
 * In a child process: ns per child for one case, side and N. At small N the
 * case is made several times over, all before the clock starts, so that every
 * N handles at least MIN_CHILDREN children.
 */
function measureHere(name: string, side: Side, n: number): number {
  const make = cases[name][side];
  const repeats = Math.max(1, Math.ceil(MIN_CHILDREN / n));
  // One warm-up run at this N (compiles both the making and the ending).
  make(Math.min(n, 1_000))();
  const ends = Array.from({ length: repeats }, () => make(n));
  // What making the children left for the collector (promoting them out of
  // the young generation) is not the ending's cost: it is paid here, untimed,
  // on every side alike.
  collect();
  const start = process.hrtime.bigint();
  for (const end of ends) end();
  return Number(process.hrtime.bigint() - start) / repeats / n;
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Least-squares slope of log(ns per child × N) over log(N): the exponent of the total time. */
function slope(perChild: readonly number[]): number {
  const xs = SIZES.map(Math.log);
  const ys = perChild.map((ns, i) => Math.log(ns * SIZES[i]));
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

function inChild(name: string, side: Side, n: number): number {
  const out = execFileSync(
    process.execPath,
    // (--no-warnings: past 10 listeners on one signal, Node warns once per
    // process on RxJS's side, MaxListenersExceededWarning; ours adds one.)
    [
      '--no-warnings',
      '--expose-gc',
      '-r',
      'ts-node/register/transpile-only',
      __filename,
      '--one',
      name,
      side,
      String(n),
    ],
    { encoding: 'utf8', env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' }, maxBuffer: 1 << 20 },
  );
  return Number(out);
}

function main(check: boolean): void {
  const ns = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));
  const lines = [
    `ns per child (median of ${RUNS} runs, each in a fresh process) as N grows; slope of the total time over N in log-log (1 = linear).`,
    'The floor: the same children with no parent, ended in the same order (what touching N objects in that order costs any code);',
    `"beyond floor": the slope less the floor's excess over 1, which --check holds to ≤ ${MAX_SLOPE}.`,
    '',
    `| case | side | ${SIZES.map((n) => `N = ${n.toLocaleString('en')}`).join(' | ')} | slope | beyond floor |`,
    `|---|---|${SIZES.map(() => '---|').join('')}---|---|`,
  ];
  let failed = false;
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : '';
  for (const [name, { rxjsLabel }] of Object.entries(cases)) {
    if (!name.includes(only)) continue;
    const slopes = {} as Record<Side, number>;
    const rows = {} as Record<Side, number[]>;
    for (const side of ['floor', 'ours', 'rxjs'] as const) {
      rows[side] = SIZES.map((n) => {
        process.stderr.write(`${name}, ${side}, N = ${n}…\n`);
        return median(Array.from({ length: RUNS }, () => inChild(name, side, n)));
      });
      slopes[side] = slope(rows[side]);
    }
    const excess = Math.max(0, slopes.floor - 1);
    for (const side of ['ours', 'rxjs', 'floor'] as const) {
      const beyond = slopes[side] - excess;
      const miss = side === 'ours' && beyond > MAX_SLOPE;
      failed ||= miss;
      const label = side === 'ours' ? 'rxjs-cancel' : side === 'rxjs' ? rxjsLabel : 'floor (no parent)';
      const mark = side === 'ours' ? (miss ? ` ✗ (≤ ${MAX_SLOPE})` : ' ✓') : '';
      const shown = side === 'floor' ? '' : `${beyond.toFixed(2)}${mark}`;
      lines.push(`| ${name} | ${label} | ${rows[side].map(ns).join(' | ')} | ${slopes[side].toFixed(2)} | ${shown} |`);
    }
  }
  console.log(lines.join('\n'));
  if (check && failed) {
    console.error(`bench --scaling --check: a slope of ours, beyond its floor's, is above ${MAX_SLOPE}`);
    process.exitCode = 1;
  }
}

const at = process.argv.indexOf('--one');
if (at >= 0) {
  const [name, side, n] = process.argv.slice(at + 1);
  process.stdout.write(String(measureHere(name, side as Side, Number(n))));
} else {
  main(process.argv.includes('--check'));
}
