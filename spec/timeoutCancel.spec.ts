import {
  asyncScheduler,
  merge,
  NEVER,
  Observable,
  of,
  type SchedulerLike,
  Subject,
  Subscriber,
  Subscription,
  throwError,
  TimeoutError,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { CancelledError, DeadlineError, finalizeCleanup, timeoutCancel, type Exit } from '../lib';
import { normalize } from '../test-support/errors';
import { runMarbles } from '../test-support/marbles';
import { record } from '../test-support/record';
import { deferred, macrotask } from '../test-support/time';
import { takeUnhandled } from '../test-support/unhandled';

describe(timeoutCancel.name, () => {
  describe('its error', () => {
    it('is an instanceof RxJS TimeoutError, says which deadline passed, and chains the cancellation', () => {
      jest.useFakeTimers();
      try {
        const { events } = record(new Subject<number>().pipe(timeoutCancel({ first: 100, meta: 'user lookup' })));
        jest.advanceTimersByTime(100);
        const [[kind, error]] = events as [[string, DeadlineError<number, string>]];
        expect(kind).toBe('error');
        expect(error).toBeInstanceOf(TimeoutError);
        expect(error).toBeInstanceOf(DeadlineError);
        expect(error).toBeInstanceOf(Error);
        expect(error.name).toBe('TimeoutError');
        expect(error.deadline).toBe('first');
        expect(error.info).toEqual({ deadline: 'first', meta: 'user lookup', seen: 0, lastValue: null });
        expect(error.message).toBe('the first deadline passed after 0 values');
        expect(error.cause).toBeInstanceOf(CancelledError);
        expect((error.cause as CancelledError).reason).toBe(error);
        expect(error.stack).toContain('TimeoutError: the first deadline passed');
      } finally {
        jest.useRealTimers();
      }
    });
  });

  describe('with real Promise cleanups and fake timers', () => {
    afterEach(() => jest.useRealTimers());

    it('cancels at the deadline and errors only once the Promise cleanup has settled', async () => {
      jest.useFakeTimers();
      const cleanupDone = deferred();
      const exits: Exit[] = [];
      const { events } = record(
        NEVER.pipe(
          finalizeCleanup((exit) => (exits.push(exit), cleanupDone.promise)),
          timeoutCancel(1000),
        ),
      );
      await jest.advanceTimersByTimeAsync(999);
      expect(exits).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(exits).toHaveLength(1);
      expect((exits[0] as { reason: unknown }).reason).toBeInstanceOf(TimeoutError);
      expect(events).toEqual([]);
      cleanupDone.resolve();
      await jest.advanceTimersByTimeAsync(0);
      expect(events).toHaveLength(1);
      expect((events[0] as [string, unknown])[1]).toBeInstanceOf(DeadlineError);
    });

    it('switches to a Promise fallback (a custom timeout returning a cached value)', async () => {
      jest.useFakeTimers();
      const { events } = record(NEVER.pipe(timeoutCancel({ total: 50, with: () => Promise.resolve('cached') })));
      await jest.advanceTimersByTimeAsync(50);
      expect(events).toEqual([['next', 'cached'], ['complete']]);
    });

    it('keeps per-subscription state apart when one operator is subscribed twice', async () => {
      jest.useFakeTimers();
      const values = new Subject<number>();
      const guarded = values.pipe(timeoutCancel({ each: 100 }));
      const first = record(guarded);
      await jest.advanceTimersByTimeAsync(60);
      const second = record(guarded);
      values.next(1); // resets both at t=60: the next deadline is t=160
      await jest.advanceTimersByTimeAsync(99);
      expect(first.events).toEqual([['next', 1]]);
      await jest.advanceTimersByTimeAsync(1);
      expect(first.events).toHaveLength(2);
      expect(second.events).toHaveLength(2);
    });
  });

  it('widens the value type to the fallback type', () => {
    const withFallback: Observable<number | string> = of(1).pipe(timeoutCancel({ total: 5, with: () => of('x') }));
    // @ts-expect-error: the fallback's strings are not numbers
    const narrowed: Observable<number> = of(1).pipe(timeoutCancel({ total: 5, with: () => of('x') }));
    const plain: Observable<number> = of(1).pipe(timeoutCancel(5));
    expect([withFallback, narrowed, plain].every((each) => each instanceof Observable)).toBe(true);
  });

  it('errors downstream with what a failing reschedule notifier sent, after cancelling the source', () => {
    const reschedule = new Subject<number>();
    const exits: Exit[] = [];
    const oops = new Error('oops');
    const { events } = record(
      NEVER.pipe(
        finalizeCleanup((exit) => void exits.push(exit)),
        timeoutCancel({ reschedule }),
      ),
    );
    reschedule.error(oops);
    expect(exits).toEqual([{ kind: 'cancel', reason: oops }]);
    expect(events).toEqual([['error', oops]]);
  });

  it.each([
    ['a revoked Proxy', () => Proxy.revocable({}, {}), true],
    [
      'an object whose constructor getter throws',
      () => ({
        proxy: {
          get constructor(): never {
            throw new Error('no');
          },
        },
        revoke() {},
      }),
      false,
    ],
  ])(
    'a reschedule value that throws when looked at (%s) ends the output with the TypeError, not at the sender',
    (_name, make, revoke) => {
      const { proxy: value, revoke: doRevoke } = make();
      if (revoke) doRevoke();
      const reschedule = new Subject<unknown>();
      const { events } = record(NEVER.pipe(timeoutCancel({ reschedule: reschedule as Subject<number> })));
      expect(() => reschedule.next(value)).not.toThrow();
      expect(events).toEqual([
        [
          'error',
          new TypeError(
            'timeoutCancel: `reschedule` emitted a value that cannot be described; it must emit milliseconds, a valid Date, or null',
          ),
        ],
      ]);
    },
  );

  it('ignores what a reschedule source sends after it completed, as RxJS ignores it, and reports a late error', async () => {
    const late = new Error('late');
    const reschedule = new Observable<number>((subscriber) => {
      subscriber.complete();
      subscriber.next(0); // would time out at once
      subscriber.error(late);
    });
    const { events } = record(NEVER.pipe(timeoutCancel({ reschedule })));
    expect(events).toEqual([]);
    await macrotask();
    expect(takeUnhandled()).toEqual([late]);
  });

  it('passes a source error through untouched', () => {
    const boom = new Error('boom');
    expect(record(throwError(() => boom).pipe(timeoutCancel(10))).events).toEqual([['error', boom]]);
  });

  it('reports the same outcome to every kind of subscriber: the normalized error', () => {
    jest.useFakeTimers();
    try {
      const { events } = record(NEVER.pipe(timeoutCancel(5)));
      jest.advanceTimersByTime(5);
      expect(normalize(events)).toEqual(
        normalize([['error', new DeadlineError({ deadline: 'total', seen: 0, lastValue: null, meta: undefined })]]),
      );
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('timeoutCancel deadlines', () => {
  it('names the total deadline when `at` falls in the same frame: the total wins a tie', () => {
    const names: unknown[] = [];
    new TestScheduler(() => undefined).run(() => {
      for (const at of [4, 5, 6]) {
        NEVER.pipe(timeoutCancel({ total: 5, at: new Date(at) })).subscribe({
          error: (error: DeadlineError) => names.push(`${error.deadline} at ${at}`),
        });
      }
    });
    expect(names).toEqual(['at at 4', 'total at 5', 'total at 6']);
  });

  it('never subscribes the source for a subscriber that is already closed', () => {
    let subscribed = 0;
    const source = new Observable<never>(() => void subscribed++);
    const closed = new Subscriber<never>();
    closed.unsubscribe();
    source.pipe(timeoutCancel(5)).subscribe(closed);
    expect(subscribed).toBe(0);
  });
});

// Sources, triggers and schedulers that do not play by RxJS's rules (they
// keep calling a subscriber after it closed, or fire a timer early) must not
// get anything past the operator's own end.
describe('timeoutCancel with ill-behaved neighbours', () => {
  it('ignores a source that emits after the deadline cancelled it', () => {
    let leaked: Subscriber<number> | undefined;
    const events: unknown[] = [];
    runMarbles(() => {
      new Observable<number>((subscriber) => void (leaked = subscriber))
        .pipe(timeoutCancel(0))
        .subscribe({ next: (value) => events.push(value), error: (error: Error) => events.push(error.name) });
    });
    expect(events).toEqual(['TimeoutError']);
    expect(() => leaked!.next(1)).not.toThrow();
    expect(events).toEqual(['TimeoutError']);
  });

  it('takes nothing from a reschedule trigger after it ended the output, and reports its late error', () => {
    const late = new Error('late');
    const reschedule = new Observable<unknown>((subscriber) => {
      subscriber.next('soon'); // a bad deadline: ends the output
      subscriber.next(0); // would time out at once
      subscriber.error(late);
    });
    let schedules = 0;
    runMarbles(({ expectObservable }) => {
      const counted: SchedulerLike = {
        now: () => asyncScheduler.now(),
        schedule: (work: never, delay?: number, state?: never) => (
          schedules++,
          asyncScheduler.schedule(work, delay, state)
        ),
      };
      const bad = new TypeError(
        'timeoutCancel: `reschedule` emitted the string "soon"; it must emit milliseconds, a valid Date, or null',
      );
      expectObservable(
        NEVER.pipe(timeoutCancel({ total: 5, reschedule: reschedule as Observable<number>, scheduler: counted })),
      ).toBe('#', undefined, bad);
    });
    expect(schedules).toBe(0); // no check armed for a deadline that no longer matters
    expect(takeUnhandled()).toEqual([late]);
  });

  it('ignores a check that a scheduler without cancellation runs after the source ended', () => {
    runMarbles(({ cold, expectObservable }) => {
      // Its actions cannot be cancelled: the check armed for frame 5 runs
      // while the source's error waits for a cleanup.
      const uncancellable: SchedulerLike = {
        now: () => asyncScheduler.now(),
        schedule: (work: never, delay?: number, state?: never) => {
          asyncScheduler.schedule(work, delay, state);
          return new Subscription();
        },
      };
      const slowToCancel = NEVER.pipe(finalizeCleanup(() => cold('---------|')));
      const source = merge(cold('-#'), slowToCancel);
      expectObservable(source.pipe(timeoutCancel({ total: 5, scheduler: uncancellable }))).toBe('----------#');
    });
  });

  it('does not subscribe the reschedule trigger when the source ended synchronously', () => {
    runMarbles(({ cold, expectObservable, expectSubscriptions }) => {
      const reschedule = cold('-x', { x: 10 });
      expectObservable(of(1).pipe(timeoutCancel({ total: 5, reschedule }))).toBe('(a|)', { a: 1 });
      expectSubscriptions(reschedule.subscriptions).toBe([]);
    });
  });

  it('re-arms, and times out on time, when its scheduler fires a check a frame early', () => {
    runMarbles(({ expectObservable }) => {
      // Its first timer fires a frame early, as a setTimeout can against
      // Date.now() (the two clocks drift apart).
      const virtual = asyncScheduler; // virtual under run()
      let early = 1;
      const drifting: SchedulerLike = {
        now: () => virtual.now(),
        schedule: (work: never, delay = 0, state?: never) =>
          virtual.schedule(work, Math.max(0, delay - (early-- > 0 ? 1 : 0)), state),
      };
      expectObservable(NEVER.pipe(timeoutCancel({ total: 5, scheduler: drifting }))).toBe(
        '-----#',
        undefined,
        new DeadlineError({ deadline: 'total', meta: undefined, seen: 0, lastValue: null }),
      );
    });
  });
});

describe('timeoutCancel reschedule values', () => {
  /** The frame and error the output ends with when `reschedule` emits `value` at frame 2. */
  function endWith(value: unknown): { frame: number; error: unknown } {
    const scheduler = new TestScheduler(() => undefined);
    let ended: { frame: number; error: unknown } = { frame: -1, error: undefined };
    scheduler.run(({ cold }) => {
      NEVER.pipe(timeoutCancel({ total: 9, reschedule: cold('--x', { x: value as number }) })).subscribe({
        error: (error: unknown) => (ended = { frame: scheduler.now(), error }),
      });
    });
    return ended;
  }

  it('takes 0 as "the deadline is now"', () => {
    const { frame, error } = endWith(0);
    expect(frame).toBe(2);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as DeadlineError).deadline).toBe('total');
  });

  it('takes a Date as an absolute deadline', () => {
    const { frame, error } = endWith(new Date(5));
    expect(frame).toBe(5);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as DeadlineError).deadline).toBe('at');
  });

  it.each([
    ['Infinity (null removes the deadline)', Infinity, 'number Infinity'],
    ['a negative number', -1, 'number -1'],
    ['a numeric string', '5', 'the string "5"'],
    ['an invalid Date', new Date(NaN), 'an object (Date)'],
  ])('rejects %s with a TypeError at once', (_, value, described) => {
    const { frame, error } = endWith(value);
    expect(frame).toBe(2);
    expect(error).toEqual(
      new TypeError(
        `timeoutCancel: \`reschedule\` emitted ${described}; it must emit milliseconds, a valid Date, or null`,
      ),
    );
  });
});
