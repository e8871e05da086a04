import {
  concat,
  finalize,
  forkJoin,
  map,
  merge,
  NEVER,
  Observable,
  of,
  race,
  range,
  Subject,
  switchMap,
  takeUntil,
  pipe,
  throwError,
  timeout,
  timer,
  asyncScheduler,
  type MonoTypeOperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import {
  cancellable,
  finalizeCleanup,
  groupCancel,
  raceCancel,
  shieldUntil,
  switchMapCancel,
  timeoutCancel,
} from '../lib';

/**
 * One side of a comparison: the Observables measured, built once (as an app
 * builds a pipe once and subscribes to it many times).
 */
export interface Side {
  readonly label: string;
  /** A dense synchronous stream of VALUES values through the operator; null when not measured. */
  readonly values: Observable<unknown> | null;
  /** Subscribed, then cancelled (a group that fails at once has ended by then). */
  readonly cycle: Observable<unknown>;
}

/** A row of the table: this package's operator beside the closest RxJS pair. */
export interface Row {
  readonly name: string;
  readonly ours: Side;
  readonly pair: Side;
  /** What the ratios must stay under, per the benchmark issues; none where no target applies. */
  readonly targets: { readonly value?: number; readonly cycle?: number; readonly bytes?: number };
  /** Cycles per timed call (default 1,000); fewer for a cycle that subscribes thousands of children. */
  readonly cyclesPerCall?: number;
}

export const VALUES = 100_000;
const BIG = 1e9; // a deadline that never passes during a benchmark

const noop = (): void => {};
const never = NEVER as Observable<number>;
const dense = (): Observable<number> => range(0, VALUES);
const identity = (): MonoTypeOperatorFunction<number> => map((x) => x);

function operatorSide(label: string, operator: MonoTypeOperatorFunction<number> | null): Side {
  const apply = (source: Observable<number>) => (operator === null ? source : source.pipe(operator));
  return { label, values: apply(dense()), cycle: apply(never) };
}

const notifier = new Subject<void>();

/** The dense stream pushed through a Subject (a hot source: the operator's subscriber is fed from outside RxJS's loops). */
function subjectSide(label: string, operator: MonoTypeOperatorFunction<number>): Side {
  return {
    label,
    values: new Observable<number>((subscriber) => {
      const subject = new Subject<number>();
      const subscription = subject.pipe(operator).subscribe(subscriber);
      for (let i = 0; i < VALUES; i++) subject.next(i);
      subject.complete();
      return subscription;
    }),
    cycle: never.pipe(operator),
  };
}

/**
 * A scheduler whose clock moves 1 ms every time it is read, so an operator
 * that times each value sees a new time on every value (on `range` the real
 * clock barely moves within a run). Timers go to the async scheduler.
 */
let clock = 0;
const movingClock: SchedulerLike = Object.create(asyncScheduler, { now: { value: () => ++clock } }) as SchedulerLike;

/** N children that never end, subscribed at once, then cancelled together: ours and the RxJS pair. */
function groupRows(n: number): Row[] {
  const children = (): Observable<number>[] => new Array<Observable<number>>(n).fill(never);
  const values = (): Observable<number>[] => new Array<Observable<number>>(n).fill(range(0, Math.max(1, VALUES / n)));
  const cyclesPerCall = Math.max(1, Math.round(2_000 / n));
  return [
    {
      name: `groupCancel({ output: 'merge' }) vs merge, ${n.toLocaleString('en')} children`,
      ours: {
        label: 'groupCancel',
        values: groupCancel(values(), { output: 'merge' }),
        cycle: groupCancel(children(), { output: 'merge' }),
      },
      pair: { label: 'merge', values: merge(...values()), cycle: merge(...children()) },
      targets: { value: 1.1, cycle: 1.5, bytes: 1.5 },
      cyclesPerCall,
    },
    {
      name: `groupCancel (collect) vs forkJoin, ${n.toLocaleString('en')} children`,
      ours: { label: 'groupCancel', values: groupCancel(values()), cycle: groupCancel(children()) },
      pair: { label: 'forkJoin', values: forkJoin(values()), cycle: forkJoin(children()) },
      targets: { value: 1.1, cycle: 1.5, bytes: 1.5 },
      cyclesPerCall,
    },
  ];
}

/**
 * A cancel that fires: each cycle subscribes to `never` through `operator`,
 * then `trigger` fires (both sides pay the same wrapper).
 */
function firedSide(label: string, operator: MonoTypeOperatorFunction<number>, trigger: Subject<string>): Side {
  const piped = never.pipe(operator);
  return {
    label,
    values: null,
    cycle: new Observable<number>((subscriber) => {
      const subscription = piped.subscribe(subscriber);
      trigger.next('fired');
      return subscription;
    }),
  };
}
const fires = new Subject<string>();

export const rows: readonly Row[] = [
  {
    name: 'A/A: map(x => x) vs itself (the noise of this run)',
    ours: operatorSide(
      'map',
      map((x) => x),
    ),
    pair: operatorSide(
      'map',
      map((x) => x),
    ),
    targets: {},
  },
  {
    name: 'map(x => x) vs no operator',
    ours: operatorSide(
      'map',
      map((x) => x),
    ),
    pair: operatorSide('none', null),
    targets: {},
  },
  // What any operator that makes a subscriber of its own pays against
  // finalize, which makes none (it adds its callback to the subscriber it is
  // given). finalizeCleanup must make one: it holds back `complete` and
  // `error` until its cleanup has settled. These rows are the floor its
  // finalize rows are read against.
  {
    name: 'reference: map(x => x) vs finalize',
    ours: operatorSide(
      'map',
      map((x) => x),
    ),
    pair: operatorSide('finalize', finalize(noop)),
    targets: {},
  },
  {
    name: 'reference: map(x => x) ×5 vs finalize ×5',
    ours: operatorSide('map ×5', pipe(identity(), identity(), identity(), identity(), identity())),
    pair: operatorSide(
      'finalize ×5',
      pipe(finalize(noop), finalize(noop), finalize(noop), finalize(noop), finalize(noop)),
    ),
    targets: {},
  },
  {
    name: 'reference: of(1), subscribed to its end: map(x => x) vs finalize',
    ours: { label: 'map', values: null, cycle: of(1).pipe(identity()) },
    pair: { label: 'finalize', values: null, cycle: of(1).pipe(finalize(noop)) },
    targets: {},
  },
  {
    name: 'finalizeCleanup vs finalize',
    ours: operatorSide('finalizeCleanup', finalizeCleanup(noop)),
    pair: operatorSide('finalize', finalize(noop)),
    targets: { cycle: 1.5, bytes: 1.5 },
  },
  // finalize makes no subscriber (its callback is added to the one it is
  // given); finalizeCleanup must make one, to hold back `complete`. Per value
  // it is held to what any operator with a subscriber costs.
  {
    name: 'finalizeCleanup vs map(x => x)',
    ours: operatorSide('finalizeCleanup', finalizeCleanup(noop)),
    pair: operatorSide('map', identity()),
    targets: { value: 1.1 },
  },
  {
    name: 'finalizeCleanup ×5 vs finalize ×5',
    ours: operatorSide(
      'finalizeCleanup ×5',
      pipe(
        finalizeCleanup(noop),
        finalizeCleanup(noop),
        finalizeCleanup(noop),
        finalizeCleanup(noop),
        finalizeCleanup(noop),
      ),
    ),
    pair: operatorSide(
      'finalize ×5',
      pipe(finalize(noop), finalize(noop), finalize(noop), finalize(noop), finalize(noop)),
    ),
    targets: {},
  },
  {
    name: 'of(1), subscribed to its end: finalizeCleanup vs finalize',
    ours: { label: 'finalizeCleanup', values: null, cycle: of(1).pipe(finalizeCleanup(noop)) },
    pair: { label: 'finalize', values: null, cycle: of(1).pipe(finalize(noop)) },
    targets: {},
  },
  {
    name: 'cancellable(notifier) vs takeUntil',
    ours: operatorSide('cancellable', cancellable(notifier)),
    pair: operatorSide('takeUntil', takeUntil(notifier)),
    targets: { value: 1.1, cycle: 1.5, bytes: 1.5 },
  },
  {
    name: 'cancellable(notifier) fires vs takeUntil',
    ours: firedSide('cancellable', cancellable(fires), fires),
    pair: firedSide('takeUntil', takeUntil(fires), fires),
    targets: { cycle: 2 },
  },
  {
    name: "cancellable(notifier, { onCancel: 'complete' }) fires vs takeUntil",
    ours: firedSide('cancellable', cancellable(fires, { onCancel: 'complete' }), fires),
    pair: firedSide('takeUntil', takeUntil(fires), fires),
    targets: { cycle: 2 },
  },
  {
    name: 'cancellable fires, with a cleanup: finalizeCleanup + cancellable vs finalize + takeUntil',
    ours: firedSide('cancellable', pipe(finalizeCleanup(noop), cancellable(fires)), fires),
    pair: firedSide('takeUntil', pipe(finalize(noop), takeUntil(fires)), fires),
    targets: { cycle: 2 },
  },
  // A total deadline: what a user writes for it with RxJS is takeUntil(timer)
  // (timeout({ first }) only times the first value, and errors).
  {
    name: 'timeoutCancel(total) vs takeUntil(timer(total))',
    ours: operatorSide('timeoutCancel', timeoutCancel(BIG)),
    pair: operatorSide('takeUntil(timer)', takeUntil(timer(BIG))),
    targets: { value: 1.1, cycle: 1.5, bytes: 1.5 },
  },
  {
    name: 'timeoutCancel(total) vs timeout({ first })',
    ours: operatorSide('timeoutCancel', timeoutCancel(BIG)),
    pair: operatorSide('timeout', timeout({ first: BIG })),
    targets: {},
  },
  // timeoutCancel({ each }) reads the clock per value and makes a timer only
  // when the clock has moved; RxJS's timeout(each) makes one per value. So
  // the ratio depends on the source: shown on range (the clock barely moves
  // within a run), on a Subject, and with a clock that moves on every value.
  {
    name: 'timeoutCancel({ each }) vs timeout(each), on range',
    ours: operatorSide('timeoutCancel', timeoutCancel({ each: BIG })),
    pair: operatorSide('timeout', timeout(BIG)),
    // At least 10× faster per value: a ratio of at most 0.1.
    targets: { value: 0.1, cycle: 1.5, bytes: 1.5 },
  },
  {
    name: 'timeoutCancel({ each }) vs timeout(each), on a Subject',
    ours: subjectSide('timeoutCancel', timeoutCancel({ each: BIG })),
    pair: subjectSide('timeout', timeout(BIG)),
    targets: {},
  },
  {
    name: 'timeoutCancel({ each }) vs timeout(each), the clock moving on every value',
    ours: operatorSide('timeoutCancel', timeoutCancel({ each: BIG, scheduler: movingClock })),
    pair: operatorSide('timeout', timeout({ each: BIG, scheduler: movingClock })),
    targets: { value: 1 },
  },
  {
    name: "groupCancel({ output: 'merge' }) vs merge",
    ours: {
      label: 'groupCancel',
      values: groupCancel([range(0, VALUES / 2), range(0, VALUES / 2)], { output: 'merge' }),
      cycle: groupCancel([never, never], { output: 'merge' }),
    },
    pair: {
      label: 'merge',
      values: merge(range(0, VALUES / 2), range(0, VALUES / 2)),
      cycle: merge(never, never),
    },
    targets: { value: 1.1, cycle: 1.5, bytes: 1.5 },
  },
  {
    name: 'groupCancel (collect) vs forkJoin',
    ours: {
      label: 'groupCancel',
      values: groupCancel([range(0, VALUES / 2), range(0, VALUES / 2)]),
      cycle: groupCancel([never, never]),
    },
    pair: {
      label: 'forkJoin',
      values: forkJoin([range(0, VALUES / 2), range(0, VALUES / 2)]),
      cycle: forkJoin([never, never]),
    },
    targets: { value: 1.1, cycle: 1.5, bytes: 1.5 },
  },
  {
    name: 'groupCancel of 100, one fails vs merge of 100 finalize-wrapped',
    ours: {
      label: 'groupCancel',
      values: null,
      cycle: groupCancel([
        ...Array.from({ length: 99 }, () => never.pipe(finalizeCleanup(noop))),
        throwError(() => 'x'),
      ]),
    },
    pair: {
      label: 'merge',
      values: null,
      cycle: merge(
        ...Array.from({ length: 99 }, () => never.pipe(finalize(noop))),
        throwError(() => 'x'),
      ),
    },
    targets: { cycle: 1.5, bytes: 1.5 },
  },
  {
    name: 'switchMapCancel vs switchMap, values of one inner',
    ours: {
      label: 'switchMapCancel',
      values: of(0).pipe(switchMapCancel(() => dense())),
      cycle: concat(of(0), never).pipe(switchMapCancel(() => never)),
    },
    pair: {
      label: 'switchMap',
      values: of(0).pipe(switchMap(() => dense())),
      cycle: concat(of(0), never).pipe(switchMap(() => never)),
    },
    targets: { value: 1.1, cycle: 1.5 },
  },
  {
    name: 'switchMapCancel vs switchMap, every outer value supersedes the inner before it',
    ours: {
      label: 'switchMapCancel',
      values: dense().pipe(switchMapCancel((n) => concat(of(n), never))),
      cycle: never.pipe(switchMapCancel(() => never)),
    },
    pair: {
      label: 'switchMap',
      values: dense().pipe(switchMap((n) => concat(of(n), never))),
      cycle: never.pipe(switchMap(() => never)),
    },
    targets: {},
  },
  {
    name: 'raceCancel vs race, two sources',
    ours: {
      label: 'raceCancel',
      values: raceCancel(dense(), never),
      cycle: raceCancel(never, never),
    },
    pair: {
      label: 'race',
      values: race(dense(), never),
      cycle: race(never, never),
    },
    targets: { value: 1.1, cycle: 1.5 },
  },
  ...groupRows(10),
  ...groupRows(1_000),
  ...groupRows(100_000),
  {
    name: 'shieldUntil vs no operator',
    ours: {
      label: 'shieldUntil',
      values: dense().pipe(shieldUntil()),
      // Released at once when detached, so the cycle ends the work too.
      cycle: never.pipe(shieldUntil(of(0))),
    },
    pair: operatorSide('none', null),
    targets: { value: 1.1 },
  },
];

/** Subscribes, then cancels (a group that fails at once has ended by then). */
export function runCycle(source: Observable<unknown>): void {
  source.subscribe({ error: noop }).unsubscribe();
}

/** Runs a dense stream to its end. */
export function runValues(source: Observable<unknown>): void {
  source.subscribe({ error: noop });
}
