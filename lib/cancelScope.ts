import { from, Observable, Subscription, type ObservableInput, type Observer, type Subscriber } from 'rxjs';
import {
  belongsTo,
  checkOptions,
  enterOwner,
  invalid,
  isObservableInput,
  leaveOwner,
  Link,
  PLAIN,
  reportUnhandledError,
  teardownFor,
  type Waiter,
  type Hooks,
} from './core';
import { CancelledError, CleanupError } from './errors';

// The public type of a scope names `Symbol.asyncDispose`. Projects whose
// `lib` predates explicit resource management (ES2022, say) have no such
// member, and with `skipLibCheck` off our declarations would not compile
// there. Declaring it here, exactly as TypeScript's esnext.disposable lib and
// @types/node do, merges cleanly with theirs where they exist.
declare global {
  interface SymbolConstructor {
    readonly asyncDispose: unique symbol;
  }
}

/**
 * The reason a cancel scope cancels its work with when `cancel()` or
 * `close()` is given none.
 *
 * @group Reasons
 */
export const SCOPE_CLOSED: unique symbol = Symbol('scope closed');

/**
 * Anything that says when it is destroyed, like Angular's `DestroyRef`.
 *
 * @group Options and types
 */
export interface DestroyNotifier {
  /** Registers `callback` to run on destruction; may return a function that unregisters it. */
  onDestroy(callback: () => void): unknown;
}

/**
 * The options of {@link cancelScope}.
 *
 * @group Options and types
 */
export interface CancelScopeOptions {
  /**
   * Closes the scope when its owner is destroyed: anything with
   * `onDestroy(callback)`, e.g. Angular's `DestroyRef` (this package does not
   * depend on Angular). If `onDestroy` returns a function, it is called to
   * unregister once the scope has closed by other means.
   */
  readonly owner?: DestroyNotifier;
}

/**
 * A scope that owns work: what it `run`s lives at most as long as the scope.
 * Closing it cancels what still runs and settles once every cleanup has.
 *
 * @group Options and types
 */
export interface CancelScope {
  /**
   * Subscribes `source` inside the scope and returns the subscription. In a
   * scope that is already cancelled nothing is subscribed: the observer gets
   * a `CancelledError` carrying the scope's reason.
   */
  run<T>(source: ObservableInput<T>, observer?: Partial<Observer<T>> | ((value: T) => void)): Subscription;
  /**
   * Cancels everything running in the scope with `reason` (default
   * `SCOPE_CLOSED`), at once; cleanups go on. Cleanup failures go to the
   * `close()` promise if one was asked for before they settled, else to
   * `config.onUnhandledError`, as the `CleanupError` `close()` would reject with.
   */
  cancel(reason?: unknown): void;
  /**
   * Cancels what still runs (with `reason`, if not cancelled yet) and resolves
   * once every cleanup that started has settled; rejects with a
   * `CleanupError` (an `AggregateError`) if any failed.
   */
  close(reason?: unknown): Promise<void>;
  /** `close()`, for `await using scope = cancelScope()`. */
  [Symbol.asyncDispose](): Promise<void>;
  /** Aborts with the scope's reason when the scope is cancelled; for code that takes an `AbortSignal`. */
  readonly signal: AbortSignal;
  /** True once the scope is cancelled or closed. */
  readonly cancelled: boolean;
}

/**
 * Creates a scope that owns work, like a task group you hold on to.
 *
 * <span class="informal">`async with TaskScope()`: leaving the block cancels
 * the tasks and waits for them.</span>
 *
 * ```
 * scope.run(a$)   a$: ---------       (cancelled at close)
 * scope.run(b$)   b$: ---------
 * close() at 1:       -!              both unsubscribed at once,
 *                      ^--|           the promise settles once their cleanups have
 * ```
 *
 * ![cancelScope, drawn from its marble test](../docs/diagrams/cancelScope.svg)
 *
 * `run` subscribes work inside the scope. `cancel(reason)` cancels all of it
 * at once, with that reason for its cleanups; `close()` does the same and
 * returns a Promise that settles once every cleanup has settled, rejecting
 * with a `CleanupError` if any failed. `await using scope = cancelScope()`
 * closes it at the end of the block. `scope.signal` lets code that takes an
 * `AbortSignal` join in. With `owner` (anything with `onDestroy(callback)`,
 * e.g. Angular's `DestroyRef`) the scope closes when its owner is destroyed.
 *
 * It does not wait for work to finish on its own, and a run's own errors go to
 * its observer (or `config.onUnhandledError`), not to `close()`.
 *
 * Mirrors a class with `async def __aexit__` that cancels and gathers its
 * tasks (asyncio) or a Trio nursery's cancel scope.
 *
 * ## Example
 *
 * ```ts
 * import { interval } from 'rxjs';
 * import { cancelScope, finalizeCleanup } from 'rxjs-cancel';
 *
 * async function poll() {
 *   await using scope = cancelScope();
 *   scope.run(interval(1000).pipe(finalizeCleanup(() => saveProgress())), console.log);
 *   await somethingElse();
 * } // here every run is cancelled and saveProgress() has settled
 * ```
 *
 * @see {@link groupCancel}
 * @param options `owner`.
 * @return A new, open scope.
 *
 * @group Scopes
 */
export function cancelScope(options?: CancelScopeOptions): CancelScope {
  checkOptions('cancelScope', options);
  const owner = options?.owner;
  // Checked at run time whatever the types say: JavaScript callers exist.
  // Anything with an onDestroy method will do (duck typing, as for signals).
  if (owner !== undefined && typeof (owner as Partial<DestroyNotifier> | null)?.onDestroy !== 'function') {
    invalid('cancelScope', 'options.owner', 'an object with an onDestroy(callback) method', owner);
  }
  return new Scope(owner, null, SCOPE_CLOSED);
}

/**
 * What a scope can keep busy from its cancellation until every cleanup of it
 * has settled, such as Angular's `PendingTasks`: `add()` starts a task and
 * returns the function that ends it. Not exported from the package: the
 * Angular entry's `injectCancelScope` passes one.
 */
export interface Busy {
  add(): () => void;
}

/**
 * {@link cancelScope}, closed with `reason` when `owner` is destroyed, and
 * keeping `busy` busy while the cleanups of its cancellation run.
 */
export function busyScope(owner: DestroyNotifier, busy: Busy | null, reason: unknown): CancelScope {
  return new Scope(owner, busy, reason);
}

// Runtimes without explicit resource management (older browsers) lack the
// symbol, whatever the declaration above says; `await using` polyfills use
// the registered one.
const asyncDispose: typeof Symbol.asyncDispose =
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  Symbol.asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);

/**
 * The runs of a scope still running, in the order they started. A run leaves
 * it when it ends, in constant time (a parent Subscription's remove searches
 * and splices its list: N runs ending one by one cost O(N²)). Closed once the
 * scope is cancelled, as a Subscription would be: adopter() walks from a run
 * through here to the scope only while the scope's teardown runs.
 */
class Runs extends Set<Subscription> {
  closed = false;
}

/**
 * The scope is itself the ambient waiter of its cancellation (as a link is):
 * it counts the cleanups that outlive the teardown and settles when the last
 * one has. `hold`, `fail` and `release` are not part of the CancelScope type.
 */
class Scope implements CancelScope, Waiter {
  reason: unknown = SCOPE_CLOSED;
  private readonly runs = new Runs();
  private isCancelled = false;
  private controller: AbortController | null = null;
  /** Pieces of work the settlement waits for; 1 until the cancellation happens. */
  private running = 1;
  private failures: unknown[] | null = null;
  private settled = false;
  /** Set by close(): who receives the cleanup failures. */
  private closing: { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } | null = null;
  private unregisterOwner: (() => void) | null = null;
  /** Ends the task of `busy` held since the cancellation (see busyScope). */
  private idle: (() => void) | null = null;
  private readonly busy: Busy | null;

  constructor(owner: DestroyNotifier | undefined, busy: Busy | null, destroyed: unknown) {
    this.busy = busy;
    // The runs are the scope's: adopter()'s walk goes on from them to it.
    belongsTo(this.runs, this);
    if (owner === undefined) return;
    const unregister = owner.onDestroy(() => {
      this.unregisterOwner = null;
      // A cancel, not a close(): nobody awaits it, so the failures go to the
      // unhandled path unless some code asks close() for them before they
      // settle (a close() here would hand them to both).
      this.cancel(destroyed);
    });
    if (typeof unregister === 'function') this.unregisterOwner = unregister as () => void;
  }

  get cancelled(): boolean {
    return this.isCancelled;
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      // Made on first use only: an AbortController is costly, and most scopes never need one.
      this.controller = new AbortController();
      if (this.isCancelled) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  run<T>(source: ObservableInput<T>, observer?: Partial<Observer<T>> | ((value: T) => void)): Subscription {
    if (!isObservableInput(source)) invalid('scope.run', 'source', 'an ObservableInput', source);
    const partial: Partial<Observer<T>> | undefined = typeof observer === 'function' ? { next: observer } : observer;
    if (this.isCancelled) {
      const cancelled = new CancelledError(this.reason);
      if (partial?.error) partial.error(cancelled);
      else reportUnhandledError(cancelled);
      return Subscription.EMPTY;
    }
    const input = from(source);
    // The run belongs to the scope before its source is subscribed: a source
    // that emits while being subscribed (`of`, a BehaviorSubject) reaches an
    // observer that may cancel or close the scope, and that must end the run
    // and await its cleanups like any other. So the run's subscriber (RxJS's
    // own, for the observer as given) is made first, by subscribing to an
    // Observable that only hands it over, then added to the scope, then
    // subscribed to the source; errors RxJS throws from that subscribe reach
    // the caller, as from any subscribe().
    let subscriber!: Subscriber<T>;
    // Without an error handler, an error reaches config.onUnhandledError, as documented.
    // eslint-disable-next-line rxjs-x/no-ignored-error
    const run = new Observable<T>((given) => void (subscriber = given)).subscribe(partial);
    const { runs } = this;
    runs.add(run);
    run.add(() => runs.delete(run));
    // A plain observer's subscriber feeds no subscriber: adopter() learns here
    // that it is the scope's, so whatever the run subscribes, at once or
    // later, is the scope's work.
    belongsTo(run, this.runs);
    // The source is subscribed through a link, as by any operator of this
    // package: what the source returns while it is being subscribed (a
    // teardown, after an observer closed the scope) is awaited as the rest.
    const outer = enterOwner(this.runs, null);
    try {
      new Link(subscriber, PLAIN as Hooks<T, null>, null).open(input);
    } finally {
      leaveOwner(outer);
    }
    return run;
  }

  cancel(...reason: [] | [reason: unknown]): void {
    if (this.isCancelled) return;
    this.isCancelled = true;
    if (reason.length > 0) this.reason = reason[0];
    // Before the teardown: cleanups that settle during it end the task again.
    if (this.busy !== null) this.idle = this.busy.add();
    this.controller?.abort(this.reason);
    this.runs.closed = true;
    teardownFor(this, [...this.runs]);
    const unregister = this.unregisterOwner;
    this.unregisterOwner = null;
    if (unregister !== null) {
      try {
        unregister();
      } catch (error) {
        // The owner's code failed while the scope closed: a failure of the
        // closing, reported with the cleanups' (never thrown at the caller).
        this.fail(error);
      }
    }
    this.release();
  }

  close(...reason: [] | [reason: unknown]): Promise<void> {
    if (this.closing === null) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.closing = { promise, resolve, reject };
      // Failures that settled before close() was asked for went to
      // config.onUnhandledError already: they are not reported twice.
      if (this.settled) resolve();
    }
    this.cancel(...reason);
    return this.closing.promise;
  }

  [asyncDispose](): Promise<void> {
    return this.close();
  }

  hold(): void {
    this.running++;
  }

  fail(error: unknown): void {
    (this.failures ??= []).push(error);
  }

  release(): void {
    if (--this.running > 0) return;
    this.settled = true;
    const failures = this.failures;
    const closing = this.closing;
    this.failures = null;
    // The failures travel as close() would reject with them: one CleanupError
    // whose cause says which cancellation they interrupted.
    const error = failures === null ? null : new CleanupError(failures, new CancelledError(this.reason));
    if (closing === null) {
      if (error !== null) reportUnhandledError(error);
    } else if (error === null) {
      closing.resolve();
    } else {
      closing.reject(error);
    }
    const idle = this.idle;
    this.idle = null;
    idle?.();
  }
}
