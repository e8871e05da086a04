import { observable as symbolObservable, type ObservableInput, type SchedulerLike } from 'rxjs';

// Type guards for what users hand to this package. They mirror what RxJS's
// `from` accepts, so that a bad argument fails at the call with a message
// naming it, rather than deep inside a subscription.

type AnyRecord = Record<PropertyKey, unknown>;

function isObjectLike(value: unknown): value is AnyRecord {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function hasMethod(value: AnyRecord, key: PropertyKey): boolean {
  return typeof value[key] === 'function';
}

/** Anything `from()` accepts. */
export function isObservableInput(value: unknown): value is ObservableInput<unknown> {
  if (typeof value === 'string') return true;
  return (
    isObjectLike(value) &&
    (isAwaitable(value) ||
      hasMethod(value, Symbol.iterator) ||
      (typeof value['length'] === 'number' && typeof value !== 'function'))
  );
}

/**
 * An ObservableInput that stands for work still to be awaited: an Observable
 * (RxJS's own or an interop one), a thenable, an async iterable, a
 * ReadableStream.
 * Plain iterables and other values are not: a cleanup written as
 * `() => log.push('done')` returns a number, and that means "done".
 */
export function isAwaitable(value: unknown): value is ObservableInput<unknown> {
  return (
    isObjectLike(value) &&
    (hasMethod(value, symbolObservable) ||
      hasMethod(value, 'then') ||
      hasMethod(value, Symbol.asyncIterator) ||
      hasMethod(value, 'getReader'))
  );
}

/** A DOM or Node `AbortSignal`, or anything shaped like one. */
export function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    isObjectLike(value) &&
    typeof value['aborted'] === 'boolean' &&
    hasMethod(value, 'addEventListener') &&
    hasMethod(value, 'removeEventListener')
  );
}

export function isScheduler(value: unknown): value is SchedulerLike {
  return isObjectLike(value) && hasMethod(value, 'schedule') && hasMethod(value, 'now');
}

/** A short description of a bad argument for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
    case 'bigint':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'symbol':
      return String(value);
    case 'function':
      return 'a function';
    default: {
      const constructorName = (value as { constructor?: { name?: unknown } }).constructor?.name;
      const kind = typeof constructorName === 'string' && constructorName !== '' ? constructorName : 'Object';
      return `an object (${kind})`;
    }
  }
}

/**
 * Checks a duration in milliseconds given as `name` to `fn`: a number, not
 * NaN, not negative. `Infinity` is allowed and means "no bound".
 */
export function checkDuration(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${fn}: \`${name}\` must be a number of milliseconds, got ${describeValue(value)}`);
  }
  if (!(value >= 0)) {
    throw new RangeError(`${fn}: \`${name}\` must be a non-negative number of milliseconds, got ${value}`);
  }
  return value;
}

/** Like {@link checkDuration}, but `Infinity` is refused too. */
export function checkFiniteDuration(fn: string, name: string, value: unknown): number {
  const duration = checkDuration(fn, name, value);
  if (duration === Infinity) {
    throw new RangeError(`${fn}: \`${name}\` must be a finite number of milliseconds, got Infinity`);
  }
  return duration;
}

/** Checks a Date given as `name` to `fn`: a Date, and a valid one. */
export function checkDate(fn: string, name: string, value: unknown): Date {
  if (!(value instanceof Date)) {
    throw new TypeError(`${fn}: \`${name}\` must be a Date, got ${describeValue(value)}`);
  }
  if (Number.isNaN(value.getTime())) throw new RangeError(`${fn}: \`${name}\` is an invalid Date`);
  return value;
}

/** Checks that `options`, when given, is a plain options object. */
export function checkOptions<O extends object>(fn: string, options: O | undefined): O | undefined {
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new TypeError(`${fn}: \`options\` must be an object, got ${describeValue(options)}`);
  }
  return options;
}
