import { TimeoutError, type TimeoutInfo } from 'rxjs';

/**
 * The reason a cancellation carries when nobody gave one: a plain
 * `unsubscribe()` from downstream, or an operator such as `take` that stops
 * listening. Cleanups see it as `{ kind: 'cancel', reason: UNSUBSCRIBED }`.
 *
 * It is a symbol so that it can never be mistaken for a reason a user gave.
 */
export const UNSUBSCRIBED: unique symbol = Symbol('rxjs-cancel.unsubscribed');

/**
 * The reason a cancel scope cancels its work with when `cancel()` or
 * `close()` is given none.
 */
export const SCOPE_CLOSED: unique symbol = Symbol('rxjs-cancel.scope-closed');

/**
 * The error a subscriber receives when the work it waited for was cancelled,
 * like asyncio's `CancelledError`. `reason` holds whatever the canceller gave:
 * the value of a trigger, an `AbortSignal`'s `reason`, or {@link UNSUBSCRIBED}.
 */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';

  readonly reason: unknown;

  // Only an omitted reason defaults: `undefined` is a reason a trigger can
  // give (a `Subject<void>` emits it) and is kept as it is.
  constructor(...reason: [] | [reason: unknown]) {
    const given = reason.length === 0 ? UNSUBSCRIBED : reason[0];
    super(reasonText(given));
    this.reason = given;
  }
}

/**
 * The error a subscriber receives when one or more cleanups failed while the
 * subscription ended. Nothing is dropped: `errors` holds every cleanup
 * failure, in the order they happened, and `cause` holds the outcome the
 * cleanups ran for, if it was not a plain completion (the source's error, or
 * the {@link CancelledError} of a cancellation), much as Python chains an
 * exception raised in `finally` to the one that was in flight.
 */
export class CleanupError extends AggregateError {
  override readonly name = 'CleanupError';

  constructor(errors: readonly unknown[], ...cause: [] | [cause: unknown]) {
    const count = errors.length === 1 ? '1 cleanup' : `${errors.length} cleanups`;
    const message = cause.length === 0 ? `${count} failed` : `${count} failed after: ${describeError(cause[0])}`;
    // `cause` is only set when there is one, so `'cause' in error` tells the
    // completion path from the others.
    super(errors, message);
    // As `{ cause }` would define it: own, not enumerable. Only when there is one,
    // so `'cause' in error` tells the completion path from the others.
    if (cause.length > 0) {
      Object.defineProperty(this, 'cause', { value: cause[0], writable: true, configurable: true, enumerable: false });
    }
  }
}

/**
 * The error a `groupCancel` (or a cancel scope) ends with when something in it
 * failed, like Python's `ExceptionGroup`: `errors` holds the first child
 * failure, then any errors other children raised while being cancelled, then
 * any cleanup failures. A child that was merely cancelled is not in it.
 */
export class GroupError extends AggregateError {
  override readonly name = 'GroupError';

  constructor(errors: readonly unknown[], message?: string) {
    const first = errors.length === 0 ? '' : `: ${describeError(errors[0])}`;
    super(errors, message ?? `${errors.length} error${errors.length === 1 ? '' : 's'} in the group${first}`);
  }
}

/**
 * A cleanup that did not settle within `finalizeCleanup`'s `timeout`. Its
 * subscription is ended and this error takes its place among the cleanup
 * failures.
 */
export class CleanupTimeoutError extends Error {
  override readonly name = 'CleanupTimeoutError';

  constructor(readonly timeout: number) {
    super(`cleanup did not settle within ${timeout} ms`);
  }
}

/** Which deadline of `timeoutCancel` passed. */
export type Deadline = 'total' | 'at' | 'first' | 'each';

/** What `timeoutCancel` knows when a deadline passes: RxJS's `TimeoutInfo`, and which deadline it was. */
export interface TimeoutCancelInfo<T = unknown, M = unknown> extends TimeoutInfo<T, M> {
  readonly deadline: Deadline;
}

/**
 * The error `timeoutCancel` ends with when a deadline passes. It is an
 * `instanceof` RxJS's own `TimeoutError` (so `catchError(e => e instanceof
 * TimeoutError …)` keeps working, and its `name` is `'TimeoutError'`), says
 * which deadline passed in `deadline`, carries RxJS's `info`, and has as
 * `cause` the cancellation of the source, as Python chains `TimeoutError`
 * from `CancelledError`. It is also the reason the source is cancelled with,
 * so a cleanup can tell a timeout from other cancels:
 * `exit.reason instanceof TimeoutError`.
 */
export class DeadlineError<T = unknown, M = unknown> extends Error {
  override readonly name = 'TimeoutError';
  readonly info: TimeoutCancelInfo<T, M>;
  readonly deadline: Deadline;

  constructor(info: TimeoutCancelInfo<T, M>) {
    super(`the ${info.deadline} deadline passed after ${info.seen} value${info.seen === 1 ? '' : 's'}`);
    this.info = info;
    this.deadline = info.deadline;
    Object.defineProperty(this, 'cause', {
      value: new CancelledError(this),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}

// An instanceof RxJS's TimeoutError through its prototype chain, without
// running RxJS's constructor: that one reads `new Error().stack` at once,
// which formats a stack trace on every timeout (costly anywhere, very costly
// under source-map support); this error's stack stays lazy like any Error's.
Object.setPrototypeOf(DeadlineError.prototype, TimeoutError.prototype);

/** DeadlineError is a TimeoutError; the prototype chain above makes it so at run time. */
export interface DeadlineError<T, M> extends TimeoutError<T, M> {
  readonly info: TimeoutCancelInfo<T, M>;
}

/**
 * The reason shielded work is cancelled with when its `shieldUntil` release
 * fires after the subscriber left. `release` holds what released it: the
 * trigger's value, the `AbortSignal`'s reason, or the number of milliseconds.
 *
 * Not an Error: a reason says why, it is never thrown, and capturing a stack
 * would cost more than the rest of the release.
 */
export class ShieldReleased {
  constructor(readonly release: unknown) {}

  toString(): string {
    return typeof this.release === 'number'
      ? `shielded work released ${this.release} ms after its subscriber left`
      : `shielded work released: ${describeError(this.release)}`;
  }
}

function reasonText(reason: unknown): string {
  if (reason === UNSUBSCRIBED) return 'cancelled: unsubscribed';
  if (reason === SCOPE_CLOSED) return 'cancelled: scope closed';
  if (reason === undefined) return 'cancelled';
  return `cancelled: ${describeError(reason)}`;
}

function describeError(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
