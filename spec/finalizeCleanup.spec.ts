import {
  asyncScheduler,
  NEVER,
  Observable,
  of,
  Subject,
  Subscriber,
  Subscription,
  take,
  throwError,
  timer,
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
import { normalize } from '../test-support/errors';
import { runMarbles } from '../test-support/marbles';
import { record } from '../test-support/record';
import { deferred, macrotask } from '../test-support/time';
import { takeUnhandled } from '../test-support/unhandled';

const boom = new Error('boom');
const oops = new Error('oops');

describe(finalizeCleanup.name, () => {
  describe('tells the cleanup why the subscription ended', () => {
    it('UNSUBSCRIBED for a plain unsubscribe', () => {
      const exits: Exit[] = [];
      NEVER.pipe(finalizeCleanup((exit) => void exits.push(exit)))
        .subscribe()
        .unsubscribe();
      expect(exits).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
    });

    it('UNSUBSCRIBED when a downstream operator such as take() stops listening', () => {
      const exits: Exit[] = [];
      of(1, 2, 3)
        .pipe(
          finalizeCleanup((exit) => void exits.push(exit)),
          take(1),
        )
        .subscribe();
      expect(exits).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
    });

    it("the value a cancellable's trigger emitted", () => {
      const exits: Exit[] = [];
      const stop = new Subject<string>();
      NEVER.pipe(
        finalizeCleanup((exit) => void exits.push(exit)),
        cancellable(stop),
      ).subscribe({ error: () => {} });
      stop.next('user pressed stop');
      expect(exits).toEqual([{ kind: 'cancel', reason: 'user pressed stop' }]);
    });

    it('undefined when a Subject<void> trigger fires, not UNSUBSCRIBED', () => {
      const exits: Exit[] = [];
      const errors: unknown[] = [];
      const stop = new Subject<void>();
      NEVER.pipe(
        finalizeCleanup((exit) => void exits.push(exit)),
        cancellable(stop),
      ).subscribe({
        error: (error) => errors.push(error),
      });
      stop.next();
      expect(exits).toEqual([{ kind: 'cancel', reason: undefined }]);
      expect((errors[0] as CancelledError).reason).toBeUndefined();
    });

    it("an AbortSignal's reason, through several operators", () => {
      const exits: Exit[] = [];
      const controller = new AbortController();
      const reason = new Error('navigated away');
      NEVER.pipe(
        finalizeCleanup((exit) => void exits.push(exit)),
        take(5),
        cancellable(controller.signal),
      ).subscribe({ error: () => {} });
      controller.abort(reason);
      expect(exits).toEqual([{ kind: 'cancel', reason }]);
    });

    it('the error, when the source errors', () => {
      const exits: Exit[] = [];
      throwError(() => boom)
        .pipe(finalizeCleanup((exit) => void exits.push(exit)))
        .subscribe({ error: () => {} });
      expect(exits).toEqual([{ kind: 'error', error: boom }]);
    });
  });

  describe('runs exactly once', () => {
    it('when the cleanup unsubscribes its own subscription (cancel path)', () => {
      let calls = 0;
      const subscription: Subscription = NEVER.pipe(
        finalizeCleanup(() => {
          calls++;
          subscription.unsubscribe();
        }),
      ).subscribe();
      subscription.unsubscribe();
      subscription.unsubscribe();
      expect(calls).toBe(1);
    });

    it('when the cleanup unsubscribes its own subscription (complete path), which then gets nothing', () => {
      let calls = 0;
      const events: unknown[] = [];
      const subject = new Subject<number>();
      const subscription: Subscription = subject
        .pipe(
          finalizeCleanup(() => {
            calls++;
            subscription.unsubscribe();
          }),
        )
        .subscribe({ complete: () => events.push('complete') });
      subject.complete();
      subscription.unsubscribe();
      expect(calls).toBe(1);
      expect(events).toEqual([]);
    });

    it('when the source completes, errors and completes again, and is then unsubscribed', () => {
      const exits: Exit[] = [];
      const misbehaving = new Observable<number>((subscriber) => {
        subscriber.next(1);
        subscriber.complete();
        subscriber.error(boom);
        subscriber.complete();
      });
      const { events, subscription } = record(misbehaving.pipe(finalizeCleanup((exit) => void exits.push(exit))));
      subscription.unsubscribe();
      expect(exits).toEqual([{ kind: 'complete' }]);
      // The error came while the subscription was still ending (its subscribe
      // call had not returned): it travels with the outcome, as it would while
      // an asynchronous cleanup ran.
      expect(normalize(events)).toEqual(
        normalize([
          ['next', 1],
          ['error', new CleanupError([boom])],
        ]),
      );
    });

    it('when a cancel arrives during an asynchronous complete-path cleanup', async () => {
      const exits: Exit[] = [];
      const cleanupDone = deferred();
      const subject = new Subject<number>();
      const { events, subscription } = record(
        subject.pipe(finalizeCleanup((exit) => (exits.push(exit), cleanupDone.promise))),
      );
      subject.complete();
      subscription.unsubscribe();
      subscription.unsubscribe();
      cleanupDone.resolve();
      await macrotask();
      expect(exits).toEqual([{ kind: 'complete' }]);
      expect(events).toEqual([]);
    });

    it('when the callback throws, and the throw is not repeated', () => {
      let calls = 0;
      const { events } = record(
        of(1).pipe(
          finalizeCleanup(() => {
            calls++;
            throw oops;
          }),
        ),
      );
      expect(calls).toBe(1);
      expect(normalize(events)).toEqual(
        normalize([
          ['next', 1],
          ['error', new CleanupError([oops])],
        ]),
      );
    });

    it('when the subscriber is already closed at subscribe time, without subscribing to the source', () => {
      const exits: Exit[] = [];
      let subscribed = false;
      const source = new Observable<number>(() => {
        subscribed = true;
      });
      // A subscriber that is closed before the subscribe call reaches the operator.
      const closed = Object.assign(new Subscription(), { next() {}, error() {}, complete() {} });
      closed.unsubscribe();
      source.pipe(finalizeCleanup((exit) => void exits.push(exit))).subscribe(closed);
      expect(subscribed).toBe(false);
      expect(exits).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
    });

    it('with a synchronous source, before the subscribe call returns', () => {
      const order: string[] = [];
      of(1, 2)
        .pipe(finalizeCleanup(() => void order.push('cleanup')))
        .subscribe({ next: (value) => order.push(`next ${value}`), complete: () => order.push('complete') });
      order.push('subscribe returned');
      expect(order).toEqual(['next 1', 'next 2', 'cleanup', 'complete', 'subscribe returned']);
    });
  });

  describe('awaits a Promise cleanup', () => {
    // Holding a completion or a CancelledError back for a Promise, and a
    // rejection as a CleanupError: marble-tests/finalizeCleanup.spec.ts, in virtual time.
    it('times a Promise out with fake timers, and reports a rejection that comes after the timeout', async () => {
      jest.useFakeTimers();
      try {
        const late = deferred();
        const { events } = record(of(1).pipe(finalizeCleanup(() => late.promise, { timeout: 1000 })));
        await jest.advanceTimersByTimeAsync(999);
        expect(events).toEqual([['next', 1]]);
        await jest.advanceTimersByTimeAsync(1);
        expect(normalize(events)).toEqual(
          normalize([
            ['next', 1],
            ['error', new CleanupError([new CleanupTimeoutError(1000)])],
          ]),
        );
        late.reject(oops);
        await jest.advanceTimersByTimeAsync(1);
        expect(takeUnhandled()).toEqual([oops]);
      } finally {
        jest.useRealTimers();
      }
    });

    it('uses the scheduler it is given for the timeout', () => {
      const schedule = jest.spyOn(asyncScheduler, 'schedule');
      const scheduler = { now: () => 0, schedule: jest.fn(() => new Subscription()) };
      of(1)
        .pipe(finalizeCleanup(() => NEVER, { timeout: 5, scheduler }))
        .subscribe();
      expect(scheduler.schedule).toHaveBeenCalledWith(expect.any(Function), 5);
      expect(schedule).not.toHaveBeenCalled();
    });
  });

  describe('never loses an error', () => {
    it('reports a cleanup that throws on a plain unsubscribe, and unsubscribe() does not throw', async () => {
      const subscription = NEVER.pipe(
        finalizeCleanup(() => {
          throw oops;
        }),
      ).subscribe();
      expect(() => subscription.unsubscribe()).not.toThrow();
      await macrotask();
      expect(takeUnhandled()).toEqual([oops]);
    });

    it('reports an asynchronous cleanup that fails after a plain unsubscribe', async () => {
      NEVER.pipe(finalizeCleanup(() => Promise.reject(oops)))
        .subscribe()
        .unsubscribe();
      await macrotask();
      expect(takeUnhandled()).toEqual([oops]);
    });

    it('reports a complete-path cleanup that fails after the downstream left', async () => {
      const cleanupDone = deferred();
      const subject = new Subject<void>();
      const { events, subscription } = record(subject.pipe(finalizeCleanup(() => cleanupDone.promise)));
      subject.complete();
      subscription.unsubscribe();
      cleanupDone.reject(oops);
      await macrotask();
      expect(events).toEqual([]);
      expect(takeUnhandled()).toEqual([oops]);
    });

    it('reports a complete-path cleanup that throws after it unsubscribed its own downstream', async () => {
      const subject = new Subject<void>();
      const subscription: Subscription = subject
        .pipe(
          finalizeCleanup(() => {
            subscription.unsubscribe();
            throw oops;
          }),
        )
        .subscribe();
      subject.complete();
      await macrotask();
      expect(takeUnhandled()).toEqual([oops]);
    });

    it('reports an error the source sends after it was unsubscribed, which RxJS would drop', async () => {
      let late: (error: unknown) => void = () => {};
      const leaky = new Observable<never>((subscriber) => {
        late = (error) => subscriber.error(error);
      });
      leaky
        .pipe(finalizeCleanup(() => {}))
        .subscribe()
        .unsubscribe();
      late(boom);
      await macrotask();
      expect(takeUnhandled()).toEqual([boom]);
    });

    it('reports a late error after a completion even when it is undefined or UNSUBSCRIBED (only the reason of a cancel is an acknowledgement)', async () => {
      let late: (error: unknown) => void = () => {};
      const leaky = new Observable<never>((subscriber) => {
        late = (error) => subscriber.error(error);
        subscriber.complete();
      });
      leaky.pipe(finalizeCleanup(() => {})).subscribe();
      late(undefined);
      late(UNSUBSCRIBED);
      await macrotask();
      expect(takeUnhandled()).toEqual([undefined, UNSUBSCRIBED]);
    });

    it('passes a source error that arrives while a timer cleanup is running, once', () => {
      const errors: unknown[] = [];
      const subject = new Subject<void>();
      subject.pipe(finalizeCleanup(() => timer(0))).subscribe({ error: (error) => errors.push(error) });
      subject.error(boom);
      subject.error(oops);
      expect(errors).toEqual([]);
      return macrotask().then(() => expect(errors).toEqual([boom]));
    });
  });

  describe('with ill-behaved sources and cleanups', () => {
    it.each([
      ['completes again', (subscriber: Subscriber<number>) => subscriber.complete()],
      ['emits again', (subscriber: Subscriber<number>) => subscriber.next(2)],
      ['unsubscribes its own subscriber', (subscriber: Subscriber<number>) => subscriber.unsubscribe()],
    ])('a source that %s while its cleanup runs changes nothing', (_, after) => {
      runMarbles(({ cold, expectObservable }) => {
        const source = new Observable<number>((subscriber) => {
          subscriber.next(1);
          subscriber.complete();
          after(subscriber);
        });
        expectObservable(source.pipe(finalizeCleanup(() => cold('---|')))).toBe('a--|', { a: 1 });
      });
    });

    it('ignores a cleanup that completes after it timed out', () => {
      runMarbles(({ expectObservable }) => {
        const stubborn = new Observable<never>((subscriber) => {
          // Completes at frame 5 whether or not it was unsubscribed.
          asyncScheduler.schedule(() => subscriber.complete(), 5);
        });
        expectObservable(of(1).pipe(finalizeCleanup(() => stubborn, { timeout: 2 }))).toBe(
          'a-#',
          { a: 1 },
          new CleanupError([new CleanupTimeoutError(2)]),
        );
      });
    });

    it('takes a cleanup result that throws when it is converted as a failed cleanup', () => {
      // Its `then` looks like a function when checked, and throws when RxJS's
      // `from` reads it again.
      let reads = 0;
      const hostile = {
        get then() {
          if (++reads > 1) throw boom;
          return () => {};
        },
      };
      const { events } = record(of(1).pipe(finalizeCleanup(() => hostile as unknown as Promise<void>)));
      expect(events).toEqual([
        ['next', 1],
        ['error', new CleanupError([boom])],
      ]);
    });
  });
});
