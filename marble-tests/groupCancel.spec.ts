import { config, forkJoin, map, merge, Observable, of, throwError } from 'rxjs';
import {
  cancellable,
  CancelledError,
  CleanupError,
  finalizeCleanup,
  groupCancel,
  GroupError,
  timeoutCancel,
  DeadlineError,
  type Exit,
} from '../lib';
import { recordInVirtualTime, testScheduler } from '../test-support/marbles';

const boom = new Error('boom');
const oops = new Error('oops');

describe(groupCancel.name, () => {
  describe("fail-fast (asyncio's TaskGroup)", () => {
    it('a child fails at frame 1, its siblings clean up for 1 frame, the group errors at frame 2', () => {
      const exits: Record<string, Exit> = {};
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const failing = cold(' -#       ', undefined, boom);
        const failingSubs = '  ^!       ';
        const s1 = cold('      -----a-| ');
        const s1Subs = '       ^!       ';
        const s2 = cold('      -----b-| ');
        const s2Subs = '       ^!       ';
        const cleanup = cold('  -|      ');
        const cleanupSubs = [' -^!      ', ' -^!      '];
        const expected = '     --#      ';

        const sibling = (name: string, source: Observable<string>) =>
          source.pipe(finalizeCleanup((exit) => ((exits[name] = exit), cleanup)));

        expectObservable(groupCancel([failing, sibling('s1', s1), sibling('s2', s2)])).toBe(
          expected,
          undefined,
          new GroupError([boom]),
        );
        expectSubscriptions(failing.subscriptions).toBe(failingSubs);
        expectSubscriptions(s1.subscriptions).toBe(s1Subs);
        expectSubscriptions(s2.subscriptions).toBe(s2Subs);
        expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
      });
      // The siblings are told why: the failure itself.
      expect(exits).toEqual({ s1: { kind: 'cancel', reason: boom }, s2: { kind: 'cancel', reason: boom } });
    });

    it('waits for the slowest sibling cleanup, and collects cleanup failures after the failure', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        // prettier-ignore
        const failing = cold(' --#        ', undefined, boom);
        const quick = cold('     -#       ', undefined, oops);
        const slow = cold('      ----|    ');
        const expected = '     ------#    ';

        const result = groupCancel([
          failing,
          cold('-------').pipe(finalizeCleanup(() => quick)),
          cold('-------').pipe(finalizeCleanup(() => slow)),
        ]);

        expectObservable(result).toBe(expected, undefined, new GroupError([boom, oops]));
      });
    });

    it('does not count a child that ends with CancelledError as a failure: the others go on', () => {
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const cancelledChild = cold('-a------', { a: 1 });
        const cancelledSubs = '      ^-!     ';
        const other = cold('         ----b-| ', { b: 2 });
        const otherSubs = '          ^-----! ';
        const expected = '           ------(x|)';

        const result = groupCancel([cancelledChild.pipe(cancellable(hot('--s'))), other]);

        expectObservable(result).toBe(expected, { x: [1, 2] });
        expectSubscriptions(cancelledChild.subscriptions).toBe(cancelledSubs);
        expectSubscriptions(other.subscriptions).toBe(otherSubs);
      });
    });

    it('cancels siblings subscribed before a child that errors at subscribe time, and never starts the rest', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const before = cold('-a-|');
        const after = cold('-b-|');
        const result = groupCancel([
          before.pipe(finalizeCleanup((exit) => void exits.push(exit))),
          throwError(() => boom),
          after,
        ]);
        expectObservable(result).toBe('#', undefined, new GroupError([boom]));
        expectSubscriptions(before.subscriptions).toBe('(^!)');
        expectSubscriptions(after.subscriptions).toBe([]);
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: boom }]);
    });
  });

  describe('collect output (like forkJoin)', () => {
    it('emits an array of last values once every child has completed', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('       -a--b|     ');
        const aSubs = '        ^----!     ';
        const b = cold('       --c------| ');
        const bSubs = '        ^--------! ';
        const expected = '      ---------(x|)';

        expectObservable(groupCancel([a, b])).toBe(expected, { x: ['b', 'c'] });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
    });

    it('emits a record for a record, and undefined for a child that completed without a value', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const result = groupCancel({ user: cold('--u|'), none: cold('-|'), orders: cold('-o|') });
        expectObservable(result).toBe('---(x|)', { x: { user: 'u', none: undefined, orders: 'o' } });
      });
    });

    it('completes at once, without a value, for an empty group', () => {
      testScheduler().run(({ expectObservable }) => {
        expectObservable(groupCancel([])).toBe('|');
        expectObservable(groupCancel({})).toBe('|');
      });
    });

    it('works with synchronous children', () => {
      testScheduler().run(({ expectObservable }) => {
        expectObservable(groupCancel([of(1), of(2, 3), [4]])).toBe('(x|)', { x: [1, 3, 4] });
      });
    });
  });

  describe('merge output', () => {
    it('emits the values as they come, untagged', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        // prettier-ignore
        const a = cold('     -a---b|');
        const b = cold('     --c-d| ');
        const expected = '   -ac-db|';

        expectObservable(groupCancel([a, b], { output: 'merge' })).toBe(expected);
      });
    });

    it('fails fast too: the first failure cancels the others', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('     -a-a-a-a');
        const aSubs = '      ^-!      ';
        const b = cold('     --#      ', undefined, boom);
        const expected = '   -a#      ';

        expectObservable(groupCancel([a, b], { output: 'merge' })).toBe(expected, undefined, new GroupError([boom]));
        expectSubscriptions(a.subscriptions).toBe(aSubs);
      });
    });
  });

  describe('settle (gather with return_exceptions=True)', () => {
    it('reports each child as fulfilled, rejected or cancelled, without cancelling anything', () => {
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const fulfilled = cold('-a-b|     ');
        const fulfilledSubs = ' ^---!     ';
        const rejected = cold(' --#       ', undefined, boom);
        const rejectedSubs = '  ^-!       ';
        const cancelled = cold('-x-x-x-x-x');
        const cancelledSubs = ' ^-----!   ';
        const expected = '      ------(r|)';

        const result = groupCancel([fulfilled, rejected, cancelled.pipe(cancellable(hot('------s')))], {
          mode: 'settle',
        });

        expectObservable(result).toBe(expected, {
          r: [
            { status: 'fulfilled', value: 'b' },
            { status: 'rejected', reason: boom },
            { status: 'cancelled', reason: 's' },
          ],
        });
        expectSubscriptions(fulfilled.subscriptions).toBe(fulfilledSubs);
        expectSubscriptions(rejected.subscriptions).toBe(rejectedSubs);
        expectSubscriptions(cancelled.subscriptions).toBe(cancelledSubs);
      });
    });

    it('with merge output: values as they come, and the failures together at the end', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        // prettier-ignore
        const a = cold('     -a---a| ');
        const b = cold('     --#     ', undefined, boom);
        const c = cold('     ---#    ', undefined, oops);
        const expected = '   -a---a# ';

        expectObservable(groupCancel([a, b, c], { mode: 'settle', output: 'merge' })).toBe(
          expected,
          undefined,
          new GroupError([boom, oops]),
        );
      });
    });
  });

  describe('cancelled from downstream', () => {
    it('settle: reports the failures it was holding when the subscriber leaves before the end', () => {
      const scheduler = testScheduler();
      const reported: unknown[] = [];
      config.onUnhandledError = (error) => reported.push([scheduler.now(), error]);
      scheduler.run(({ cold, expectObservable }) => {
        // prettier-ignore
        const failing = cold('-#      ', undefined, boom);
        const running = cold('--------');
        const unsub = '       ---!    ';

        expectObservable(groupCancel([failing, running], { mode: 'settle' }), unsub).toBe('----');
      });
      expect(reported).toEqual([[3, boom]]);
    });

    it('settle under a canceller: the held failure travels with the cancellation', () => {
      testScheduler().run(({ cold, hot, expectObservable }) => {
        // prettier-ignore
        const failing = cold('-#      ', undefined, boom);
        const running = cold('--------');
        const expected = '    ---#    ';

        const result = groupCancel([failing, running], { mode: 'settle' }).pipe(cancellable(hot('---x')));
        expectObservable(result).toBe(expected, undefined, new CleanupError([boom], new CancelledError('x')));
      });
    });

    it('unsubscribing cancels every child at once', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('     -a-a-a-a');
        const aSubs = '      ^---!    ';
        const b = cold('     --b-b-b-b');
        const bSubs = '      ^---!    ';
        const unsub = '      ----!    ';

        expectObservable(groupCancel([a, b], { output: 'merge' }), unsub).toBe('-aba');
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
    });

    it('under timeoutCancel: every child sees the timeout, and the error waits for every child cleanup', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('     ---------');
        const aSubs = '      ^--!     ';
        const b = cold('     ---------');
        const bSubs = '      ^--!     ';
        const quick = cold('    -|    ');
        const slow = cold('     ---|  ');
        const expected = '   ------#  ';

        const result = groupCancel([
          a.pipe(finalizeCleanup((exit) => (exits.push(exit), quick))),
          b.pipe(finalizeCleanup((exit) => (exits.push(exit), slow))),
        ]).pipe(timeoutCancel(3));

        expectObservable(result).toBe(
          expected,
          undefined,
          new DeadlineError({ deadline: 'total', seen: 0, lastValue: null, meta: undefined }),
        );
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
      });
      expect(exits.map((exit) => exit.kind === 'cancel' && exit.reason instanceof DeadlineError)).toEqual([true, true]);
    });
  });

  describe('concurrency', () => {
    it('runs at most n children at once, starting the next as one ends', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const a = cold('    --a|      ');
        const aSubs = '     ^--!      ';
        const b = cold('    -----b|   ');
        const bSubs = '     ^-----!   ';
        const c = cold('       -c|    ');
        const cSubs = '     ---^-!    ';
        const expected = '  ------(x|)';

        expectObservable(groupCancel([a, b, c], { concurrency: 2 })).toBe(expected, { x: ['a', 'b', 'c'] });
        expectSubscriptions(a.subscriptions).toBe(aSubs);
        expectSubscriptions(b.subscriptions).toBe(bSubs);
        expectSubscriptions(c.subscriptions).toBe(cSubs);
      });
    });

    it('never starts the waiting children once one has failed', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const waiting = cold('-w|');
        const result = groupCancel([cold('--#', undefined, boom), cold('-----|'), waiting], { concurrency: 2 });
        expectObservable(result).toBe('--#', undefined, new GroupError([boom]));
        expectSubscriptions(waiting.subscriptions).toBe([]);
      });
    });
  });

  describe('matches RxJS where the semantics coincide', () => {
    // prettier-ignore
    const cases: string[][] = [
      ['-a--b|', '--c-d-e|', '---|'],
      ['(ab|)', '-c|'],
      ['-a-b-c-|', '--d---e|', 'f|'],
    ];

    it.each(cases)("output: 'merge' without failures matches merge: %s %s", (...marbles) => {
      const build = (combine: (sources: Observable<string>[]) => Observable<string>) => {
        const logs: unknown[] = [];
        const notifications = recordInVirtualTime(({ cold }) => {
          const sources = marbles.map((marble) => cold(marble));
          logs.push(...sources.map((source) => source.subscriptions));
          return combine(sources);
        });
        return { notifications, logs };
      };
      expect(build((sources) => groupCancel(sources, { output: 'merge' }))).toEqual(
        build((sources) => merge(...sources)),
      );
    });

    it.each([
      ['-a--b|', '--c-d-e|'],
      ['(ab|)', '-c|', '--d|'],
      ['-a-b-c-|', '--d---e|'],
    ])('collect output, every child with a value, matches forkJoin: %s %s', (...marbles) => {
      const build = (combine: (sources: Observable<string>[]) => Observable<unknown>) => {
        const logs: unknown[] = [];
        const notifications = recordInVirtualTime(({ cold }) => {
          const sources = marbles.map((marble) => cold(marble));
          logs.push(...sources.map((source) => source.subscriptions));
          return combine(sources);
        });
        return { notifications, logs };
      };
      expect(build((sources) => groupCancel(sources))).toEqual(build((sources) => forkJoin(sources)));
    });
  });

  it('passes each child value through untouched, whatever its type', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const result = groupCancel([cold('-a|', { a: { deep: [1] } }), cold('-b|').pipe(map(() => null))]);
      expectObservable(result).toBe('--(x|)', { x: [{ deep: [1] }, null] });
    });
  });

  it('does not report a group cancelled by cancellable before every child has cleaned up', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      // prettier-ignore
      const cleanup = cold('   --|  ');
      const expected = '     ----#  ';
      const result = groupCancel([cold('------').pipe(finalizeCleanup(() => cleanup)), cold('------')]).pipe(
        cancellable(hot('--x')),
      );
      expectObservable(result).toBe(expected, undefined, new CancelledError('x'));
    });
  });
});
