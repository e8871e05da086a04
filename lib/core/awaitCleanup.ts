import { from, Subscription, type ObservableInput, type Observer, type SchedulerLike } from 'rxjs';
import { brand, isBranded } from '../errors';
import { reportUnhandledError } from './report';
import { subscribeOwned, teardownFor, type Waiter } from './waiter';

// The mark of this module's errors, shared by every copy of the package (brand, in errors.ts).
const CLEANUP_TIMEOUT_ERROR = Symbol.for('rxjs-cancel:CleanupTimeoutError');

/**
 * A cleanup that did not settle within `finalizeCleanup`'s `timeout`. Its
 * subscription is ended and this error takes its place among the cleanup
 * failures.
 *
 * @group Errors
 */
export class CleanupTimeoutError extends Error {
  /** Always `'CleanupTimeoutError'`. */
  override readonly name = 'CleanupTimeoutError';

  constructor(
    /** The limit the cleanup overran, in milliseconds. */
    readonly timeout: number,
  ) {
    super(`cleanup did not settle within ${timeout} ms`);
    brand(this, CLEANUP_TIMEOUT_ERROR);
  }

  /**
   * `instanceof` that holds across copies of this package: an error made by
   * its ES module build is an instance of the class of its CommonJS build,
   * loaded beside it (Jest with an ES module bundle), and of another version.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(this, CleanupTimeoutError, CLEANUP_TIMEOUT_ERROR, value);
  }
}

/**
 * Makes `waiter` wait for asynchronous cleanup `work` (an Observable, a
 * Promise, …) until it completes or errors; its values are ignored. With a
 * finite `timeout` (ms, on `scheduler`) an overrun ends the work's
 * subscription and counts as a {@link CleanupTimeoutError} failure.
 *
 * The work is not a child of any subscription: a running cleanup is shielded,
 * and only its own end or the timeout stops it.
 */
export function awaitCleanup(
  waiter: Waiter,
  work: ObservableInput<unknown>,
  timeout: number,
  scheduler: SchedulerLike,
): void {
  waiter.hold();
  const run = new CleanupRun(waiter, timeout);
  try {
    subscribeOwned(run, from(work), run);
  } catch (error) {
    // `from` throws for an input it cannot convert (one whose `then` getter
    // throws when read a second time): that is a failed cleanup.
    run.error(error);
  }
  // The work first, then its timer, as RxJS's `timeout` orders source and
  // timer: work that settles in the very frame of the limit is in time.
  if (timeout === Infinity || !run.pending) return;
  let timer: Subscription;
  try {
    timer = scheduler.schedule(() => {
      run.timedOut();
    }, timeout);
  } catch (error) {
    // A scheduler that cannot arm the limit: the cleanup cannot be held to
    // it, so it fails with that error (its work ended) rather than hold the
    // waiter for ever.
    run.error(error);
    return;
  }
  run.add(timer);
}

class CleanupRun extends Subscription implements Observer<unknown> {
  private waiter: Waiter | null;
  private readonly timeout: number;
  /**
   * The waiter, under the name RxJS gives the subscriber a subscriber feeds,
   * for the walk of adopter(): the work's subscriptions are the waiter's.
   */
  readonly destination: Waiter;

  constructor(waiter: Waiter, timeout: number) {
    super();
    this.waiter = waiter;
    this.destination = waiter;
    this.timeout = timeout;
  }

  /** True until the work settles or times out. */
  get pending(): boolean {
    return this.waiter !== null;
  }

  next(): void {}

  error(error: unknown): void {
    // After a timeout the waiter has moved on; an error the work still raises
    // has nowhere to go but the unhandled-error path.
    if (this.waiter === null) reportUnhandledError(error);
    else this.settle(true, error);
  }

  complete(): void {
    this.settle(false, undefined);
  }

  timedOut(): void {
    this.settle(true, new CleanupTimeoutError(this.timeout));
  }

  private settle(failed: boolean, error: unknown): void {
    const waiter = this.waiter;
    if (waiter === null) return;
    this.waiter = null;
    // Ends the work (on timeout) and the timer; the work's own cleanups, if it
    // has any, are waited for too.
    teardownFor(waiter, this);
    if (failed) waiter.fail(error);
    waiter.release();
  }
}
