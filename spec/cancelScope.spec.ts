import { interval, NEVER, Observable, Subject, throwError } from 'rxjs';
import {
  cancelScope,
  CancelledError,
  CleanupError,
  finalizeCleanup,
  fromAbortable,
  SCOPE_CLOSED,
  type DestroyNotifier,
  type Exit,
} from '../lib';
import { busyScope } from '../lib/cancelScope';
import { subscribingOwner } from '../lib/core/waiter';
import { normalize } from '../test-support/errors';
import { macrotask } from '../test-support/time';
import { takeUnhandled } from '../test-support/unhandled';

const oops = new Error('oops');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Work that logs when it starts cleaning up and when it is done, after `ms` of real time. */
function worker(name: string, log: string[], ms = 20): Observable<never> {
  return NEVER.pipe(
    finalizeCleanup(async (exit) => {
      log.push(`${name} ${exit.kind}`);
      await sleep(ms);
      log.push(`${name} cleaned up`);
    }),
  );
}

describe(cancelScope.name, () => {
  it('await using: leaving the block cancels the runs and waits for their cleanups (real timers)', async () => {
    const log: string[] = [];
    {
      await using scope = cancelScope();
      scope.run(worker('a', log, 30));
      scope.run(worker('b', log, 10));
      await sleep(5);
      log.push('leaving block');
    }
    log.push('after block');
    expect(log).toEqual(['leaving block', 'a cancel', 'b cancel', 'b cleaned up', 'a cleaned up', 'after block']);
  });

  it('close() resolves only once every cleanup has settled, and gives the runs the reason', async () => {
    const exits: Exit[] = [];
    let cleanedUp = false;
    const scope = cancelScope();
    scope.run(
      NEVER.pipe(
        finalizeCleanup(async (exit) => {
          exits.push(exit);
          await sleep(10);
          cleanedUp = true;
        }),
      ),
    );
    await scope.close('user left');
    expect(cleanedUp).toBe(true);
    expect(exits).toEqual([{ kind: 'cancel', reason: 'user left' }]);
    expect(scope.cancelled).toBe(true);
  });

  it('close() rejects with a CleanupError (an AggregateError) holding every cleanup failure', async () => {
    const late = new Error('late');
    const scope = cancelScope();
    scope.run(
      NEVER.pipe(
        finalizeCleanup(() => {
          throw oops;
        }),
      ),
    );
    scope.run(NEVER.pipe(finalizeCleanup(() => sleep(5).then(() => Promise.reject(late)))));
    const error = await scope.close().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(AggregateError);
    expect(error).toBeInstanceOf(CleanupError);
    expect((error as CleanupError).errors).toEqual([oops, late]);
    expect(normalize((error as CleanupError).cause)).toEqual(normalize(new CancelledError(SCOPE_CLOSED)));
  });

  it('keeps the first reason: a second cancel() or close() changes nothing', async () => {
    const scope = cancelScope();
    const reasons: unknown[] = [];
    scope.run(NEVER.pipe(finalizeCleanup((exit) => void reasons.push(exit))));
    scope.cancel('first');
    scope.cancel('second');
    await scope.close('third');
    expect(reasons).toEqual([{ kind: 'cancel', reason: 'first' }]);
    expect(scope.signal.reason).toBe('first');
    const errors: unknown[] = [];
    scope.run(NEVER, { error: (error) => errors.push(error) });
    expect(errors).toEqual([new CancelledError('first')]);
  });

  it('close() twice returns the same promise', () => {
    const scope = cancelScope();
    expect(scope.close()).toBe(scope.close());
  });

  it('cancel() alone sends cleanup failures to config.onUnhandledError, as the CleanupError close() gives; a later close() does not repeat them', async () => {
    const scope = cancelScope();
    scope.run(
      NEVER.pipe(
        finalizeCleanup(() => {
          throw oops;
        }),
      ),
    );
    scope.cancel('stop');
    await macrotask();
    expect(normalize(takeUnhandled())).toEqual(normalize([new CleanupError([oops], new CancelledError('stop'))]));
    await expect(scope.close()).resolves.toBeUndefined();
  });

  describe('signal', () => {
    it('aborts with the reason when the scope is cancelled', () => {
      const scope = cancelScope();
      const { signal } = scope;
      expect(signal.aborted).toBe(false);
      scope.cancel('user pressed stop');
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBe('user pressed stop');
    });

    it('is one signal, however often it is asked for', () => {
      const scope = cancelScope();
      const first = scope.signal;
      expect(scope.signal).toBe(first);
      scope.cancel();
      expect(first.aborted).toBe(true);
    });

    it('is already aborted when asked for after the cancel, with the default reason', () => {
      const scope = cancelScope();
      scope.cancel();
      expect(scope.signal.aborted).toBe(true);
      expect(scope.signal.reason).toBe(SCOPE_CLOSED);
    });

    it('lets AbortSignal code join in: fetch-like work is aborted with the scope', async () => {
      const scope = cancelScope();
      const aborted: unknown[] = [];
      scope.run(
        fromAbortable(
          (signal) =>
            new Promise<never>((_resolve, reject) =>
              signal.addEventListener('abort', () => {
                aborted.push(signal.reason);
                reject(signal.reason);
              }),
            ),
        ),
      );
      scope.signal.addEventListener('abort', () => aborted.push('scope.signal'));
      await scope.close('shutdown');
      expect(normalize(aborted)).toEqual(['scope.signal', normalize(new CancelledError('shutdown'))]);
    });
  });

  describe('tied to an owner with onDestroy(callback)', () => {
    function fakeDestroyRef(): DestroyNotifier & { destroy(): void; unregistered: number } {
      const callbacks = new Set<() => void>();
      return {
        unregistered: 0,
        onDestroy(callback: () => void) {
          callbacks.add(callback);
          return () => {
            this.unregistered++;
            callbacks.delete(callback);
          };
        },
        destroy() {
          for (const callback of callbacks) callback();
          callbacks.clear();
        },
      };
    }

    it('closes when the owner is destroyed, and the runs clean up', async () => {
      const owner = fakeDestroyRef();
      const log: string[] = [];
      const scope = cancelScope({ owner });
      scope.run(worker('a', log, 5));
      owner.destroy();
      expect(scope.cancelled).toBe(true);
      await sleep(20);
      expect(log).toEqual(['a cancel', 'a cleaned up']);
    });

    it('reports cleanup failures of a close nobody awaits to config.onUnhandledError', async () => {
      const owner = fakeDestroyRef();
      const scope = cancelScope({ owner });
      scope.run(
        NEVER.pipe(
          finalizeCleanup(() => {
            throw oops;
          }),
        ),
      );
      owner.destroy();
      await macrotask();
      expect(normalize(takeUnhandled())).toEqual(
        normalize([new CleanupError([oops], new CancelledError(SCOPE_CLOSED))]),
      );
    });

    it('unregisters from the owner when closed by other means', async () => {
      const owner = fakeDestroyRef();
      await cancelScope({ owner }).close();
      expect(owner.unregistered).toBe(1);
    });

    it('works with an owner whose onDestroy returns nothing', () => {
      let destroy = (): void => {};
      const scope = cancelScope({ owner: { onDestroy: (callback) => void (destroy = callback) } });
      destroy();
      expect(scope.cancelled).toBe(true);
    });
  });

  describe('run', () => {
    it('takes a next function, and cancel() ends the run', async () => {
      const scope = cancelScope();
      const values: number[] = [];
      const subscription = scope.run(interval(1), (value) => values.push(value));
      await sleep(10);
      scope.cancel();
      const seen = values.length;
      expect(seen).toBeGreaterThan(0);
      expect(subscription.closed).toBe(true);
      await sleep(10);
      expect(values).toHaveLength(seen);
    });

    it('sends a run its own errors, not close()', async () => {
      const scope = cancelScope();
      const errors: unknown[] = [];
      scope.run(
        throwError(() => oops),
        { error: (error) => errors.push(error) },
      );
      expect(errors).toEqual([oops]);
      await expect(scope.close()).resolves.toBeUndefined();
    });

    it('gives CancelledError at once, subscribing nothing, in a cancelled scope', () => {
      const scope = cancelScope();
      scope.cancel('too late');
      const source = new Subject<number>();
      const errors: unknown[] = [];
      const subscription = scope.run(source, { error: (error) => errors.push(error) });
      expect(source.observed).toBe(false);
      expect(subscription.closed).toBe(true);
      expect(normalize(errors)).toEqual(normalize([new CancelledError('too late')]));
    });

    it('reports that CancelledError when the run has no error callback', async () => {
      const scope = cancelScope();
      scope.cancel('too late');
      scope.run(NEVER);
      await macrotask();
      expect(normalize(takeUnhandled())).toEqual(normalize([new CancelledError('too late')]));
    });
  });
});

describe('cancelScope leaves the ambient owner as it found it', () => {
  // While a run's source is subscribed, what it subscribes belongs to the
  // scope (lib/core/waiter.ts, enterOwner); after, nothing does: a later,
  // unrelated subscription must not be taken for the scope's work.
  it('after a run, and after a run whose source throws while being subscribed', () => {
    const scope = cancelScope();
    scope.run(NEVER);
    expect(subscribingOwner()).toBeNull();
    const throwing = new Observable<never>(() => {
      throw oops;
    });
    scope.run(throwing, { error: () => undefined });
    expect(subscribingOwner()).toBeNull();
    scope.cancel();
  });
});

describe('cancelScope owner registration', () => {
  it('unregisters from an owner that gave an unregister function, when closed first', async () => {
    const unregistered: string[] = [];
    const scope = cancelScope({ owner: { onDestroy: () => () => unregistered.push('unregistered') } });
    await scope.close();
    expect(unregistered).toEqual(['unregistered']);
  });

  it.each([
    ['nothing', undefined],
    ['a value that is not a function', { dispose: true }],
  ])('works with an owner whose onDestroy returns %s', async (_, returned) => {
    let destroy = (): void => undefined;
    const scope = cancelScope({
      owner: {
        onDestroy: (callback: () => void) => {
          destroy = callback;
          return returned;
        },
      },
    });
    await expect(scope.close()).resolves.toBeUndefined();
    destroy();
    expect(scope.cancelled).toBe(true);
  });
});

// What rxjs-cancel/angular's injectCancelScope builds on (runtime-tests/
// angular-entry.test.mjs shows it with Angular's own PendingTasks): a scope
// that keeps something busy from its cancellation until its cleanups settle,
// and that its owner's destruction closes with a reason of its own.
describe(busyScope.name, () => {
  /** A PendingTasks-like recorder: what is held now, and every add and end. */
  function recorder() {
    const busy = {
      held: 0,
      log: [] as string[],
      add() {
        busy.held++;
        busy.log.push('add');
        let ended = false;
        return () => {
          // Ended once: a second call would be a bug of the scope.
          expect(ended).toBe(false);
          ended = true;
          busy.held--;
          busy.log.push('end');
        };
      },
    };
    return busy;
  }
  function owner() {
    let destroy = (): void => undefined;
    return {
      onDestroy: (callback: () => void) => {
        destroy = callback;
        return undefined;
      },
      destroy: () => destroy(),
    };
  }

  it('holds a task from its cancellation until the last cleanup has settled, once', async () => {
    const busy = recorder();
    const log: string[] = [];
    const scope = busyScope(owner(), busy, 'destroyed');
    scope.run(worker('a', log, 10));
    scope.run(worker('b', log, 30));
    expect(busy.log).toEqual([]);
    scope.cancel('stop');
    scope.cancel('again');
    expect(busy.held).toBe(1);
    await sleep(20);
    expect(log).toEqual(['a cancel', 'b cancel', 'a cleaned up']);
    expect(busy.held).toBe(1);
    await scope.close();
    expect(log).toEqual(['a cancel', 'b cancel', 'a cleaned up', 'b cleaned up']);
    expect(busy.log).toEqual(['add', 'end']);
  });

  it('with synchronous cleanups only, the task starts and ends within cancel()', () => {
    const busy = recorder();
    const scope = busyScope(owner(), busy, 'destroyed');
    const seen: string[] = [];
    scope.run(NEVER.pipe(finalizeCleanup(() => void seen.push(`cleanup, held ${busy.held}`))));
    scope.cancel();
    expect(seen).toEqual(['cleanup, held 1']);
    expect(busy.log).toEqual(['add', 'end']);
  });

  it("its owner's destruction closes it with the reason given, and the task ends even when a cleanup fails", async () => {
    const busy = recorder();
    const destroyRef = owner();
    const scope = busyScope(destroyRef, busy, 'destroyed');
    const exits: Exit[] = [];
    scope.run(
      NEVER.pipe(
        finalizeCleanup(async (exit) => {
          exits.push(exit);
          await sleep(5);
          throw oops;
        }),
      ),
    );
    destroyRef.destroy();
    expect(scope.cancelled).toBe(true);
    expect(exits).toEqual([{ kind: 'cancel', reason: 'destroyed' }]);
    expect(busy.held).toBe(1);
    await sleep(20);
    expect(busy.log).toEqual(['add', 'end']);
    const [failure] = takeUnhandled() as [CleanupError];
    expect(failure).toBeInstanceOf(CleanupError);
    expect(failure.errors).toEqual([oops]);
    expect((failure.cause as CancelledError).reason).toBe('destroyed');
  });

  it("a close() asked for during its owner's destruction gets the failures, and only it: they do not also go unhandled", async () => {
    const destroyRef = owner();
    const scope = busyScope(destroyRef, null, 'destroyed');
    scope.run(NEVER.pipe(finalizeCleanup(() => sleep(5).then(() => Promise.reject(oops)))));
    destroyRef.destroy();
    // As an Angular DestroyRef hook registered after the scope's would.
    const closed = scope.close();
    await expect(closed).rejects.toBeInstanceOf(CleanupError);
    await macrotask();
    expect(takeUnhandled()).toEqual([]);
  });

  it('close() that rejects with the failures ends the task first', async () => {
    const busy = recorder();
    const scope = busyScope(owner(), busy, 'destroyed');
    scope.run(NEVER.pipe(finalizeCleanup(() => Promise.reject(oops))));
    const closed = scope.close();
    expect(busy.held).toBe(1);
    await expect(closed).rejects.toBeInstanceOf(CleanupError);
    expect(busy.log).toEqual(['add', 'end']);
  });
});
