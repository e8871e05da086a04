// npm run bench -- --scaling   ns per child as N grows, ours beside RxJS
//
// What one child costs when a parent holds N of them, for N from 10 to
// 100,000, and the slope of log(time) over log(N): 1 is linear (a constant
// cost per child), 2 quadratic. Each case and N runs in a process of its own
// (a fresh heap, call sites that have seen one shape); the figure is the
// median of RUNS runs. With --check, exits 1 if a slope of ours is above
// MAX_SLOPE.
//
// Pipes are built once per N (an operator captures its call site when made,
// a constant cost per pipe, see lib/core/site.ts).
//
// Cases (each subscribes N children, untimed, then ends them one by one, timed):
// - a group whose children complete one by one, in forward, reverse or random
//   order: groupCancel beside forkJoin;
// - a cancelScope whose N runs end in reverse order, beside a Subscription
//   that N subscriptions were added to;
// - N subscriptions watching one AbortSignal, unsubscribed in random order:
//   cancellable(signal) beside takeUntil(fromEvent(signal, 'abort')).
import { execFileSync } from 'node:child_process';
import { forkJoin, fromEvent, NEVER, Subject, Subscription, takeUntil, type Observable } from 'rxjs';
import { cancellable, cancelScope, groupCancel } from '../lib';

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

const noop = (): void => {};

function groupEnding(kind: Order, group: (children: Observable<unknown>[]) => Observable<unknown>): Case {
  return (n) => {
    const subjects = Array.from({ length: n }, () => new Subject<number>());
    group(subjects).subscribe({ error: noop });
    const ends = order(n, kind);
    return () => {
      for (const i of ends) {
        subjects[i].next(i);
        subjects[i].complete();
      }
    };
  };
}

const cases: Record<string, { ours: Case; rxjs: Case; rxjsLabel: string }> = {};
for (const kind of ['forward', 'reverse', 'random'] as const) {
  cases[`groupCancel, children complete in ${kind} order`] = {
    ours: groupEnding(kind, (children) => groupCancel(children)),
    rxjs: groupEnding(kind, (children) => forkJoin(children)),
    rxjsLabel: 'forkJoin',
  };
}
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
  rxjsLabel: 'Subscription.add',
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
  rxjsLabel: 'takeUntil(fromEvent(signal))',
};

/** In a child process: ns per child for one case, side and N. */
function measureHere(name: string, side: 'ours' | 'rxjs', n: number): number {
  const make = cases[name][side];
  const repeats = Math.max(1, Math.ceil(MIN_CHILDREN / n));
  // One warm-up run at this N (compiles both the making and the ending).
  make(Math.min(n, 1_000))();
  let total = 0;
  for (let r = 0; r < repeats; r++) {
    const end = make(n);
    const start = process.hrtime.bigint();
    end();
    total += Number(process.hrtime.bigint() - start);
  }
  return total / repeats / n;
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

function inChild(name: string, side: 'ours' | 'rxjs', n: number): number {
  const out = execFileSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', __filename, '--one', name, side, String(n)],
    { encoding: 'utf8', env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' }, maxBuffer: 1 << 20 },
  );
  return Number(out);
}

function main(check: boolean): void {
  const ns = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));
  const lines = [
    `ns per child (median of ${RUNS} runs, each in a fresh process) as N grows; slope of the total time over N in log-log (1 = linear).`,
    '',
    `| case | side | ${SIZES.map((n) => `N = ${n.toLocaleString('en')}`).join(' | ')} | slope |`,
    `|---|---|${SIZES.map(() => '---|').join('')}---|`,
  ];
  let failed = false;
  for (const [name, { rxjsLabel }] of Object.entries(cases)) {
    for (const side of ['ours', 'rxjs'] as const) {
      const perChild = SIZES.map((n) => {
        process.stderr.write(`${name}, ${side}, N = ${n}…\n`);
        return median(Array.from({ length: RUNS }, () => inChild(name, side, n)));
      });
      const fitted = slope(perChild);
      const miss = side === 'ours' && fitted > MAX_SLOPE;
      failed ||= miss;
      const label = side === 'ours' ? 'rxjs-cancel' : rxjsLabel;
      const mark = side === 'ours' ? (miss ? ` ✗ (≤ ${MAX_SLOPE})` : ' ✓') : '';
      lines.push(`| ${name} | ${label} | ${perChild.map(ns).join(' | ')} | ${fitted.toFixed(2)}${mark} |`);
    }
  }
  console.log(lines.join('\n'));
  if (check && failed) {
    console.error(`bench --scaling --check: a slope of ours is above ${MAX_SLOPE}`);
    process.exitCode = 1;
  }
}

const at = process.argv.indexOf('--one');
if (at >= 0) {
  const [name, side, n] = process.argv.slice(at + 1);
  process.stdout.write(String(measureHere(name, side as 'ours' | 'rxjs', Number(n))));
} else {
  main(process.argv.includes('--check'));
}
