import {
  BehaviorSubject,
  identity,
  concat,
  finalize,
  map,
  merge,
  NEVER,
  Observable,
  of,
  share,
  Subject,
  switchMap,
  queueScheduler,
  take,
  takeUntil,
  using,
  concatMap,
  exhaustMap,
  mergeMap,
  type MonoTypeOperatorFunction,
  type OperatorFunction,
  type SchedulerLike,
  type Subscriber,
} from 'rxjs';
import {
  cancellable,
  cancelScope,
  CancelledError,
  CleanupError,
  finalizeCleanup,
  fromAbortable,
  groupCancel,
  SCOPE_CLOSED,
  shieldUntil,
  timeoutCancel,
  UNSUBSCRIBED,
  type Exit,
} from '../lib';
import { ambientSlot } from '../test-support/ambient';
import { normalize } from '../test-support/errors';
import { record } from '../test-support/record';
import { deferred, macrotask } from '../test-support/time';
import { takeUnhandled } from '../test-support/unhandled';

// Where rxjs-cancel meets the rest of RxJS: sources that end while they are
// being subscribed, observers and cleanups that cancel or close re-entrantly,
// unrelated chains torn down as side effects, values that throw when looked at.

const boom = new Error('boom');
const oops = new Error('oops');

/** A source that ends while it is being subscribed, and returns a teardown that logs. */
function endsWhileSubscribed(log: string[], end: 'complete' | 'error'): Observable<number> {
  return new Observable<number>((subscriber) => {
    subscriber.next(1);
    if (end === 'complete') subscriber.complete();
    else subscriber.error(boom);
    return () => log.push('source teardown');
  });
}

describe('a source that ends while it is being subscribed', () => {
  it.each(['complete', 'error'] as const)(
    'has its teardown run before the cleanup, and both before the downstream hears %s',
    (end) => {
      const log: string[] = [];
      endsWhileSubscribed(log, end)
        .pipe(finalizeCleanup((exit) => void log.push(`cleanup ${exit.kind}`)))
        .subscribe({ complete: () => log.push('complete'), error: () => log.push('error') });
      expect(log).toEqual(['source teardown', `cleanup ${end}`, end]);
    },
  );

  it('runs an upstream finalize before the cleanup, as RxJS runs two finalizes', () => {
    const rxjs: string[] = [];
    of(1)
      .pipe(
        finalize(() => rxjs.push('f')),
        finalize(() => rxjs.push('g')),
      )
      .subscribe();
    const ours: string[] = [];
    of(1)
      .pipe(
        finalize(() => ours.push('f')),
        finalizeCleanup(() => void ours.push('g')),
      )
      .subscribe();
    expect(rxjs).toEqual(['f', 'g']);
    expect(ours).toEqual(rxjs);
  });

  it("releases using()'s resource before the cleanup", () => {
    const log: string[] = [];
    using(
      () => ({ unsubscribe: () => log.push('resource released') }),
      () => of(1),
    )
      .pipe(finalizeCleanup(() => void log.push('cleanup')))
      .subscribe({ complete: () => log.push('complete') });
    expect(log).toEqual(['resource released', 'cleanup', 'complete']);
  });

  it('reports a teardown that throws downstream, as a CleanupError, not to the unhandled path', () => {
    const source = new Observable<number>((subscriber) => {
      subscriber.complete();
      return () => {
        throw oops;
      };
    });
    const { events } = record(source.pipe(finalizeCleanup(() => {})));
    expect(normalize(events)).toEqual(normalize([['error', new CleanupError([oops])]]));
  });

  it('waits for an asynchronous cleanup that the late teardown reaches', async () => {
    const log: string[] = [];
    const innerDone = deferred();
    const inner = NEVER.pipe(
      finalizeCleanup((exit) => {
        log.push(`inner cleanup ${exit.kind}`);
        return innerDone.promise;
      }),
    );
    const source = new Observable<never>((subscriber) => {
      const innerSubscription = inner.subscribe();
      subscriber.complete();
      return innerSubscription;
    });
    source.pipe(finalizeCleanup(() => void log.push('cleanup'))).subscribe({ complete: () => log.push('complete') });
    expect(log).toEqual(['inner cleanup cancel']);
    innerDone.resolve();
    await macrotask();
    expect(log).toEqual(['inner cleanup cancel', 'cleanup', 'complete']);
  });

  // Every operator holds back its end until its source's teardown has run.
  const operators: [string, MonoTypeOperatorFunction<number>][] = [
    ['finalizeCleanup', finalizeCleanup(() => {})],
    ['cancellable', cancellable(NEVER)],
    ['timeoutCancel', timeoutCancel(1000)],
    ['shieldUntil', shieldUntil()],
  ];
  it.each(operators)('%s: the source teardown runs before the downstream hears complete', (_name, operator) => {
    const log: string[] = [];
    endsWhileSubscribed(log, 'complete')
      .pipe(operator)
      .subscribe({ complete: () => log.push('complete') });
    expect(log).toEqual(['source teardown', 'complete']);
  });

  it('groupCancel: a child that ends while it is being subscribed has run its teardown when the group reports', () => {
    const log: string[] = [];
    groupCancel([endsWhileSubscribed(log, 'complete')]).subscribe({ complete: () => log.push('complete') });
    expect(log).toEqual(['source teardown', 'complete']);
  });
});

describe('cancelScope.run: a run belongs to its scope before its source is subscribed', () => {
  it('an observer that cancels the scope on a synchronous value sees no more values', () => {
    const seen: number[] = [];
    const scope = cancelScope();
    scope.run(of(1, 2, 3), (value) => {
      seen.push(value);
      scope.cancel('stop');
    });
    expect(seen).toEqual([1]);
  });

  /**
   * A run of `wrap(a BehaviorSubject with an awaited cleanup)` whose observer
   * closes the scope with `reason` on the value it gets while subscribed.
   */
  function closedOnFirstValue(reason: string, wrap: (source: Observable<number>) => Observable<number>) {
    const exits: Exit[] = [];
    const cleanupDone = deferred();
    const scope = cancelScope();
    let closing: Promise<void> | undefined;
    scope.run(
      wrap(
        new BehaviorSubject(1).pipe(
          finalizeCleanup((exit) => {
            exits.push(exit);
            return cleanupDone.promise;
          }),
        ),
      ),
      () => {
        closing = scope.close(reason);
      },
    );
    return { exits, cleanupDone, closing: closing! };
  }

  it('an observer that closes the scope while being subscribed: close() waits for the cleanup, with its reason and its failure', async () => {
    const { exits, cleanupDone, closing } = closedOnFirstValue('destroyed', (source) => source);
    expect(exits).toEqual([{ kind: 'cancel', reason: 'destroyed' }]);
    let settled = false;
    const outcome = closing.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    void outcome.then(() => (settled = true));
    await macrotask();
    expect(settled).toBe(false);
    cleanupDone.reject(boom);
    expect(normalize(await outcome)).toEqual(normalize(new CleanupError([boom], new CancelledError('destroyed'))));
  });

  it('close() waits for, and rejects with, the cleanup of work the run subscribed later, on a value', async () => {
    const exits: Exit[] = [];
    const cleanupDone = deferred();
    const clicks = new Subject<void>();
    const scope = cancelScope();
    scope.run(
      clicks.pipe(
        switchMap(() =>
          NEVER.pipe(
            finalizeCleanup((exit) => {
              exits.push(exit);
              return cleanupDone.promise;
            }),
          ),
        ),
      ),
    );
    clicks.next();
    const outcome = scope.close('bye').then(
      () => 'resolved',
      (error: unknown) => error,
    );
    expect(exits).toEqual([{ kind: 'cancel', reason: 'bye' }]);
    cleanupDone.reject(oops);
    expect(normalize(await outcome)).toEqual(normalize(new CleanupError([oops], new CancelledError('bye'))));
  });

  it('a source that completes while subscribed and returns a throwing teardown: the observer hears it, as from any operator', () => {
    const scope = cancelScope();
    const source = new Observable<never>((subscriber) => {
      subscriber.complete();
      return () => {
        throw oops;
      };
    });
    const events: unknown[] = [];
    scope.run(source, { complete: () => events.push('complete'), error: (error: unknown) => events.push(error) });
    expect(normalize(events)).toEqual(normalize([new CleanupError([oops])]));
  });

  it('an observer that closes the scope while a hand-written operator is still being subscribed: close() waits for what it returns', async () => {
    // The operator returns its inner subscription only after the value was seen.
    const passThrough = (source: Observable<number>): Observable<number> =>
      new Observable<number>((subscriber) => source.subscribe({ next: (value) => subscriber.next(value) }));
    const { exits, cleanupDone, closing } = closedOnFirstValue('bye', passThrough);
    expect(exits).toEqual([{ kind: 'cancel', reason: 'bye' }]);
    let closed = false;
    void closing.then(() => (closed = true));
    await macrotask();
    expect(closed).toBe(false);
    cleanupDone.resolve();
    await closing;
  });

  it('a run that ends while being subscribed is gone from the scope: close() has nothing to wait for', async () => {
    const scope = cancelScope();
    const exits: Exit[] = [];
    scope.run(of(1, 2).pipe(finalizeCleanup((exit) => void exits.push(exit))));
    await scope.close();
    expect(exits).toEqual([{ kind: 'complete' }]);
  });
});

describe('a cancel adopts exactly the subscriptions its own teardown reaches', () => {
  it('not a chain that an unrelated takeUntil ends because its teardown emitted', async () => {
    const log: unknown[] = [];
    const bCleanup = deferred();
    const aStopped = new Subject<void>();
    NEVER.pipe(
      finalizeCleanup((exit) => {
        log.push(['B', exit]);
        return bCleanup.promise;
      }),
      takeUntil(aStopped),
    ).subscribe();
    const stopA = new Subject<string>();
    const { events } = record(
      NEVER.pipe(
        finalize(() => aStopped.next()),
        cancellable(stopA),
      ),
    );
    stopA.next('user stop A');
    expect(log).toEqual([['B', { kind: 'cancel', reason: UNSUBSCRIBED }]]);
    // A reports at once: B's cleanup is not A's to wait for.
    expect(normalize(events)).toEqual(normalize([['error', new CancelledError('user stop A')]]));
    bCleanup.reject(new Error('B cleanup failed'));
    await macrotask();
    expect(takeUnhandled()).toEqual([new Error('B cleanup failed')]);
  });

  it("not the inner that an app-wide switchMap drops when the canceller's finalize flips its BehaviorSubject", async () => {
    const exits: Exit[] = [];
    const spinnerCleanup = deferred();
    const busy = new BehaviorSubject(true);
    const spinner = busy.pipe(
      switchMap((isBusy) =>
        isBusy
          ? NEVER.pipe(
              finalizeCleanup((exit) => {
                exits.push(exit);
                return spinnerCleanup.promise;
              }),
            )
          : of('idle'),
      ),
    );
    spinner.subscribe();
    const stop = new Subject<string>();
    const { events } = record(
      NEVER.pipe(
        finalize(() => busy.next(false)),
        cancellable(stop),
      ),
    );
    stop.next('stop');
    expect(exits).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
    expect(normalize(events)).toEqual(normalize([['error', new CancelledError('stop')]]));
    spinnerCleanup.reject(oops);
    await macrotask();
    expect(takeUnhandled()).toEqual([oops]);
  });

  it('scope.close() neither waits for nor rejects with the cleanup of a chain its runs only emitted to', async () => {
    const spinnerCleanup = deferred();
    const busy = new BehaviorSubject(true);
    busy
      .pipe(switchMap((isBusy) => (isBusy ? NEVER.pipe(finalizeCleanup(() => spinnerCleanup.promise)) : of('idle'))))
      .subscribe();
    const scope = cancelScope();
    scope.run(NEVER.pipe(finalize(() => busy.next(false))));
    await scope.close('destroyed');
    spinnerCleanup.reject(oops);
    await macrotask();
    expect(takeUnhandled()).toEqual([oops]);
  });

  it('but a chain an observer subscribes on a value sent while the canceller is being subscribed counts as its work (a documented limit)', async () => {
    const exits: Exit[] = [];
    const bCleanup = deferred();
    const aStopped = new Subject<void>();
    const b = NEVER.pipe(
      finalizeCleanup((exit) => {
        exits.push(exit);
        return bCleanup.promise;
      }),
      takeUntil(aStopped),
    );
    const stopA = new Subject<string>();
    const events: unknown[] = [];
    new BehaviorSubject(1)
      .pipe(
        finalize(() => aStopped.next()),
        cancellable(stopA),
      )
      .subscribe({ next: () => void b.subscribe(), error: (error: unknown) => events.push(error) });
    stopA.next('stop A');
    // Subscribed while A's canceller was subscribing its source, B reads as A's.
    expect(exits).toEqual([{ kind: 'cancel', reason: 'stop A' }]);
    expect(events).toEqual([]);
    bCleanup.reject(oops);
    await macrotask();
    expect(normalize(events)).toEqual(normalize([new CleanupError([oops], new CancelledError('stop A'))]));
  });

  it("not a fromAbortable of another chain: its signal aborts with the plain unsubscribe's reason", () => {
    const aStopped = new Subject<void>();
    let signal: AbortSignal | undefined;
    fromAbortable((given) => {
      signal = given;
      return NEVER;
    })
      .pipe(takeUntil(aStopped))
      .subscribe();
    const stop = new Subject<string>();
    record(
      NEVER.pipe(
        finalize(() => aStopped.next()),
        cancellable(stop),
      ),
    );
    stop.next('stop A');
    expect(signal!.aborted).toBe(true);
    expect((signal!.reason as CancelledError).reason).toBe(UNSUBSCRIBED);
  });

  it("another chain's own canceller, fired from this teardown, adopts that chain's cleanups", async () => {
    const log: unknown[] = [];
    const bCleanup = deferred();
    const stopB = new Subject<string>();
    const b = record(
      NEVER.pipe(
        finalizeCleanup((exit) => {
          log.push(exit);
          return bCleanup.promise;
        }),
        cancellable(stopB),
      ),
    );
    const stopA = new Subject<string>();
    const a = record(
      NEVER.pipe(
        finalize(() => stopB.next('stop B')),
        cancellable(stopA),
      ),
    );
    stopA.next('stop A');
    expect(log).toEqual([{ kind: 'cancel', reason: 'stop B' }]);
    expect(normalize(a.events)).toEqual(normalize([['error', new CancelledError('stop A')]]));
    expect(b.events).toEqual([]);
    bCleanup.reject(oops);
    await macrotask();
    expect(normalize(b.events)).toEqual(normalize([['error', new CleanupError([oops], new CancelledError('stop B'))]]));
  });

  describe('and still every one it does reach', () => {
    /** Work whose asynchronous cleanup is logged, and settles by hand. */
    function work(log: unknown[], done: Promise<void>): Observable<never> {
      return NEVER.pipe(
        finalizeCleanup((exit) => {
          log.push(exit);
          return done;
        }),
      );
    }

    /** A hand-written operator in the style RxJS's docs show: it subscribes with a plain observer. */
    function passThrough<T>(): MonoTypeOperatorFunction<T> {
      return (source) =>
        new Observable<T>((subscriber) =>
          source.subscribe({
            next: (value) => subscriber.next(value),
            error: (error: unknown) => subscriber.error(error),
            complete: () => subscriber.complete(),
          }),
        );
    }

    const shapes: [string, (inner: Observable<never>) => Observable<never>][] = [
      ['through operators', (inner) => inner.pipe(map((value) => value))],
      ['through a hand-written operator that subscribes with a plain observer', (inner) => inner.pipe(passThrough())],
      [
        'through a hand-written operator and then operators',
        (inner) =>
          inner.pipe(
            passThrough(),
            map((value) => value),
          ),
      ],
      ['through share()', (inner) => inner.pipe(share())],
      [
        'through a custom Observable whose teardown unsubscribes it',
        (inner) =>
          new Observable<never>(() => {
            const subscription = inner.subscribe();
            return () => subscription.unsubscribe();
          }),
      ],
    ];

    it.each(shapes)('%s', async (_name, shape) => {
      const log: unknown[] = [];
      const done = deferred();
      const stop = new Subject<string>();
      const { events } = record(shape(work(log, done.promise)).pipe(cancellable(stop)));
      stop.next('stop');
      expect(log).toEqual([{ kind: 'cancel', reason: 'stop' }]);
      expect(events).toEqual([]);
      done.resolve();
      await macrotask();
      expect(normalize(events)).toEqual(normalize([['error', new CancelledError('stop')]]));
    });

    it.each(shapes)('%s, in a scope', async (_name, shape) => {
      const log: unknown[] = [];
      const done = deferred();
      const scope = cancelScope();
      scope.run(shape(work(log, done.promise)));
      let closed = false;
      const closing = scope.close('bye').then(() => (closed = true));
      expect(log).toEqual([{ kind: 'cancel', reason: 'bye' }]);
      await macrotask();
      expect(closed).toBe(false);
      done.resolve();
      await closing;
    });

    const flatteners: [string, (project: () => Observable<never>) => OperatorFunction<void, never>][] = [
      ['mergeMap', (project) => mergeMap(project)],
      ['switchMap', (project) => switchMap(project)],
      ['concatMap', (project) => concatMap(project)],
      ['exhaustMap', (project) => exhaustMap(project)],
    ];

    it.each(flatteners)('an inner Observable %s subscribed later, on a value', async (_name, flatten) => {
      const log: unknown[] = [];
      const done = deferred();
      const go = new Subject<void>();
      const stop = new Subject<string>();
      const { events } = record(
        go.pipe(
          flatten(() => work(log, done.promise)),
          cancellable(stop),
        ),
      );
      go.next();
      stop.next('stop');
      expect(log).toEqual([{ kind: 'cancel', reason: 'stop' }]);
      expect(events).toEqual([]);
      done.resolve();
      await macrotask();
      expect(normalize(events)).toEqual(normalize([['error', new CancelledError('stop')]]));
    });

    it('but not work behind a plain observer subscribed later, in an inner Observable (a documented limit)', async () => {
      const log: unknown[] = [];
      const done = deferred();
      const go = new Subject<void>();
      const stop = new Subject<string>();
      const { events } = record(
        go.pipe(
          switchMap(() => work(log, done.promise).pipe(share())),
          cancellable(stop),
        ),
      );
      go.next();
      stop.next('stop');
      // Its cleanup runs, as after a plain unsubscribe; the canceller does not wait.
      expect(log).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
      expect(normalize(events)).toEqual(normalize([['error', new CancelledError('stop')]]));
      done.reject(oops);
      await macrotask();
      expect(takeUnhandled()).toEqual([oops]);
    });

    it("the trigger's own subscription, with a cleanup in it", async () => {
      const log: unknown[] = [];
      const done = deferred();
      const trigger = work(log, done.promise);
      const source = new Subject<number>();
      const { events } = record(source.pipe(cancellable(trigger)));
      source.complete();
      expect(log).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
      expect(events).toEqual([]);
      done.resolve();
      await macrotask();
      expect(events).toEqual([['complete']]);
    });

    it("shieldUntil's release trigger, watched only once the subscriber has left, with a cleanup behind share()", async () => {
      const log: unknown[] = [];
      const done = deferred();
      const release = work(log, done.promise).pipe(share());
      const exits: Exit[] = [];
      const source = new Subject<number>();
      source
        .pipe(shieldUntil(release, { onDetachedExit: (exit) => exits.push(exit) }))
        .subscribe()
        .unsubscribe();
      // The shielded work ends on its own; letting the trigger go is part of that end.
      source.complete();
      expect(log).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
      expect(exits).toEqual([]);
      done.reject(oops);
      await macrotask();
      expect(normalize(exits)).toEqual(normalize([{ kind: 'error', error: new CleanupError([oops]) }]));
    });

    it("timeoutCancel's `with` fallback, subscribed when the deadline passes, with a cleanup behind share()", async () => {
      const log: unknown[] = [];
      const done = deferred();
      const stop = new Subject<string>();
      const fallback = work(log, done.promise).pipe(share());
      const { events } = record(NEVER.pipe(timeoutCancel({ total: 0, with: () => fallback }), cancellable(stop)));
      await macrotask(); // the deadline passes: the fallback takes over
      stop.next('stop');
      expect(log).toEqual([{ kind: 'cancel', reason: 'stop' }]);
      expect(events).toEqual([]);
      done.reject(oops);
      await macrotask();
      expect(normalize(events)).toEqual(normalize([['error', new CleanupError([oops], new CancelledError('stop'))]]));
    });
  });
});

describe('a cancel fired from inside an ending subscription is adopted like any other', () => {
  it("a cleanup that closes its own run's scope: close() waits for that cleanup", async () => {
    const scope = cancelScope();
    const cleanupDone = deferred();
    let closing: Promise<void> | undefined;
    scope.run(
      of(1).pipe(
        finalizeCleanup(() => {
          closing = scope.close('from the cleanup');
          return cleanupDone.promise;
        }),
      ),
    );
    let closed = false;
    const outcome = closing!.then(
      () => (closed = true),
      (error: unknown) => error,
    );
    await macrotask();
    expect(closed).toBe(false);
    cleanupDone.reject(oops);
    expect(normalize(await outcome)).toEqual(
      normalize(new CleanupError([oops], new CancelledError('from the cleanup'))),
    );
  });

  it('a cleanup that fires the downstream canceller: the canceller waits for it (and reports its failure)', async () => {
    const stop = new Subject<string>();
    const cleanupDone = deferred();
    const { events } = record(
      of(1).pipe(
        finalizeCleanup(() => {
          stop.next('x');
          return cleanupDone.promise;
        }),
        cancellable(stop),
      ),
    );
    expect(events).toEqual([['next', 1]]);
    cleanupDone.reject(oops);
    await macrotask();
    expect(normalize(events)).toEqual(
      normalize([
        ['next', 1],
        ['error', new CleanupError([oops], new CancelledError('x'))],
      ]),
    );
  });
});

describe('a trigger that fires while it is being subscribed, and then returns its teardown', () => {
  it('the canceller runs that teardown as part of its cancel: it waits for a cleanup the teardown reaches', async () => {
    const exits: Exit[] = [];
    const done = deferred();
    const trigger = new Observable<string>((subscriber) => {
      const subscription = NEVER.pipe(
        finalizeCleanup((exit) => {
          exits.push(exit);
          return done.promise;
        }),
      ).subscribe();
      subscriber.next('x');
      return subscription;
    });
    const { events } = record(NEVER.pipe(cancellable(trigger)));
    expect(exits).toEqual([{ kind: 'cancel', reason: 'x' }]);
    expect(events).toEqual([]);
    done.resolve();
    await macrotask();
    expect(normalize(events)).toEqual(normalize([['error', new CancelledError('x')]]));
  });

  it('and reports its failure with the cancel', () => {
    const trigger = new Observable<string>((subscriber) => {
      subscriber.next('x');
      return () => {
        throw oops;
      };
    });
    const { events } = record(NEVER.pipe(cancellable(trigger)));
    expect(normalize(events)).toEqual(normalize([['error', new CleanupError([oops], new CancelledError('x'))]]));
  });

  it("timeoutCancel's reschedule: a bad deadline while being subscribed, a throwing teardown and a failing cleanup all reach the downstream", async () => {
    const done = deferred();
    const reschedule = new Observable<number>((subscriber) => {
      subscriber.next('not a deadline' as unknown as number);
      return () => {
        throw oops;
      };
    });
    const { events } = record(
      NEVER.pipe(
        finalizeCleanup(() => done.promise),
        timeoutCancel({ total: 1000, reschedule }),
      ),
    );
    done.reject(boom);
    await macrotask();
    expect(events).toHaveLength(1);
    const [[kind, error]] = events as [[string, CleanupError]];
    expect(kind).toBe('error');
    expect(error).toBeInstanceOf(CleanupError);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(new Set(error.errors)).toEqual(new Set([oops, boom]));
  });
});

describe('a canceller fired while a plain unsubscribe is on its way to it', () => {
  it('reports into a subscriber whose downstream has closed: what it carries goes to the unhandled path, not nowhere', async () => {
    const stop = new Subject<string>();
    const events: unknown[] = [];
    merge(
      NEVER.pipe(finalizeCleanup(() => void stop.next('x'))),
      NEVER.pipe(
        finalizeCleanup(() => {
          throw boom;
        }),
        cancellable(stop),
      ),
    )
      .subscribe({ error: (error: unknown) => events.push(error) })
      .unsubscribe();
    expect(events).toEqual([]);
    await macrotask();
    expect(takeUnhandled()).toEqual([boom]);
  });

  it('a link whose source fails meanwhile holds the error back until the unsubscribe arrives, then hands it to the unhandled path', async () => {
    // The first chain's cleanup makes the second's source fail while the
    // merge's subscriber has closed and its teardown is still on its way to
    // the second chain: the link's report would be dropped there, so it waits.
    const fail = new Subject<void>();
    const ambient = ambientSlot();
    const log: unknown[] = [];
    merge(
      NEVER.pipe(finalizeCleanup(() => void fail.next())),
      fail.pipe(
        map(() => {
          throw boom;
        }),
        finalizeCleanup((exit) => void log.push(exit)),
      ),
    )
      .subscribe({ error: (error: unknown) => log.push(error) })
      .unsubscribe();
    expect(log).toEqual([{ kind: 'error', error: boom }]);
    expect(ambient.endings).toEqual([]);
    expect(ambient.waiters).toEqual([]);
    await macrotask();
    expect(takeUnhandled()).toEqual([boom]);
  });
});

describe('a cancel fired by a teardown that an ending link runs', () => {
  it.each([
    ['directly', false],
    ['through a plain operator', true],
  ])(
    "a cancellable downstream (%s), fired by the source's finalizer as the source completes: its error waits for the ending link's asynchronous cleanup",
    async (_name, between) => {
      // The finalizeCleanup link is ending (its source completed) and has left
      // the cancellable's teardowns; the cancel it fires must still find it and
      // wait for it, as if it had reached it there.
      const stop = new Subject<string>();
      const complete = new Subject<void>();
      const cleanupDone = deferred();
      const log: unknown[] = [];
      const source = new Observable<never>((subscriber) => {
        const watched = complete.subscribe(() => subscriber.complete());
        return () => {
          watched.unsubscribe();
          stop.next('stop');
        };
      });
      source
        .pipe(
          finalizeCleanup((exit) => {
            log.push(exit);
            return cleanupDone.promise;
          }),
          between ? map((value) => value) : identity,
          cancellable(stop),
        )
        .subscribe({ complete: () => log.push('complete'), error: (error: unknown) => log.push(error) });
      complete.next();
      expect(log).toEqual([{ kind: 'complete' }]);
      await macrotask();
      expect(log).toEqual([{ kind: 'complete' }]);
      cleanupDone.resolve();
      await macrotask();
      expect(log).toEqual([{ kind: 'complete' }, new CancelledError('stop')]);
    },
  );

  it("a scope closed by the source's finalizer of one of its runs, as that run's source completes: close() waits for the run's asynchronous cleanup", async () => {
    // The run's link is ending (its source completed) and runs its source's
    // teardown, which closes the scope: the scope's teardown reaches the
    // run's subscriber, which the ending link has already left. The link must
    // learn of it there and then, so that its outcome is the scope's to wait for.
    const scope = cancelScope();
    const complete = new Subject<void>();
    const cleanupDone = deferred();
    const log: unknown[] = [];
    let closing: Promise<void> | null = null;
    const source = new Observable<never>((subscriber) => {
      const watched = complete.subscribe(() => subscriber.complete());
      return () => {
        watched.unsubscribe();
        closing = scope.close('closed by the source');
      };
    });
    scope.run(
      source.pipe(
        finalizeCleanup((exit) => {
          log.push(exit);
          return cleanupDone.promise;
        }),
      ),
      { complete: () => log.push('complete'), error: (error: unknown) => log.push(error) },
    );
    complete.next();
    expect(closing).not.toBeNull();
    void (closing as Promise<void> | null)?.then(() => log.push('scope closed'));
    expect(log).toEqual([{ kind: 'complete' }]);
    await macrotask();
    expect(log).toEqual([{ kind: 'complete' }]);
    cleanupDone.resolve();
    await macrotask();
    expect(log).toEqual([{ kind: 'complete' }, 'scope closed']);
  });
});

describe('a neighbour that throws out of a subscribe call', () => {
  // A scheduler whose schedule() throws: timeoutCancel arms its deadline
  // while it is being subscribed, and the error leaves subscribe(); the
  // Observable that catches it (RxJS's) errors its subscriber.
  const throwing: SchedulerLike = {
    now: () => 0,
    schedule: () => {
      throw boom;
    },
  };
  const ambient = ambientSlot();

  it('the link still settles (the failure of a cleanup it then reaches is reported) and leaves the owner slot empty', async () => {
    const log: unknown[] = [];
    NEVER.pipe(
      finalizeCleanup((exit) => {
        log.push(exit);
        throw oops;
      }),
      timeoutCancel({ first: 10, scheduler: throwing }),
    ).subscribe({ error: (error: unknown) => log.push(error) });
    expect(log).toEqual([boom, { kind: 'cancel', reason: UNSUBSCRIBED }]);
    expect(ambient.owning).toBeNull();
    await macrotask();
    expect(takeUnhandled()).toEqual([oops]);
  });

  it('under a canceller: the canceller waits for the link and reports the cleanup failure with the error', () => {
    const log: unknown[] = [];
    NEVER.pipe(
      finalizeCleanup((exit) => {
        log.push(exit);
        throw oops;
      }),
      timeoutCancel({ first: 10, scheduler: throwing }),
      cancellable(new Subject<void>()),
    ).subscribe({ error: (error: unknown) => log.push(normalize(error)) });
    expect(log).toEqual([{ kind: 'cancel', reason: boom }, normalize(new CleanupError([oops], boom))]);
    expect(ambient.owning).toBeNull();
  });
});

describe('teardowns nested in teardowns of the same waiter', () => {
  it('a teardown added to an ended link, run inside a cancel that runs inside another such teardown, still lets an unrelated chain go (the stack of teardowns does not loop)', () => {
    // Two links that have reported: what is added to them later runs at
    // once, under the one waiter for teardown nobody waits for any more.
    const ended: Subscriber<unknown>[] = [];
    for (let i = 0; i < 2; i++) {
      new Observable<never>((subscriber) => {
        ended.push(subscriber);
        subscriber.complete();
      })
        .pipe(finalizeCleanup(() => {}))
        .subscribe();
    }
    const log: unknown[] = [];
    const unrelated = NEVER.pipe(
      finalizeCleanup((exit) => void log.push(exit.kind === 'cancel' ? exit.reason : exit)),
    ).subscribe();
    const stop = new Subject<string>();
    NEVER.pipe(
      finalize(() => ended[1].add(() => unrelated.unsubscribe())),
      cancellable(stop),
    ).subscribe({ error: (error: unknown) => log.push(error) });
    ended[0].add(() => stop.next('stop'));
    expect(log).toEqual([UNSUBSCRIBED, new CancelledError('stop')]);
  });
});

describe('a late teardown of a waiter under others on the stack', () => {
  it("leaves the waiters above it in sight: what it tears down of a scope being closed is the scope's work", async () => {
    const log: unknown[] = [];
    const scope = cancelScope();
    let top!: Subscriber<never>;
    // Its teardown closes the scope: the scope's teardown runs inside this
    // link's, above it on the stack.
    const outer = new Observable<never>((subscriber) => {
      top = subscriber;
      return () => void scope.close('stop').then(() => log.push('scope closed'));
    })
      .pipe(finalizeCleanup(() => {}))
      .subscribe();
    let inner!: Subscriber<never>;
    const cleanupDone = deferred();
    const work = new Observable<never>((subscriber) => {
      inner = subscriber;
    }).pipe(
      finalizeCleanup((exit) => {
        log.push(exit);
        return cleanupDone.promise;
      }),
    );
    scope.run(
      new Observable<never>((subscriber) => {
        // The run's teardown hands the rest of its work to the outer link,
        // which runs it at once as a late teardown of its own.
        subscriber.add(() => top.add(() => inner.unsubscribe()));
        work.subscribe(subscriber);
      }),
    );
    outer.unsubscribe();
    expect(log).toEqual([{ kind: 'cancel', reason: 'stop' }]);
    await macrotask();
    expect(log).toHaveLength(1);
    cleanupDone.resolve();
    await macrotask();
    expect(log).toEqual([{ kind: 'cancel', reason: 'stop' }, 'scope closed']);
  });
});

describe('a scheduler that cannot arm a cleanup timeout', () => {
  const throwing: SchedulerLike = {
    now: () => 0,
    schedule: () => {
      throw boom;
    },
  };
  const timed = <T>(log: unknown[]): MonoTypeOperatorFunction<T> =>
    finalizeCleanup(
      (exit) => {
        log.push(exit);
        return new Promise<void>(() => {});
      },
      { timeout: 10, scheduler: throwing },
    );

  it('the cleanup fails with its error: the downstream gets it, and the source that completed does not throw', () => {
    const log: unknown[] = [];
    const source = new Subject<number>();
    source.pipe(timed(log)).subscribe({ error: (error: unknown) => log.push(normalize(error)) });
    expect(() => source.complete()).not.toThrow();
    expect(log).toEqual([{ kind: 'complete' }, normalize(new CleanupError([boom]))]);
  });

  it('a cleanup that settles at once needs no limit: the scheduler is not asked, and nothing fails', async () => {
    const log: unknown[] = [];
    of(1)
      .pipe(
        finalizeCleanup(
          (exit) => {
            log.push(exit);
            // Cleanup work that completes while it is being subscribed.
            return of('flushed');
          },
          { timeout: 10, scheduler: throwing },
        ),
      )
      .subscribe({ complete: () => log.push('complete'), error: (error: unknown) => log.push(error) });
    expect(log).toEqual([{ kind: 'complete' }, 'complete']);
    await macrotask();
    expect(takeUnhandled()).toEqual([]);
  });

  it('a canceller reports it with the CancelledError', () => {
    const log: unknown[] = [];
    const stop = new Subject<string>();
    NEVER.pipe(timed(log), cancellable(stop)).subscribe({ error: (error: unknown) => log.push(normalize(error)) });
    stop.next('stop');
    expect(log).toEqual([
      { kind: 'cancel', reason: 'stop' },
      normalize(new CleanupError([boom], new CancelledError('stop'))),
    ]);
  });
});

describe('what is torn down on its way to a link that is ending is what is left of its source', () => {
  it("a cancel fired by a finalize while the source's error travels down: the link the error reaches waits for it and reports its failure", () => {
    const stop = new Subject<void>();
    const failing = new Subject<number>();
    const { events } = record(
      concat(of(1), NEVER).pipe(
        finalize(() => stop.next()),
        mergeMap(() =>
          merge(
            NEVER.pipe(
              finalizeCleanup(() => {
                throw oops;
              }),
              cancellable(stop),
            ),
            failing,
          ),
        ),
        finalizeCleanup(() => {}),
      ),
    );
    failing.error(boom);
    expect(normalize(events)).toEqual(normalize([['error', new CleanupError([oops], boom)]]));
  });

  it('a downstream that leaves while the source is being subscribed: the link waits for what the source then tears down', async () => {
    const log: string[] = [];
    const innerDone = deferred();
    const inner = NEVER.pipe(
      finalizeCleanup(() => {
        log.push('inner cleanup starts');
        return innerDone.promise.then(() => void log.push('inner cleanup done'));
      }),
    );
    const source = new Observable<number>((subscriber) => {
      const subscription = inner.subscribe({ error: (error: unknown) => subscriber.error(error) });
      subscriber.next(1); // take(1) below leaves here
      subscription.unsubscribe();
    });
    source
      .pipe(
        finalizeCleanup(() => void log.push('cleanup')),
        take(1),
      )
      .subscribe();
    expect(log).toEqual(['inner cleanup starts']);
    innerDone.resolve();
    await macrotask();
    expect(log).toEqual(['inner cleanup starts', 'inner cleanup done', 'cleanup']);
  });
});

describe('a link at top level that ended in its own subscribe call, and whose downstream then left', () => {
  it('still runs its cleanup, and its failure reaches config.onUnhandledError (it is nobody’s work, not its own)', async () => {
    const failure = new Error('cleanup failed');
    const other = new Subject<void>();
    const leave = new Subject<void>();
    const ran: string[] = [];
    // Another chain of this package, whose cancel is a teardown of this
    // package starting: the ending link, told of it, watches its downstream.
    NEVER.pipe(cancellable(other)).subscribe({ error: () => {} });
    const source = new Observable<never>((subscriber) => {
      subscriber.complete();
      other.next();
      // The downstream (takeUntil) leaves while the link still waits for
      // its subscribe call to return.
      leave.next();
    });
    source
      .pipe(
        finalizeCleanup(() => {
          ran.push('cleanup');
          throw failure;
        }),
        takeUntil(leave),
      )
      .subscribe({ complete: () => ran.push('complete') });
    expect(ran).toEqual(['complete', 'cleanup']);
    await macrotask();
    expect(takeUnhandled()).toEqual([failure]);
  });
});

describe('a cleanup result that throws when looked at is a failed cleanup', () => {
  function revoked(): object {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  }
  const throwingThen = (): object => ({
    get then(): never {
      throw boom;
    },
  });
  const results: [string, () => object][] = [
    ['a revoked Proxy', revoked],
    ['an object whose then getter throws', throwingThen],
  ];

  it.each(results)('%s: a plain unsubscribe does not throw; the failure is reported', async (_name, result) => {
    const subscription = NEVER.pipe(finalizeCleanup(() => result() as never)).subscribe();
    expect(() => subscription.unsubscribe()).not.toThrow();
    await macrotask();
    expect(takeUnhandled()).toHaveLength(1);
  });

  it.each(results)('%s: the canceller reports it', (_name, result) => {
    const stop = new Subject<string>();
    const { events } = record(
      NEVER.pipe(
        finalizeCleanup(() => result() as never),
        cancellable(stop),
      ),
    );
    stop.next('x');
    expect(events).toHaveLength(1);
    const [[kind, error]] = events as [[string, CleanupError]];
    expect(kind).toBe('error');
    expect(error).toBeInstanceOf(CleanupError);
    expect(error.errors).toHaveLength(1);
  });

  it.each(results)('%s: on completion, the downstream gets it', (_name, result) => {
    const { events } = record(of(1).pipe(finalizeCleanup(() => result() as never)));
    expect(events).toHaveLength(2);
    expect((events[1] as [string, unknown])[1]).toBeInstanceOf(CleanupError);
  });

  it('timeoutCancel: a fallback whose result throws when looked at errors downstream', () => {
    const { events } = record(
      NEVER.pipe(timeoutCancel({ total: 0, scheduler: queueScheduler, with: () => revoked() as never })),
    );
    expect(events).toHaveLength(1);
    expect((events[0] as [string, unknown])[1]).toBeInstanceOf(TypeError);
  });
});

describe('a scope owner whose unregister function throws', () => {
  it('close() does not throw, tears the runs down, and rejects with that error', async () => {
    const scope = cancelScope({
      owner: {
        onDestroy: () => () => {
          throw oops;
        },
      },
    });
    const exits: Exit[] = [];
    scope.run(NEVER.pipe(finalizeCleanup((exit) => void exits.push(exit))));
    let closing!: Promise<void>;
    expect(() => (closing = scope.close())).not.toThrow();
    expect(exits).toEqual([{ kind: 'cancel', reason: SCOPE_CLOSED }]);
    await expect(closing).rejects.toEqual(new CleanupError([oops], new CancelledError(SCOPE_CLOSED)));
    // A second close() gives the same, settled answer.
    await expect(scope.close()).rejects.toBe(await closing.catch((error: unknown) => error));
  });

  it('with cancel() alone, the error goes to the unhandled path, as close() would reject with it', async () => {
    const scope = cancelScope({
      owner: {
        onDestroy: () => () => {
          throw oops;
        },
      },
    });
    expect(() => scope.cancel()).not.toThrow();
    await macrotask();
    expect(takeUnhandled()).toEqual([new CleanupError([oops], new CancelledError(SCOPE_CLOSED))]);
  });
});
