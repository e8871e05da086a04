// The errors every operator shares. An error or reason that belongs to one
// operator lives in that operator's file, so importing one operator does not
// bring in the others' (DeadlineError, GroupError, ShieldReleased, ...).

/**
 * The reason a cancellation carries when nobody gave one: a plain
 * `unsubscribe()` from downstream, or an operator such as `take` that stops
 * listening. Cleanups see it as `{ kind: 'cancel', reason: UNSUBSCRIBED }`.
 *
 * It is a symbol so that it can never be mistaken for a reason a user gave.
 *
 * @group Reasons
 */
export const UNSUBSCRIBED: unique symbol = Symbol('unsubscribed');

// The marks of this module's errors, shared by every copy of the package (brand, below).
const CANCELLED_ERROR = Symbol.for('rxjs-cancel:CancelledError');
const CLEANUP_ERROR = Symbol.for('rxjs-cancel:CleanupError');

/**
 * The error a subscriber receives when the work it waited for was cancelled,
 * like asyncio's `CancelledError`. `reason` holds whatever the canceller gave:
 * the value of a trigger, an `AbortSignal`'s `reason`, or {@link UNSUBSCRIBED}.
 *
 * One that an operator of this package makes when it cancels (`cancellable`,
 * the `cause` of `timeoutCancel`'s `DeadlineError`, the abort reason of
 * `fromAbortable`) has as its `stack` the place where that operator was
 * created (the first frames of the `cancellable(…)` call in your `pipe`),
 * captured once when the operator is made, not the RxJS internals the cancel
 * fired through: capturing a stack on every cancel cost more than all the
 * rest of it.
 *
 * @group Errors
 */
export class CancelledError extends Error {
  /** Always `'CancelledError'`. */
  override readonly name = 'CancelledError';

  /** Why the work was cancelled: what the canceller gave, or {@link UNSUBSCRIBED}. */
  readonly reason: unknown;

  // Only an omitted reason defaults: `undefined` is a reason a trigger can
  // give (a `Subject<void>` emits it) and is kept as it is.
  constructor(...reason: [] | [reason: unknown]) {
    const given = reason.length === 0 ? UNSUBSCRIBED : reason[0];
    super(given === undefined ? 'cancelled' : `cancelled: ${describeValue(given)}`);
    this.reason = given;
    brand(this, CANCELLED_ERROR);
  }

  /**
   * `instanceof` that holds across copies of this package: an error made by
   * its ES module build is an instance of the class of its CommonJS build,
   * loaded beside it (Jest with an ES module bundle), and of another version.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(this, CancelledError, CANCELLED_ERROR, value);
  }
}

/**
 * The error a subscriber receives when one or more cleanups failed while the
 * subscription ended. Nothing is dropped: `errors` holds every cleanup
 * failure, in the order they happened, and `cause` holds the outcome the
 * cleanups ran for, if it was not a plain completion (the source's error, or
 * the {@link CancelledError} of a cancellation), much as Python chains an
 * exception raised in `finally` to the one that was in flight.
 *
 * @group Errors
 */
export class CleanupError extends AggregateError {
  /** Always `'CleanupError'`. */
  override readonly name = 'CleanupError';

  constructor(errors: readonly unknown[], ...cause: [] | [cause: unknown]) {
    // The first failure in the message, as GroupError has it: a log line that
    // says only "1 cleanup failed" hides what failed.
    const count = errors.length === 1 ? '1 cleanup failed' : `${errors.length} cleanups failed`;
    const first = errors.length === 0 ? '' : ` (${errors.length === 1 ? '' : 'first: '}${describeValue(errors[0])})`;
    super(errors, `${count}${first}${cause.length === 0 ? '' : ` after: ${describeValue(cause[0])}`}`);
    // Only when there is one, so `'cause' in error` tells the completion path
    // from the others.
    if (cause.length > 0) setCause(this, cause[0]);
    brand(this, CLEANUP_ERROR);
  }

  /**
   * `instanceof` that holds across copies of this package: an error made by
   * its ES module build is an instance of the class of its CommonJS build,
   * loaded beside it (Jest with an ES module bundle), and of another version.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(this, CleanupError, CLEANUP_ERROR, value);
  }
}

/**
 * Marks an instance of one of this package's classes with `key`, a symbol
 * from the global registry, so every copy of the package (the ES module and
 * CommonJS builds, two versions) reads the same mark.
 */
export function brand(instance: object, key: symbol): void {
  Object.defineProperty(instance, key, { value: true });
}

/**
 * `instanceof` for a branded class `of`: by its mark for `of` itself (in any
 * copy of the package), as always for a subclass of it.
 */
export function isBranded(self: unknown, of: unknown, key: symbol, value: unknown): boolean {
  if (self !== of)
    return (Function.prototype[Symbol.hasInstance] as (this: unknown, value: unknown) => boolean).call(self, value);
  return (typeof value === 'object' || typeof value === 'function') && value !== null && key in value;
}

/** Sets `cause` as `new Error(message, { cause })` would: own, not enumerable. */
export function setCause(error: Error, cause: unknown): void {
  Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true });
}

/**
 * How a value reads in a message; never throws. As a reason or an error
 * (the default): an Error as its name and message, a symbol as its
 * description, anything else as `String()` gives it. As a bad argument
 * (`asArgument`): what kind of value it is (`the string "5"`, `an object
 * (Map)`, `number 5`), for the "got ..." of a TypeError.
 */
export function describeValue(value: unknown, asArgument = false): string {
  // Any step may run user code that throws (a `name` getter, a Proxy's trap,
  // a `toString`, `isArray` on a revoked Proxy): a message must still be
  // made, or the error that carries it could not be.
  try {
    if (asArgument) return kindOf(value);
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    if (typeof value === 'symbol') return value.description ?? 'a symbol';
    return String(value);
  } catch {
    try {
      if (!asArgument) return Object.prototype.toString.call(value);
    } catch {
      // the answer below
    }
    return 'a value that cannot be described';
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'object':
      // An object made with Object.create(null) has no constructor.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      return `an object (${value.constructor?.name || 'Object'})`;
    case 'function':
      return 'a function';
    case 'undefined':
    case 'symbol':
      return String(value);
    default:
      // A number, bigint or boolean: primitives, whose String() is their value.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string
      return `${typeof value} ${String(value)}`;
  }
}
