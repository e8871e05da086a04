import { NEVER, of, Subject } from 'rxjs';
import { CancelledError, CleanupError, finalizeCleanup, fromAbortable, RACE_LOST, raceCancel } from '../lib';
import { deferred, macrotask } from '../test-support/time';

// raceCancel where it meets Promises and AbortSignals. Its frames are in
// marble-tests/raceCancel.spec.ts, its oracle (race) in
// spec/properties.models.spec.ts.

describe('raceCancel with Promise work and cleanups', () => {
  it('happy eyeballs: the slower attempt is aborted and closed before the race completes; the winner is used at once', async () => {
    const log: string[] = [];
    const connected = { v4: deferred<string>(), v6: deferred<string>() };
    const closed = deferred();
    const attempt = (family: 'v4' | 'v6') =>
      fromAbortable((signal) => {
        signal.addEventListener('abort', () => {
          const { reason } = signal as { reason: unknown };
          log.push(`${family} aborted: ${reason instanceof CancelledError ? String(reason.reason) : String(reason)}`);
        });
        return connected[family].promise;
      }).pipe(
        finalizeCleanup(async (exit) => {
          if (exit.kind !== 'cancel') return;
          log.push(`${family} closing`);
          await closed.promise;
          log.push(`${family} closed`);
        }),
      );
    raceCancel(attempt('v6'), attempt('v4')).subscribe({
      next: (socket) => log.push(`using ${socket}`),
      complete: () => log.push('race complete'),
    });
    connected.v4.resolve('v4 socket');
    await macrotask();
    expect(log).toEqual(['v6 aborted: Symbol(race lost)', 'v6 closing', 'using v4 socket']);
    closed.resolve();
    await macrotask();
    expect(log).toEqual([
      'v6 aborted: Symbol(race lost)',
      'v6 closing',
      'using v4 socket',
      'v6 closed',
      'race complete',
    ]);
  });

  it("a loser's Promise cleanup that rejects: the winner's values still come; the race ends with a CleanupError", async () => {
    const failure = new Error('could not close');
    const events: unknown[] = [];
    const winner = new Subject<string>();
    raceCancel(
      winner,
      NEVER.pipe(
        finalizeCleanup(async (exit) => {
          expect(exit).toEqual({ kind: 'cancel', reason: RACE_LOST });
          await Promise.resolve();
          throw failure;
        }),
      ),
    ).subscribe({
      next: (value) => events.push(value),
      error: (error: unknown) => events.push(error),
      complete: () => events.push('complete'),
    });
    winner.next('first');
    await macrotask();
    winner.next('second');
    winner.complete();
    expect(events).toEqual(['first', 'second', new CleanupError([failure])]);
  });

  it('a winner that completes while the loser still cleans up: the completion waits for it', async () => {
    const events: unknown[] = [];
    const cleanupDone = deferred();
    raceCancel(of('fast'), NEVER.pipe(finalizeCleanup(() => cleanupDone.promise))).subscribe({
      next: (value) => events.push(value),
      complete: () => events.push('complete'),
    });
    // The first contender won while it was being subscribed: the second was never started.
    expect(events).toEqual(['fast', 'complete']);
    const slow = new Subject<string>();
    const later: unknown[] = [];
    raceCancel(slow, NEVER.pipe(finalizeCleanup(() => cleanupDone.promise))).subscribe({
      next: (value) => later.push(value),
      complete: () => later.push('complete'),
    });
    slow.next('won');
    slow.complete();
    expect(later).toEqual(['won']);
    cleanupDone.resolve();
    await macrotask();
    expect(later).toEqual(['won', 'complete']);
  });
});
