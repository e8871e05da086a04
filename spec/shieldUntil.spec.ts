import { getEventListeners } from 'node:events';
import { NEVER, Observable, Subject, Subscriber, Subscription } from 'rxjs';
import {
  cancellable,
  CancelledError,
  CleanupError,
  finalizeCleanup,
  shieldUntil,
  ShieldReleased,
  type Exit,
} from '../lib';
import { normalize } from '../test-support/errors';
import { runMarbles } from '../test-support/marbles';
import { record } from '../test-support/record';
import { deferred, macrotask } from '../test-support/time';
import { takeUnhandled } from '../test-support/unhandled';

const boom = new Error('boom');

describe(shieldUntil.name, () => {
  describe('detached work that fails', () => {
    it('reaches config.onUnhandledError, never silently away', async () => {
      const work = new Subject<number>();
      const { subscription } = record(work.pipe(shieldUntil()));
      subscription.unsubscribe();
      expect(work.observed).toBe(true);
      work.error(boom);
      await macrotask();
      expect(takeUnhandled()).toEqual([boom]);
    });

    it('reaches onDetachedExit instead; a callback that throws reaches config.onUnhandledError', async () => {
      const oops = new Error('oops');
      const work = new Subject<number>();
      const exits: Exit[] = [];
      const { subscription } = record(
        work.pipe(
          shieldUntil(undefined, {
            onDetachedExit: (exit) => {
              exits.push(exit);
              throw oops;
            },
          }),
        ),
      );
      subscription.unsubscribe();
      work.error(boom);
      await macrotask();
      expect(exits).toEqual([{ kind: 'error', error: boom }]);
      expect(takeUnhandled()).toEqual([oops]);
    });

    it('with a failing cleanup while released: the failure is reported, with the release as its cause', async () => {
      const release = new Subject<void>();
      const { subscription } = record(
        NEVER.pipe(
          finalizeCleanup(() => {
            throw boom;
          }),
          shieldUntil(release),
        ),
      );
      subscription.unsubscribe();
      release.next();
      await macrotask();
      expect(normalize(takeUnhandled())).toEqual(
        normalize([new CleanupError([boom], new CancelledError(new ShieldReleased(undefined)))]),
      );
    });
  });

  describe('an AbortSignal release', () => {
    it('is listened to only while the work is detached, and let go when the work ends', () => {
      const controller = new AbortController();
      const work = new Subject<number>();
      const { subscription } = record(work.pipe(shieldUntil(controller.signal)));
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      subscription.unsubscribe();
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      work.complete();
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    it('cancels the detached work with a ShieldReleased carrying the signal reason, and is let go', () => {
      const controller = new AbortController();
      const exits: Exit[] = [];
      const work = new Subject<number>();
      const { subscription } = record(
        work.pipe(
          finalizeCleanup((exit) => void exits.push(exit)),
          shieldUntil(controller.signal),
        ),
      );
      subscription.unsubscribe();
      controller.abort('shutting down');
      expect(work.observed).toBe(false);
      expect(exits).toEqual([{ kind: 'cancel', reason: new ShieldReleased('shutting down') }]);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    it('releases at once when it has already aborted by the time the subscriber leaves', () => {
      const work = new Subject<number>();
      const { subscription } = record(work.pipe(shieldUntil(AbortSignal.abort('gone'))));
      expect(work.observed).toBe(true);
      subscription.unsubscribe();
      expect(work.observed).toBe(false);
    });
  });

  it('releases detached work some milliseconds after the subscriber left (fake timers)', async () => {
    jest.useFakeTimers();
    try {
      const cleanupDone = deferred();
      const exits: Exit[] = [];
      const { subscription } = record(
        NEVER.pipe(
          finalizeCleanup((exit) => (exits.push(exit), cleanupDone.promise)),
          shieldUntil(5),
        ),
      );
      await jest.advanceTimersByTimeAsync(100);
      expect(exits).toEqual([]); // attached: the release is not counting yet
      subscription.unsubscribe();
      await jest.advanceTimersByTimeAsync(4);
      expect(exits).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      expect(exits).toEqual([{ kind: 'cancel', reason: new ShieldReleased(5) }]);
      cleanupDone.resolve();
      await jest.advanceTimersByTimeAsync(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it("in 'defer' mode, makes cancellable wait for the work, then report CancelledError", () => {
    const work = new Subject<number>();
    const stop = new Subject<string>();
    const { events } = record(work.pipe(shieldUntil(undefined, { mode: 'defer' }), cancellable(stop)));
    stop.next('stop');
    expect(events).toEqual([]);
    expect(work.observed).toBe(true);
    work.complete();
    expect(normalize(events)).toEqual(normalize([['error', new CancelledError('stop')]]));
  });

  it('leaves the subscription it returns closed, though the work runs on', () => {
    const work = new Subject<number>();
    const { subscription } = record(work.pipe(shieldUntil()));
    subscription.unsubscribe();
    expect(subscription.closed).toBe(true);
    expect(work.observed).toBe(true);
    expect(subscription).toBeInstanceOf(Subscription);
  });
});

describe('shieldUntil release trigger that errors', () => {
  it('ends the detached work with the error as its reason, and reports the error, which no one else can see', async () => {
    const work = new Subject<number>();
    const release = new Subject<never>();
    const oops = new Error('release failed');
    const exits: Exit[] = [];
    const subscription = work
      .pipe(
        finalizeCleanup((exit) => void exits.push(exit)),
        shieldUntil(release),
      )
      .subscribe();
    subscription.unsubscribe();
    expect(work.observed).toBe(true);
    release.error(oops);
    expect(work.observed).toBe(false);
    expect(exits).toEqual([{ kind: 'cancel', reason: oops }]);
    await macrotask();
    expect(takeUnhandled()).toEqual([oops]);
  });

  describe('with ill-behaved neighbours', () => {
    it('never subscribes the source for a subscriber that is already closed', () => {
      let subscribed = 0;
      const closed = new Subscriber<never>();
      closed.unsubscribe();
      new Observable<never>(() => void subscribed++).pipe(shieldUntil()).subscribe(closed);
      expect(subscribed).toBe(0);
    });

    it('watches the release once, even if the detached source unsubscribes its own subscriber', () => {
      runMarbles(({ cold, expectSubscriptions }) => {
        const release = cold('-----x');
        let shielded: Subscriber<never> | undefined;
        const source = new Observable<never>((subscriber) => void (shielded = subscriber));
        const subscription = source.pipe(shieldUntil(release)).subscribe();
        cold('--a-b').subscribe((step) => (step === 'a' ? subscription.unsubscribe() : shielded!.unsubscribe()));
        expectSubscriptions(release.subscriptions).toBe('--^----!');
      });
    });

    it('reports an error the release sends after it fired', () => {
      const late = new Error('late');
      const release = new Observable<string>((subscriber) => {
        subscriber.next('go');
        subscriber.error(late);
      });
      const exits: Exit[] = [];
      runMarbles(() => {
        NEVER.pipe(shieldUntil(release, { onDetachedExit: (exit) => exits.push(exit) }))
          .subscribe()
          .unsubscribe();
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: new ShieldReleased('go') }]);
      expect(takeUnhandled()).toEqual([late]);
    });
  });
});
