import {
  asyncScheduler,
  from,
  Observable,
  type MonoTypeOperatorFunction,
  type ObservableInput,
  type ObservedValueOf,
  type OperatorFunction,
  type SchedulerAction,
  type SchedulerLike,
  type Subscription,
  TimeoutError,
  type TimeoutInfo,
} from 'rxjs';
import {
  CANCEL,
  checkChoice,
  checkDate,
  checkDuration,
  ERROR,
  invalid,
  isObservableInput,
  isScheduler,
  hooks,
  Link,
  madeAt,
  scheduledState,
  siteOf,
  subscribeOwned,
  watchValues,
  type Downstream,
  type Hooks,
  type Site,
} from './core';
import { brand, CancelledError, CleanupError, describeValue, isBranded, setCause } from './errors';

/**
 * Which deadline of `timeoutCancel` passed.
 *
 * @group Options and types
 */
export type Deadline = 'total' | 'at' | 'first' | 'each';

/**
 * What `timeoutCancel` knows when a deadline passes: RxJS's `TimeoutInfo`, and which deadline it was.
 *
 * @group Options and types
 */
export interface TimeoutCancelInfo<T = unknown, M = unknown> extends TimeoutInfo<T, M> {
  /** Which deadline passed. */
  readonly deadline: Deadline;
}

// The mark of this module's errors, shared by every copy of the package (brand, in errors.ts).
const DEADLINE_ERROR = Symbol.for('rxjs-cancel:DeadlineError');

/**
 * The error `timeoutCancel` ends with when a deadline passes. It is an
 * `instanceof` RxJS's own `TimeoutError` (so `catchError(e => e instanceof
 * TimeoutError …)` keeps working, and its `name` is `'TimeoutError'`), says
 * which deadline passed in `deadline`, carries RxJS's `info`, and has as
 * `cause` the cancellation of the source, as Python chains `TimeoutError`
 * from `CancelledError`. It is also the reason the source is cancelled with,
 * so a cleanup can tell a timeout from other cancels:
 * `exit.reason instanceof TimeoutError`.
 *
 * @group Errors
 */
// The interface of the same name (below) makes it a TimeoutError to the type
// checker; the prototype link below makes it one at run time.

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class DeadlineError<T = unknown, M = unknown> extends Error {
  /** `'TimeoutError'`, as RxJS's own. */
  override readonly name = 'TimeoutError';
  /** The deadline that passed, the values seen, the last one, and `meta`. */
  readonly info: TimeoutCancelInfo<T, M>;
  /** Which deadline passed (also `info.deadline`). */
  readonly deadline: Deadline;

  constructor(info: TimeoutCancelInfo<T, M>) {
    super(`the ${info.deadline} deadline passed after ${info.seen} value${info.seen === 1 ? '' : 's'}`);
    this.info = info;
    this.deadline = info.deadline;
    setCause(this, new CancelledError(this));
    brand(this, DEADLINE_ERROR);
  }

  /**
   * `instanceof` that holds across copies of this package: an error made by
   * its ES module build is an instance of the class of its CommonJS build,
   * loaded beside it (Jest with an ES module bundle), and of another version.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(this, DeadlineError, DEADLINE_ERROR, value);
  }
}

// An instanceof RxJS's TimeoutError through its prototype chain, without
// running RxJS's constructor: that one reads `new Error().stack` at once,
// which formats a stack trace on every timeout (costly anywhere, very costly
// under source-map support); this error's stack stays lazy like any Error's.
Object.setPrototypeOf(DeadlineError.prototype, TimeoutError.prototype as object);

/** DeadlineError is a TimeoutError; the prototype chain above makes it so at run time. */
export interface DeadlineError<T, M> extends TimeoutError<T, M> {
  readonly info: TimeoutCancelInfo<T, M>;
}

/**
 * What a {@link TimeoutCancelConfig} must have at least one of: a config
 * without a deadline (`timeoutCancel({})`) would never time out, and is
 * refused by the types as at the call.
 *
 * @group Options and types
 */
export type TimeoutCancelDeadline =
  | {
      /** The whole subscription's deadline, in milliseconds. */
      readonly total: number;
    }
  | {
      /** An absolute deadline. */
      readonly at: Date;
    }
  | {
      /** The first value's deadline. */
      readonly first: number | Date;
    }
  | {
      /** The longest gap between values. */
      readonly each: number;
    }
  | {
      /** Deadlines set as the work runs. */
      readonly reschedule: ObservableInput<number | Date | null>;
    };

/**
 * The config of {@link timeoutCancel}: its deadlines, and what happens when one passes.
 *
 * @group Options and types
 */
export interface TimeoutCancelConfig<T, O extends ObservableInput<unknown> = ObservableInput<never>, M = unknown> {
  /**
   * A deadline for the whole subscription, in milliseconds from subscribe
   * (asyncio's `wait_for` / `timeout`). Not a gap between values: that is
   * `each`.
   */
  readonly total?: number;
  /** An absolute deadline (asyncio's `timeout_at`), on the scheduler's clock. */
  readonly at?: Date;
  /** A deadline for the first value: milliseconds from subscribe, or a Date. */
  readonly first?: number | Date;
  /**
   * The longest gap allowed between two values, in milliseconds (> 0). Without
   * `first`, also the longest wait for the first value.
   */
  readonly each?: number;
  /**
   * Moves the total deadline while the work runs (asyncio's
   * `Timeout.reschedule()`): each value is a new deadline, in milliseconds
   * from now or as a Date; `null` removes it. An error from it cancels the
   * source with that error as the reason, then is passed on.
   */
  readonly reschedule?: ObservableInput<number | Date | null>;
  /**
   * Called once the timed-out source has cleaned up; the downstream switches
   * to the ObservableInput it returns (e.g. a cached value).
   */
  readonly with?: (info: TimeoutCancelInfo<T, M>) => O;
  /**
   * `'error'` (default): a {@link DeadlineError}. `'complete'`: complete
   * instead, like Trio's `move_on_after`. Not together with `with`.
   */
  readonly onTimeout?: 'error' | 'complete';
  /** Passed to `with` and the error as `info.meta`, like RxJS's `timeout`. */
  readonly meta?: M;
  /** The scheduler that times the deadlines. Default: `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** The validated settings, shared by every subscription to one operator. */
interface Settings {
  readonly total: number;
  readonly at: number;
  readonly first: number | Date | undefined;
  readonly each: number;
  readonly reschedule: Observable<unknown> | null;
  readonly fallback: ((info: TimeoutCancelInfo<never>) => unknown) | null;
  readonly complete: boolean;
  readonly meta: unknown;
  readonly scheduler: SchedulerLike;
  /** Where the operator was created: the stack of its DeadlineErrors (see core/site.ts). */
  readonly site: Site;
}

/**
 * Gives the source a deadline; when it passes, cancels the source, waits for
 * its cleanups, and only then ends with a `TimeoutError`, a fallback, or a
 * completion.
 *
 * <span class="informal">asyncio's `wait_for`, with a deadline for the whole
 * thing rather than for each value.</span>
 *
 * ```
 * source:    --a--b--c--d--e--      timeoutCancel(6)
 * cleanup:         ^-|              (a finalizeCleanup upstream, 2 frames)
 * result:    --a--b--#              (TimeoutError at frame 8: the deadline, then the cleanup)
 * ```
 *
 * ![timeoutCancel, drawn from its marble test](../docs/diagrams/timeoutCancel.svg)
 *
 * `timeoutCancel(5000)` is a *total* deadline counted from subscription: the
 * number in RxJS's `timeout(5000)` is a gap between values instead. The config
 * form takes any combination of `total`, `at` (an absolute Date), `first`
 * (for the first value) and `each` (between values; without `first`, for the
 * first value too); the earliest one that passes fires. `reschedule` moves
 * the total deadline while the work runs.
 *
 * When a deadline passes, the source is cancelled with a {@link DeadlineError}
 * as the reason (a cleanup sees `exit.reason instanceof TimeoutError`); every
 * cleanup that starts upstream is awaited; then the downstream gets the
 * DeadlineError (an `instanceof` RxJS's `TimeoutError`, its `cause` the
 * cancellation), or the `with` fallback, or a completion with
 * `onTimeout: 'complete'`. A cleanup that failed is not lost: the downstream
 * gets a `CleanupError` with the failures and the DeadlineError as `cause`.
 *
 * It does not make a synchronous source time out: a deadline of 0 still lets
 * a source that completes while being subscribed complete. Per value it costs
 * nothing without `each`; with `each`, one clock read, and a new timer only
 * when the clock has moved since the last value (RxJS's `timeout` makes one
 * for every value), so in virtual time it resolves ties exactly as RxJS does.
 *
 * Mirrors asyncio's `wait_for(aw, timeout)`, `async with timeout(delay)` and
 * `timeout_at(when)`.
 *
 * ## Example
 *
 * ```ts
 * import { of, TimeoutError } from 'rxjs';
 * import { finalizeCleanup, fromAbortable, timeoutCancel } from 'rxjs-cancel';
 *
 * fromAbortable((signal) => fetch('https://api.example.com/slow', { signal }).then((r) => r.json()))
 *   .pipe(
 *     finalizeCleanup((exit) => console.log(exit.kind, exit.kind === 'cancel' && exit.reason instanceof TimeoutError)),
 *     timeoutCancel({ total: 2000, with: () => of('from the cache') }),
 *   )
 *   .subscribe(console.log);
 * // results (the server takes longer than 2 s):
 * // cancel true        (the fetch is aborted)
 * // from the cache
 * ```
 *
 * @see {@link cancellable}
 * @see {@link finalizeCleanup}
 * @param total A deadline for the whole subscription in milliseconds, or the
 * config.
 * @return A function that returns an Observable that mirrors the source until
 * a deadline passes, then ends, once the source has cleaned up, with a
 * DeadlineError, the fallback, or a completion.
 *
 * @group Operators
 */
export function timeoutCancel<T>(total: number): MonoTypeOperatorFunction<T>;
/**
 * Deadlines from a config, with a fallback: when a deadline passes, the
 * source is cancelled, its cleanups awaited, and the output switches to the
 * ObservableInput `with` returns, whose values widen the type.
 *
 * @see {@link timeoutCancel} (the first signature) for the whole story.
 * @param config The deadlines (`total`, `at`, `first`, `each`,
 * `reschedule`), `with`, `meta`, `scheduler`.
 * @return A function that returns an Observable of the source's values, then,
 * if a deadline passed, the fallback's.
 */
export function timeoutCancel<T, O extends ObservableInput<unknown>, M = unknown>(
  config: TimeoutCancelConfig<T, O, M> &
    TimeoutCancelDeadline & {
      readonly with: (info: TimeoutCancelInfo<T, M>) => O;
      readonly onTimeout?: 'error';
    },
): OperatorFunction<T, T | ObservedValueOf<O>>;
/**
 * Deadlines from a config: when one passes, the source is cancelled, its
 * cleanups awaited, then the output errors with a {@link DeadlineError} (or
 * completes, with `onTimeout: 'complete'`).
 *
 * @see {@link timeoutCancel} (the first signature) for the whole story.
 * @param config The deadlines (`total`, `at`, `first`, `each`,
 * `reschedule`), `onTimeout`, `meta`, `scheduler`.
 * @return A function that returns an Observable that mirrors the source until
 * a deadline passes.
 */
export function timeoutCancel<T, M = unknown>(
  config: Omit<TimeoutCancelConfig<T, never, M>, 'with'> & TimeoutCancelDeadline,
): MonoTypeOperatorFunction<T>;
export function timeoutCancel<T, O extends ObservableInput<unknown>, M>(
  totalOrConfig: number | TimeoutCancelConfig<T, O, M>,
): OperatorFunction<T, T | ObservedValueOf<O>> {
  const settings = settingsOf(totalOrConfig, siteOf(timeoutCancel));
  return (source) =>
    new Observable<T | ObservedValueOf<O>>((destination) => {
      new Timing<T>(destination, settings).link.open(source);
    });
}

const ON_TIMEOUT = ['error', 'complete'] as const;

function settingsOf(totalOrConfig: unknown, site: Site): Settings {
  const fn = 'timeoutCancel';
  if (totalOrConfig instanceof Date) {
    throw new TypeError(`${fn}: a Date is not a total in milliseconds; for an absolute deadline use { at: date }`);
  }
  const direct = typeof totalOrConfig === 'number';
  if (!direct && (typeof totalOrConfig !== 'object' || totalOrConfig === null || Array.isArray(totalOrConfig))) {
    invalid(fn, 'total', 'a number of milliseconds or a config object', totalOrConfig);
  }
  const config = (direct ? { total: totalOrConfig } : totalOrConfig) as TimeoutCancelConfig<unknown>;
  // `timeoutCancel(5)` names its argument `total`; the config form, `config.total`.
  const key = (name: string) => (direct ? name : `config.${name}`);
  const { first, scheduler = asyncScheduler, reschedule } = config;
  // Every value is a deadline, so an AbortSignal (which aborts once, with
  // whatever reason) is no way to give them.
  if (reschedule !== undefined && !isObservableInput(reschedule)) {
    invalid(fn, key('reschedule'), 'an ObservableInput of deadlines', reschedule);
  }
  const fallback = config.with;
  if (!isScheduler(scheduler)) invalid(fn, key('scheduler'), 'a scheduler', scheduler);
  if (first instanceof Date) checkDate(fn, key('first'), first);
  else if (first !== undefined) checkDuration(fn, key('first'), first, true);
  const each = config.each === undefined ? Infinity : checkDuration(fn, key('each'), config.each, true);
  if (each === 0) throw new RangeError(`${fn}: \`config.each\` must be greater than 0`);
  if (fallback !== undefined && typeof fallback !== 'function') invalid(fn, key('with'), 'a function', fallback);
  const complete = checkChoice(fn, key('onTimeout'), config.onTimeout, ON_TIMEOUT) === 'complete';
  if (fallback !== undefined && complete) {
    throw new TypeError(`${fn}: \`config.with\` and \`onTimeout: 'complete'\` cannot be used together`);
  }
  const total = config.total === undefined ? Infinity : checkDuration(fn, key('total'), config.total, true);
  const at = config.at === undefined ? Infinity : checkDate(fn, key('at'), config.at).getTime();
  if (total === Infinity && at === Infinity && first === undefined && each === Infinity && reschedule === undefined) {
    throw new TypeError(`${fn}: the config needs a deadline: total, at, first, each or reschedule`);
  }
  return {
    total,
    at,
    first,
    each,
    reschedule: reschedule === undefined ? null : from(reschedule),
    fallback: (fallback ?? null) as Settings['fallback'],
    complete,
    meta: config.meta,
    scheduler,
    site,
  };
}

/**
 * One subscription's deadlines, watched with one scheduled check at a time,
 * for the earliest deadline in force.
 *
 * A value under `each` moves that deadline, and the check is then replaced,
 * as RxJS's timeout replaces its timer: a check created at the value's time
 * resolves a tie with another action due in the same frame exactly as RxJS
 * does. What makes it cheap is that values arriving at the same instant (a
 * synchronous burst, or many values within one millisecond of the real
 * clock) give the same deadline, and then nothing is scheduled again: the
 * cost per value is one clock read.
 *
 * The one difference from RxJS that remains is in a frame where values
 * arrive at one instant after the first and the downstream, while handling
 * them, schedules an action for exactly the deadline's frame: RxJS's timer,
 * made after the last of those values, would run after that action; this
 * check, made after the first of them, runs before it. A property test
 * compares both over generated sources, ties included.
 */
class Timing<T> {
  private readonly scheduler: SchedulerLike;
  private totalDue = Infinity;
  private totalDeadline: Deadline = 'total';
  private firstDue = Infinity;
  private firstDeadline: Deadline = 'first';
  private seen = 0;
  private lastValue: T | null = null;
  private lastValueAt = 0;
  private action: Subscription | null = null;
  private armedDue = Infinity;
  /** The deadline the next check looks at; set by nextDue(). */
  private deadline: Deadline = 'total';
  private timedOut: DeadlineError<T> | null = null;

  private readonly settings: Settings;
  /** The subscription this times: its values come here first (its `next` hook). */
  readonly link: Link<T, Timing<T>>;

  constructor(destination: Downstream<T>, settings: Settings) {
    this.settings = settings;
    const { scheduler, total, at, first, each } = settings;
    this.scheduler = scheduler;
    const now = scheduler.now();
    this.lastValueAt = now;
    this.setTotal(now + total, 'total');
    if (at < this.totalDue) this.setTotal(at, 'at');
    if (first !== undefined) {
      this.firstDue = typeof first === 'number' ? now + first : first.getTime();
    } else if (each !== Infinity) {
      this.firstDue = now + each;
      this.firstDeadline = 'each';
    }
    this.link = new Link(destination, HOOKS as Hooks<T, Timing<T>>, this);
  }

  // The source first, then the timer, as RxJS's timeout does: a value and a
  // deadline in the same frame resolve the same way.
  start(source: Observable<T>): void {
    source.subscribe(this.link);
    if (!this.link.live) return;
    if (this.settings.reschedule !== null) watchValues(this.link, this.settings.reschedule);
    // A reschedule value may have ended it already (a bad deadline).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    if (this.link.live) this.arm();
  }

  // Called by the link's next hook, only while the link is live.
  next(value: T): void {
    const isFirst = this.seen === 0;
    this.seen++;
    this.lastValue = value;
    this.link.emit(value);
    // The downstream may have ended it in its `next`.
    if (!this.link.live) return;
    // After the value has gone downstream, as RxJS's timeout starts its timer,
    // so a deadline and an action the downstream scheduled for the same frame
    // run in the same order as with RxJS.
    if (this.settings.each !== Infinity) {
      const now = this.scheduler.now();
      // At the same instant as the last value the deadline has not moved:
      // nothing to schedule. The first value always re-arms: the check armed
      // at subscribe was made before anything the source set up since.
      if (now !== this.lastValueAt || isFirst) {
        this.lastValueAt = now;
        this.arm(isFirst);
      }
    } else if (isFirst && this.firstDue !== Infinity) {
      this.arm(); // the first-value deadline no longer holds
    }
  }

  /** A `reschedule` value (each one, see watchValues): a new total deadline. */
  fire(value: unknown): void {
    if (!this.link.live) return;
    if (value === null) {
      this.totalDue = Infinity;
    } else if (isValidDate(value)) {
      this.setTotal(value.getTime(), 'at');
    } else if (typeof value === 'number' && value >= 0 && value !== Infinity) {
      this.setTotal(this.scheduler.now() + value, 'total');
    } else {
      const error = new TypeError(
        `timeoutCancel: \`reschedule\` emitted ${describeValue(value, true)}; it must emit milliseconds, a valid Date, or null`,
      );
      this.link.stop(ERROR, error);
      return;
    }
    this.arm();
  }

  /** The scheduled check ran: its deadline has come. */
  check(action: Subscription): void {
    if (!this.link.live) return;
    action.unsubscribe();
    this.action = null;
    this.armedDue = Infinity;
    if (this.nextDue() <= this.scheduler.now()) this.timeOut();
    else this.arm();
  }

  report(destination: Downstream<T>, failures: unknown[] | null): void {
    // Only a deadline cancels a timeoutCancel while its downstream listens (an
    // unsubscribe leaves no one to report to), so `timedOut` tells the kind.
    const error = this.timedOut;
    if (error === null) this.link.tell(destination, failures);
    else if (failures !== null) destination.error(new CleanupError(failures, error));
    else if (this.settings.fallback !== null) this.switchToFallback(this.settings.fallback, destination, error.info);
    else if (this.settings.complete) destination.complete();
    else destination.error(error);
  }

  private setTotal(due: number, deadline: Deadline): void {
    this.totalDue = due;
    this.totalDeadline = deadline;
  }

  /** The earliest deadline still in force, and which one it is. */
  private nextDue(): number {
    let due = this.totalDue;
    this.deadline = this.totalDeadline;
    const other = this.seen === 0 ? this.firstDue : this.lastValueAt + this.settings.each;
    if (other < due) {
      due = other;
      this.deadline = this.seen === 0 ? this.firstDeadline : 'each';
    }
    return due;
  }

  /** Schedules the check for the earliest deadline, unless it is scheduled for it already (or `anew`). */
  private arm(anew = false): void {
    const due = this.nextDue();
    if (due === this.armedDue && !anew) return;
    this.action?.unsubscribe();
    this.action = null;
    this.armedDue = due;
    if (due === Infinity) return;
    const action = this.scheduler.schedule(runCheck, Math.max(0, due - this.scheduler.now()), this);
    this.action = action;
    this.link.add(action);
  }

  private timeOut(): void {
    const info: TimeoutCancelInfo<T> = {
      deadline: this.deadline,
      meta: this.settings.meta,
      seen: this.seen,
      lastValue: this.lastValue,
    };
    // Not held past the end: the error carries it if anyone needs it.
    this.lastValue = null;
    this.timedOut = madeAt(this.settings.site, () => new DeadlineError(info));
    this.link.stop(CANCEL, this.timedOut);
  }

  private switchToFallback(
    make: NonNullable<Settings['fallback']>,
    destination: Downstream<T>,
    info: TimeoutCancelInfo<T>,
  ): void {
    let fallback: ObservableInput<T>;
    try {
      const given = make(info as TimeoutCancelInfo<never>);
      // Telling what it returned reads its properties, which can throw too.
      if (!isObservableInput(given)) {
        throw new TypeError(
          `timeoutCancel: \`with\` must return an ObservableInput, got ${describeValue(given, true)}`,
        );
      }
      fallback = given as ObservableInput<T>;
    } catch (error) {
      destination.error(error);
      return;
    }
    // The fallback takes the source's place: what it subscribes belongs where
    // the link did (its owner), for a canceller of the downstream to adopt.
    subscribeOwned(this.link.owner, from(fallback), destination);
  }
}

/** Every hook hands over to the subscription's Timing. */
const HOOKS: Hooks<unknown, Timing<unknown>> = hooks<unknown, Timing<unknown>>({
  next(link, value) {
    link.state.next(value);
  },
  start(link, source) {
    link.state.start(source);
  },
  fire(link, value) {
    link.state.fire(value);
  },
  report(link, destination, failures) {
    link.state.report(destination, failures);
  },
});

function runCheck<T>(this: SchedulerAction<Timing<T>>, timing?: Timing<T>): void {
  scheduledState('timeoutCancel', timing).check(this);
}

/** A valid Date; false for anything else, also a value that throws when looked at (a revoked Proxy). */
function isValidDate(value: unknown): value is Date {
  try {
    return value instanceof Date && !Number.isNaN(value.getTime());
  } catch {
    return false;
  }
}
