import { asyncScheduler, config, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { checkOptions, isAbortSignal, isAwaitable, isObservableInput, isScheduler } from '../lib/core/inputs';
import { reportUnhandledError } from '../lib/core/report';
import { describeValue } from '../lib/errors';
import { subscribingOwner } from '../lib/core/waiter';

// The guards every public function checks its arguments with. Their edges are
// what decides between "a clear error at the call" and a working call, so they
// are pinned here one by one (the public functions' side is
// spec/bad-inputs.spec.ts).

describe('isObservableInput', () => {
  it.each([
    ['a string (from() emits its characters)', 'abc'],
    ['an empty string', ''],
    ['an array', [1]],
    ['an array-like object', { length: 1, 0: 'a' }],
    ['an iterable', new Set([1])],
    ['an Observable', of(1)],
    ['a Promise', Promise.resolve(1)],
    ['a ReadableStream-like', { getReader: () => undefined }],
    ['an async iterable', { [Symbol.asyncIterator]: () => undefined }],
  ])('accepts %s', (_, value) => {
    expect(isObservableInput(value)).toBe(true);
  });

  it.each([
    ['a number', 1],
    ['null', null],
    ['undefined', undefined],
    ['a plain object', {}],
    ['an object whose length is not a number', { length: '1' }],
    ['a function (its length is its arity, not an array-like length)', (a: unknown) => a],
    ['an object whose getReader is not a function', { getReader: 1 }],
  ])('rejects %s', (_, value) => {
    expect(isObservableInput(value)).toBe(false);
  });
});

describe('isAwaitable', () => {
  it('counts streams, thenables and async iterables as work to await, not strings or arrays', () => {
    expect(isAwaitable({ getReader: () => undefined })).toBe(true);
    expect(isAwaitable({ then: () => undefined })).toBe(true);
    expect(isAwaitable('abc')).toBe(false);
    expect(isAwaitable([Promise.resolve()])).toBe(false);
  });
});

describe('isAbortSignal', () => {
  const listeners = { addEventListener: () => undefined, removeEventListener: () => undefined };

  it('accepts a real signal and anything shaped like one', () => {
    expect(isAbortSignal(new AbortController().signal)).toBe(true);
    expect(isAbortSignal({ aborted: false, ...listeners })).toBe(true);
  });

  it('rejects a shape without a boolean `aborted` or without both listener methods', () => {
    expect(isAbortSignal({ aborted: 'no', ...listeners })).toBe(false);
    expect(isAbortSignal({ ...listeners })).toBe(false);
    expect(isAbortSignal({ aborted: false, addEventListener: () => undefined })).toBe(false);
    expect(isAbortSignal({ aborted: false, removeEventListener: () => undefined })).toBe(false);
  });
});

describe('isScheduler', () => {
  it('needs both schedule() and now()', () => {
    expect(isScheduler(asyncScheduler)).toBe(true);
    expect(isScheduler(new TestScheduler(() => undefined))).toBe(true);
    expect(isScheduler({ schedule: () => undefined })).toBe(false);
    expect(isScheduler({ now: () => 0 })).toBe(false);
    expect(isScheduler(null)).toBe(false);
  });
});

describe('describeValue(value, true): a bad argument', () => {
  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    [[1, 2], 'an array'],
    ['short', 'the string "short"'],
    ['x'.repeat(40), `the string "${'x'.repeat(40)}"`],
    ['x'.repeat(41), `the string "${'x'.repeat(40)}…"`],
    [new Date(0), 'an object (Date)'],
    [Object.create(null), 'an object (Object)'],
    [() => undefined, 'a function'],
    [Symbol('s'), 'Symbol(s)'],
    [42, 'number 42'],
    [NaN, 'number NaN'],
    [10n, 'bigint 10'],
    [true, 'boolean true'],
  ])('describes %p as %p', (value, description) => {
    expect(describeValue(value, true)).toBe(description);
  });
});

describe('checkOptions', () => {
  it('takes an object or undefined, and names what it got otherwise', () => {
    const options = { a: 1 };
    expect(checkOptions('fn', options)).toBe(options);
    expect(checkOptions('fn', undefined)).toBeUndefined();
    expect(() => checkOptions('fn', [] as object)).toThrow(
      new TypeError('fn: `options` must be an object, got an array'),
    );
    expect(() => checkOptions('fn', null as unknown as object)).toThrow(TypeError);
    expect(() => checkOptions('fn', 'x' as unknown as object)).toThrow(TypeError);
  });
});

describe('reportUnhandledError', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('without config.onUnhandledError, throws the error itself on a later task, as RxJS does', () => {
    jest.useFakeTimers();
    const handler = config.onUnhandledError;
    config.onUnhandledError = null;
    try {
      const error = new Error('nobody listened');
      reportUnhandledError(error);
      expect(() => jest.runAllTimers()).toThrow(error);
    } finally {
      config.onUnhandledError = handler;
    }
  });
});

describe('the ambient waiter slot', () => {
  it('lives on globalThis under a registered symbol, so that two copies of the package share it', () => {
    const slot = (globalThis as Record<symbol, unknown>)[Symbol.for('rxjs-cancel.ambient.v3')];
    // Nothing is running: no teardown, no ending, no subscribing owner, and nothing held.
    expect(slot).toEqual({ waiters: [], endings: [], owning: null });
    expect(subscribingOwner()).toBeNull();
  });

  it('is sealed: a test runner that deletes or wraps what a test file left on the global cannot break it', () => {
    const slot = (globalThis as Record<symbol, object>)[Symbol.for('rxjs-cancel.ambient.v3')];
    expect(Object.isSealed(slot)).toBe(true);
    for (const key of Reflect.ownKeys(slot)) {
      expect(Object.getOwnPropertyDescriptor(slot, key)).toMatchObject({ configurable: false, writable: true });
    }
  });
});
