import { concat, defer, mergeMap, NEVER, Observable, of, share, Subject, take, takeUntil } from 'rxjs';
import {
  cancellable,
  CancelledError,
  finalizeCleanup,
  fromAbortable,
  SUPERSEDED,
  switchMapCancel,
  type Exit,
} from '../lib';
import { deferred, macrotask } from '../test-support/time';
import { takeUnhandled } from '../test-support/unhandled';

// switchMapCancel where it meets Promises and the rest of RxJS. Its frames
// are in marble-tests/switchMapCancel.spec.ts, its oracle (switchMap) in
// spec/properties.models.spec.ts.

describe('switchMapCancel with Promise cleanups', () => {
  it("a typeahead: the request for 'ab' starts only once the cleanup of the request for 'a' has finished", async () => {
    const log: string[] = [];
    const query = new Subject<string>();
    const released: Record<string, () => void> = {};
    const request = (text: string) =>
      defer(() => {
        log.push(`request ${text}`);
        return concat(of(`results for ${text}`), NEVER);
      }).pipe(
        finalizeCleanup(async (exit) => {
          log.push(
            `cleanup ${text} starts (${exit.kind === 'cancel' && exit.reason === SUPERSEDED ? 'superseded' : exit.kind})`,
          );
          await new Promise<void>((resolve) => (released[text] = resolve));
          log.push(`cleanup ${text} done`);
        }),
      );
    query.pipe(switchMapCancel(request)).subscribe((results) => log.push(results));
    query.next('a');
    query.next('ab');
    await macrotask();
    expect(log).toEqual(['request a', 'results for a', 'cleanup a starts (superseded)']);
    released['a']?.();
    await macrotask();
    expect(log).toEqual([
      'request a',
      'results for a',
      'cleanup a starts (superseded)',
      'cleanup a done',
      'request ab',
      'results for ab',
    ]);
  });

  it('waits for cleanups however deep in the superseded inner (an inner of its own mergeMap)', async () => {
    const log: string[] = [];
    const outer = new Subject<number>();
    const cleanupDone = deferred();
    outer
      .pipe(
        switchMapCancel((n) =>
          of(n).pipe(
            mergeMap(() =>
              concat(of(n), NEVER).pipe(
                finalizeCleanup((exit) => {
                  log.push(`deep cleanup ${n}: ${exit.kind === 'cancel' ? String(exit.reason) : exit.kind}`);
                  return n === 1 ? cleanupDone.promise : undefined;
                }),
              ),
            ),
          ),
        ),
      )
      .subscribe((n) => log.push(`value ${n}`));
    outer.next(1);
    outer.next(2);
    await macrotask();
    expect(log).toEqual(['value 1', 'deep cleanup 1: Symbol(superseded)']);
    cleanupDone.resolve();
    await macrotask();
    expect(log).toEqual(['value 1', 'deep cleanup 1: Symbol(superseded)', 'value 2']);
  });

  it('a cancel from downstream while a superseded cleanup runs: the waiting value is never projected, and the CancelledError comes after the cleanup', async () => {
    const log: unknown[] = [];
    const outer = new Subject<number>();
    const stop = new Subject<string>();
    const cleanupDone = deferred();
    outer
      .pipe(
        switchMapCancel((n) => {
          log.push(`project ${n}`);
          return NEVER.pipe(finalizeCleanup((exit) => (log.push(exit), n === 1 ? cleanupDone.promise : undefined)));
        }),
        cancellable(stop),
      )
      .subscribe({ error: (error: unknown) => log.push(error) });
    outer.next(1);
    outer.next(2);
    stop.next('stop');
    await macrotask();
    expect(log).toEqual(['project 1', { kind: 'cancel', reason: SUPERSEDED }]);
    cleanupDone.resolve();
    await macrotask();
    expect(log).toEqual(['project 1', { kind: 'cancel', reason: SUPERSEDED }, new CancelledError('stop')]);
  });
});

describe('switchMapCancel under Jest fake timers', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('a cleanup that awaits a 100 ms timer holds the next inner back exactly 100 ms', async () => {
    const log: string[] = [];
    const query = new Subject<string>();
    query
      .pipe(
        switchMapCancel((text) =>
          defer(() => {
            log.push(`search ${text}`);
            return NEVER;
          }).pipe(
            finalizeCleanup(async () => {
              await new Promise((resolve) => setTimeout(resolve, 100));
              log.push(`released ${text}`);
            }),
          ),
        ),
      )
      .subscribe();
    query.next('a');
    query.next('ab');
    await jest.advanceTimersByTimeAsync(99);
    expect(log).toEqual(['search a']);
    await jest.advanceTimersByTimeAsync(1);
    expect(log).toEqual(['search a', 'released a', 'search ab']);
  });
});

describe('switchMapCancel next to the rest of RxJS', () => {
  it('a project that emits into the outer: the newer value supersedes the inner just made, and one inner runs', () => {
    const log: unknown[] = [];
    const outer = new Subject<number>();
    const running = new Set<number>();
    outer
      .pipe(
        switchMapCancel((n) => {
          if (n === 1) outer.next(2);
          return new Observable<number>((subscriber) => {
            running.add(n);
            subscriber.next(n);
            return () => running.delete(n);
          }).pipe(finalizeCleanup((exit) => void log.push([n, exit])));
        }),
      )
      .subscribe((n) => log.push(`value ${n}`));
    outer.next(1);
    expect([...running]).toEqual([2]);
    expect(log).toEqual(['value 1', [1, { kind: 'cancel', reason: SUPERSEDED }], 'value 2']);
  });

  it("a superseded inner's cleanup that emits into the outer: that value waits its turn, then runs", () => {
    const log: unknown[] = [];
    const outer = new Subject<string>();
    outer
      .pipe(
        switchMapCancel((key) =>
          concat(of(key), NEVER).pipe(
            finalizeCleanup(() => {
              if (key === 'a') outer.next('from a cleanup');
            }),
          ),
        ),
      )
      .subscribe((value) => log.push(value));
    outer.next('a');
    outer.next('b');
    // b came first; the cleanup's value came later and is the latest.
    expect(log).toEqual(['a', 'from a cleanup']);
  });

  it("a superseded cleanup that ends an unrelated chain's takeUntil: that chain is not waited for", async () => {
    const log: unknown[] = [];
    const notifier = new Subject<void>();
    const otherDone = deferred();
    NEVER.pipe(
      finalizeCleanup(() => (log.push('other cleanup'), otherDone.promise)),
      takeUntil(notifier),
    ).subscribe({ complete: () => log.push('other complete') });
    const outer = new Subject<number>();
    outer
      .pipe(switchMapCancel((n) => concat(of(n), NEVER).pipe(finalizeCleanup(() => void (n === 1 && notifier.next())))))
      .subscribe((n) => log.push(n));
    outer.next(1);
    outer.next(2);
    // The switch went on at once: the other chain's cleanup is its own business.
    expect(log).toEqual([1, 'other complete', 'other cleanup', 2]);
    otherDone.resolve();
    await macrotask();
  });

  it('behind share(): the last subscriber leaving cancels the inner; a new one starts over', () => {
    const exits: Exit[] = [];
    const outer = new Subject<number>();
    const shared = outer.pipe(
      switchMapCancel((n) => concat(of(n), NEVER).pipe(finalizeCleanup((exit) => void exits.push(exit)))),
      share(),
    );
    const seen: number[] = [];
    const first = shared.subscribe((n) => seen.push(n));
    outer.next(1);
    first.unsubscribe();
    expect(exits).toEqual([{ kind: 'cancel', reason: expect.anything() as unknown }]);
    shared.subscribe((n) => seen.push(n * 10));
    outer.next(2);
    expect(seen).toEqual([1, 20]);
  });

  it('an outer that completes while project runs: the inner project returns still runs, then the stream completes', () => {
    const log: unknown[] = [];
    const outer = new Subject<number>();
    outer
      .pipe(
        switchMapCancel((n) => {
          if (n === 2) outer.complete();
          return n === 1 ? concat(of('v1'), NEVER) : of(`v${n}`);
        }),
      )
      .subscribe({ next: (value) => log.push(value), complete: () => log.push('complete') });
    outer.next(1);
    outer.next(2);
    expect(log).toEqual(['v1', 'v2', 'complete']);
  });

  it('a project that emits into the outer, which then completes (take): the latest value still gets its inner', () => {
    const log: unknown[] = [];
    const keys = new Subject<number>();
    keys
      .pipe(
        take(2),
        switchMapCancel((n) => {
          if (n === 1) keys.next(2);
          return concat(of(`v${n}`), NEVER);
        }),
      )
      .subscribe({ next: (value) => log.push(value), complete: () => log.push('complete') });
    keys.next(1);
    // switchMap gives ['v2', 'v1'] here, with both inners left running.
    expect(log).toEqual(['v1', 'v2']);
  });

  it("a superseded Promise that rejects later: reported, as every error after the end is (switchMap drops it); a fromAbortable's rejection with the abort's own reason is not", async () => {
    const outer = new Subject<number>();
    const rejects: ((error: unknown) => void)[] = [];
    outer.pipe(switchMapCancel(() => new Promise<string>((_resolve, reject) => rejects.push(reject)))).subscribe();
    outer.next(1);
    outer.next(2);
    const late = new Error('network down');
    rejects[0]?.(late);
    await macrotask();
    expect(takeUnhandled()).toEqual([late]);

    const aborted = new Subject<number>();
    aborted
      .pipe(
        switchMapCancel(() =>
          fromAbortable(
            (signal) =>
              new Promise<string>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
          ),
        ),
      )
      .subscribe();
    aborted.next(1);
    aborted.next(2);
    await macrotask();
    expect(takeUnhandled()).toEqual([]);
  });
});
