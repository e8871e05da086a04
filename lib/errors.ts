/**
 * The reason a cancellation carries when nobody gave one: a plain
 * `unsubscribe()` from downstream, or an operator such as `take` that stops
 * listening. Cleanups see it as `{ kind: 'cancel', reason: UNSUBSCRIBED }`.
 *
 * It is a symbol so that it can never be mistaken for a reason a user gave.
 */
export const UNSUBSCRIBED: unique symbol = Symbol('rxjs-cancel.unsubscribed');

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
    if (cause.length === 0) super(errors, message);
    else super(errors, message, { cause: cause[0] });
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

function reasonText(reason: unknown): string {
  if (reason === UNSUBSCRIBED) return 'cancelled: unsubscribed';
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
