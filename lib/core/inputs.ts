import { observable as symbolObservable, type ObservableInput, type SchedulerLike } from 'rxjs';
import { describeValue } from '../errors';

// Type guards for what users hand to this package, mirroring what RxJS's
// `from` accepts, and the one way this package reports a bad argument: at the
// call, naming the function, the argument and what it got.

type Loose = Record<PropertyKey, unknown>;

const isFunction = (value: unknown): value is (...args: unknown[]) => unknown => typeof value === 'function';

function isObjectLike(value: unknown): value is Loose {
  return value !== null && (typeof value === 'object' || isFunction(value));
}

/**
 * An ObservableInput that stands for work still to be awaited: an Observable
 * (RxJS's own or an interop one), a thenable, an async iterable, a
 * ReadableStream. Plain iterables and other values are not: a cleanup written
 * as `() => log.push('done')` returns a number, and that means "done".
 */
export function isAwaitable(value: unknown): value is ObservableInput<unknown> {
  return (
    isObjectLike(value) &&
    (isFunction(value[symbolObservable]) ||
      isFunction(value['then']) ||
      isFunction(value[Symbol.asyncIterator]) ||
      isFunction(value['getReader']))
  );
}

/** Anything `from()` accepts. */
export function isObservableInput(value: unknown): value is ObservableInput<unknown> {
  return (
    typeof value === 'string' ||
    isAwaitable(value) ||
    (isObjectLike(value) &&
      (isFunction(value[Symbol.iterator]) || (typeof value['length'] === 'number' && !isFunction(value))))
  );
}

/** A DOM or Node `AbortSignal`, or anything shaped like one. */
export function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    isObjectLike(value) &&
    typeof value['aborted'] === 'boolean' &&
    isFunction(value['addEventListener']) &&
    isFunction(value['removeEventListener'])
  );
}

export function isScheduler(value: unknown): value is SchedulerLike {
  return isObjectLike(value) && isFunction(value['schedule']) && isFunction(value['now']);
}

/**
 * The state a scheduler hands back to the work it runs, as `SchedulerLike`
 * promises. A scheduler that does not is broken: said so, never ignored.
 */
export function scheduledState<S>(fn: string, state: S | undefined): S {
  if (state === undefined) throw new TypeError(`${fn}: the scheduler ran its work without the state it was given`);
  return state;
}

/**
 * Throws the error for a bad argument `name` of `fn`: a TypeError for the
 * wrong kind of value, a RangeError (showing the value as it is) for a value
 * of the right kind out of range.
 */
export function invalid(fn: string, name: string, expected: string, value: unknown, range = false): never {
  const got = range ? String(value) : describeValue(value, true);
  throw new (range ? RangeError : TypeError)(`${fn}: \`${name}\` must be ${expected}, got ${got}`);
}

/**
 * Checks a duration in milliseconds given as `name` to `fn`: a number, not
 * NaN, not negative; `Infinity` means "no bound" unless `finite` is asked for.
 */
export function checkDuration(fn: string, name: string, value: unknown, finite = false): number {
  if (typeof value !== 'number') invalid(fn, name, 'a number of milliseconds', value);
  if (!(value >= 0)) invalid(fn, name, 'a non-negative number of milliseconds', value, true);
  if (finite && value === Infinity) invalid(fn, name, 'a finite number of milliseconds', value, true);
  return value;
}

/** Checks a Date given as `name` to `fn`: a Date, and a valid one. */
export function checkDate(fn: string, name: string, value: unknown): Date {
  if (!(value instanceof Date)) invalid(fn, name, 'a Date', value);
  if (Number.isNaN(value.getTime())) throw new RangeError(`${fn}: \`${name}\` is an invalid Date`);
  return value;
}

/** Checks that `options`, when given, is a plain options object. */
export function checkOptions<O extends object>(fn: string, options: O | undefined): O | undefined {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- JavaScript callers exist
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    invalid(fn, 'options', 'an object', options);
  }
  return options;
}

/** Checks that `value`, when given as `name` to `fn`, is one of `choices`; returns it, or `choices[0]`. */
export function checkChoice<C extends string>(fn: string, name: string, value: unknown, choices: readonly C[]): C {
  if (value === undefined) return choices[0];
  if (!choices.includes(value as C)) invalid(fn, name, choices.map((choice) => `'${choice}'`).join(' or '), value);
  return value as C;
}
