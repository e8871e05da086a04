import {
  concatMap,
  config,
  EMPTY,
  exhaustMap,
  filter,
  lastValueFrom,
  map,
  mergeMap,
  NEVER,
  Observable,
  of,
  share,
  switchMap,
  take,
  tap,
  throwError,
  type OperatorFunction,
} from 'rxjs';
import {
  cancellable,
  CancelledError,
  CleanupError,
  CleanupTimeoutError,
  finalizeCleanup,
  UNSUBSCRIBED,
  type Exit,
} from '../lib';
import { runAsync } from '../lib/testing';
import { testScheduler } from '../test-support/marbles';
import { takeUnhandled } from '../test-support/unhandled';

const boom = new Error('boom');
const oops = new Error('oops');

describe(finalizeCleanup.name, () => {
  describe('on complete', () => {
    it('holds the completion back until an asynchronous cleanup has settled', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('-a-b-|   ');
        const sourceSubs = '    ^----!   ';
        const cleanup = cold('       ---|');
        const cleanupSubs = '   -----^--!';
        const expected = '      -a-b----|';

        const result = source.pipe(finalizeCleanup((exit) => (exits.push(exit), cleanup)));

        expectObservable(result).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
      });
      expect(exits).toEqual([{ kind: 'complete' }]);
    });

    it('completes in the same frame when the cleanup is synchronous', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('-a-b-|');
        const sourceSubs = '    ^----!';
        const expected = '      -a-b-|';

        expectObservable(source.pipe(finalizeCleanup((exit) => void exits.push(exit)))).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
      expect(exits).toEqual([{ kind: 'complete' }]);
    });

    it('errors with a CleanupError when the cleanup fails', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('-a-|   ');
        const cleanup = cold('     --# ', undefined, oops);
        const cleanupSubs = '   ---^-! ';
        const expected = '      -a---# ';

        expectObservable(source.pipe(finalizeCleanup(() => cleanup))).toBe(
          expected,
          undefined,
          new CleanupError([oops]),
        );
        expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
      });
    });

    it('errors with a CleanupError when the cleanup throws synchronously', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        // prettier-ignore
        const source =    cold('-a-|');
        const expected = '      -a-#';
        const throwing = (): never => {
          throw oops;
        };

        expectObservable(source.pipe(finalizeCleanup(throwing))).toBe(expected, undefined, new CleanupError([oops]));
      });
    });

    it('runs the cleanup of an empty source at once', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, expectObservable }) => {
        // prettier-ignore
        const cleanup = cold('--|');
        const expected = '    --|';

        expectObservable(EMPTY.pipe(finalizeCleanup((exit) => (exits.push(exit), cleanup)))).toBe(expected);
      });
      expect(exits).toEqual([{ kind: 'complete' }]);
    });
  });

  describe('on error', () => {
    it('holds the error back until the cleanup has settled, and tells the cleanup the error', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('-a-#    ', undefined, boom);
        const sourceSubs = '    ^--!    ';
        const cleanup = cold('     --|  ');
        const cleanupSubs = '   ---^-!  ';
        const expected = '      -a---#  ';

        expectObservable(source.pipe(finalizeCleanup((exit) => (exits.push(exit), cleanup)))).toBe(
          expected,
          undefined,
          boom,
        );
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
      });
      expect(exits).toEqual([{ kind: 'error', error: boom }]);
    });

    it('keeps both errors when the cleanup fails too: CleanupError with the source error as cause', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        // prettier-ignore
        const source =    cold('-#    ', undefined, boom);
        const cleanup = cold('   -#   ', undefined, oops);
        const expected = '      --#   ';

        expectObservable(source.pipe(finalizeCleanup(() => cleanup))).toBe(
          expected,
          undefined,
          new CleanupError([oops], boom),
        );
      });
    });

    it('handles a source that errors at once', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        // prettier-ignore
        const cleanup = cold('-|');
        const expected = '    -#';

        expectObservable(throwError(() => boom).pipe(finalizeCleanup(() => cleanup))).toBe(expected, undefined, boom);
      });
    });
  });

  describe('on cancel', () => {
    it('runs on a plain unsubscribe with reason UNSUBSCRIBED, and finishes in the background', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('-a-b-c-d-');
        const sourceSubs = '    ^--!     ';
        const unsub = '         ---!     ';
        const cleanup = cold('     ---|  ');
        const cleanupSubs = '   ---^--!  ';
        const expected = '      -a-      ';

        expectObservable(source.pipe(finalizeCleanup((exit) => (exits.push(exit), cleanup))), unsub).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
    });

    it('runs when a source that never ends is unsubscribed', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ expectObservable }) => {
        expectObservable(NEVER.pipe(finalizeCleanup((exit) => void exits.push(exit))), '--!').toBe('---');
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
    });

    it('is awaited by cancellable: cancelled at frame 2, a 1-frame cleanup, CancelledError at frame 3', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('a-b-c-d-');
        const sourceSubs = '    ^-!     ';
        const trigger = hot('   --x     ');
        const triggerSubs = '   ^-!     ';
        const cleanup = cold('    -|    ');
        const cleanupSubs = '   --^!    ';
        const expected = '      a--#    ';

        const result = source.pipe(
          finalizeCleanup((exit) => (exits.push(exit), cleanup)),
          cancellable(trigger),
        );

        expectObservable(result).toBe(expected, { a: 'a' }, new CancelledError('x'));
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(trigger.subscriptions).toBe(triggerSubs);
        expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: 'x' }]);
    });

    it('reports a failing cleanup to the canceller, which passes it downstream with the cancellation', () => {
      testScheduler().run(({ cold, hot, expectObservable }) => {
        // prettier-ignore
        const source =    cold('a-b-c-');
        const trigger = hot('   -x    ');
        const cleanup = cold('   --#  ', undefined, oops);
        const expected = '      a--#  ';

        expectObservable(
          source.pipe(
            finalizeCleanup(() => cleanup),
            cancellable(trigger),
          ),
        ).toBe(expected, { a: 'a' }, new CleanupError([oops], new CancelledError('x')));
      });
    });

    it('reports a failing cleanup of a plain unsubscribe to config.onUnhandledError, in the frame it fails', () => {
      const scheduler = testScheduler();
      const reported: unknown[] = [];
      config.onUnhandledError = (error) => reported.push([scheduler.now(), error]);
      scheduler.run(({ cold, expectObservable }) => {
        // prettier-ignore
        const source =    cold('-a-b-');
        const unsub = '         --!  ';
        const cleanup = cold('    --#', undefined, oops);

        expectObservable(source.pipe(finalizeCleanup(() => cleanup)), unsub).toBe('-a-');
      });
      expect(reported).toEqual([[4, oops]]);
    });
  });

  describe('an error held back when the subscriber leaves', () => {
    it('is reported to config.onUnhandledError once the cleanup has settled', () => {
      const scheduler = testScheduler();
      const reported: unknown[] = [];
      config.onUnhandledError = (error) => reported.push([scheduler.now(), error]);
      scheduler.run(({ cold, expectObservable }) => {
        // prettier-ignore
        const source =    cold('-#    ', undefined, boom);
        const cleanup = cold('   ---| ');
        const unsub = '         --!   ';

        expectObservable(source.pipe(finalizeCleanup(() => cleanup)), unsub).toBe('--');
      });
      expect(reported).toEqual([[4, boom]]);
    });

    it('goes to a canceller that tears the subscriber down, with the cancellation', () => {
      testScheduler().run(({ cold, hot, expectObservable }) => {
        // prettier-ignore
        const source =    cold('-#    ', undefined, boom);
        const cleanup = cold('   ---| ');
        const expected = '      ----# ';

        expectObservable(
          source.pipe(
            finalizeCleanup(() => cleanup),
            cancellable(hot('--x')),
          ),
        ).toBe(expected, undefined, new CleanupError([boom], new CancelledError('x')));
      });
    });
  });

  describe('timeout', () => {
    it('ends an overrunning cleanup and errors with a CleanupTimeoutError', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('-a|        ');
        const cleanup = cold('    -------| ');
        const cleanupSubs = '   --^-!      ';
        const expected = '      -a--#      ';

        expectObservable(source.pipe(finalizeCleanup(() => cleanup, { timeout: 2 }))).toBe(
          expected,
          { a: 'a' },
          new CleanupError([new CleanupTimeoutError(2)]),
        );
        expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
      });
    });

    it('does not fire when the cleanup settles in time', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        // prettier-ignore
        const source =    cold('-a|   ');
        const cleanup = cold('    -|  ');
        const expected = '      -a-|  ';

        expectObservable(source.pipe(finalizeCleanup(() => cleanup, { timeout: 2 }))).toBe(expected);
      });
    });

    it('bounds a cleanup on the cancel path; the canceller reports the overrun with the cancellation', () => {
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('a-b-c-d-e-');
        const trigger = hot('   -x        ');
        const cleanup = cold('   -------| ');
        const cleanupSubs = '   -^--!     ';
        const expected = '      a---#     ';

        expectObservable(
          source.pipe(
            finalizeCleanup(() => cleanup, { timeout: 3 }),
            cancellable(trigger),
          ),
        ).toBe(expected, { a: 'a' }, new CleanupError([new CleanupTimeoutError(3)], new CancelledError('x')));
        expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
      });
    });
  });

  describe('a Promise cleanup, in virtual time (rxjs-cancel/testing)', () => {
    // These three were real-time tests (a deferred Promise resolved by hand,
    // then macrotasks awaited); runAsync shows the same holds at the frames.
    it('holds the completion back until the Promise resolves', async () => {
      await runAsync(testScheduler(), ({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source = cold('a|    ');
        const wait = cold('   ----|');
        const expected = '  a----|';
        expectObservable(source.pipe(finalizeCleanup(() => lastValueFrom(wait, { defaultValue: undefined })))).toBe(
          expected,
        );
        expectSubscriptions(wait.subscriptions).toBe('-^---!');
      });
    });

    it('turns a rejection into a CleanupError, keeping the source error as cause, in the frame of the error', async () => {
      await runAsync(testScheduler(), ({ cold, expectObservable }) => {
        const source = cold('a-#', undefined, boom);
        expectObservable(source.pipe(finalizeCleanup(() => Promise.reject(oops)))).toBe(
          'a-#',
          undefined,
          new CleanupError([oops], boom),
        );
      });
    });

    it('is awaited by a canceller: CancelledError only once the Promise has settled', async () => {
      await runAsync(testScheduler(), ({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source = cold('a-------');
        const trigger = hot(' -x      ');
        const wait = cold('    ---|   ');
        const expected = '  a---#    ';
        expectObservable(
          source.pipe(
            finalizeCleanup(() => lastValueFrom(wait, { defaultValue: undefined })),
            cancellable(trigger),
          ),
        ).toBe(expected, undefined, new CancelledError('x'));
        expectSubscriptions(source.subscriptions).toBe('^!');
      });
    });

    it('times a Promise out at its frame, and reports a rejection that comes after the timeout', async () => {
      jest.useFakeTimers();
      try {
        await runAsync(
          testScheduler(),
          ({ cold, expectObservable }) => {
            const late = (): Promise<void> => new Promise((_resolve, reject) => setTimeout(() => reject(oops), 1_500));
            expectObservable(cold('a|').pipe(finalizeCleanup(late, { timeout: 1_000 }))).toBe(
              'a 1000ms #',
              undefined,
              new CleanupError([new CleanupTimeoutError(1_000)]),
            );
          },
          { fakeTimers: jest },
        );
      } finally {
        jest.useRealTimers();
      }
      expect(takeUnhandled()).toEqual([oops]);
    });
  });

  describe('exactly once', () => {
    it('does not interrupt a running cleanup when the downstream is cancelled during it; the canceller waits', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('a|    ');
        const cleanup = cold('   ---| ');
        const cleanupSubs = '   -^--! ';
        const trigger = hot('   --x   ');
        const expected = '      a---# ';

        const result = source.pipe(
          finalizeCleanup((exit) => (exits.push(exit), cleanup)),
          cancellable(trigger),
        );

        expectObservable(result).toBe(expected, { a: 'a' }, new CancelledError('x'));
        expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
      });
      expect(exits).toEqual([{ kind: 'complete' }]);
    });

    it('does not interrupt a running cancel-path cleanup when unsubscribed again', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('a-b-c-d-');
        const trigger = hot('   -x      ');
        const cleanup = cold('   ----|  ');
        const cleanupSubs = '   -^---!  ';
        const unsub = '         ---!    ';
        const expected = '      a--     ';

        const result = source.pipe(
          finalizeCleanup((exit) => (exits.push(exit), cleanup)),
          cancellable(trigger),
        );

        expectObservable(result, unsub).toBe(expected, { a: 'a' });
        expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: 'x' }]);
    });
  });

  describe('in a chain', () => {
    it('runs the cleanups of several finalizeCleanups one after the other, source side first', () => {
      const order: string[] = [];
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('a-b-c-d-');
        const trigger = hot('   --x     ');
        const inner = cold('      --|   ');
        const innerSubs = '     --^-!   ';
        const outer = cold('        -|  ');
        const outerSubs = '     ----^!  ';
        const expected = '      a----#  ';

        const result = source.pipe(
          finalizeCleanup(() => (order.push('inner'), inner)),
          map((value) => value),
          finalizeCleanup(() => (order.push('outer'), outer)),
          cancellable(trigger),
        );

        expectObservable(result).toBe(expected, { a: 'a' }, new CancelledError('x'));
        expectSubscriptions(inner.subscriptions).toBe(innerSubs);
        expectSubscriptions(outer.subscriptions).toBe(outerSubs);
      });
      expect(order).toEqual(['inner', 'outer']);
    });

    it('is awaited through several operators, share() included', () => {
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('1-2-3-4-5-');
        const sourceSubs = '    ^---!     ';
        const trigger = hot('   ----x     ');
        const cleanup = cold('      --|   ');
        const expected = '      1-2---#   ';

        const result = source.pipe(
          finalizeCleanup(() => cleanup),
          map((value: string) => Number(value)),
          filter((value) => value > 0),
          tap(() => undefined),
          share(),
          map((value: number) => String(value)),
          cancellable(trigger),
        );

        expectObservable(result).toBe(expected, undefined, new CancelledError('x'));
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    const flatteners: [string, (project: (value: string) => Observable<string>) => OperatorFunction<string, string>][] =
      [
        ['mergeMap', (project) => mergeMap(project)],
        ['switchMap', (project) => switchMap(project)],
        ['concatMap', (project) => concatMap(project)],
        ['exhaustMap', (project) => exhaustMap(project)],
      ];

    it.each(flatteners)(
      'is awaited when it sits in an inner Observable of %s subscribed after the outer one',
      (_name, flatten) => {
        const exits: Exit[] = [];
        testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
          // prettier-ignore
          const outer = cold('  --o------   ');
          const inner = cold('    -x-y-z-   ');
          const innerSubs = '   --^---!     ';
          const trigger = hot(' ------s     ');
          const cleanup = cold('      --|   ');
          const expected = '    ---x-y--#   ';

          const result = outer.pipe(
            flatten(() => inner.pipe(finalizeCleanup((exit) => (exits.push(exit), cleanup)))),
            cancellable(trigger),
          );

          expectObservable(result).toBe(expected, undefined, new CancelledError('s'));
          expectSubscriptions(inner.subscriptions).toBe(innerSubs);
        });
        expect(exits).toEqual([{ kind: 'cancel', reason: 's' }]);
      },
    );

    it('lets switchMap drop an inner without waiting (a plain unsubscribe); the cleanup of a completing inner holds the end back', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const outer = hot('     -a---b----|   ');
        const inner = cold('     x-y-z|       ');
        const innerSubs = ['                     -^---!         ', '                     -----^----!    '];
        const cleanup = cold('       ---|     ');
        const expected = '      -x-y-x-y-z---|';

        const result = outer.pipe(switchMap(() => inner.pipe(finalizeCleanup((exit) => (exits.push(exit), cleanup)))));

        expectObservable(result).toBe(expected);
        expectSubscriptions(inner.subscriptions).toBe(innerSubs);
        expectSubscriptions(cleanup.subscriptions).toBe(['-----^--!  ', '----------^--!']);
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }, { kind: 'complete' }]);
    });
  });

  describe('the diagrams in its documentation', () => {
    it('complete waits for a 3-frame cleanup', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('--a--b--|   ');
        const cleanup = cold('          ---|');
        const cleanupSubs = '   --------^--!';
        const result = '        --a--b-----|';

        expectObservable(source.pipe(finalizeCleanup(() => cleanup))).toBe(result);
        expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
      });
    });
    // Its cancel diagram is replayed with cancellable's in marble-tests/cancellable.spec.ts.
  });

  describe('the RxJS operator checklist', () => {
    it('stops listening to a synchronous observable when unsubscribed', () => {
      const sideEffects: number[] = [];
      const synchronous = new Observable<number>((subscriber) => {
        for (let i = 0; !subscriber.closed && i < 10; i++) {
          sideEffects.push(i);
          subscriber.next(i);
        }
      });
      const exits: Exit[] = [];

      synchronous
        .pipe(
          finalizeCleanup((exit) => void exits.push(exit)),
          take(3),
        )
        .subscribe();

      expect(sideEffects).toEqual([0, 1, 2]);
      expect(exits).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
    });

    it('does not break unsubscription chains when the result is unsubscribed explicitly', () => {
      testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('--1--2--3--4--|');
        const sourceSubs = '   ^------!       ';
        const unsub = '        -------!       ';
        const expected = '     --1--2--       ';

        const result = source.pipe(
          mergeMap((value) => of(value)),
          finalizeCleanup(() => undefined),
          mergeMap((value) => of(value)),
        );

        expectObservable(result, unsub).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it('allows unsubscribing explicitly and early', () => {
      testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('--1--2--3--4--|');
        const sourceSubs = '   ^----!         ';
        const unsub = '        -----!         ';
        const expected = '     --1--          ';

        expectObservable(source.pipe(finalizeCleanup(() => undefined)), unsub).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it('finalizes sources before sinks, and after the source has ended', () => {
      const order: string[] = [];
      of(1)
        .pipe(
          tap({ finalize: () => order.push('source ended') }),
          finalizeCleanup(() => void order.push('first')),
          finalizeCleanup(() => void order.push('second')),
        )
        .subscribe({ complete: () => order.push('complete') });
      expect(order).toEqual(['source ended', 'first', 'second', 'complete']);
    });

    it('works with interop sources (a Promise, an array)', async () => {
      const exits: Exit[] = [];
      const values: number[] = [];
      await new Promise<void>((resolve) =>
        of(Promise.resolve(7), [8, 9])
          .pipe(
            concatMap((input) => input),
            finalizeCleanup((exit) => void exits.push(exit)),
          )
          .subscribe({ next: (value) => values.push(value), complete: resolve }),
      );
      expect(values).toEqual([7, 8, 9]);
      expect(exits).toEqual([{ kind: 'complete' }]);
    });
  });
});
