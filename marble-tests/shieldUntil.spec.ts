import { config, Observable, of, range, Subject, Subscription, take, tap } from 'rxjs';
import {
  CleanupError,
  DeadlineError,
  finalizeCleanup,
  shieldUntil,
  ShieldReleased,
  timeoutCancel,
  type Exit,
} from '../lib';
import { testScheduler } from '../test-support/marbles';

const boom = new Error('boom');

describe(shieldUntil.name, () => {
  it('is transparent while the subscriber is there', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const source =    cold('-a-b-#', undefined, boom);
      const sourceSubs = '    ^----!';
      const expected = '      -a-b-#';

      expectObservable(source.pipe(shieldUntil())).toBe(expected, undefined, boom);
      expectSubscriptions(source.subscriptions).toBe(sourceSubs);
    });
  });

  it('keeps the source running after the subscriber leaves, to its end, dropping its values', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      // prettier-ignore
      const source =    cold('--a--b--c--d--|');
      const sourceSubs = '    ^-------------!';
      const unsub = '         ------!        ';
      const expected = '      --a--b-        ';

      expectObservable(source.pipe(shieldUntil()), unsub).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      flush();
      expect(scheduler.now()).toBe(14);
    });
  });

  it('keeps work that never ends running when there is no release', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const source =    cold('--a--b--c--');
      const sourceSubs = '    ^          ';
      const unsub = '         ---!       ';

      expectObservable(source.pipe(shieldUntil()), unsub).toBe('--a');
      expectSubscriptions(source.subscriptions).toBe(sourceSubs);
    });
  });

  describe('release', () => {
    it('a notifier, watched from the moment the work is detached, cancels it with a ShieldReleased', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('--a--b--c--d--|');
        const sourceSubs = '    ^---------!    ';
        const unsub = '         ------!        ';
        const release = hot('   ---r------r    ');
        const releaseSubs = '   ------^---!    ';
        const expected = '      --a--b-        ';

        const result = source.pipe(
          finalizeCleanup((exit) => void exits.push(exit)),
          shieldUntil(release),
        );

        expectObservable(result, unsub).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(release.subscriptions).toBe(releaseSubs);
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: new ShieldReleased('r') }]);
      expect((exits[0] as { reason: unknown }).reason).toBeInstanceOf(ShieldReleased);
    });

    it('a number of milliseconds after the subscriber left', () => {
      const scheduler = testScheduler();
      scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
        // prettier-ignore
        const source =    cold('--a--b--c--d--|');
        const sourceSubs = '    ^--------!     ';
        const unsub = '         ----!          ';

        expectObservable(source.pipe(shieldUntil(5)), unsub).toBe('--a--');
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        flush();
        expect(scheduler.now()).toBe(9);
      });
    });

    it('an AbortSignal aborted while the work is detached', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const controller = new AbortController();
        // prettier-ignore
        const source =    cold('--a--b--c--d--|');
        const sourceSubs = '    ^-------!      ';
        const unsub = '         ---!           ';
        cold('                  --------x      ').subscribe(() => controller.abort('shutting down'));

        expectObservable(source.pipe(shieldUntil(controller.signal)), unsub).toBe('--a');
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it('lets go of its timer when the work ends before the release: virtual time stops there', () => {
      const scheduler = testScheduler();
      scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
        // prettier-ignore
        const source =    cold('--a--|');
        const sourceSubs = '    ^----!';
        const unsub = '         ---!  ';

        expectObservable(source.pipe(shieldUntil(50)), unsub).toBe('--a');
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        flush();
        expect(scheduler.now()).toBe(5);
      });
    });

    it('lets go of the release notifier when the work ends', () => {
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('--a--|   ');
        const unsub = '         ---!     ';
        const release = hot('   ---------r');
        const releaseSubs = '   ---^-!   ';

        expectObservable(source.pipe(shieldUntil(release)), unsub).toBe('--a');
        expectSubscriptions(release.subscriptions).toBe(releaseSubs);
      });
    });

    it('stops a synchronous source at once when the release fires synchronously', () => {
      const produced: number[] = [];
      const synchronous = new Observable<number>((subscriber) => {
        for (let i = 0; !subscriber.closed && i < 100; i++) {
          produced.push(i);
          subscriber.next(i);
        }
      });
      const seen: number[] = [];
      synchronous.pipe(shieldUntil(of('now')), take(3)).subscribe((value) => seen.push(value));
      expect(seen).toEqual([0, 1, 2]);
      expect(produced).toEqual([0, 1, 2]);
    });

    it('without a release, runs a finite synchronous source to its end after take() left', () => {
      const produced: number[] = [];
      const seen: number[] = [];
      range(0, 10)
        .pipe(
          tap((value) => produced.push(value)),
          shieldUntil(),
          take(3),
        )
        .subscribe((value) => seen.push(value));
      expect(seen).toEqual([0, 1, 2]);
      expect(produced).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });
  });

  describe('detached outcomes', () => {
    it('reports an error of detached work to config.onUnhandledError, in the frame it happens', () => {
      const scheduler = testScheduler();
      const reported: unknown[] = [];
      config.onUnhandledError = (error) => reported.push([scheduler.now(), error]);
      scheduler.run(({ cold, expectObservable }) => {
        // prettier-ignore
        const source =    cold('--a--#', undefined, boom);
        const unsub = '         ---!  ';

        expectObservable(source.pipe(shieldUntil()), unsub).toBe('--a');
      });
      expect(reported).toEqual([[5, boom]]);
    });

    it('gives onDetachedExit how detached work ended instead', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable }) => {
        const onDetachedExit = (exit: Exit): void => void exits.push(exit);
        expectObservable(cold('--a--|').pipe(shieldUntil(undefined, { onDetachedExit })), '---!').toBe('--a');
        expectObservable(cold('--a--#', undefined, boom).pipe(shieldUntil(undefined, { onDetachedExit })), '---!').toBe(
          '--a',
        );
        expectObservable(cold('--a-----').pipe(shieldUntil(hot('----r'), { onDetachedExit })), '---!').toBe('--a');
      });
      expect(exits).toEqual([
        { kind: 'cancel', reason: new ShieldReleased('r') },
        { kind: 'complete' },
        { kind: 'error', error: boom },
      ]);
    });

    it('uses options.reason when the release fires', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable }) => {
        const result = cold('--a-----').pipe(
          finalizeCleanup((exit) => void exits.push(exit)),
          shieldUntil(hot('----r'), { reason: 'app closing' }),
        );
        expectObservable(result, '---!').toBe('--a');
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: 'app closing' }]);
    });
  });

  describe('under timeoutCancel: detach and defer', () => {
    it('detach (default, asyncio.shield): the canceller reports at once, the work finishes in the background', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('----a--|');
        const sourceSubs = '    ^------!';
        const expected = '      --#     ';

        expectObservable(source.pipe(shieldUntil(), timeoutCancel(2))).toBe(
          expected,
          undefined,
          new DeadlineError({ deadline: 'total', seen: 0, lastValue: null, meta: undefined }),
        );
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it("defer (Trio's shield): the canceller waits for the shielded work to end", () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('----a--|');
        const sourceSubs = '    ^------!';
        const expected = '      -------#';

        expectObservable(source.pipe(shieldUntil(undefined, { mode: 'defer' }), timeoutCancel(2))).toBe(
          expected,
          undefined,
          new DeadlineError({ deadline: 'total', seen: 0, lastValue: null, meta: undefined }),
        );
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it('defer: the canceller reports a failure of the shielded work with its own outcome', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        // prettier-ignore
        const source =    cold('-----#', undefined, boom);
        const expected = '      -----#';

        expectObservable(source.pipe(shieldUntil(undefined, { mode: 'defer' }), timeoutCancel(2))).toBe(
          expected,
          undefined,
          new CleanupError([boom], new DeadlineError({ deadline: 'total', seen: 0, lastValue: null, meta: undefined })),
        );
      });
    });

    it('defer with a release: the canceller waits until the release cancels the work and it has cleaned up', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    cold('-----------|');
        const sourceSubs = '    ^----!      ';
        const cleanup = cold('       -|     ');
        const expected = '      ------#     ';

        const result = source.pipe(
          finalizeCleanup(() => cleanup),
          shieldUntil(3, { mode: 'defer' }),
          timeoutCancel(2),
        );

        expectObservable(result).toBe(
          expected,
          undefined,
          new DeadlineError({ deadline: 'total', seen: 0, lastValue: null, meta: undefined }),
        );
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });
  });

  it('neither starts the work nor watches the release for a subscriber that has already left', () => {
    let started = false;
    const source = new Observable<never>(() => {
      started = true;
    });
    const release = new Subject<void>();
    const closed = Object.assign(new Subscription(), { next() {}, error() {}, complete() {} });
    closed.unsubscribe();
    source.pipe(shieldUntil(release, { mode: 'defer' })).subscribe(closed);
    expect(started).toBe(false);
    expect(release.observed).toBe(false);
  });
});
