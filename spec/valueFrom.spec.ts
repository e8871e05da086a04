import { getEventListeners } from 'node:events';
import {
  concat,
  EmptyError,
  firstValueFrom,
  from,
  lastValueFrom,
  NEVER,
  Observable,
  of,
  Subject,
  throwError,
} from 'rxjs';
import {
  CancelledError,
  CleanupError,
  finalizeCleanup,
  firstValueFromCancel,
  lastValueFromCancel,
  UNSUBSCRIBED,
  type Exit,
} from '../lib';
import { deferred, macrotask } from '../test-support/time';
import { takeUnhandled } from '../test-support/unhandled';

const boom = new Error('boom');
const oops = new Error('oops');

/** Settles `promise` into what it gave, to compare outcomes. */
async function outcome(promise: Promise<unknown>): Promise<['resolved' | 'rejected', unknown]> {
  try {
    return ['resolved', await promise];
  } catch (error) {
    return ['rejected', error];
  }
}

/** Whether `promise` has settled by the next macrotask. */
async function settledYet(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await macrotask();
  return settled;
}

describe.each([
  ['firstValueFromCancel', firstValueFromCancel, firstValueFrom],
  ['lastValueFromCancel', lastValueFromCancel, lastValueFrom],
] as const)('%s', (_name, ours, theirs) => {
  describe(`as RxJS's ${theirs.name} where nothing is cancelled and no cleanup takes time`, () => {
    it.each([
      ['values, then complete', () => of(1, 2, 3)],
      ['no value', () => of<number>()],
      ['an error', () => throwError(() => boom)],
      [
        'a value, then an error',
        () =>
          concat(
            of(1),
            throwError(() => boom),
          ),
      ],
    ])('%s', async (_case, make) => {
      expect(await outcome(ours(make()))).toEqual(await outcome(theirs(make())));
    });

    it('defaultValue for a source with no value', async () => {
      await expect(ours(of<number>(), { defaultValue: 'none' })).resolves.toBe('none');
      await expect(ours(of<number>(), { defaultValue: undefined })).resolves.toBeUndefined();
      await expect(ours(of<number>())).rejects.toBeInstanceOf(EmptyError);
    });

    it('takes any ObservableInput', async () => {
      await expect(ours(Promise.resolve(7))).resolves.toBe(7);
      await expect(ours([1, 2])).resolves.toBe(ours === firstValueFromCancel ? 1 : 2);
    });
  });

  it('aborting the signal cancels with its reason, waits for the cleanup, then rejects with a CancelledError; no listener is left', async () => {
    const controller = new AbortController();
    const exits: Exit[] = [];
    const cleanupDone = deferred();
    const promise = ours(NEVER.pipe(finalizeCleanup((exit) => (exits.push(exit), cleanupDone.promise))), {
      signal: controller.signal,
    });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort('user left');
    expect(exits).toEqual([{ kind: 'cancel', reason: 'user left' }]);
    expect(await settledYet(promise)).toBe(false);
    cleanupDone.resolve();
    await expect(promise).rejects.toEqual(new CancelledError('user left'));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  describe("under Jest's modern fake timers, a cleanup on a 100 ms timer", () => {
    afterEach(() => jest.useRealTimers());

    /** The Promise of a cancelled source whose cleanup waits 100 ms, and whether it has settled. */
    function cancelled(): { promise: Promise<unknown>; settled: () => boolean } {
      const controller = new AbortController();
      const promise = ours(NEVER.pipe(finalizeCleanup(() => new Promise((resolve) => setTimeout(resolve, 100)))), {
        signal: controller.signal,
      });
      let settled = false;
      promise.catch(() => (settled = true));
      controller.abort('user left');
      return { promise, settled: () => settled };
    }

    it('settles the Promise during advanceTimersByTimeAsync(100), not before', async () => {
      jest.useFakeTimers();
      const { promise, settled } = cancelled();
      await jest.advanceTimersByTimeAsync(99);
      expect(settled()).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(settled()).toBe(true);
      await expect(promise).rejects.toEqual(new CancelledError('user left'));
    });

    it('the pitfall: advanceTimersByTime(100) fires the timer, but the Promise jobs after it have not run when it returns', async () => {
      jest.useFakeTimers();
      const { promise, settled } = cancelled();
      jest.advanceTimersByTime(100);
      expect(settled()).toBe(false);
      await expect(promise).rejects.toEqual(new CancelledError('user left'));
    });

    it("and a timer set after the cleanup's first await does not fire within advanceTimersByTime at all", async () => {
      jest.useFakeTimers();
      const controller = new AbortController();
      let fired = false;
      const promise = ours(
        NEVER.pipe(
          finalizeCleanup(async () => {
            await Promise.resolve();
            await new Promise((resolve) => setTimeout(resolve, 10));
            fired = true;
          }),
        ),
        { signal: controller.signal },
      );
      const rejection = promise.catch((error: unknown) => error);
      controller.abort('user left');
      jest.advanceTimersByTime(100);
      await Promise.resolve();
      expect(fired).toBe(false);
      await jest.advanceTimersByTimeAsync(10);
      expect(fired).toBe(true);
      expect(await rejection).toEqual(new CancelledError('user left'));
    });
  });

  it('a cleanup that fails after the abort: a CleanupError whose cause is the CancelledError', async () => {
    const controller = new AbortController();
    const promise = ours(
      NEVER.pipe(
        finalizeCleanup(() => {
          throw oops;
        }),
      ),
      { signal: controller.signal },
    );
    controller.abort('stop');
    const error = (await outcome(promise))[1];
    expect(error).toEqual(new CleanupError([oops], new CancelledError('stop')));
    expect((error as CleanupError).cause).toEqual(new CancelledError('stop'));
  });

  it('an already-aborted signal rejects at once; nothing is subscribed', async () => {
    let subscribed = false;
    const source = new Observable<number>(() => {
      subscribed = true;
    });
    await expect(ours(source, { signal: AbortSignal.abort('too late') })).rejects.toEqual(
      new CancelledError('too late'),
    );
    expect(subscribed).toBe(false);
  });

  it('settled normally, it leaves no listener on the signal', async () => {
    const controller = new AbortController();
    await ours(of(1), { signal: controller.signal });
    await ours(
      throwError(() => boom),
      { signal: controller.signal },
    ).catch(() => {});
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('settles only once the cleanup of its source has settled', async () => {
    const cleanupDone = deferred();
    const exits: Exit[] = [];
    const source = new Subject<number>();
    const promise = ours(source.pipe(finalizeCleanup((exit) => (exits.push(exit), cleanupDone.promise))));
    source.next(1);
    source.complete();
    expect(await settledYet(promise)).toBe(false);
    cleanupDone.resolve();
    await expect(promise).resolves.toBe(1);
    // The first value ends the subscription as take(1) would; the last value waits for the completion.
    expect(exits).toEqual([
      ours === firstValueFromCancel ? { kind: 'cancel', reason: UNSUBSCRIBED } : { kind: 'complete' },
    ]);
  });

  it('a source that unsubscribes its own subscriber: the Promise rejects with a CancelledError (UNSUBSCRIBED) rather than hang; no listener is left', async () => {
    const controller = new AbortController();
    const promise = ours(new Observable<number>((subscriber) => subscriber.unsubscribe()), {
      signal: controller.signal,
    });
    await expect(promise).rejects.toEqual(new CancelledError(UNSUBSCRIBED));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it("work given the same signal, which rejects with the abort's reason, is acknowledging the cancel: only the CancelledError, nothing reported", async () => {
    const controller = new AbortController();
    const cleanupDone = deferred();
    const fetchLike = (signal: AbortSignal) =>
      new Promise<string>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const promise = ours(from(fetchLike(controller.signal)).pipe(finalizeCleanup(() => cleanupDone.promise)), {
      signal: controller.signal,
    });
    controller.abort('user');
    await macrotask();
    cleanupDone.resolve();
    await expect(promise).rejects.toEqual(new CancelledError('user'));
    const quick = new AbortController();
    const settled = ours(fetchLike(quick.signal), { signal: quick.signal });
    quick.abort('again');
    await expect(settled).rejects.toEqual(new CancelledError('again'));
    await macrotask();
    expect(takeUnhandled()).toEqual([]);
  });
});
