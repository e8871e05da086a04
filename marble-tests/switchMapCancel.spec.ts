import { concat, map, NEVER, Observable, of, switchMap, throwError, type ObservableInput } from 'rxjs';
import type { RunHelpers } from 'rxjs/testing';
import {
  CancelledError,
  CleanupError,
  finalizeCleanup,
  SUPERSEDED,
  switchMapCancel,
  UNSUBSCRIBED,
  type Exit,
} from '../lib';
import { recordInVirtualTime, testScheduler } from '../test-support/marbles';
import { takeUnhandled } from '../test-support/unhandled';

const boom = new Error('boom');
const oops = new Error('oops');

describe(switchMapCancel.name, () => {
  describe('with cleanups that take time', () => {
    it('subscribes the next inner only once the superseded one has cleaned up (the headline diagram)', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const outer = hot('  --a-----b-------|');
        const innerA = cold('  --1--2--3       ');
        const innerASubs = '   --^-----!         ';
        const cleanup = cold('         ---|    ');
        const innerB = cold('             --4--|');
        const innerBSubs = '   -----------^----!';
        // b's own cleanup (the same 3 frames) runs before the completion.
        const expected = '   ----1--2-----4-----|';
        const inners: Record<string, Observable<string>> = { a: innerA, b: innerB };
        const result = outer.pipe(
          switchMapCancel((key) => inners[key].pipe(finalizeCleanup((exit) => (exits.push(exit), cleanup)))),
        );
        expectObservable(result).toBe(expected);
        expectSubscriptions(innerA.subscriptions).toBe(innerASubs);
        expectSubscriptions(innerB.subscriptions).toBe(innerBSubs);
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: SUPERSEDED }, { kind: 'complete' }]);
    });

    it('keeps only the latest outer value that arrives while it waits, with its own index', () => {
      const projected: [string, number][] = [];
      testScheduler().run(({ cold, hot, expectObservable }) => {
        // prettier-ignore
        const outer = hot('  -a-bcd-----|');
        const cleanup = cold('   ----|    ');
        const expected = '   -a-----d----';
        const result = outer.pipe(
          switchMapCancel((key, index) => {
            projected.push([key, index]);
            return concat(of(key), NEVER).pipe(finalizeCleanup(() => cleanup));
          }),
        );
        // d, the latest, completes the stream only when its own inner ends:
        // the outer completes at frame 11, d's inner never does.
        expectObservable(result, '^-----------!').toBe(expected);
      });
      // b and c were never projected; d is the fourth outer value (index 3).
      expect(projected).toEqual([
        ['a', 0],
        ['d', 3],
      ]);
    });

    it('the superseded cleanup sees options.reason(value) of the value that superseded it', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable }) => {
        // prettier-ignore
        const outer = hot('--a--b--|');
        const expected = ' --x--y--|';
        const result = outer.pipe(
          switchMapCancel(
            (key) =>
              concat(of(key === 'a' ? 'x' : 'y'), key === 'a' ? NEVER : of()).pipe(
                finalizeCleanup((exit) => void exits.push(exit)),
              ),
            { reason: (value) => `superseded by ${value}` },
          ),
        );
        expectObservable(result).toBe(expected);
        void cold;
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: 'superseded by b' }, { kind: 'complete' }]);
    });

    it('completes after the last inner, when the outer completed while a superseded inner was still cleaning up', () => {
      testScheduler().run(({ cold, hot, expectObservable }) => {
        // prettier-ignore
        const outer = hot('  -a-b|      ');
        const cleanup = cold('   ---|   ');
        const expected = '   -1-----2-|';
        const result = outer.pipe(
          switchMapCancel((key) =>
            key === 'a' ? concat(of('1'), NEVER).pipe(finalizeCleanup(() => cleanup)) : cold('-2-|'),
          ),
        );
        expectObservable(result).toBe(expected);
      });
    });

    it("a downstream unsubscribe cancels the inner with the unsubscribe's reason", () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const outer = hot('  -a-------');
        const outerSubs = '  ^---!    ';
        const inner = cold('  -1-2-3-4');
        const innerSubs = '  -^--!    ';
        const unsub = '      ^---!    ';
        const expected = '   --1-     ';
        expectObservable(
          outer.pipe(switchMapCancel(() => inner.pipe(finalizeCleanup((exit) => void exits.push(exit))))),
          unsub,
        ).toBe(expected);
        expectSubscriptions(outer.subscriptions).toBe(outerSubs);
        expectSubscriptions(inner.subscriptions).toBe(innerSubs);
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
    });

    it("the outer's error cancels the inner (the error is the reason), awaits its cleanup, then errors", () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable }) => {
        // prettier-ignore
        const outer = hot('  -a--#     ', undefined, boom);
        const cleanup = cold('    --|  ');
        const expected = '   --1---#   ';
        expectObservable(
          outer.pipe(
            switchMapCancel(() =>
              concat(cold('-1'), NEVER).pipe(finalizeCleanup((exit) => (exits.push(exit), cleanup))),
            ),
          ),
        ).toBe(expected, undefined, boom);
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: boom }]);
    });
  });

  describe('a superseded inner whose cleanup fails', () => {
    const failingCleanup = (helpers: RunHelpers): ObservableInput<never> => helpers.cold('--#', undefined, oops);

    it('ends the stream with a CleanupError whose cause is the supersede (default)', () => {
      testScheduler().run((helpers) => {
        const { hot, expectObservable } = helpers;
        // prettier-ignore
        const outer = hot('-a-b------');
        const expected = ' -1---#    ';
        expectObservable(
          outer.pipe(
            switchMapCancel((key) =>
              concat(of(key === 'a' ? '1' : '2'), NEVER).pipe(finalizeCleanup(() => failingCleanup(helpers))),
            ),
          ),
        ).toBe(expected, { 1: '1' }, new CleanupError([oops], new CancelledError(SUPERSEDED)));
      });
    });

    it("with onCleanupError: 'report', hands it to config.onUnhandledError and goes on with the next inner", () => {
      testScheduler().run((helpers) => {
        const { hot, expectObservable } = helpers;
        // prettier-ignore
        const outer = hot('-a-b------');
        const expected = ' -1---2----';
        expectObservable(
          outer.pipe(
            switchMapCancel(
              (key) =>
                concat(of(key === 'a' ? '1' : '2'), NEVER).pipe(
                  finalizeCleanup(() => (key === 'a' ? failingCleanup(helpers) : undefined)),
                ),
              { onCleanupError: 'report' },
            ),
          ),
        ).toBe(expected);
        helpers.flush();
      });
      expect(takeUnhandled()).toEqual([new CleanupError([oops], new CancelledError(SUPERSEDED))]);
    });
  });

  describe('the same frames as switchMap where every cleanup is synchronous', () => {
    // Each case runs once with switchMap and once with switchMapCancel; the
    // notifications and the inners' subscriptions must be identical.
    const cases: [
      string,
      (helpers: RunHelpers) => { outer: Observable<string>; inner: (key: string) => Observable<string> },
    ][] = [
      [
        'inners that outlive the next outer value',
        ({ hot, cold }) => ({ outer: hot('-a--b--c---|'), inner: (key) => cold(`-${key}-${key}-${key}|`) }),
      ],
      [
        'inners that complete before the next value',
        ({ hot, cold }) => ({ outer: hot('-a-----b---|'), inner: (key) => cold(`-${key}|`) }),
      ],
      [
        'an inner that errors',
        ({ hot, cold }) => ({
          outer: hot('-a--b--c--|'),
          inner: (key) => (key === 'b' ? cold('--#', undefined, boom) : cold(`-${key}--`)),
        }),
      ],
      [
        'inners that end while being subscribed',
        ({ hot }) => ({ outer: hot('-a-b-c-|'), inner: (key) => of(key, key.toUpperCase()) }),
      ],
      [
        'an outer that errors',
        ({ hot, cold }) => ({ outer: hot('-a--#', undefined, boom), inner: () => cold('-x-x-x') }),
      ],
    ];

    it.each(cases)('%s', (_name, build) => {
      // The notifications and the cleanups are compared apart, each with its
      // frame: within one frame, an inner's cleanup runs before the end it
      // holds back reaches the downstream here (that is the point), after it
      // with switchMap.
      const run = (useCancel: boolean) => {
        const cleanups: unknown[] = [];
        const log = recordInVirtualTime((helpers, now) => {
          const { outer, inner } = build(helpers);
          const traced = (key: string) =>
            inner(key).pipe(finalizeCleanup((exit) => void cleanups.push([now(), key, exit.kind])));
          return outer.pipe(
            useCancel ? switchMapCancel(traced) : switchMap(traced),
            map((value) => value),
          );
        });
        return { log, cleanups };
      };
      expect(run(true)).toEqual(run(false));
    });
  });

  it('an error thrown by project ends the stream with it', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      // prettier-ignore
      const outer = hot('-a-b-');
      const expected = ' -1-# ';
      expectObservable(
        outer.pipe(
          switchMapCancel((key) => {
            if (key === 'b') throw boom;
            return concat(of('1'), NEVER);
          }),
        ),
      ).toBe(expected, { 1: '1' }, boom);
    });
  });

  it('a reason function that throws ends the stream with its error, the running inner cancelled with it', () => {
    const exits: Exit[] = [];
    testScheduler().run(({ hot, expectObservable }) => {
      // prettier-ignore
      const outer = hot('-a-b-');
      const expected = ' -1-# ';
      expectObservable(
        outer.pipe(
          switchMapCancel(() => concat(of('1'), NEVER).pipe(finalizeCleanup((exit) => void exits.push(exit))), {
            reason: () => {
              throw boom;
            },
          }),
        ),
      ).toBe(expected, { 1: '1' }, boom);
    });
    expect(exits).toEqual([{ kind: 'cancel', reason: boom }]);
  });

  it('an outer of one value that ends at once, with an inner that ends at once: one value, then complete', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(of(1).pipe(switchMapCancel((n) => of(n * 10)))).toBe('(a|)', { a: 10 });
    });
  });

  it('an inner from a thrown source: its error', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(of(1).pipe(switchMapCancel(() => throwError(() => boom)))).toBe('#', undefined, boom);
    });
  });
});
