import { getEventListeners } from 'node:events';
import {
  concat,
  concatWith,
  NEVER,
  Observable,
  of,
  Subject,
  take,
  throwError,
  type MonoTypeOperatorFunction,
  type Subscription,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  cancellable,
  cancelScope,
  finalizeCleanup,
  firstValueFromCancel,
  fromAbortable,
  groupCancel,
  lastValueFromCancel,
  raceCancel,
  shieldUntil,
  switchMapCancel,
  timeoutCancel,
} from '../lib';

// Every way a subscription of each operator can end, as a scenario that
// hands `track` every object it gives the operators (callbacks, values,
// triggers, sources). Each scenario checks itself, every time it runs, that no
// timer is left scheduled and no listener is left on a caller's AbortSignal.
// spec/leaks.spec.ts checks that everything tracked can be collected
// afterwards; spec/retained-heap.spec.ts (npm run test:leaks) that many runs
// retain no heap.

export type Track = (object: object, label: string) => void;
export const noTrack: Track = () => {};
const noop = (): void => {};

/** A virtual clock shared by the scenarios that need time; it must be idle after every cycle. */
const scheduler = new TestScheduler(() => {
  throw new Error('no marble assertions here');
});
// Outside run mode a TestScheduler stops at frame 750; every cycle here moves it on.
scheduler.maxFrames = Infinity;
function expectNoPendingTimers(): void {
  if (scheduler.actions.length > 0) throw new Error(`${scheduler.actions.length} timer(s) left scheduled`);
}

/** A caller's long-lived AbortSignal: listeners added for a subscription must be gone after it. */
const callerController = new AbortController();
function expectNoAbortListeners(signal: AbortSignal): void {
  const count = getEventListeners(signal, 'abort').length;
  if (count > 0) throw new Error(`${count} abort listener(s) left on the caller's signal`);
}

/** Subscribes and checks the subscription ended with the expected kind. */
function expectEnd(
  source: Observable<unknown>,
  end: 'complete' | 'error',
  act: (subscription: Subscription) => void = noop,
) {
  let ended: string | null = null;
  const subscription = source.subscribe({ error: () => (ended = 'error'), complete: () => (ended = 'complete') });
  act(subscription);
  if (ended !== end) throw new Error(`expected ${end}, got ${ended ?? 'nothing'}`);
}

export function tracked<T extends object>(track: Track, label: string, object: T): T {
  track(object, label);
  return object;
}

const scenarios: Record<string, Record<string, (track: Track) => void>> = {
  finalizeCleanup: {
    complete: (track) => {
      const cleanup = tracked(track, 'cleanup', () => {});
      expectEnd(of(tracked(track, 'value', {})).pipe(finalizeCleanup(cleanup)), 'complete');
    },
    error: (track) => {
      const error = tracked(track, 'error', new Error('x'));
      expectEnd(throwError(() => error).pipe(finalizeCleanup(tracked(track, 'cleanup', () => {}))), 'error');
    },
    'cancel (plain unsubscribe)': (track) => {
      const source = tracked(track, 'source', new Subject<object>());
      source
        .pipe(finalizeCleanup(tracked(track, 'cleanup', () => {})))
        .subscribe(noop)
        .unsubscribe();
    },
    'cancel that starts an asynchronous cleanup, which then finishes': (track) => {
      const done = tracked(track, 'cleanup work', new Subject<void>());
      const subscription = NEVER.pipe(finalizeCleanup(tracked(track, 'cleanup', () => done))).subscribe();
      subscription.unsubscribe();
      done.complete();
    },
    'complete with a cleanup that times out': (track) => {
      const cleanup = tracked(track, 'cleanup', () => NEVER);
      expectEnd(of(1).pipe(finalizeCleanup(cleanup, { timeout: 1, scheduler })), 'error', () => scheduler.flush());
      expectNoPendingTimers();
    },
  },
  cancellable: {
    'source completes': (track) => {
      const trigger = tracked(track, 'trigger', new Subject<void>());
      expectEnd(of(tracked(track, 'value', {})).pipe(cancellable(trigger)), 'complete');
    },
    'trigger fires, an asynchronous cleanup then finishes': (track) => {
      const trigger = tracked(track, 'trigger', new Subject<object>());
      const done = tracked(track, 'cleanup work', new Subject<void>());
      const source = tracked(track, 'source', new Subject<object>());
      expectEnd(
        source.pipe(
          finalizeCleanup(() => done),
          cancellable(trigger),
        ),
        'error',
        () => {
          trigger.next(tracked(track, 'reason', {}));
          done.complete();
        },
      );
    },
    "the caller's AbortSignal, plain unsubscribe": (track) => {
      const source = tracked(track, 'source', new Subject<object>());
      source.pipe(cancellable(callerController.signal)).subscribe(noop).unsubscribe();
      expectNoAbortListeners(callerController.signal);
    },
    'an AbortSignal that aborts': (track) => {
      const controller = new AbortController();
      expectEnd(NEVER.pipe(cancellable(controller.signal)), 'error', () =>
        controller.abort(tracked(track, 'reason', {})),
      );
      expectNoAbortListeners(controller.signal);
    },
  },
  timeoutCancel: {
    'completes before the deadline': (track) => {
      expectEnd(of(tracked(track, 'value', {})).pipe(timeoutCancel({ total: 5, scheduler })), 'complete');
      expectNoPendingTimers();
    },
    'deadline passes, an asynchronous cleanup then finishes': (track) => {
      const done = tracked(track, 'cleanup work', new Subject<void>());
      const source = tracked(track, 'source', new Subject<object>());
      expectEnd(
        source.pipe(
          finalizeCleanup(() => done),
          timeoutCancel({ total: 1, scheduler }),
        ),
        'error',
        () => {
          source.next(tracked(track, 'value', {}));
          scheduler.flush();
          done.complete();
        },
      );
      expectNoPendingTimers();
    },
    'each, then a fallback': (track) => {
      const fallback = tracked(track, 'fallback', () => of(1));
      expectEnd(NEVER.pipe(timeoutCancel({ each: 1, scheduler, with: fallback })), 'complete', () => scheduler.flush());
      expectNoPendingTimers();
    },
    'cancel (plain unsubscribe) with a reschedule notifier': (track) => {
      const reschedule = tracked(track, 'reschedule', new Subject<number>());
      NEVER.pipe(timeoutCancel({ reschedule, scheduler })).subscribe().unsubscribe();
      expectNoPendingTimers();
    },
  },
  shieldUntil: {
    'detached, then the work completes': (track) => {
      const work = tracked(track, 'work', new Subject<object>());
      work.pipe(shieldUntil()).subscribe(noop).unsubscribe();
      work.next(tracked(track, 'value', {}));
      work.complete();
    },
    'detached, then released by a trigger': (track) => {
      const release = tracked(track, 'release', new Subject<object>());
      const work = tracked(track, 'work', new Subject<object>());
      work.pipe(shieldUntil(release)).subscribe(noop).unsubscribe();
      release.next(tracked(track, 'release value', {}));
    },
    'detached, then released after some milliseconds': (track) => {
      const work = tracked(track, 'work', new Subject<object>());
      work.pipe(shieldUntil(2, { scheduler })).subscribe(noop).unsubscribe();
      scheduler.flush();
      expectNoPendingTimers();
    },
    "released by the caller's AbortSignal... never: the work completes first": (track) => {
      const work = tracked(track, 'work', new Subject<object>());
      work.pipe(shieldUntil(callerController.signal)).subscribe(noop).unsubscribe();
      work.complete();
      expectNoAbortListeners(callerController.signal);
    },
  },
  groupCancel: {
    'every child completes': (track) => {
      expectEnd(groupCancel([of(tracked(track, 'value', {})), of(2)]), 'complete');
    },
    'a sibling fails; the others are cancelled and clean up asynchronously': (track) => {
      const failing = tracked(track, 'failing', new Subject<never>());
      const done = tracked(track, 'cleanup work', new Subject<void>());
      const sibling = NEVER.pipe(finalizeCleanup(tracked(track, 'cleanup', () => done)));
      expectEnd(groupCancel([failing, sibling]), 'error', () => {
        failing.error(tracked(track, 'error', new Error('x')));
        done.complete();
      });
    },
    'settle, merged, cancelled from downstream': (track) => {
      const child = tracked(track, 'child', new Subject<object>());
      groupCancel([child, NEVER], { mode: 'settle', output: 'merge' }).subscribe(noop).unsubscribe();
    },
  },
  switchMapCancel: {
    'inners superseded (one cleaning up asynchronously), then the outer and the last inner complete': (track) => {
      const outer = tracked(track, 'outer', new Subject<object>());
      const done = tracked(track, 'cleanup work', new Subject<void>());
      const project = tracked(track, 'project', (value: object) =>
        concat(of(value), NEVER).pipe(finalizeCleanup(tracked(track, 'cleanup', () => done))),
      );
      const reason = tracked(track, 'reason', () => 'newer');
      expectEnd(outer.pipe(switchMapCancel(project, { reason }), take(2)), 'complete', () => {
        outer.next(tracked(track, 'first value', {}));
        outer.next(tracked(track, 'second value', {}));
        outer.next(tracked(track, 'third value', {}));
        done.complete();
      });
    },
    'an inner errors': (track) => {
      const error = tracked(track, 'error', new Error('x'));
      expectEnd(of(1).pipe(switchMapCancel(() => throwError(() => error))), 'error');
    },
    'cancelled from downstream while an inner cleans up asynchronously': (track) => {
      const done = tracked(track, 'cleanup work', new Subject<void>());
      const subscription = of(tracked(track, 'value', {}))
        .pipe(
          concatWith(NEVER),
          switchMapCancel(() => NEVER.pipe(finalizeCleanup(tracked(track, 'cleanup', () => done)))),
        )
        .subscribe(noop);
      subscription.unsubscribe();
      done.complete();
    },
  },
  raceCancel: {
    'one wins; the loser cleans up asynchronously, then the winner completes': (track) => {
      const winner = tracked(track, 'winner', new Subject<object>());
      const done = tracked(track, 'cleanup work', new Subject<void>());
      const loser = NEVER.pipe(finalizeCleanup(tracked(track, 'cleanup', () => done)));
      expectEnd(raceCancel(winner, loser), 'complete', () => {
        winner.next(tracked(track, 'value', {}));
        winner.complete();
        done.complete();
      });
    },
    'one errors first': (track) => {
      const error = tracked(track, 'error', new Error('x'));
      expectEnd(
        raceCancel(
          throwError(() => error),
          NEVER,
        ),
        'error',
      );
    },
    'cancelled from downstream before anyone won': (track) => {
      const contender = tracked(track, 'contender', new Subject<object>());
      raceCancel(contender, NEVER).subscribe(noop).unsubscribe();
    },
  },
  firstValueFromCancel: {
    "resolved, with a caller's long-lived signal": (track) => {
      void firstValueFromCancel(
        of(tracked(track, 'value', {})).pipe(finalizeCleanup(tracked(track, 'cleanup', () => {}))),
        {
          signal: callerController.signal,
        },
      ).then(() => expectNoAbortListeners(callerController.signal));
    },
    'aborted while its cleanup runs asynchronously, which then finishes': (track) => {
      const controller = new AbortController();
      const done = tracked(track, 'cleanup work', new Subject<void>());
      const promise = firstValueFromCancel(NEVER.pipe(finalizeCleanup(tracked(track, 'cleanup', () => done))), {
        signal: controller.signal,
      });
      void promise.catch(noop);
      controller.abort(tracked(track, 'reason', {}));
      done.complete();
    },
  },
  lastValueFromCancel: {
    'errors, with a default value': (track) => {
      const error = tracked(track, 'error', new Error('x'));
      void lastValueFromCancel(
        throwError(() => error),
        { defaultValue: tracked(track, 'default', {}), signal: callerController.signal },
      ).catch(() => expectNoAbortListeners(callerController.signal));
    },
  },
  cancelScope: {
    'runs, then cancel': (track) => {
      const scope = cancelScope();
      scope.run(tracked(track, 'work', new Subject<object>()), tracked(track, 'observer', { next: noop }));
      scope.run(NEVER.pipe(finalizeCleanup(tracked(track, 'cleanup', () => {}))));
      scope.cancel(tracked(track, 'reason', {}));
    },
    'tied to an owner that is destroyed': (track) => {
      let destroy = noop;
      const scope = cancelScope({ owner: { onDestroy: (callback) => void (destroy = callback) } });
      scope.run(tracked(track, 'work', new Subject<object>()));
      destroy();
      // Drops the scope's callback, so that only the scope can keep it alive.
      // eslint-disable-next-line no-useless-assignment
      destroy = noop;
    },
  },
  fromAbortable: {
    'unsubscribed: the signal aborts': (track) => {
      const work = tracked(track, 'work', (signal: AbortSignal) => {
        signal.addEventListener('abort', noop);
        return NEVER;
      });
      fromAbortable(work).subscribe().unsubscribe();
    },
    completes: (track) => {
      expectEnd(fromAbortable(tracked(track, 'work', () => of(1))), 'complete');
    },
  },
};

export const cases = Object.entries(scenarios).flatMap(([operator, ends]) =>
  Object.entries(ends).map(([end, run]) => [operator, end, run] as const),
);

/**
 * An operator that keeps every subscription it makes in `kept`: the kind of
 * leak the checks are for, to show they can fail.
 */
export function leaky<T>(kept: unknown[]): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const subscription = source.subscribe(subscriber);
      kept.push(source, subscription);
      return subscription;
    });
}
