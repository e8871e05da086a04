// A consumer's module: every public export, used the way an app would.
// scripts/check-package.mjs compiles it as ESM (.mts) and, copied, as CommonJS (.cts).
import { interval, of, Subject, take, timer, type Observable } from 'rxjs';
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
} from 'rxjs-cancel';
import { runAsync, type AsyncRunHelpers, type FakeTimers } from 'rxjs-cancel/testing';

const stop = new Subject<void>();
const controller = new AbortController();

const ticks = interval(10).pipe(
  take(5),
  finalizeCleanup(async (exit: Exit) => {
    if (exit.kind === 'cancel') await Promise.resolve(exit.reason);
  }),
  cancellable(stop),
  cancellable(controller.signal, { onCancel: 'complete' }),
  timeoutCancel({ first: 100, with: () => of('fallback' as const) }),
  shieldUntil(timer(50)),
);
const widened: Observable<number | 'fallback'> = ticks;
void widened;

const fetched = fromAbortable((signal: AbortSignal) => fetch('/data', { signal }).then((r) => r.status));
const both = groupCancel([of(1), fetched] as const);
both.subscribe(([a, status]: readonly [number, number]) => a + status);
const settled = groupCancel({ a: of(1), b: of('x') }, { mode: 'settle' });
settled.subscribe((r: { a: SettledResult<number>; b: SettledResult<string> }) => r);

const scope: CancelScope = cancelScope();
scope.run(ticks, (v) => v);
scope.cancel(SCOPE_CLOSED);
void scope.close().catch((e: unknown) => e instanceof CleanupError);

const errors = [CancelledError, CleanupTimeoutError, DeadlineError, GroupError, ShieldReleased] as const;
void errors;
void UNSUBSCRIBED;

const typeahead: Observable<string> = of('a', 'ab').pipe(
  switchMapCancel((query: string) => of(query.toUpperCase()), { reason: (query: string) => query }),
);
const winner: Observable<number | string> = raceCancel([of(1), of('x')]);
const first: Promise<string> = firstValueFromCancel(typeahead, { signal: controller.signal });
const last: Promise<number | string> = lastValueFromCancel(winner, { defaultValue: 0 });
void [first, last, SUPERSEDED, RACE_LOST];

// rxjs-cancel/testing: a marble test whose Promise cleanup settles in virtual time.
const testScheduler = new TestScheduler((actual, expected) => JSON.stringify(actual) === JSON.stringify(expected));
const fakeTimers: FakeTimers | undefined = undefined;
const ran: Promise<number> = runAsync(
  testScheduler,
  async ({ cold, expectObservable, flush }: AsyncRunHelpers) => {
    expectObservable(cold('a|').pipe(finalizeCleanup(() => Promise.resolve()))).toBe('a|');
    await flush();
    return 1;
  },
  fakeTimers === undefined ? {} : { fakeTimers },
);
void ran;
