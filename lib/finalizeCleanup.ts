import {
  asyncScheduler,
  Observable,
  type MonoTypeOperatorFunction,
  type ObservableInput,
  type SchedulerLike,
} from 'rxjs';
import {
  awaitCleanup,
  checkDuration,
  checkOptions,
  hooks,
  invalid,
  isAwaitable,
  isScheduler,
  Link,
  type Exit,
  type Hooks,
} from './core';

/**
 * A cleanup callback. It may return nothing (a synchronous cleanup), or work
 * to be awaited: a Promise, an Observable (it settles when it completes or
 * errors; its values are ignored), an async iterable or a ReadableStream. Any
 * other return value is ignored, so `() => log.push('closed')` is fine at run
 * time (TypeScript asks for braces around it).
 *
 * @group Options and types
 */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- a cleanup may return nothing
export type Cleanup = (exit: Exit) => void | ObservableInput<unknown>;

/**
 * The options of {@link finalizeCleanup}.
 *
 * @group Options and types
 */
export interface FinalizeCleanupOptions {
  /**
   * The longest an asynchronous cleanup may run, in milliseconds. An overrun
   * ends the cleanup's subscription and counts as a failure of the cleanup:
   * the subscriber gets a `CleanupError` whose `errors` hold a
   * `CleanupTimeoutError`. Default: no limit.
   */
  readonly timeout?: number;
  /** The scheduler that times `timeout`. Default: `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Runs a cleanup when the subscription ends, however it ends, and tells it
 * why: like `finalize`, but it is `try/finally` with `await` in it.
 *
 * <span class="informal">`finalize` that knows why, and that can be awaited.</span>
 *
 * ```
 * source:   --a--b--|
 * cleanup:          ---|            (a 3-frame asynchronous cleanup)
 * result:   --a--b-----|            (complete waits for the cleanup)
 *
 * source:   --a--b----              (cancelled at frame 6 by a cancellable() downstream)
 * cleanup:        ^--|              (starts at the cancel, takes 3 frames)
 * result:   --a--b---#              (CancelledError once the cleanup has settled)
 * ```
 *
 * ![finalizeCleanup, drawn from its marble test](../docs/diagrams/finalizeCleanup.svg)
 *
 * The cleanup runs exactly once, after the source's subscription has ended:
 * - on `complete` it gets `{ kind: 'complete' }`, and the downstream gets its
 *   `complete` only once the cleanup has settled (RxJS's `finalize` runs after
 *   the downstream's `complete`; this one runs before, like `finally`);
 * - on `error` it gets `{ kind: 'error', error }`, and the downstream gets the
 *   error once the cleanup has settled;
 * - on cancellation (the downstream unsubscribes, or an operator of this
 *   package such as `cancellable` cancels) it gets `{ kind: 'cancel', reason }`
 *   with the canceller's reason, or `UNSUBSCRIBED` for a plain unsubscribe. A
 *   canceller of this package waits for the cleanup before reporting; a plain
 *   `unsubscribe()` cannot wait and the cleanup finishes in the background.
 *
 * A running cleanup is shielded: unsubscribing again does not interrupt it.
 * Cleanups of several `finalizeCleanup`s in one chain run one after the
 * other, source side first, like nested `finally` blocks.
 *
 * Errors are never lost. A cleanup that throws or fails turns a completion
 * into an error, and an error into a `CleanupError` holding both (`errors` has
 * the cleanup's failure, `cause` the source's error). On the cancel path its
 * failure goes to the canceller, which reports it downstream, or with no
 * canceller to `config.onUnhandledError`.
 *
 * Mirrors asyncio's `try: … finally: await …` inside a task.
 *
 * ## Example
 *
 * ```ts
 * import { interval, Subject, timer } from 'rxjs';
 * import { cancellable, finalizeCleanup } from 'rxjs-cancel';
 *
 * const stop = new Subject<string>();
 * interval(100).pipe(
 *   finalizeCleanup((exit) => {
 *     console.log('cleaning up:', exit.kind === 'cancel' ? exit.reason : exit.kind);
 *     return timer(50); // awaited, like a Promise would be
 *   }),
 *   cancellable(stop),
 * ).subscribe({ next: console.log, error: (e) => console.log(e.name, e.reason) });
 * setTimeout(() => stop.next('user pressed stop'), 250);
 * // results:
 * // 0
 * // 1
 * // cleaning up: user pressed stop
 * // CancelledError user pressed stop   (50 ms later)
 * ```
 *
 * @see {@link cancellable}
 * @param cleanup The callback, given the {@link Exit}.
 * @param options `timeout` and `scheduler`.
 * @return A function that returns an Observable that mirrors the source, and
 * holds back its end until the cleanup has settled.
 *
 * @group Operators
 */
export function finalizeCleanup<T>(cleanup: Cleanup, options?: FinalizeCleanupOptions): MonoTypeOperatorFunction<T> {
  const fn = 'finalizeCleanup';
  if (typeof cleanup !== 'function') invalid(fn, 'cleanup', 'a function', cleanup);
  const timeout = checkOptions(fn, options)?.timeout;
  const bound = timeout === undefined ? Infinity : checkDuration(fn, 'options.timeout', timeout);
  const scheduler = options?.scheduler ?? asyncScheduler;
  if (!isScheduler(scheduler)) invalid(fn, 'options.scheduler', 'a scheduler', scheduler);
  const settings: Settings = { cleanup, timeout: bound, scheduler };
  return (source) =>
    new Observable<T>((destination) => {
      new Link(destination, HOOKS as Hooks<T, Settings>, settings).open(source);
    });
}

/** What every subscription of one `finalizeCleanup(…)` shares: made once, when the operator is. */
interface Settings {
  readonly cleanup: Cleanup;
  readonly timeout: number;
  readonly scheduler: SchedulerLike;
}

const HOOKS: Hooks<unknown, Settings> = hooks<unknown, Settings>({
  finish(link) {
    const { cleanup, timeout, scheduler } = link.state;
    let work: unknown;
    try {
      work = cleanup(link.outcome(null));
      if (!isAwaitable(work)) return;
    } catch (error) {
      link.fail(error);
      return;
    }
    awaitCleanup(link, work, timeout, scheduler);
  },
});
