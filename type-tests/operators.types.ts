// Type tests: compiled by `tsc --noEmit` in `npm test`, never run. Each
// expectTypeOf line fails to compile if a public signature infers another
// type; each @ts-expect-error line fails to compile if misuse is accepted.
import { expectTypeOf } from 'expect-type';
import {
  asyncScheduler,
  interval,
  map,
  Observable,
  of,
  Subject,
  Subscription,
  TimeoutError,
  timer,
  type MonoTypeOperatorFunction,
  type OperatorFunction,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  cancellable,
  cancelScope,
  CancelledError,
  CleanupError,
  CleanupTimeoutError,
  DeadlineError,
  finalizeCleanup,
  firstValueFromCancel,
  fromAbortable,
  groupCancel,
  GroupError,
  lastValueFromCancel,
  RACE_LOST,
  raceCancel,
  SCOPE_CLOSED,
  ShieldReleased,
  shieldUntil,
  SUPERSEDED,
  switchMapCancel,
  timeoutCancel,
  UNSUBSCRIBED,
  type CancelScope,
  type Exit,
  type SettledResult,
  type TimeoutCancelInfo,
} from '../lib/index';
import type { TimeoutCancelConfig, TimeoutCancelDeadline } from '../lib/index';
import { runAsync } from '../lib/testing';

const numbers = of(1, 2, 3);

describeTypes('finalizeCleanup', () => {
  expectTypeOf(numbers.pipe(finalizeCleanup(() => undefined))).toEqualTypeOf<Observable<number>>();
  expectTypeOf(finalizeCleanup<string>(() => undefined)).toEqualTypeOf<MonoTypeOperatorFunction<string>>();
  // The exit is a union to narrow; a cleanup may return a Promise or any ObservableInput.
  numbers.pipe(
    finalizeCleanup((exit) => {
      expectTypeOf(exit).toEqualTypeOf<Exit>();
      if (exit.kind === 'error') expectTypeOf(exit.error).toBeUnknown();
      if (exit.kind === 'cancel') expectTypeOf(exit.reason).toBeUnknown();
      return Promise.resolve();
    }),
    finalizeCleanup(() => timer(10)),
    finalizeCleanup(() => [1, 2]),
    finalizeCleanup(() => undefined, { timeout: 100 }),
  );
  // @ts-expect-error the cleanup is a function
  finalizeCleanup('cleanup');
  // @ts-expect-error a cleanup returns nothing, or something to await
  finalizeCleanup(() => 42);
  // @ts-expect-error timeout is a number of milliseconds
  finalizeCleanup(() => undefined, { timeout: '1s' });
  // @ts-expect-error no such option
  finalizeCleanup(() => undefined, { timeOut: 100 });
});

describeTypes('cancellable', () => {
  expectTypeOf(numbers.pipe(cancellable(new Subject<void>()))).toEqualTypeOf<Observable<number>>();
  expectTypeOf(numbers.pipe(cancellable(new AbortController().signal))).toEqualTypeOf<Observable<number>>();
  expectTypeOf(numbers.pipe(cancellable(timer(5), { onCancel: 'complete', reason: 'late' }))).toEqualTypeOf<
    Observable<number>
  >();
  expectTypeOf(numbers.pipe(cancellable(Promise.resolve()))).toEqualTypeOf<Observable<number>>();
  // @ts-expect-error a trigger is an ObservableInput or an AbortSignal, not a delay
  cancellable(1000);
  // @ts-expect-error a string is an ObservableInput of its characters: it would fire at once
  cancellable('user pressed stop');
  const stopLabel: string = 'stop';
  // @ts-expect-error not a string typed as string either
  cancellable(stopLabel);
  // An explicit value type still works, and so does an ObservableInput of strings.
  expectTypeOf(cancellable<number>(of('stop'))).toEqualTypeOf<MonoTypeOperatorFunction<number>>();
  // @ts-expect-error onCancel is 'error' or 'complete'
  cancellable(timer(5), { onCancel: 'ignore' });
});

describeTypes('fromAbortable', () => {
  expectTypeOf(fromAbortable((signal) => fetch('/x', { signal }))).toEqualTypeOf<Observable<Response>>();
  expectTypeOf(fromAbortable(() => of('a'))).toEqualTypeOf<Observable<string>>();
  fromAbortable((signal) => {
    expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
    return [signal.aborted];
  });
  // @ts-expect-error the work returns an ObservableInput
  fromAbortable(() => 42);
});

describeTypes('timeoutCancel', () => {
  expectTypeOf(numbers.pipe(timeoutCancel(100))).toEqualTypeOf<Observable<number>>();
  expectTypeOf(numbers.pipe(timeoutCancel({ total: 100, each: 10 }))).toEqualTypeOf<Observable<number>>();
  expectTypeOf(numbers.pipe(timeoutCancel({ at: new Date(), onTimeout: 'complete' }))).toEqualTypeOf<
    Observable<number>
  >();
  // A fallback widens the value type with the fallback's values.
  expectTypeOf(numbers.pipe(timeoutCancel({ total: 100, with: () => of('late' as const) }))).toEqualTypeOf<
    Observable<number | 'late'>
  >();
  expectTypeOf(numbers.pipe(timeoutCancel({ first: 100, with: () => Promise.resolve(true) }))).toEqualTypeOf<
    Observable<number | boolean>
  >();
  // The fallback and the error see the last value and the meta.
  numbers.pipe(
    timeoutCancel({
      each: 10,
      meta: { route: '/x' },
      with: (info) => {
        expectTypeOf(info).toEqualTypeOf<TimeoutCancelInfo<number, { route: string }>>();
        expectTypeOf(info.lastValue).toEqualTypeOf<number | null>();
        expectTypeOf(info.meta).toEqualTypeOf<{ route: string }>();
        return of(0);
      },
    }),
  );
  expectTypeOf(timeoutCancel<string, never>({ total: 1 })).toEqualTypeOf<MonoTypeOperatorFunction<string>>();
  expectTypeOf(timeoutCancel({ total: 1, with: () => of(1n) })).toMatchTypeOf<OperatorFunction<unknown, unknown>>();
  // @ts-expect-error a deadline is a number of milliseconds or a config
  timeoutCancel('5s');
  // @ts-expect-error `at` is a Date
  timeoutCancel({ at: 100 });
  // @ts-expect-error `with` returns an ObservableInput
  timeoutCancel({ total: 100, with: () => 42 });
  // @ts-expect-error a fallback and onTimeout: 'complete' contradict each other
  timeoutCancel({ total: 100, with: () => of(1), onTimeout: 'complete' });
  // A config needs a deadline: total, at, first, each or reschedule.
  // @ts-expect-error no deadline at all
  timeoutCancel({});
  // @ts-expect-error no deadline, only what to do when it passes
  timeoutCancel({ onTimeout: 'complete' });
  // @ts-expect-error no deadline, only a fallback
  timeoutCancel({ with: () => of(1) });
  expectTypeOf(numbers.pipe(timeoutCancel({ reschedule: new Subject<number | null>() }))).toEqualTypeOf<
    Observable<number>
  >();
  expectTypeOf(numbers.pipe(timeoutCancel({ first: new Date(), with: () => of('late') }))).toEqualTypeOf<
    Observable<number | string>
  >();
  // A config built at run time is typed as one with a deadline.
  const fromSettings: TimeoutCancelConfig<number> & TimeoutCancelDeadline = { each: 100 };
  expectTypeOf(numbers.pipe(timeoutCancel(fromSettings))).toEqualTypeOf<Observable<number>>();
});

describeTypes('shieldUntil', () => {
  expectTypeOf(numbers.pipe(shieldUntil())).toEqualTypeOf<Observable<number>>();
  expectTypeOf(numbers.pipe(shieldUntil(timer(100)))).toEqualTypeOf<Observable<number>>();
  // @ts-expect-error a string release would fire at once: a time is a number of milliseconds
  shieldUntil('5s');
  expectTypeOf(numbers.pipe(shieldUntil(5_000))).toEqualTypeOf<Observable<number>>();
  expectTypeOf(numbers.pipe(shieldUntil(new AbortController().signal, { mode: 'defer' }))).toEqualTypeOf<
    Observable<number>
  >();
  expectTypeOf(numbers.pipe(shieldUntil(500, { onDetachedExit: (exit) => void exit.kind }))).toEqualTypeOf<
    Observable<number>
  >();
  // @ts-expect-error mode is 'detach' or 'defer'
  shieldUntil(timer(1), { mode: 'forever' });
});

describeTypes('groupCancel', () => {
  // Arrays collect to tuples, records to records, each child's last value.
  expectTypeOf(groupCancel([of(1), of('a'), Promise.resolve(true)])).toEqualTypeOf<
    Observable<[number, string, boolean]>
  >();
  expectTypeOf(groupCancel({ n: of(1), s: interval(1).pipe(map((n) => String(n))) })).toEqualTypeOf<
    Observable<{ n: number; s: string }>
  >();
  // Settling gives each child's SettledResult.
  expectTypeOf(groupCancel([of(1), of('a')], { mode: 'settle' })).toEqualTypeOf<
    Observable<[SettledResult<number>, SettledResult<string>]>
  >();
  expectTypeOf(groupCancel({ n: of(1) }, { mode: 'settle', concurrency: 1 })).toEqualTypeOf<
    Observable<{ n: SettledResult<number> }>
  >();
  // Merging gives the union of the children's values.
  expectTypeOf(groupCancel([of(1), of('a')], { output: 'merge' })).toEqualTypeOf<Observable<number | string>>();
  expectTypeOf(groupCancel({ n: of(1), b: of(true) }, { output: 'merge', mode: 'settle' })).toEqualTypeOf<
    Observable<number | boolean>
  >();
  // A settled result narrows on its status.
  groupCancel([of(1)], { mode: 'settle' }).subscribe(([result]) => {
    if (result.status === 'fulfilled') expectTypeOf(result.value).toEqualTypeOf<number>();
    else expectTypeOf(result.reason).toBeUnknown();
  });
  // Each child's type is inferred from the child, as forkJoin does: a
  // Promise's .then callback, an inline fromAbortable in a record.
  interface User {
    readonly name: string;
  }
  const url = '/api/user';
  expectTypeOf(groupCancel([Promise.resolve(1), fetch(url).then((r) => r.statusText)])).toEqualTypeOf<
    Observable<[number, string]>
  >();
  expectTypeOf(
    groupCancel({
      user: fromAbortable((signal) => fetch(url, { signal }).then((r) => r.json() as Promise<User>)),
      status: fetch(url).then((r) => r.status),
    }),
  ).toEqualTypeOf<Observable<{ user: User; status: number }>>();
  expectTypeOf(groupCancel([fetch(url).then((r) => r.ok)], { mode: 'settle' })).toEqualTypeOf<
    Observable<[SettledResult<boolean>]>
  >();
  expectTypeOf(groupCancel({ a: fetch(url).then((r) => r.ok) }, { output: 'merge' })).toEqualTypeOf<
    Observable<boolean>
  >();
  // An array of unknown length collects to an array; readonly sources collect to a mutable result.
  const many: Observable<number>[] = [of(1), of(2)];
  expectTypeOf(groupCancel(many)).toEqualTypeOf<Observable<number[]>>();
  expectTypeOf(groupCancel([of(1), of('a')] as const)).toEqualTypeOf<Observable<[number, string]>>();
  // @ts-expect-error children are ObservableInputs
  groupCancel([of(1), 2]);
  // @ts-expect-error mode is 'fail-fast' or 'settle'
  groupCancel([of(1)], { mode: 'all' });
  // @ts-expect-error concurrency is a number
  groupCancel([of(1)], { concurrency: 'all' });
});

describeTypes('cancelScope', () => {
  const scope = cancelScope();
  expectTypeOf(scope).toEqualTypeOf<CancelScope>();
  expectTypeOf(scope.run(numbers)).toEqualTypeOf<Subscription>();
  scope.run(numbers, (value) => expectTypeOf(value).toEqualTypeOf<number>());
  scope.run(numbers, { next: (value) => expectTypeOf(value).toEqualTypeOf<number>() });
  expectTypeOf(scope.close()).toEqualTypeOf<Promise<void>>();
  expectTypeOf(scope.signal).toEqualTypeOf<AbortSignal>();
  expectTypeOf(scope).toMatchTypeOf<AsyncDisposable>();
  cancelScope({ owner: { onDestroy: (callback: () => void) => callback } });
  // @ts-expect-error an owner has onDestroy(callback)
  cancelScope({ owner: {} });
  // @ts-expect-error run takes an ObservableInput
  scope.run(42);
});

describeTypes('switchMapCancel', () => {
  // As switchMap infers: the inners' values, from any ObservableInput.
  expectTypeOf(numbers.pipe(switchMapCancel((n) => of(String(n))))).toEqualTypeOf<Observable<string>>();
  expectTypeOf(numbers.pipe(switchMapCancel((n) => Promise.resolve(n > 1)))).toEqualTypeOf<Observable<boolean>>();
  expectTypeOf(numbers.pipe(switchMapCancel((n) => [n, n]))).toEqualTypeOf<Observable<number>>();
  expectTypeOf(switchMapCancel((n: number, index: number) => of(n + index))).toEqualTypeOf<
    OperatorFunction<number, number>
  >();
  // The reason function gets the outer value.
  numbers.pipe(switchMapCancel(() => of(1), { reason: (value) => expectTypeOf(value).toEqualTypeOf<number>() }));
  numbers.pipe(switchMapCancel(() => of(1), { onCleanupError: 'report' }));
  expectTypeOf(SUPERSEDED).toBeSymbol();
  // @ts-expect-error project is a function (switchMapTo is not this)
  switchMapCancel(of(1));
  // @ts-expect-error reason is a function of the value
  switchMapCancel(() => of(1), { reason: 'newer' });
  // @ts-expect-error onCleanupError is 'error' or 'report'
  switchMapCancel(() => of(1), { onCleanupError: 'ignore' });
  // @ts-expect-error project returns an ObservableInput
  numbers.pipe(switchMapCancel((n) => n));
});

describeTypes('raceCancel', () => {
  // As race infers: the union of the sources' values, from arguments or an array.
  expectTypeOf(raceCancel(of(1), of('a'))).toEqualTypeOf<Observable<number | string>>();
  expectTypeOf(raceCancel([of(1), Promise.resolve(true)])).toEqualTypeOf<Observable<number | boolean>>();
  expectTypeOf(RACE_LOST).toBeSymbol();
  // @ts-expect-error every source is an ObservableInput
  raceCancel(of(1), 5);
});

describeTypes('firstValueFromCancel, lastValueFromCancel', () => {
  // As RxJS's firstValueFrom and lastValueFrom infer, defaultValue included.
  expectTypeOf(firstValueFromCancel(numbers)).toEqualTypeOf<Promise<number>>();
  expectTypeOf(lastValueFromCancel(numbers, { signal: new AbortController().signal })).toEqualTypeOf<Promise<number>>();
  expectTypeOf(firstValueFromCancel(numbers, { defaultValue: 'none' })).toEqualTypeOf<Promise<number | string>>();
  expectTypeOf(lastValueFromCancel(Promise.resolve(true))).toEqualTypeOf<Promise<boolean>>();
  // @ts-expect-error the signal goes in { signal }
  void firstValueFromCancel(numbers, new AbortController().signal);
  // @ts-expect-error signal is an AbortSignal
  void lastValueFromCancel(numbers, { signal: new AbortController() });
});

describeTypes('errors', () => {
  expectTypeOf(new CancelledError('why').reason).toBeUnknown();
  expectTypeOf<CancelledError>().toMatchTypeOf<Error>();
  expectTypeOf<CleanupError>().toMatchTypeOf<AggregateError>();
  expectTypeOf<GroupError>().toMatchTypeOf<AggregateError>();
  expectTypeOf<CleanupTimeoutError>().toMatchTypeOf<Error>();
  expectTypeOf<DeadlineError<number, string>>().toMatchTypeOf<TimeoutError<number, string>>();
  expectTypeOf<ShieldReleased>().toEqualTypeOf<ShieldReleased>();
  expectTypeOf(UNSUBSCRIBED).toBeSymbol();
  expectTypeOf(SCOPE_CLOSED).toBeSymbol();
});

/** Groups the lines of one export; the function is never called. */
function describeTypes(_name: string, _body: () => void): void {}

// rxjs-cancel/testing: runAsync resolves to what the callback returns (a
// Promise's value unwrapped); its helpers' flush is awaited; fake timers are
// Jest's or Vitest's controls, not a boolean.
{
  const scheduler = new TestScheduler(() => undefined);
  expectTypeOf(runAsync(scheduler, () => 1)).toEqualTypeOf<Promise<number>>();
  expectTypeOf(runAsync(scheduler, () => Promise.resolve('done'))).toEqualTypeOf<Promise<string>>();
  expectTypeOf(runAsync(scheduler, () => undefined)).toEqualTypeOf<Promise<undefined>>();
  void runAsync(scheduler, ({ flush, cold, expectObservable }) => {
    expectTypeOf(flush).returns.toEqualTypeOf<Promise<void>>();
    expectObservable(cold('a|')).toBe('a|');
  });
  void runAsync(scheduler, () => undefined, { fakeTimers: jest });
  // @ts-expect-error a boolean is not the fake timers
  void runAsync(scheduler, () => undefined, { fakeTimers: true });
  // @ts-expect-error the scheduler is a TestScheduler
  void runAsync(asyncScheduler, () => undefined);
}
