import {
  finalize,
  forkJoin,
  map,
  merge,
  NEVER,
  Observable,
  of,
  range,
  Subject,
  takeUntil,
  pipe,
  throwError,
  timeout,
  type MonoTypeOperatorFunction,
} from 'rxjs';
import { cancellable, finalizeCleanup, groupCancel, shieldUntil, timeoutCancel } from '../lib';

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
  /** What the ratios must stay under, per the benchmark issue; null where no target applies. */
  readonly targets: { readonly value?: number; readonly cycle?: number; readonly bytes?: number };
  /**
   * Per value, some operators must see every notification while their pair
   * need not (finalizeCleanup holds back `complete`; finalize does not look at
   * values at all): their per-value target is against `map(x => x)` instead.
   */
  readonly valueAgainstMap?: boolean;
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
    targets: { value: 1.1, cycle: 1.5, bytes: 1.5 },
    valueAgainstMap: true,
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
    name: 'timeoutCancel(total) vs timeout({ first })',
    ours: operatorSide('timeoutCancel', timeoutCancel(BIG)),
    pair: operatorSide('timeout', timeout({ first: BIG })),
    targets: { value: 1.1, cycle: 1.5, bytes: 1.5 },
  },
  {
    name: 'timeoutCancel({ each }) vs timeout(each)',
    ours: operatorSide('timeoutCancel', timeoutCancel({ each: BIG })),
    pair: operatorSide('timeout', timeout(BIG)),
    // At least 10× faster per value: a ratio of at most 0.1.
    targets: { value: 0.1, cycle: 1.5, bytes: 1.5 },
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
