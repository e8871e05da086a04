import {
  concatMap,
  interval,
  map,
  mergeMap,
  Observable,
  of,
  take,
  timeout,
  TimeoutError,
  timer,
  type OperatorFunction,
} from 'rxjs';
import {
  CancelledError,
  CleanupError,
  DeadlineError,
  finalizeCleanup,
  timeoutCancel,
  type Deadline,
  type Exit,
} from '../lib';
import { recordInVirtualTime, testScheduler, type Recorded } from '../test-support/marbles';

const oops = new Error('oops');

/** The DeadlineError a marble expects. */
function deadline<T>(which: Deadline, seen: number, lastValue: T | null, meta?: unknown): DeadlineError<T> {
  return new DeadlineError({ deadline: which, seen, lastValue, meta });
}

describe(timeoutCancel.name, () => {
  describe('total: a deadline for the whole subscription', () => {
    it('cancels at the deadline, waits for a 1-frame cleanup, then errors one frame later (asyncio timeout)', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('a-------');
        const sourceSubs = '    ^-!     ';
        const cleanup = cold('    -|    ');
        const cleanupSubs = '   --^!    ';
        const expected = '      a--#    ';

        const result = source.pipe(
          finalizeCleanup((exit) => (exits.push(exit), cleanup)),
          timeoutCancel(2),
        );

        expectObservable(result).toBe(expected, { a: 'a' }, deadline('total', 1, 'a'));
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
      });
      expect(exits).toHaveLength(1);
      const [exit] = exits as [{ kind: 'cancel'; reason: unknown }];
      expect(exit.kind).toBe('cancel');
      expect(exit.reason).toBeInstanceOf(TimeoutError);
      expect((exit.reason as DeadlineError).deadline).toBe('total');
    });

    it('is a total, not a gap: values do not push it back (unlike RxJS timeout(n))', () => {
      testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-d-e-|');
        const sourceSubs = '   ^---!       ';
        const expected = '     -a-b#       ';

        expectObservable(source.pipe(timeoutCancel(4))).toBe(expected, undefined, deadline('total', 2, 'b'));
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it('does nothing when the source ends in time, and lets go of its timer', () => {
      testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-a-b-|   ');
        const sourceSubs = '   ^----!   ';
        const expected = '     -a-b-|   ';

        expectObservable(source.pipe(timeoutCancel(8))).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it('lets a synchronous source complete even with a deadline of 0', () => {
      testScheduler().run(({ expectObservable }) => {
        expectObservable(of(1, 2).pipe(timeoutCancel(0))).toBe('(ab|)', { a: 1, b: 2 });
      });
    });

    it('errors with a CleanupError, the DeadlineError as its cause, when a cleanup fails during the timeout', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        // prettier-ignore
        const source =    cold('a-------');
        const cleanup = cold('    --#   ', undefined, oops);
        const expected = '      a---#   ';

        expectObservable(
          source.pipe(
            finalizeCleanup(() => cleanup),
            timeoutCancel(2),
          ),
        ).toBe(expected, { a: 'a' }, new CleanupError([oops], deadline('total', 1, 'a')));
      });
    });
  });

  describe('at: an absolute deadline', () => {
    it('fires at the Date on the scheduler clock', () => {
      testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-d-|');
        const sourceSubs = '   ^---!     ';
        const expected = '     -a-b#     ';

        expectObservable(source.pipe(timeoutCancel({ at: new Date(4) }))).toBe(
          expected,
          undefined,
          deadline('at', 2, 'b'),
        );
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it('reports the earlier of total and at', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-d-|');
        const expected = '     -a-b#     ';

        expectObservable(source.pipe(timeoutCancel({ total: 4, at: new Date(6) }))).toBe(
          expected,
          undefined,
          deadline('total', 2, 'b'),
        );
      });
    });
  });

  describe('first and each', () => {
    it('first: times out when the first value is late', () => {
      testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-----a-|');
        const sourceSubs = '   ^---!   ';
        const expected = '     ----#   ';

        expectObservable(source.pipe(timeoutCancel({ first: 4 }))).toBe(
          expected,
          undefined,
          deadline('first', 0, null),
        );
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it('first: stops watching once the first value came', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        // prettier-ignore
        const source =    hot('-a--------b-|');
        const expected = '     -a--------b-|';

        expectObservable(source.pipe(timeoutCancel({ first: 4 }))).toBe(expected);
      });
    });

    it('each: the longest gap between values, measured from the last value', () => {
      testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-a--b-c------d|');
        const sourceSubs = '   ^--------!     ';
        const expected = '     -a--b-c--#     ';

        expectObservable(source.pipe(timeoutCancel({ each: 3 }))).toBe(expected, undefined, deadline('each', 3, 'c'));
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it('each: also bounds the wait for the first value when first is not given', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        // prettier-ignore
        const source =    hot('-----a-|');
        const expected = '     ---#    ';

        expectObservable(source.pipe(timeoutCancel({ each: 3 }))).toBe(expected, undefined, deadline('each', 0, null));
      });
    });

    it('first then each: the each deadline, earlier than the first one, replaces it at the first value', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        // prettier-ignore
        const source =    hot('-a---------|');
        const expected = '     -a-#        ';

        expectObservable(source.pipe(timeoutCancel({ first: 8, each: 2 }))).toBe(
          expected,
          undefined,
          deadline('each', 1, 'a'),
        );
      });
    });

    it('each with total: whichever comes first', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-d-e-|');
        const expected = '     -a-b-c#     ';

        expectObservable(source.pipe(timeoutCancel({ each: 3, total: 6 }))).toBe(
          expected,
          undefined,
          deadline('total', 3, 'c'),
        );
      });
    });

    it('first as a Date', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        // prettier-ignore
        const source =    hot('------a|');
        const expected = '     --#     ';

        expectObservable(source.pipe(timeoutCancel({ first: new Date(2) }))).toBe(
          expected,
          undefined,
          deadline('first', 0, null),
        );
      });
    });
  });

  describe('outcomes', () => {
    it('with: switches to the fallback once the source has cleaned up (a cached value)', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('-----fresh|');
        const sourceSubs = '    ^-!        ';
        const cleanup = cold('    -|       ');
        const fallback = cold('    (c|)    ');
        const fallbackSubs = '  ---(^!)    ';
        const expected = '      ---(c|)    ';

        const result = source.pipe(
          finalizeCleanup(() => cleanup),
          timeoutCancel({ total: 2, with: () => fallback }),
        );

        expectObservable(result).toBe(expected, { c: 'c' });
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(fallback.subscriptions).toBe(fallbackSubs);
      });
    });

    it('with: gives the factory the info, meta included', () => {
      const infos: unknown[] = [];
      testScheduler().run(({ hot, expectObservable }) => {
        // prettier-ignore
        const source =    hot('-a-b------');
        const expected = '     -a-b-(x|) ';

        const result = source.pipe(
          timeoutCancel({ total: 5, meta: 'lookup', with: (info) => (infos.push(info), of('x')) }),
        );
        expectObservable(result).toBe(expected);
      });
      expect(infos).toEqual([{ deadline: 'total', meta: 'lookup', seen: 2, lastValue: 'b' }]);
    });

    it('with: the fallback factory throwing errors downstream', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        const source = hot('-a------');
        const result = source.pipe(
          timeoutCancel({
            total: 3,
            with: (): Observable<never> => {
              throw oops;
            },
          }),
        );
        expectObservable(result).toBe('-a-#', undefined, oops);
      });
    });

    it("onTimeout: 'complete' completes once the source has cleaned up (Trio's move_on_after)", () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('a-b-c-d-');
        const sourceSubs = '    ^--!    ';
        const cleanup = cold('     --|  ');
        const expected = '      a-b--|  ';

        const result = source.pipe(
          finalizeCleanup(() => cleanup),
          timeoutCancel({ total: 3, onTimeout: 'complete' }),
        );

        expectObservable(result).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it('waits for a cleanup inside a mergeMap inner before reporting', () => {
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const outer = hot('   -o-------');
        const inner = cold('   --i-----');
        const innerSubs = '   -^--!    ';
        const cleanup = cold('    ---| ');
        const expected = '    ---i---# ';

        const result = outer.pipe(
          mergeMap(() => inner.pipe(finalizeCleanup(() => cleanup))),
          map((value) => value),
          timeoutCancel(4),
        );

        expectObservable(result).toBe(expected, undefined, deadline('total', 1, 'i'));
        expectSubscriptions(inner.subscriptions).toBe(innerSubs);
      });
    });
  });

  describe('reschedule: moving the deadline while the work runs', () => {
    it('pushes the deadline back', () => {
      testScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-d-e-f-|');
        const sourceSubs = '   ^-------!     ';
        const reschedule = cold('--x         ', { x: 6 });
        const expected = '     -a-b-c-d#     ';

        expectObservable(source.pipe(timeoutCancel({ total: 4, reschedule }))).toBe(
          expected,
          undefined,
          deadline('total', 4, 'd'),
        );
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it('brings the deadline forward', () => {
      testScheduler().run(({ hot, cold, expectObservable }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-d-e-f-|');
        const reschedule = cold('--x         ', { x: 2 });
        const expected = '     -a-b#         ';

        expectObservable(source.pipe(timeoutCancel({ total: 10, reschedule }))).toBe(
          expected,
          undefined,
          deadline('total', 2, 'b'),
        );
      });
    });

    it('sets an absolute deadline from a Date, and removes it with null', () => {
      testScheduler().run(({ hot, cold, expectObservable }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-d-e-|');
        const reschedule = cold('-x--n       ', { x: new Date(9), n: null });
        const expected = '     -a-b-c-d-e-|';

        expectObservable(source.pipe(timeoutCancel({ total: 3, reschedule }))).toBe(expected);
      });
    });

    it('adds a deadline where there was none', () => {
      testScheduler().run(({ hot, cold, expectObservable }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-d-e-|');
        const reschedule = cold('--x         ', { x: 2 });
        const expected = '     -a-b#       ';

        expectObservable(source.pipe(timeoutCancel({ reschedule }))).toBe(
          expected,
          undefined,
          deadline('total', 2, 'b'),
        );
      });
    });

    it('errors downstream, after cancelling the source, when it emits a bad deadline', () => {
      testScheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-|');
        const sourceSubs = '   ^-!     ';
        const reschedule = cold('--x   ', { x: -5 });
        const expected = '     -a#     ';

        expectObservable(source.pipe(timeoutCancel({ total: 9, reschedule }))).toBe(
          expected,
          undefined,
          new TypeError(
            'timeoutCancel: `reschedule` emitted number -5; it must emit milliseconds, a valid Date, or null',
          ),
        );
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });
  });

  describe('matches RxJS timeout(each) with instant cleanups, at a fraction of the cost', () => {
    // prettier-ignore
    const cases: [string, number][] = [
      ['-a--b---c------d|', 3],
      ['-a-b-c-d-e-f-g-|', 2],
      ['----a-|         ', 3],
      ['--a--b--c--d--|  ', 3],
      ['(ab)---c---|     ', 3],
      ['---#             ', 5],
      ['-a-b-c-#         ', 2],
      ['|                ', 1],
      // A value in the very frame its deadline passes: the value wins, in both.
      ['-a--b--c--|      ', 3],
      ['-a--b---c--|     ', 3],
    ];

    it.each(cases)('source %s, each %d', (sourceMarble, each) => {
      const run = (operator: OperatorFunction<string, string>) => {
        let subscriptions: unknown;
        const notifications = recordInVirtualTime(({ hot }) => {
          const source = hot(sourceMarble);
          subscriptions = source.subscriptions;
          return source.pipe(operator);
        });
        return { subscriptions, notifications: notifications.map(strip) };
      };
      expect(run(timeoutCancel({ each }))).toEqual(run(timeout(each)));
    });

    // Values from actions scheduled while the test runs (not up front like a
    // hot marble's), tying with the deadline on every value or missing it.
    it.each([
      ['interval(3), each 3', () => interval(3).pipe(take(4)), 3],
      ['interval(3), each 2', () => interval(3).pipe(take(4)), 2],
      ['timers of growing delay, each 3', () => of(1, 2, 3, 4).pipe(concatMap((n) => timer(n))), 3],
    ])('%s', (_name, source, each) => {
      const ours = recordInVirtualTime(() => source().pipe(timeoutCancel({ each })));
      const theirs = recordInVirtualTime(() => source().pipe(timeout(each)));
      expect(ours.map(strip)).toEqual(theirs.map(strip));
    });
  });

  it('does not cancel anything when the downstream unsubscribes first: a plain unsubscribe', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const source =    hot('-a-b-c-d-|');
      const sourceSubs = '   ^--!      ';
      const unsub = '        ---!      ';
      const expected = '     -a-       ';

      expectObservable(source.pipe(timeoutCancel(5)), unsub).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(sourceSubs);
    });
  });

  it('carries the cancellation as the cause of the TimeoutError, the TimeoutError as its reason', () => {
    const errors: unknown[] = [];
    testScheduler().run(({ hot }) => {
      hot('-a---')
        .pipe(timeoutCancel(2))
        .subscribe({ error: (error) => errors.push(error) });
    });
    const [error] = errors as [DeadlineError];
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.name).toBe('TimeoutError');
    expect(error.cause).toBeInstanceOf(CancelledError);
    expect((error.cause as CancelledError).reason).toBe(error);
  });
});

/**
 * Compares a TimeoutError by what both operators promise: it is one, and has
 * seen as many values. Not `lastValue`: RxJS 7.8's timeout unsubscribes its
 * source, which clears `lastValue`, before it builds the info, so it always
 * reports `null`; ours reports the last value, as TimeoutInfo documents.
 */
function strip([frame, kind, value]: Recorded): unknown {
  if (value instanceof TimeoutError) return [frame, kind, 'TimeoutError', value.info!.seen];
  return [frame, kind, value];
}
