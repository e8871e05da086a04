import { NEVER, of, race, throwError, type Observable } from 'rxjs';
import type { RunHelpers } from 'rxjs/testing';
import { CleanupError, finalizeCleanup, RACE_LOST, raceCancel, UNSUBSCRIBED, type Exit } from '../lib';
import { runAsync } from '../lib/testing';
import { recordInVirtualTime, testScheduler } from '../test-support/marbles';

const boom = new Error('boom');
const oops = new Error('oops');

describe(raceCancel.name, () => {
  it("the winner's values pass at once; its completion waits for the loser's cleanup (the headline diagram)", () => {
    const exits: Exit[] = [];
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('  -1-|    ');
      const aSubs = '   ^--!    ';
      const b = cold('  ----x---');
      const bSubs = '   ^!      ';
      const cleanup = cold(' ----|');
      const expected = '-1---|  ';
      expectObservable(raceCancel(a, b.pipe(finalizeCleanup((exit) => (exits.push(exit), cleanup))))).toBe(expected);
      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
    });
    expect(exits).toEqual([{ kind: 'cancel', reason: RACE_LOST }]);
  });

  it("under Jest's fake timers: a loser's cleanup on a 50 ms timer holds the race's completion back 50 frames, not the winner's values", async () => {
    jest.useFakeTimers();
    try {
      await runAsync(
        testScheduler(),
        ({ cold, expectObservable }) => {
          // prettier-ignore
          const a = cold('  -1-2|          ');
          const b = cold('  ----x          ');
          const expected = '-1-2 47ms |'; // b lost at 1, its cleanup ends at 51
          const closeSocket = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));
          expectObservable(raceCancel(a, b.pipe(finalizeCleanup(closeSocket)))).toBe(expected);
        },
        { fakeTimers: jest },
      );
    } finally {
      jest.useRealTimers();
    }
  });

  it('takes its sources as an array too', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(raceCancel([cold('--a|'), cold('-b|')])).toBe('-b|');
    });
  });

  it('a contender that completes first, with no value, ends the race once the others have cleaned up', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // prettier-ignore
      const a = cold('  --|     ');
      const cleanup = cold('  ---|');
      const expected = '-----|  ';
      expectObservable(raceCancel(a, NEVER.pipe(finalizeCleanup(() => cleanup)))).toBe(expected);
    });
  });

  it("a contender that errors first errors the race, once the others' cleanups have settled", () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // prettier-ignore
      const a = cold('  --#     ', undefined, boom);
      const cleanup = cold('  --| ');
      const expected = '----#   ';
      expectObservable(raceCancel(a, NEVER.pipe(finalizeCleanup(() => cleanup)))).toBe(expected, undefined, boom);
    });
  });

  it('a loser whose cleanup fails: the winner runs on; the race ends with a CleanupError holding the failure', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // prettier-ignore
      const a = cold('  -1---2---| ');
      const failing = cold(' --#   ', undefined, oops);
      const expected = '-1---2---# ';
      expectObservable(raceCancel(a, NEVER.pipe(finalizeCleanup(() => failing)))).toBe(
        expected,
        undefined,
        new CleanupError([oops]),
      );
    });
  });

  it("a downstream that leaves cancels the winner and waits for nobody else's leftovers to report", () => {
    const exits: Exit[] = [];
    testScheduler().run(({ cold, expectObservable }) => {
      // prettier-ignore
      const a = cold('  -1-2-3-4-5');
      const unsub = '   ^----!    ';
      const expected = '-1-2-     ';
      expectObservable(
        raceCancel(
          a.pipe(finalizeCleanup((exit) => void exits.push(exit))),
          NEVER.pipe(finalizeCleanup((exit) => void exits.push(exit))),
        ),
        unsub,
      ).toBe(expected);
    });
    expect(exits).toEqual([
      { kind: 'cancel', reason: RACE_LOST },
      { kind: 'cancel', reason: UNSUBSCRIBED },
    ]);
  });

  it('a contender that wins while it is being subscribed: the ones after it are never subscribed', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const later = cold('-x|');
      expectObservable(raceCancel(of('first'), later)).toBe('(f|)', { f: 'first' });
      expectSubscriptions(later.subscriptions).toBe([]);
    });
  });

  describe('the same frames as race where every cleanup is synchronous', () => {
    const cases: [string, (helpers: RunHelpers) => Observable<string>[]][] = [
      ['the second wins', ({ cold }) => [cold('---a--a|'), cold('-b-b-b-|'), cold('--c|')]],
      ['one completes first', ({ cold }) => [cold('----a|'), cold('--|'), cold('-----c')]],
      ['one errors first', ({ cold }) => [cold('----a|'), cold('--#', undefined, boom)]],
      ['one ends while being subscribed', ({ cold }) => [cold('-a|'), of('b'), cold('-c|')]],
      ['an error while being subscribed', ({ cold }) => [cold('-a|'), throwError(() => boom), cold('-c|')]],
      ['hot ones', ({ hot }) => [hot('--a-^--a--|'), hot('-b-^-b----|')]],
    ];

    it.each(cases)('%s', (_name, build) => {
      const run = (useCancel: boolean) => {
        const cleanups: unknown[] = [];
        const log = recordInVirtualTime((helpers, now) => {
          const sources = build(helpers).map((source, index) =>
            source.pipe(finalizeCleanup((exit) => void cleanups.push([now(), index, exit.kind]))),
          );
          return useCancel ? raceCancel(sources) : race(sources);
        });
        return { log, cleanups };
      };
      expect(run(true)).toEqual(run(false));
    });
  });
});
