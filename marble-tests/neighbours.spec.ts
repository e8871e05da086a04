import {
  EMPTY,
  finalize,
  map,
  mergeMap,
  NEVER,
  Observable,
  Subject,
  Subscription,
  takeUntil,
  timer,
  type Observable as Obs,
  type Observer,
  type SchedulerLike,
} from 'rxjs';
import {
  cancellable,
  CancelledError,
  CleanupError,
  CleanupTimeoutError,
  finalizeCleanup,
  timeoutCancel,
  UNSUBSCRIBED,
  type Exit,
} from '../lib';
import { ambientSlot } from '../test-support/ambient';
import { testScheduler } from '../test-support/marbles';

// The timing of the rules spec/neighbours.spec.ts states, frame by frame.

const boom = new Error('boom');

describe('a cancel fired from inside an ending subscription', () => {
  type Stage = (stop: Subject<string>, cleanup: Obs<unknown>) => (source: Obs<string>) => Obs<string>;
  // The same cancel, fired from three places while the source's cleanup runs:
  // each time the canceller waits for the cleanup and reports its failure.
  const firings: [string, string, Stage][] = [
    [
      'from outside, while the cleanup runs',
      '--x',
      (_stop, cleanup) => (source) => source.pipe(finalizeCleanup(() => cleanup)),
    ],
    [
      'from inside the cleanup, before it returns its work',
      '-',
      (stop, cleanup) => (source) =>
        source.pipe(
          finalizeCleanup(() => {
            stop.next('x');
            return cleanup;
          }),
        ),
    ],
    [
      'from a finalize upstream, while the source is torn down',
      '-',
      (stop, cleanup) => (source) =>
        source.pipe(
          finalize(() => stop.next('x')),
          finalizeCleanup(() => cleanup),
        ),
    ],
  ];

  it.each(firings)('%s: waits for the cleanup and reports its failure', (_name, outside, stage) => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const stop = new Subject<string>();
      hot(outside).subscribe(stop);
      // prettier-ignore
      const source = cold('   a|          ');
      const cleanup = cold('   -----#     ', undefined, boom);
      const cleanupSubs = '   -^----!     ';
      const expected = '      a-----#     ';

      const result = source.pipe(stage(stop, cleanup), cancellable(stop));

      expectObservable(result).toBe(expected, { a: 'a' }, new CleanupError([boom], new CancelledError('x')));
      expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
    });
  });

  it('whose cascade runs a cleanup that fires a canceller between the two: the first cleanup is still awaited and its failure reported', () => {
    // The inner chain's source ends at once; its cleanup fires `stop`. The
    // cancel tears the mergeMap down, source first: the outer cleanup fires
    // `inner`, whose canceller starts ending in the middle of that cascade,
    // which has yet to reach the mergeMap's inner subscriber below it.
    testScheduler().run(({ cold, expectObservable }) => {
      const stop = new Subject<string>();
      const inner = new Subject<string>();
      // prettier-ignore
      const source = cold('a ');
      const expected = '   # ';

      const result = source.pipe(
        finalizeCleanup(() => inner.next('y')),
        mergeMap(() =>
          EMPTY.pipe(
            finalizeCleanup(() => {
              stop.next('x');
              throw boom;
            }),
            cancellable(inner),
          ),
        ),
        cancellable(stop),
      );

      expectObservable(result).toBe(expected, undefined, new CleanupError([boom], new CancelledError('x')));
    });
  });
});

describe('a source that ends while it is being subscribed', () => {
  it('an asynchronous cleanup its late teardown reaches is awaited, with the reason of a cancel fired meanwhile', () => {
    const exits: Exit[] = [];
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const stop = new Subject<string>();
      // prettier-ignore
      const innerCleanup = cold('---|   ');
      const innerCleanupSubs = '^--!   ';
      const expected = '         ---#   ';

      const inner = NEVER.pipe(
        finalizeCleanup((exit) => {
          exits.push(exit);
          return innerCleanup;
        }),
      );
      const source = new Observable<never>(() => {
        const subscription = inner.subscribe();
        stop.next('x');
        return subscription;
      });

      expectObservable(source.pipe(cancellable(stop))).toBe(expected, undefined, new CancelledError('x'));
      expectSubscriptions(innerCleanup.subscriptions).toBe(innerCleanupSubs);
    });
    expect(exits).toEqual([{ kind: 'cancel', reason: 'x' }]);
  });

  it('cancelled while an inner chain ends in its own subscribe call: what the source then tears down is still awaited, with the reason', () => {
    // The inner chain's link settles (and leaves the stack of endings) while
    // the cancelled link, above it on that stack, is still in its subscribe
    // call: the cancelled link must stay on the stack, so that what its
    // source tears down afterwards is adopted by it.
    const exits: Exit[] = [];
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const stop = new Subject<string>();
      // prettier-ignore
      const leftCleanup = cold('---|   ');
      const leftCleanupSubs = '^--!   ';
      const expected = '        ---#   ';

      const left = NEVER.pipe(
        finalizeCleanup((exit) => {
          exits.push(exit);
          return leftCleanup;
        }),
      );
      const endsWhileSubscribed = new Observable<never>((inner) => {
        inner.complete();
        stop.next('x');
      }).pipe(finalizeCleanup(() => {}));
      const source = new Observable<never>(() => {
        const subscription = left.subscribe({ error: () => {} });
        endsWhileSubscribed.subscribe();
        subscription.unsubscribe();
      });

      expectObservable(source.pipe(cancellable(stop))).toBe(expected, undefined, new CancelledError('x'));
      expectSubscriptions(leftCleanup.subscriptions).toBe(leftCleanupSubs);
    });
    expect(exits).toEqual([{ kind: 'cancel', reason: 'x' }]);
    // And each link left the stack of endings, whatever the order.
    const ambient = ambientSlot();
    expect(ambient.endings).toEqual([]);
  });

  it('with an operator between, which runs the late teardown itself: still awaited, with the reason', () => {
    const exits: Exit[] = [];
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const stop = new Subject<string>();
      // prettier-ignore
      const innerCleanup = cold('---|   ');
      const innerCleanupSubs = '^--!   ';
      const expected = '         ---#   ';

      const inner = NEVER.pipe(
        finalizeCleanup((exit) => {
          exits.push(exit);
          return innerCleanup;
        }),
      );
      const source = new Observable<never>(() => {
        const subscription = inner.subscribe();
        stop.next('x');
        return subscription;
      });

      expectObservable(
        source.pipe(
          map((value) => value),
          cancellable(stop),
        ),
      ).toBe(expected, undefined, new CancelledError('x'));
      expectSubscriptions(innerCleanup.subscriptions).toBe(innerCleanupSubs);
    });
    expect(exits).toEqual([{ kind: 'cancel', reason: 'x' }]);
  });
});

describe('a source that unsubscribes its own subscriber after it ended', () => {
  // The subscriber a source gets is the operator's own (RxJS hands it over
  // as it is): a source may call its unsubscribe() once it has completed or
  // failed. While the cleanup runs, that is not the downstream leaving: the
  // downstream still hears the outcome, when the cleanup has settled.
  it.each([
    ['completed', '--|', undefined],
    ['failed', '--#', boom],
  ])('%s, then unsubscribed it while the cleanup runs: the outcome still arrives', (_name, expected, error) => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const cleanup =     cold('--|');
      const cleanupSubs = '^-!';
      const source = new Observable<never>((subscriber) => {
        if (error === undefined) subscriber.complete();
        else subscriber.error(error);
        timer(1).subscribe(() => subscriber.unsubscribe());
      });
      expectObservable(source.pipe(finalizeCleanup(() => cleanup))).toBe(expected, undefined, error);
      expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
    });
  });

  it('the downstream leaving after that is still the downstream leaving: the cleanup sees it end the wait', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const cleanup =     cold('----|');
      const cleanupSubs = '^---!';
      const source = new Observable<never>((subscriber) => {
        subscriber.complete();
        timer(1).subscribe(() => subscriber.unsubscribe());
      });
      // The downstream leaves at frame 2: nothing more reaches it, and the
      // cleanup runs on to its end (nobody to tell, no failure to report).
      expectObservable(source.pipe(finalizeCleanup(() => cleanup)), '--!').toBe('---');
      expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
    });
  });
});

describe('a cleanup that settles in the very frame of its timeout is in time', () => {
  it('an Observable cleanup', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const source = cold('  a|     ');
      const cleanup = cold('  ---|  ');
      const cleanupSubs = '  -^--!  ';
      const expected = '     a---|  ';

      expectObservable(source.pipe(finalizeCleanup(() => cleanup, { timeout: 3 }))).toBe(expected);
      expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
    });
  });

  it('timer(50) with a timeout of 50', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('a|');
      expectObservable(source.pipe(finalizeCleanup(() => timer(50), { timeout: 50 }))).toBe('a 50ms |');
    });
  });

  it('one frame later it is an overrun', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const source = cold('  a|     ');
      const cleanup = cold('  ----|  ');
      const cleanupSubs = '  -^--!   ';
      const expected = '     a---#   ';

      expectObservable(source.pipe(finalizeCleanup(() => cleanup, { timeout: 3 }))).toBe(
        expected,
        { a: 'a' },
        new CleanupError([new CleanupTimeoutError(3)]),
      );
      expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
    });
  });
});

describe('a link subscribed for a downstream already closed', () => {
  it('is not the work of its owner: the owner, ended meanwhile, does not wait for it', () => {
    // (A switchMap projecting into a subscriber torn down meanwhile: the
    // link ends at once, and no teardown is ending it.)
    const exits: Exit[] = [];
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const strayCleanup = cold('---|');
      const strayCleanupSubs = '^--!';
      const expected = '         |   ';

      let closed: Observer<never> | undefined;
      new Observable<never>((subscriber) => {
        closed = subscriber;
      })
        .subscribe()
        .unsubscribe();
      const stray = NEVER.pipe(
        finalizeCleanup((exit) => {
          exits.push(exit);
          return strayCleanup;
        }),
      );
      // Ends while it is being subscribed, then subscribes the stray link
      // (its owner is the link below, still in its subscribe call).
      const source = new Observable<never>((subscriber) => {
        subscriber.complete();
        stray.subscribe(closed);
      });

      expectObservable(source.pipe(finalizeCleanup(() => {}))).toBe(expected);
      expectSubscriptions(strayCleanup.subscriptions).toBe(strayCleanupSubs);
    });
    expect(exits).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
  });
});

describe('a cancel adopts exactly the subscriptions its own teardown reaches', () => {
  it('reports at once when its finalize ends an unrelated chain whose cleanup takes time', () => {
    const exits: Exit[] = [];
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const aStopped = new Subject<void>();
      // prettier-ignore
      const stopA = hot('    --x         ');
      const bCleanup = cold('  -----|    ');
      const bCleanupSubs = ' --^----!    ';
      const expected = '     --#         ';

      NEVER.pipe(
        finalizeCleanup((exit) => {
          exits.push(exit);
          return bCleanup;
        }),
        takeUntil(aStopped),
      ).subscribe();
      const a = NEVER.pipe(
        finalize(() => aStopped.next()),
        cancellable(stopA),
      );

      expectObservable(a).toBe(expected, undefined, new CancelledError('x'));
      expectSubscriptions(bCleanup.subscriptions).toBe(bCleanupSubs);
    });
    expect(exits).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
  });
});

describe('what a source subscribes while it is being subscribed is the work of the link subscribing it', () => {
  // The source below subscribes two chains of its own with plain observers
  // and returns a teardown that unsubscribes them. A cancel of the link that
  // subscribed the source reaches them through that teardown, and waits for
  // the cleanup of `work` (the second chain) as for any cleanup upstream.
  // What the first chain does meanwhile must not change whose work `work` is.
  function scenario(first: () => Subscription, work: (cleanup: Obs<unknown>) => Obs<never>): void {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      // prettier-ignore
      const stop = hot('    --x      ');
      const cleanup = cold('  -----| ');
      const cleanupSubs = ' --^----! ';
      const expected = '    -------# ';

      const source = new Observable<never>(() => {
        const before = first();
        const owned = work(cleanup).subscribe();
        return () => {
          owned.unsubscribe();
          before.unsubscribe();
        };
      });

      expectObservable(source.pipe(cancellable(stop))).toBe(expected, undefined, new CancelledError('x'));
      expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
    });
  }
  const waitFor = (cleanup: Obs<unknown>) => NEVER.pipe(finalizeCleanup(() => cleanup));

  it('after a chain of this package was subscribed before it, and is still running', () => {
    scenario(() => NEVER.pipe(finalizeCleanup(() => undefined)).subscribe(), waitFor);
  });

  it('after a link of this package threw out of its subscribe call', () => {
    // A scheduler that cannot arm the deadline: timeoutCancel's subscribe
    // throws, and the Observable around it sends the error to the observer.
    const throwing: SchedulerLike = {
      now: () => 0,
      schedule: () => {
        throw boom;
      },
    };
    scenario(() => {
      const errors: unknown[] = [];
      const failed = NEVER.pipe(timeoutCancel({ first: 10, scheduler: throwing })).subscribe({
        error: (error: unknown) => errors.push(error),
      });
      expect(errors).toEqual([boom]);
      return failed;
    }, waitFor);
  });

  it('that a chain of this package subscribed in its turn, and left to it to unsubscribe', () => {
    // `work` is owned by the link of `parent`, whose source subscribes it and
    // returns no teardown; the source of the cancelled link unsubscribes it
    // after `parent`, so the cancel reaches it through the owner of its owner.
    let work = Subscription.EMPTY;
    scenario(
      () => new Subscription(() => work.unsubscribe()),
      (cleanup) =>
        new Observable<never>(() => {
          work = waitFor(cleanup).subscribe();
        }).pipe(finalizeCleanup(() => undefined)),
    );
  });
});
