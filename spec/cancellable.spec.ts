import { getEventListeners } from 'node:events';
import { defer, finalize, mergeMap, NEVER, Observable, of, Subject, Subscription, takeUntil } from 'rxjs';
import { cancellable, CancelledError, CleanupError, finalizeCleanup } from '../lib';
import { normalize } from '../test-support/errors';
import { record } from '../test-support/record';
import { deferred, macrotask } from '../test-support/time';
import { takeUnhandled } from '../test-support/unhandled';

const oops = new Error('oops');

function countingSource(): { source: Observable<never>; subscriptions: () => number } {
  let count = 0;
  return {
    source: defer(() => {
      count++;
      return NEVER;
    }),
    subscriptions: () => count,
  };
}

describe(cancellable.name, () => {
  describe('with an AbortSignal', () => {
    it('cancels at subscribe time, without subscribing to the source, when the signal is already aborted', () => {
      const { source, subscriptions } = countingSource();
      const controller = new AbortController();
      controller.abort('too late');
      const { events } = record(source.pipe(cancellable(controller.signal)));
      expect(subscriptions()).toBe(0);
      expect(normalize(events)).toEqual(normalize([['error', new CancelledError('too late')]]));
    });

    it("completes at subscribe time with onCancel: 'complete' when the signal is already aborted", () => {
      const { source, subscriptions } = countingSource();
      const { events } = record(source.pipe(cancellable(AbortSignal.abort(), { onCancel: 'complete' })));
      expect(subscriptions()).toBe(0);
      expect(events).toEqual([['complete']]);
    });

    it("carries the signal's default reason (a DOMException AbortError) when abort() is given none", () => {
      const controller = new AbortController();
      const { events } = record(NEVER.pipe(cancellable(controller.signal)));
      controller.abort();
      const error = events[0] as [string, CancelledError];
      expect(error[1]).toBeInstanceOf(CancelledError);
      expect(error[1].reason).toBe(controller.signal.reason);
      expect((error[1].reason as DOMException).name).toBe('AbortError');
    });

    it('prefers options.reason over the signal reason', () => {
      const controller = new AbortController();
      const { events } = record(NEVER.pipe(cancellable(controller.signal, { reason: 'mine' })));
      controller.abort('theirs');
      expect(normalize(events)).toEqual(normalize([['error', new CancelledError('mine')]]));
    });

    it('cancels every subscription that shares the signal', () => {
      const controller = new AbortController();
      const cancelled = cancellable(controller.signal);
      const first = record(NEVER.pipe(cancelled));
      const second = record(NEVER.pipe(cancelled));
      controller.abort('all');
      expect(first.events).toHaveLength(1);
      expect(second.events).toHaveLength(1);
    });

    it.each([
      ['the source completes', (subject: Subject<void>) => subject.complete(), () => {}],
      ['the source errors', (subject: Subject<void>) => subject.error(oops), () => {}],
      ['the downstream unsubscribes', () => {}, (unsubscribe: () => void) => unsubscribe()],
      ['the signal aborts', () => {}, () => {}, true],
    ])('leaves no abort listener on the signal once %s', (_case, end, leave, abort = false) => {
      const controller = new AbortController();
      const subject = new Subject<void>();
      const { subscription } = record(subject.pipe(cancellable(controller.signal)));
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      end(subject);
      leave(() => subscription.unsubscribe());
      if (abort) controller.abort();
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    it('waits for a Promise cleanup inside a mergeMap inner before reporting', async () => {
      const controller = new AbortController();
      const cleanupDone = deferred();
      const { events } = record(
        of(1).pipe(
          mergeMap(() => NEVER.pipe(finalizeCleanup(() => cleanupDone.promise))),
          cancellable(controller.signal),
        ),
      );
      controller.abort('stop');
      await macrotask();
      expect(events).toEqual([]);
      cleanupDone.resolve();
      await macrotask();
      expect(normalize(events)).toEqual(normalize([['error', new CancelledError('stop')]]));
    });
  });

  describe('with an ObservableInput', () => {
    it('fires on a Promise resolving', async () => {
      const { events } = record(NEVER.pipe(cancellable(Promise.resolve('later'))));
      expect(events).toEqual([]);
      await macrotask();
      expect(normalize(events)).toEqual(normalize([['error', new CancelledError('later')]]));
    });

    it('fires at subscribe time on an array with a value', () => {
      const { source, subscriptions } = countingSource();
      const { events } = record(source.pipe(cancellable(['now'])));
      expect(subscriptions()).toBe(0);
      expect(normalize(events)).toEqual(normalize([['error', new CancelledError('now')]]));
    });

    it('cancels with a reason that throws when it is read or printed (a revoked Proxy): the CancelledError carries it', () => {
      const { proxy: hostile, revoke } = Proxy.revocable({}, {});
      revoke();
      const trigger = new Subject<unknown>();
      const { events } = record(NEVER.pipe(cancellable(trigger)));
      trigger.next(hostile);
      expect(events).toHaveLength(1);
      const [kind, error] = events[0] as [string, CancelledError];
      expect(kind).toBe('error');
      expect(error).toBeInstanceOf(CancelledError);
      expect(error.reason).toBe(hostile);
      expect(error.message).toBe('cancelled: a value that cannot be described');
    });

    it('ignores what a trigger sends after it completed, as takeUntil does, and reports a late error', async () => {
      const late = new Error('late');
      const trigger = new Observable<number>((subscriber) => {
        subscriber.complete();
        subscriber.next(1);
        subscriber.error(late);
      });
      const ours = record(NEVER.pipe(cancellable(trigger)));
      const oracle = record(NEVER.pipe(takeUntil(trigger)));
      expect(ours.events).toEqual([]);
      expect(oracle.events).toEqual([]);
      await macrotask();
      // RxJS drops the late error of takeUntil's notifier; this package reports it.
      expect(takeUnhandled()).toEqual([late]);
    });

    it('lets go of the trigger when the downstream unsubscribes', () => {
      const trigger = new Subject<void>();
      const { subscription } = record(NEVER.pipe(cancellable(trigger)));
      expect(trigger.observed).toBe(true);
      subscription.unsubscribe();
      expect(trigger.observed).toBe(false);
    });
  });

  it('subscribes to neither trigger nor source when the subscriber is already closed', () => {
    const { source, subscriptions } = countingSource();
    const trigger = countingSource();
    const closed = Object.assign(new Subscription(), { next() {}, error() {}, complete() {} });
    closed.unsubscribe();
    source.pipe(cancellable(trigger.source)).subscribe(closed);
    expect(subscriptions()).toBe(0);
    expect(trigger.subscriptions()).toBe(0);
  });

  describe('never loses an error', () => {
    it('reports what a plain finalize throws on a plain unsubscribe, and unsubscribe() does not throw', async () => {
      const { subscription } = record(
        NEVER.pipe(
          finalize(() => {
            throw oops;
          }),
          cancellable(new Subject()),
        ),
      );
      expect(() => subscription.unsubscribe()).not.toThrow();
      await macrotask();
      expect(takeUnhandled()).toEqual([oops]);
    });

    it('passes what a cleanup threw during its cancel downstream', () => {
      const trigger = new Subject<string>();
      const { events } = record(
        NEVER.pipe(
          finalizeCleanup(() => {
            throw oops;
          }),
          cancellable(trigger),
        ),
      );
      trigger.next('x');
      expect(normalize(events)).toEqual(normalize([['error', new CleanupError([oops], new CancelledError('x'))]]));
    });

    it('reports a teardown that throws when the source returns it after a trigger fired inside its subscribe', () => {
      const stop = new Subject<void>();
      const source = new Observable<never>(() => {
        stop.next();
        return () => {
          throw oops;
        };
      });
      const { events } = record(source.pipe(cancellable(stop)));
      // The cancel waits for the subscribe call to return the teardown, runs
      // it, and reports its failure with the cancellation.
      expect(normalize(events)).toEqual(
        normalize([['error', new CleanupError([oops], new CancelledError(undefined))]]),
      );
    });

    it('waits for a cleanup that joins the cancelled subscription while the cancel is still waiting', () => {
      const stop = new Subject<void>();
      const slow = new Subject<void>();
      const late = new Subject<void>();
      const source = new Observable<never>((subscriber) => {
        NEVER.pipe(finalizeCleanup(() => slow)).subscribe(subscriber);
        stop.next(); // cancels from inside subscribe: the slow cleanup starts
        // Joins after the cancel began, while it still waits for `slow`.
        NEVER.pipe(finalizeCleanup(() => late)).subscribe(subscriber);
      });
      const { events } = record(source.pipe(cancellable(stop)));
      slow.complete();
      expect(events).toEqual([]);
      late.complete();
      expect(normalize(events)).toEqual(normalize([['error', new CancelledError(undefined)]]));
    });

    it('reports a trigger that errors after the end', async () => {
      let late: (error: unknown) => void = () => {};
      const leaky = new Observable<never>((subscriber) => {
        late = (error) => subscriber.error(error);
      });
      const { events } = record(of(1).pipe(cancellable(leaky)));
      late(oops);
      await macrotask();
      expect(events).toEqual([['next', 1], ['complete']]);
      expect(takeUnhandled()).toEqual([oops]);
    });
  });
});
