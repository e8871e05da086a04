import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncScheduler, defer, firstValueFrom, NEVER, Observable, of, Subject, Subscription, throwError } from 'rxjs';
import {
  cancellable,
  cancelScope,
  CancelledError,
  CleanupError,
  finalizeCleanup,
  firstValueFromCancel,
  fromAbortable,
  groupCancel,
  GroupError,
  lastValueFromCancel,
  raceCancel,
  shieldUntil,
  SUPERSEDED,
  switchMapCancel,
  timeoutCancel,
} from '../lib';
import { runAsync } from '../lib/testing';
import { normalize } from '../test-support/errors';
import { record } from '../test-support/record';
import { macrotask } from '../test-support/time';
import { takeUnhandled } from '../test-support/unhandled';
import { TestScheduler } from 'rxjs/testing';

// Every bad input tried on every public function, and what it gets. These
// cases are docs/bad-inputs.md: the test checks that the document lists the
// same cases with the same words, and runs each. To rewrite the document
// after changing a case: WRITE_BAD_INPUTS_DOC=1 npx jest spec/bad-inputs.

const DOC = join(__dirname, '../docs/bad-inputs.md');
const boom = new Error('boom');

interface Case {
  readonly fn: string;
  readonly input: string;
  /** What the call gets, as the document says it. */
  readonly gets: string;
  /** Runs the case and checks that is what it gets. */
  readonly verify: () => void | Promise<void>;
}

/** A call that must throw, at once, exactly this error. */
function throws(fn: string, input: string, call: () => unknown, error: TypeError | RangeError): Case {
  return {
    fn,
    input,
    gets: `${error.name}: ${error.message}`,
    verify: () => expect(call).toThrow(error),
  };
}

/** A call accepted at the call, with a documented behaviour checked by `verify`. */
function behaves(fn: string, input: string, gets: string, verify: () => void | Promise<void>): Case {
  return { fn, input, gets, verify };
}

const T = (message: string) => new TypeError(message);
const R = (message: string) => new RangeError(message);
const noop = (): void => {};

const cases: Record<string, Case> = {
  // finalizeCleanup
  'fc-cleanup-undefined': throws(
    'finalizeCleanup',
    '`cleanup` undefined',
    () => finalizeCleanup(undefined as never),
    T('finalizeCleanup: `cleanup` must be a function, got undefined'),
  ),
  'fc-cleanup-null': throws(
    'finalizeCleanup',
    '`cleanup` null',
    () => finalizeCleanup(null as never),
    T('finalizeCleanup: `cleanup` must be a function, got null'),
  ),
  'fc-cleanup-string': throws(
    'finalizeCleanup',
    '`cleanup` a string',
    () => finalizeCleanup('cleanup' as never),
    T('finalizeCleanup: `cleanup` must be a function, got the string "cleanup"'),
  ),
  'fc-options-number': throws(
    'finalizeCleanup',
    '`options` a number',
    () => finalizeCleanup(noop, 5 as never),
    T('finalizeCleanup: `options` must be an object, got number 5'),
  ),
  'fc-timeout-negative': throws(
    'finalizeCleanup',
    '`options.timeout` negative',
    () => finalizeCleanup(noop, { timeout: -1 }),
    R('finalizeCleanup: `options.timeout` must be a non-negative number of milliseconds, got -1'),
  ),
  'fc-timeout-nan': throws(
    'finalizeCleanup',
    '`options.timeout` NaN',
    () => finalizeCleanup(noop, { timeout: NaN }),
    R('finalizeCleanup: `options.timeout` must be a non-negative number of milliseconds, got NaN'),
  ),
  'fc-timeout-string': throws(
    'finalizeCleanup',
    '`options.timeout` a string',
    () => finalizeCleanup(noop, { timeout: '10' as never }),
    T('finalizeCleanup: `options.timeout` must be a number of milliseconds, got the string "10"'),
  ),
  'fc-timeout-infinity': behaves(
    'finalizeCleanup',
    '`options.timeout` Infinity',
    'accepted: no bound on the cleanup',
    () => {
      expect(() => finalizeCleanup(noop, { timeout: Infinity })).not.toThrow();
    },
  ),
  'fc-scheduler': throws(
    'finalizeCleanup',
    '`options.scheduler` not a scheduler',
    () => finalizeCleanup(noop, { scheduler: {} as never }),
    T('finalizeCleanup: `options.scheduler` must be a scheduler, got an object (Object)'),
  ),
  'fc-cleanup-throws': behaves(
    'finalizeCleanup',
    'a cleanup that throws',
    'the subscriber gets a CleanupError holding it (with the source error as cause, on the error path)',
    () => {
      const { events } = record(
        throwError(() => boom).pipe(
          finalizeCleanup(() => {
            throw new Error('oops');
          }),
        ),
      );
      expect(normalize(events)).toEqual(normalize([['error', new CleanupError([new Error('oops')], boom)]]));
    },
  ),
  'fc-source-throws': behaves(
    'finalizeCleanup',
    'a source that throws at subscribe',
    "the cleanup runs with { kind: 'error' }, then the subscriber gets the error",
    () => {
      const exits: unknown[] = [];
      const { events } = record(
        defer((): Observable<never> => {
          throw boom;
        }).pipe(finalizeCleanup((exit) => void exits.push(exit))),
      );
      expect(exits).toEqual([{ kind: 'error', error: boom }]);
      expect(events).toEqual([['error', boom]]);
    },
  ),

  // cancellable
  'ca-trigger-undefined': throws(
    'cancellable',
    '`trigger` undefined',
    () => cancellable(undefined as never),
    T('cancellable: `trigger` must be an ObservableInput or an AbortSignal, got undefined'),
  ),
  'ca-trigger-number': throws(
    'cancellable',
    '`trigger` a number',
    () => cancellable(42 as never),
    T('cancellable: `trigger` must be an ObservableInput or an AbortSignal, got number 42'),
  ),
  'ca-trigger-object': throws(
    'cancellable',
    '`trigger` a plain object',
    () => cancellable({ aborted: false } as never),
    T('cancellable: `trigger` must be an ObservableInput or an AbortSignal, got an object (Object)'),
  ),
  'ca-trigger-function': throws(
    'cancellable',
    '`trigger` a function',
    () => cancellable(noop as never),
    T('cancellable: `trigger` must be an ObservableInput or an AbortSignal, got a function'),
  ),
  'ca-trigger-string': throws(
    'cancellable',
    '`trigger` a string (a reason was meant)',
    () => cancellable('user pressed stop' as never),
    T(
      'cancellable: `trigger` must not be a string, got "user pressed stop": a string fires at once (it emits its characters); a time is `timer(ms)`, a reason goes in `options.reason`',
    ),
  ),
  'ca-options-string': throws(
    'cancellable',
    '`options` a string',
    () => cancellable(NEVER, 'complete' as never),
    T('cancellable: `options` must be an object, got the string "complete"'),
  ),
  'ca-oncancel': throws(
    'cancellable',
    '`options.onCancel` unknown',
    () => cancellable(NEVER, { onCancel: 'ignore' as never }),
    T("cancellable: `options.onCancel` must be 'error' or 'complete', got the string \"ignore\""),
  ),
  'ca-trigger-errors': behaves(
    'cancellable',
    'a trigger that errors',
    'the source is cancelled with that error as the reason, then the subscriber gets the error',
    () => {
      const exits: unknown[] = [];
      const trigger = new Subject<never>();
      const { events } = record(
        NEVER.pipe(
          finalizeCleanup((exit) => void exits.push(exit)),
          cancellable(trigger),
        ),
      );
      trigger.error(boom);
      expect(exits).toEqual([{ kind: 'cancel', reason: boom }]);
      expect(events).toEqual([['error', boom]]);
    },
  ),
  'ca-trigger-throws': behaves(
    'cancellable',
    'a trigger that throws at subscribe',
    'the subscriber gets the error; the source is never subscribed',
    () => {
      let subscribed = false;
      const source = defer(() => ((subscribed = true), NEVER));
      const { events } = record(
        source.pipe(
          cancellable(
            defer((): Observable<never> => {
              throw boom;
            }),
          ),
        ),
      );
      expect(subscribed).toBe(false);
      expect(events).toEqual([['error', boom]]);
    },
  ),
  'ca-signal-aborted': behaves(
    'cancellable',
    'an AbortSignal already aborted',
    'CancelledError at once; the source is never subscribed',
    () => {
      let subscribed = false;
      const { events } = record(defer(() => ((subscribed = true), NEVER)).pipe(cancellable(AbortSignal.abort('gone'))));
      expect(subscribed).toBe(false);
      expect(normalize(events)).toEqual(normalize([['error', new CancelledError('gone')]]));
    },
  ),

  // timeoutCancel
  'tc-total-negative': throws(
    'timeoutCancel',
    '`total` negative',
    () => timeoutCancel(-1),
    R('timeoutCancel: `total` must be a non-negative number of milliseconds, got -1'),
  ),
  'tc-total-nan': throws(
    'timeoutCancel',
    '`total` NaN',
    () => timeoutCancel(NaN),
    R('timeoutCancel: `total` must be a non-negative number of milliseconds, got NaN'),
  ),
  'tc-total-infinity': throws(
    'timeoutCancel',
    '`total` Infinity',
    () => timeoutCancel(Infinity),
    R('timeoutCancel: `total` must be a finite number of milliseconds, got Infinity'),
  ),
  'tc-total-undefined': throws(
    'timeoutCancel',
    '`total` undefined',
    () => timeoutCancel(undefined as never),
    T('timeoutCancel: `total` must be a number of milliseconds or a config object, got undefined'),
  ),
  'tc-total-null': throws(
    'timeoutCancel',
    '`total` null',
    () => timeoutCancel(null as never),
    T('timeoutCancel: `total` must be a number of milliseconds or a config object, got null'),
  ),
  'tc-total-string': throws(
    'timeoutCancel',
    '`total` a string',
    () => timeoutCancel('5' as never),
    T('timeoutCancel: `total` must be a number of milliseconds or a config object, got the string "5"'),
  ),
  'tc-total-date': throws(
    'timeoutCancel',
    '`total` a Date',
    () => timeoutCancel(new Date() as never),
    T('timeoutCancel: a Date is not a total in milliseconds; for an absolute deadline use { at: date }'),
  ),
  'tc-at-invalid': throws(
    'timeoutCancel',
    '`config.at` an invalid Date',
    () => timeoutCancel({ at: new Date(NaN) }),
    R('timeoutCancel: `config.at` is an invalid Date'),
  ),
  'tc-at-number': throws(
    'timeoutCancel',
    '`config.at` a number',
    () => timeoutCancel({ at: 5 as never }),
    T('timeoutCancel: `config.at` must be a Date, got number 5'),
  ),
  'tc-first-negative': throws(
    'timeoutCancel',
    '`config.first` negative',
    () => timeoutCancel({ first: -1 }),
    R('timeoutCancel: `config.first` must be a non-negative number of milliseconds, got -1'),
  ),
  'tc-first-infinity': throws(
    'timeoutCancel',
    '`config.first` Infinity',
    () => timeoutCancel({ first: Infinity }),
    R('timeoutCancel: `config.first` must be a finite number of milliseconds, got Infinity'),
  ),
  'tc-first-invalid-date': throws(
    'timeoutCancel',
    '`config.first` an invalid Date',
    () => timeoutCancel({ first: new Date('nope') }),
    R('timeoutCancel: `config.first` is an invalid Date'),
  ),
  'tc-each-zero': throws(
    'timeoutCancel',
    '`config.each` 0',
    () => timeoutCancel({ each: 0 }),
    R('timeoutCancel: `config.each` must be greater than 0'),
  ),
  'tc-each-infinity': throws(
    'timeoutCancel',
    '`config.each` Infinity',
    () => timeoutCancel({ each: Infinity }),
    R('timeoutCancel: `config.each` must be a finite number of milliseconds, got Infinity'),
  ),
  'tc-with-string': throws(
    'timeoutCancel',
    '`config.with` not a function',
    () => timeoutCancel({ total: 5, with: 'cached' as never }),
    T('timeoutCancel: `config.with` must be a function, got the string "cached"'),
  ),
  'tc-ontimeout': throws(
    'timeoutCancel',
    '`config.onTimeout` unknown',
    () => timeoutCancel({ total: 5, onTimeout: 'ignore' as never }),
    T("timeoutCancel: `config.onTimeout` must be 'error' or 'complete', got the string \"ignore\""),
  ),
  'tc-with-and-complete': throws(
    'timeoutCancel',
    "`with` and `onTimeout: 'complete'` together",
    () => timeoutCancel({ total: 5, with: () => of(1), onTimeout: 'complete' } as never),
    T("timeoutCancel: `config.with` and `onTimeout: 'complete'` cannot be used together"),
  ),
  'tc-no-deadline': throws(
    'timeoutCancel',
    'a config with no deadline',
    () => timeoutCancel({ meta: 1 } as never),
    T('timeoutCancel: the config needs a deadline: total, at, first, each or reschedule'),
  ),
  'tc-scheduler': throws(
    'timeoutCancel',
    '`config.scheduler` not a scheduler',
    () => timeoutCancel({ total: 5, scheduler: {} as never }),
    T('timeoutCancel: `config.scheduler` must be a scheduler, got an object (Object)'),
  ),
  'tc-reschedule-number': throws(
    'timeoutCancel',
    '`config.reschedule` a number',
    () => timeoutCancel({ reschedule: 5 as never }),
    T('timeoutCancel: `config.reschedule` must be an ObservableInput of deadlines, got number 5'),
  ),
  'tc-reschedule-signal': throws(
    'timeoutCancel',
    '`config.reschedule` an AbortSignal (it aborts once: no deadlines)',
    () => timeoutCancel({ reschedule: new AbortController().signal as never }),
    T('timeoutCancel: `config.reschedule` must be an ObservableInput of deadlines, got an object (AbortSignal)'),
  ),
  'tc-with-throws': behaves(
    'timeoutCancel',
    'a `with` factory that throws',
    'once the source has cleaned up, the subscriber gets what it threw',
    () => {
      jest.useFakeTimers();
      try {
        const { events } = record(
          NEVER.pipe(
            timeoutCancel({
              total: 5,
              with: (): Observable<never> => {
                throw boom;
              },
            }),
          ),
        );
        jest.advanceTimersByTime(5);
        expect(events).toEqual([['error', boom]]);
      } finally {
        jest.useRealTimers();
      }
    },
  ),
  'tc-with-not-input': behaves(
    'timeoutCancel',
    'a `with` factory returning no ObservableInput',
    'the subscriber gets a TypeError saying so',
    () => {
      jest.useFakeTimers();
      try {
        const { events } = record(NEVER.pipe(timeoutCancel({ total: 5, with: () => 42 as never })));
        jest.advanceTimersByTime(5);
        expect(events).toEqual([
          ['error', new TypeError('timeoutCancel: `with` must return an ObservableInput, got number 42')],
        ]);
      } finally {
        jest.useRealTimers();
      }
    },
  ),
  'tc-reschedule-bad-value': behaves(
    'timeoutCancel',
    'a `reschedule` notifier emitting a bad deadline',
    'the source is cancelled and the subscriber gets a TypeError saying so',
    () => {
      const reschedule = new Subject<number>();
      const { events } = record(NEVER.pipe(timeoutCancel({ reschedule })));
      reschedule.next(-5);
      expect(events).toEqual([
        [
          'error',
          new TypeError(
            'timeoutCancel: `reschedule` emitted number -5; it must emit milliseconds, a valid Date, or null',
          ),
        ],
      ]);
    },
  ),

  // shieldUntil
  'sh-release-string': throws(
    'shieldUntil',
    '`release` a string (a time was meant)',
    () => shieldUntil('5s' as never),
    T(
      'shieldUntil: `release` must not be a string, got "5s": a string fires at once (it emits its characters); a time is a number of milliseconds, a reason goes in `options.reason`',
    ),
  ),
  'sh-release-object': throws(
    'shieldUntil',
    '`release` a plain object',
    () => shieldUntil({} as never),
    T(
      'shieldUntil: `release` must be an ObservableInput, an AbortSignal or a number of milliseconds, got an object (Object)',
    ),
  ),
  'sh-release-null': throws(
    'shieldUntil',
    '`release` null',
    () => shieldUntil(null as never),
    T('shieldUntil: `release` must be an ObservableInput, an AbortSignal or a number of milliseconds, got null'),
  ),
  'sh-release-negative': throws(
    'shieldUntil',
    '`release` negative',
    () => shieldUntil(-1),
    R('shieldUntil: `release` must be a non-negative number of milliseconds, got -1'),
  ),
  'sh-release-nan': throws(
    'shieldUntil',
    '`release` NaN',
    () => shieldUntil(NaN),
    R('shieldUntil: `release` must be a non-negative number of milliseconds, got NaN'),
  ),
  'sh-release-infinity': throws(
    'shieldUntil',
    '`release` Infinity',
    () => shieldUntil(Infinity),
    R('shieldUntil: `release` must be a finite number of milliseconds, got Infinity'),
  ),
  'sh-options-number': throws(
    'shieldUntil',
    '`options` a number',
    () => shieldUntil(undefined, 5 as never),
    T('shieldUntil: `options` must be an object, got number 5'),
  ),
  'sh-mode': throws(
    'shieldUntil',
    '`options.mode` unknown',
    () => shieldUntil(undefined, { mode: 'detached' as never }),
    T("shieldUntil: `options.mode` must be 'detach' or 'defer', got the string \"detached\""),
  ),
  'sh-callback': throws(
    'shieldUntil',
    '`options.onDetachedExit` not a function',
    () => shieldUntil(undefined, { onDetachedExit: 'log' as never }),
    T('shieldUntil: `options.onDetachedExit` must be a function, got the string "log"'),
  ),
  'sh-scheduler': throws(
    'shieldUntil',
    '`options.scheduler` not a scheduler (with a release in ms)',
    () => shieldUntil(5, { scheduler: {} as never }),
    T('shieldUntil: `options.scheduler` must be a scheduler, got an object (Object)'),
  ),
  'sh-callback-throws': behaves(
    'shieldUntil',
    'an `onDetachedExit` that throws',
    'what it threw goes to config.onUnhandledError',
    async () => {
      const work = new Subject<never>();
      const oops = new Error('oops');
      const { subscription } = record(
        work.pipe(
          shieldUntil(undefined, {
            onDetachedExit: () => {
              throw oops;
            },
          }),
        ),
      );
      subscription.unsubscribe();
      work.complete();
      await macrotask();
      expect(takeUnhandled()).toEqual([oops]);
    },
  ),

  // groupCancel
  'gc-sources-undefined': throws(
    'groupCancel',
    '`sources` undefined',
    () => groupCancel(undefined as never),
    T('groupCancel: `sources` must be an array or a record of ObservableInputs, got undefined'),
  ),
  'gc-sources-null': throws(
    'groupCancel',
    '`sources` null',
    () => groupCancel(null as never),
    T('groupCancel: `sources` must be an array or a record of ObservableInputs, got null'),
  ),
  'gc-sources-observable': throws(
    'groupCancel',
    '`sources` an Observable',
    () => groupCancel(of(1) as never),
    T('groupCancel: `sources` must be an array or a record of ObservableInputs, got an object (Observable)'),
  ),
  'gc-sources-map': throws(
    'groupCancel',
    '`sources` a Map',
    () => groupCancel(new Map() as never),
    T('groupCancel: `sources` must be an array or a record of ObservableInputs, got an object (Map)'),
  ),
  'gc-element-index': throws(
    'groupCancel',
    'an array element that is not an ObservableInput',
    () => groupCancel([of(1), 5 as never]),
    T('groupCancel: `sources[1]` must be an ObservableInput, got number 5'),
  ),
  'gc-element-key': throws(
    'groupCancel',
    'a record value that is not an ObservableInput',
    () => groupCancel({ user: of(1), orders: null as never }),
    T('groupCancel: `sources.orders` must be an ObservableInput, got null'),
  ),
  'gc-concurrency-zero': throws(
    'groupCancel',
    '`options.concurrency` 0',
    () => groupCancel([of(1)], { concurrency: 0 }),
    R('groupCancel: `options.concurrency` must be a whole number of at least 1, got 0'),
  ),
  'gc-concurrency-fraction': throws(
    'groupCancel',
    '`options.concurrency` 1.5',
    () => groupCancel([of(1)], { concurrency: 1.5 }),
    R('groupCancel: `options.concurrency` must be a whole number of at least 1, got 1.5'),
  ),
  'gc-concurrency-nan': throws(
    'groupCancel',
    '`options.concurrency` NaN',
    () => groupCancel([of(1)], { concurrency: NaN }),
    R('groupCancel: `options.concurrency` must be a whole number of at least 1, got NaN'),
  ),
  'gc-concurrency-string': throws(
    'groupCancel',
    "`options.concurrency` '2' (a string)",
    () => groupCancel([of(1)], { concurrency: '2' as never }),
    T('groupCancel: `options.concurrency` must be a number, got the string "2"'),
  ),
  'gc-concurrency-one': behaves(
    'groupCancel',
    '`options.concurrency` 1 (the smallest)',
    'accepted: one child at a time',
    async () => {
      const order: string[] = [];
      const child = (name: string) =>
        defer(() => {
          order.push(`${name} started`);
          return Promise.resolve(name).finally(() => order.push(`${name} done`));
        });
      await expect(firstValueFrom(groupCancel([child('a'), child('b')], { concurrency: 1 }))).resolves.toEqual([
        'a',
        'b',
      ]);
      expect(order).toEqual(['a started', 'a done', 'b started', 'b done']);
    },
  ),
  'gc-sources-null-prototype': behaves(
    'groupCancel',
    '`sources` an object with a null prototype',
    'accepted as a record',
    async () => {
      const sources = Object.assign(Object.create(null) as Record<string, Observable<number>>, { a: of(1) });
      await expect(firstValueFrom(groupCancel(sources))).resolves.toEqual({ a: 1 });
    },
  ),
  'gc-sources-class-instance': throws(
    'groupCancel',
    '`sources` a class instance (not a plain record)',
    () => groupCancel(new (class Sources {})() as never),
    T('groupCancel: `sources` must be an array or a record of ObservableInputs, got an object (Sources)'),
  ),
  'gc-mode': throws(
    'groupCancel',
    '`options.mode` unknown',
    () => groupCancel([], { mode: 'race' as never }),
    T("groupCancel: `options.mode` must be 'fail-fast' or 'settle', got the string \"race\""),
  ),
  'gc-output': throws(
    'groupCancel',
    '`options.output` unknown',
    () => groupCancel([], { output: 'zip' as never }),
    T("groupCancel: `options.output` must be 'collect' or 'merge', got the string \"zip\""),
  ),
  'gc-child-throws': behaves(
    'groupCancel',
    'a child that throws at subscribe',
    'the children before it are cancelled, the ones after never start, then a GroupError',
    () => {
      const exits: unknown[] = [];
      let laterStarted = false;
      const { events } = record(
        groupCancel([
          NEVER.pipe(finalizeCleanup((exit) => void exits.push(exit))),
          defer((): Observable<never> => {
            throw boom;
          }),
          defer(() => ((laterStarted = true), NEVER)),
        ]),
      );
      expect(exits).toEqual([{ kind: 'cancel', reason: boom }]);
      expect(laterStarted).toBe(false);
      expect(normalize(events)).toEqual(normalize([['error', new GroupError([boom])]]));
    },
  ),

  // switchMapCancel
  'sm-project-undefined': throws(
    'switchMapCancel',
    '`project` undefined',
    () => switchMapCancel(undefined as never),
    T('switchMapCancel: `project` must be a function, got undefined'),
  ),
  'sm-project-observable': throws(
    'switchMapCancel',
    '`project` an Observable (switchMapTo was meant)',
    () => switchMapCancel(of(1) as never),
    T('switchMapCancel: `project` must be a function, got an object (Observable)'),
  ),
  'sm-options-string': throws(
    'switchMapCancel',
    '`options` a string',
    () => switchMapCancel(() => of(1), 'report' as never),
    T('switchMapCancel: `options` must be an object, got the string "report"'),
  ),
  'sm-reason-value': throws(
    'switchMapCancel',
    '`options.reason` a value, not a function',
    () => switchMapCancel(() => of(1), { reason: 'newer query' as never }),
    T('switchMapCancel: `options.reason` must be a function, got the string "newer query"'),
  ),
  'sm-on-cleanup-error': throws(
    'switchMapCancel',
    '`options.onCleanupError` unknown',
    () => switchMapCancel(() => of(1), { onCleanupError: 'ignore' as never }),
    T("switchMapCancel: `options.onCleanupError` must be 'error' or 'report', got the string \"ignore\""),
  ),
  'sm-project-throws': behaves(
    'switchMapCancel',
    'a `project` that throws',
    'the running inner is cancelled with its error and cleaned up, then the subscriber gets the error',
    () => {
      const exits: unknown[] = [];
      const outer = new Subject<number>();
      const { events } = record(
        outer.pipe(
          switchMapCancel((n) => {
            if (n === 2) throw boom;
            return NEVER.pipe(finalizeCleanup((exit) => void exits.push(exit)));
          }),
        ),
      );
      outer.next(1);
      outer.next(2);
      expect(exits).toEqual([{ kind: 'cancel', reason: SUPERSEDED }]);
      expect(events).toEqual([['error', boom]]);
    },
  ),
  'sm-project-not-input': behaves(
    'switchMapCancel',
    'a `project` returning no ObservableInput',
    "the subscriber gets RxJS's TypeError, as from switchMap",
    () => {
      const { events } = record(of(1).pipe(switchMapCancel(() => 42 as never)));
      expect(events).toEqual([['error', expect.any(TypeError)]]);
      const [[, error]] = events as [string, unknown][];
      expect(String(error)).toMatch(/^TypeError: You provided '42' where a stream was expected/);
    },
  ),

  // raceCancel
  'rc-source-number': throws(
    'raceCancel',
    'a source that is not an ObservableInput',
    () => raceCancel(of(1), 5 as never),
    T('raceCancel: `sources[1]` must be an ObservableInput, got number 5'),
  ),
  'rc-array-element': throws(
    'raceCancel',
    'an array element that is not an ObservableInput',
    () => raceCancel([of(1), null as never]),
    T('raceCancel: `sources[1]` must be an ObservableInput, got null'),
  ),
  'rc-none': behaves('raceCancel', 'no sources', 'an Observable that never notifies, as race() is', () => {
    const { events, subscription } = record(raceCancel());
    expect(events).toEqual([]);
    subscription.unsubscribe();
  }),

  // firstValueFromCancel, lastValueFromCancel
  'fv-source-number': throws(
    'firstValueFromCancel',
    '`source` not an ObservableInput',
    () => firstValueFromCancel(5 as never),
    T('firstValueFromCancel: `source` must be an ObservableInput, got number 5'),
  ),
  'fv-config-signal': throws(
    'firstValueFromCancel',
    '`options` an AbortSignal (`{ signal }` was meant)',
    () => firstValueFromCancel(of(1), AbortSignal.abort() as never),
    T('firstValueFromCancel: `options` must be an object such as { signal }, got an object (AbortSignal)'),
  ),
  'lv-signal-controller': throws(
    'lastValueFromCancel',
    '`options.signal` an AbortController',
    () => lastValueFromCancel(of(1), { signal: new AbortController() as never }),
    T('lastValueFromCancel: `options.signal` must be an AbortSignal, got an object (AbortController)'),
  ),
  'lv-config-string': throws(
    'lastValueFromCancel',
    '`options` a string',
    () => lastValueFromCancel(of(1), 'default' as never),
    T('lastValueFromCancel: `options` must be an object, got the string "default"'),
  ),

  // cancelScope
  'cs-owner-object': throws(
    'cancelScope',
    '`options.owner` without onDestroy',
    () => cancelScope({ owner: {} as never }),
    T('cancelScope: `options.owner` must be an object with an onDestroy(callback) method, got an object (Object)'),
  ),
  'cs-owner-string': throws(
    'cancelScope',
    '`options.owner` a string',
    () => cancelScope({ owner: 'component' as never }),
    T('cancelScope: `options.owner` must be an object with an onDestroy(callback) method, got the string "component"'),
  ),
  'cs-owner-function': behaves(
    'cancelScope',
    '`options.owner` a function with an onDestroy method',
    'accepted: anything with onDestroy(callback) is an owner',
    () => {
      let destroy = noop;
      const owner = Object.assign(() => {}, { onDestroy: (callback: () => void) => void (destroy = callback) });
      const scope = cancelScope({ owner });
      destroy();
      expect(scope.cancelled).toBe(true);
    },
  ),
  'cs-owner-null': throws(
    'cancelScope',
    '`options.owner` null',
    () => cancelScope({ owner: null as never }),
    T('cancelScope: `options.owner` must be an object with an onDestroy(callback) method, got null'),
  ),
  'cs-options-string': throws(
    'cancelScope',
    '`options` a string',
    () => cancelScope('x' as never),
    T('cancelScope: `options` must be an object, got the string "x"'),
  ),
  'cs-run-number': throws(
    'cancelScope',
    '`scope.run(source)` with no ObservableInput',
    () => cancelScope().run(42 as never),
    T('scope.run: `source` must be an ObservableInput, got number 42'),
  ),
  'cs-run-cancelled': behaves(
    'cancelScope',
    '`scope.run` in a cancelled scope',
    'nothing is subscribed; the observer gets a CancelledError with the scope’s reason',
    () => {
      const scope = cancelScope();
      scope.cancel('closed');
      const errors: unknown[] = [];
      const subscription = scope.run(NEVER, { error: (error) => errors.push(error) });
      expect(subscription).toBe(Subscription.EMPTY);
      expect(normalize(errors)).toEqual(normalize([new CancelledError('closed')]));
    },
  ),

  // fromAbortable
  'fa-work-string': throws(
    'fromAbortable',
    '`work` not a function',
    () => fromAbortable('fetch' as never),
    T('fromAbortable: `work` must be a function, got the string "fetch"'),
  ),
  'fa-work-throws': behaves(
    'fromAbortable',
    'a `work` that throws',
    'the subscriber gets what it threw; the signal is not aborted',
    () => {
      let signal!: AbortSignal;
      const { events } = record(
        fromAbortable((given) => {
          signal = given;
          throw boom;
        }),
      );
      expect(events).toEqual([['error', boom]]);
      expect(signal.aborted).toBe(false);
    },
  ),
  'fa-work-not-input': behaves(
    'fromAbortable',
    'a `work` returning no ObservableInput',
    'the subscriber gets a TypeError saying so',
    () => {
      const { events } = record(fromAbortable(() => 42 as never));
      expect(events).toEqual([
        ['error', new TypeError('fromAbortable: `work` must return a Promise or an ObservableInput, got number 42')],
      ]);
    },
  ),

  // runAsync (rxjs-cancel/testing)
  'ra-scheduler-async': throws(
    'runAsync',
    '`scheduler` not a TestScheduler',
    () => runAsync(asyncScheduler as never, noop),
    T('runAsync: `scheduler` must be a TestScheduler of rxjs/testing, got an object (AsyncScheduler)'),
  ),
  'ra-callback-string': throws(
    'runAsync',
    '`callback` a marble string',
    () => runAsync(new TestScheduler(noop), '-a|' as never),
    T('runAsync: `callback` must be a function, got the string "-a|"'),
  ),
  'ra-options-number': throws(
    'runAsync',
    '`options` a number',
    () => runAsync(new TestScheduler(noop), noop, 5 as never),
    T('runAsync: `options` must be an object, got number 5'),
  ),
  'ra-fake-timers-object': throws(
    'runAsync',
    '`options.fakeTimers` without advanceTimersByTime and getTimerCount',
    () => runAsync(new TestScheduler(noop), noop, { fakeTimers: {} as never }),
    T('runAsync: `options.fakeTimers` must be the fake timers of the test (jest or vi), got an object (Object)'),
  ),
  'ra-fake-timers-missing': behaves(
    'runAsync',
    'timers faked (jest.useFakeTimers()) but `options.fakeTimers` not given',
    'TypeError: runAsync: timers are faked; pass them as `{ fakeTimers: jest }` (or `vi`) so that their clock moves with virtual time',
    () => {
      jest.useFakeTimers();
      try {
        expect(() => runAsync(new TestScheduler(noop), noop)).toThrow(
          T(
            'runAsync: timers are faked; pass them as `{ fakeTimers: jest }` (or `vi`) so that their clock moves with virtual time',
          ),
        );
      } finally {
        jest.useRealTimers();
      }
    },
  ),
  'ra-fake-timers-real': throws(
    'runAsync',
    '`options.fakeTimers` given while timers are real',
    () => runAsync(new TestScheduler(noop), noop, { fakeTimers: jest }),
    T(
      'runAsync: `options.fakeTimers` was given but timers are not faked; call jest.useFakeTimers() (or vi.useFakeTimers()) first',
    ),
  ),
  'ra-callback-waits': behaves(
    'runAsync',
    'a `callback` whose Promise waits for something virtual time never brings',
    'the Promise rejects with an Error saying the callback is still waiting with nothing left to run',
    async () => {
      await expect(runAsync(new TestScheduler(noop), () => new Promise(noop))).rejects.toThrow(
        'runAsync: the callback is still waiting, but nothing is scheduled in virtual time and no fake timer is pending',
      );
    },
  ),

  // CancelledError
  'ce-hostile-reason': behaves(
    'CancelledError',
    'a reason that cannot be turned into a string',
    'a message all the same: "cancelled: [object Object]"',
    () => {
      expect(new CancelledError(Object.create(null) as object).message).toBe('cancelled: [object Object]');
    },
  ),
};

/** The document's table rows: | id | function | bad input | what it gets |. */
function documentedRows(): { id: string; fn: string; input: string; gets: string }[] {
  return readFileSync(DOC, 'utf8')
    .split('\n')
    .filter((line) => /^\| `[a-z0-9-]+` \|/.test(line))
    .map((line) => {
      const [id, fn, input, gets] = line.slice(2, -2).split(' | ');
      return {
        id: id.replaceAll('`', ''),
        fn: fn.replaceAll('`', ''),
        input: input,
        gets: gets.replaceAll('\\|', '|'),
      };
    });
}

function writeDocument(): void {
  const intro = `# Bad inputs

Every public function, every kind of bad input tried on it, and what it gets.
A bad argument gets a clear error at the call (a \`TypeError\` for the wrong kind
of value, a \`RangeError\` for the right kind out of range) naming the function
and the argument; a bad thing that can only show later (a callback that
throws, a source or trigger that fails) gets a documented behaviour, and no
error is lost.

Each row is a case of [\`spec/bad-inputs.spec.ts\`](../spec/bad-inputs.spec.ts),
which checks that this table and its cases say the same and runs every one.

| id | function | bad input | what it gets |
|---|---|---|---|
`;
  const rows = Object.entries(cases).map(
    ([id, c]) => `| \`${id}\` | \`${c.fn}\` | ${c.input} | ${c.gets.replaceAll('|', '\\|')} |`,
  );
  writeFileSync(DOC, `${intro}${rows.join('\n')}\n`);
}

describe('bad inputs (docs/bad-inputs.md)', () => {
  if (process.env['WRITE_BAD_INPUTS_DOC'] === '1') writeDocument();

  it('the document lists exactly these cases, in the same words', () => {
    expect(documentedRows()).toEqual(
      Object.entries(cases).map(([id, c]) => ({ id, fn: c.fn, input: c.input, gets: c.gets })),
    );
  });

  it.each(Object.entries(cases))('%s', async (_id, c) => {
    await c.verify();
  });
});
