import { Subscription, UnsubscriptionError } from 'rxjs';
import { UNSUBSCRIBED } from '../errors';
import { reportUnhandledError } from './report';

/**
 * Whoever is ending a subscription and waits for the cleanups that ending
 * starts. See docs/cancellation-core.md for the whole mechanism.
 *
 * RxJS tears a chain down with one synchronous `unsubscribe()` cascade that
 * runs from the canceller up through every operator and every inner
 * subscription of `mergeMap`/`switchMap`/`concatMap` (they are all children
 * of the subscriber they feed). A canceller of this package makes itself the
 * *ambient waiter* for the length of that cascade. Every link of this package
 * that the cascade reaches reads the reason from it and, if it starts work
 * that outlives the cascade (an asynchronous cleanup), holds it until that
 * work settles. So the cost is paid per cancellation, never per subscription,
 * and nothing needs to be threaded through subscribe calls.
 */
export interface Waiter {
  /** Why the work is ended: what upstream cleanups see as `exit.reason`. */
  readonly reason: unknown;
  /** One more piece of cleanup work that outlives the synchronous teardown. */
  hold(): void;
  /** A cleanup failed: the waiter reports the error with its outcome. */
  fail(error: unknown): void;
  /** A held piece of work settled (after its `fail`, if it failed). */
  release(): void;
}

interface Ambient {
  waiter: Waiter | null;
}

// The ambient slot lives on `globalThis` under a registered symbol, so that two
// copies of this package in one app (an ESM and a CJS build, or two versions)
// still see each other's cancellations. The `Waiter` shape is the contract
// between them; the `v1` in the key is bumped if it ever changes.
const AMBIENT_KEY = Symbol.for('rxjs-cancel.ambient.v1');
const ambient: Ambient = ((globalThis as Record<symbol, Ambient | undefined>)[AMBIENT_KEY] ??= { waiter: null });

/** The waiter of the teardown that is running right now, if any. */
export function ambientWaiter(): Waiter | null {
  return ambient.waiter;
}

/** The reason of the teardown that is running right now. */
export function ambientReason(): unknown {
  const { waiter } = ambient;
  return waiter === null ? UNSUBSCRIBED : waiter.reason;
}

/**
 * The waiter for teardown that nobody can wait for any more: it waits for
 * nothing and sends failures to `config.onUnhandledError`.
 */
export const UNHANDLED: Waiter = {
  reason: UNSUBSCRIBED,
  hold() {},
  fail: reportUnhandledError,
  release() {},
};

// Called with .call(subscription): unbound on purpose.
// eslint-disable-next-line @typescript-eslint/unbound-method
const plainUnsubscribe = Subscription.prototype.unsubscribe;

/**
 * Unsubscribes `subscription` (bypassing any override of `unsubscribe` it has)
 * with `waiter` as the ambient waiter. Errors thrown by finalizers, including
 * plain RxJS ones such as `finalize`, become the waiter's failures: an
 * `unsubscribe()` made by this package never throws.
 */
export function teardownFor(waiter: Waiter, subscription: Subscription): void {
  const outer = ambient.waiter;
  ambient.waiter = waiter;
  try {
    plainUnsubscribe.call(subscription);
  } catch (error) {
    failAll(waiter, error);
  } finally {
    ambient.waiter = outer;
  }
}

function failAll(waiter: Waiter, error: unknown): void {
  if (error instanceof UnsubscriptionError) {
    for (const each of error.errors) waiter.fail(each);
  } else {
    waiter.fail(error);
  }
}
