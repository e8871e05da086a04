import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { config, NEVER, Subject } from 'rxjs';
import { cancellable, cancelScope, CancelledError, finalizeCleanup, fromAbortable } from '../lib';
import { checkAsync, PROPERTY_TIMEOUT } from '../test-support/properties/settings';

// Races that virtual time cannot show: Promise-based cleanups and AbortSignal
// bridging, with fast-check's scheduler deciding the order in which the
// promises settle and the other steps happen.

jest.setTimeout(PROPERTY_TIMEOUT);

/**
 * Lets the scheduler run every task, including tasks that settling ones
 * schedule a few promise jobs later (a cleanup that starts when the one
 * before it has settled), until none is left.
 */
async function settleAll(scheduler: fc.Scheduler): Promise<void> {
  for (let round = 0; round < 100; round++) {
    await scheduler.waitAll();
    await new Promise((resolve) => setImmediate(resolve));
    if (scheduler.count() === 0) return;
  }
  throw new Error('the scheduler kept getting new tasks');
}

/** Collects config.onUnhandledError reports during `body`, after letting them arrive. */
async function withUnhandled(body: (reports: unknown[]) => Promise<void>): Promise<unknown[]> {
  const reports: unknown[] = [];
  const previous = config.onUnhandledError;
  config.onUnhandledError = (error) => reports.push(error);
  try {
    await body(reports);
    // Reports go through asyncScheduler (a 0 ms interval): let them arrive.
    await new Promise((resolve) => setTimeout(resolve, 1));
  } finally {
    config.onUnhandledError = previous;
  }
  return reports;
}

describe('races of Promise cleanups and AbortSignals', () => {
  it('cancellable(signal) waits for every Promise cleanup, whatever order they settle in', async () => {
    const cases = fc.record({
      scheduler: fc.scheduler(),
      cleanups: fc.integer({ min: 1, max: 4 }),
      fails: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    });
    await checkAsync('race: cancellable waits for Promise cleanups', cases, async ({ scheduler, cleanups, fails }) => {
      const settled: number[] = [];
      const events: string[] = [];
      const controller = new AbortController();
      const reports = await withUnhandled(async () => {
        let source = NEVER;
        for (let i = 0; i < cleanups; i++) {
          const index = i;
          source = source.pipe(
            finalizeCleanup(() =>
              scheduler.schedule(Promise.resolve(index), `cleanup ${index}`).then(() => {
                settled.push(index);
                if (fails[index]) throw new Error(`cleanup ${index}`);
              }),
            ),
          );
        }
        source.pipe(cancellable(controller.signal)).subscribe({
          error: (error) => events.push(`error after ${settled.length} cleanups: ${(error as Error).name}`),
        });
        void scheduler.scheduleFunction(() => {
          controller.abort('stop');
          return Promise.resolve();
        })();
        await settleAll(scheduler);
      });
      // Cleanups run one after the other, source side first, each awaited.
      expect(settled).toEqual(Array.from({ length: cleanups }, (_, i) => i));
      const anyFailed = fails.slice(0, cleanups).some(Boolean);
      expect(events).toEqual([`error after ${cleanups} cleanups: ${anyFailed ? 'CleanupError' : 'CancelledError'}`]);
      expect(reports).toEqual([]);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });
  });

  it('fromAbortable: a result that wins the race is delivered, an abort that wins aborts, nothing is lost', async () => {
    const cases = fc.record({
      scheduler: fc.scheduler(),
      outcome: fc.constantFrom('resolves', 'rejects'),
      lateAnswer: fc.constantFrom('abort reason', 'other error'),
    });
    await checkAsync('race: fromAbortable', cases, async ({ scheduler, outcome, lateAnswer }) => {
      const delivered: string[] = [];
      let signal!: AbortSignal;
      const failure = new Error('server error');
      const reports = await withUnhandled(async () => {
        const work = fromAbortable((given) => {
          signal = given;
          return new Promise<string>((resolve, reject) => {
            // The server answers at a time the scheduler chooses...
            void scheduler.schedule(Promise.resolve(), 'server answers').then(() => {
              if (given.aborted) {
                if (lateAnswer === 'abort reason') reject(given.reason);
                else reject(failure);
              } else if (outcome === 'resolves') resolve('body');
              else reject(failure);
            });
          });
        });
        const subscription = work.subscribe({
          next: (value) => delivered.push(`value ${value}`),
          error: (error) => delivered.push(`error ${(error as Error).message}`),
          complete: () => delivered.push('complete'),
        });
        // ...and the subscriber may leave before or after.
        void scheduler.scheduleFunction(() => {
          subscription.unsubscribe();
          return Promise.resolve();
        })();
        await settleAll(scheduler);
      });
      if (signal.aborted) {
        // The subscriber left first: nothing delivered, the signal says why.
        expect(delivered).toEqual([]);
        expect(signal.reason).toBeInstanceOf(CancelledError);
        // The abort's own answer is expected; any other late failure is reported.
        expect(reports).toEqual(lateAnswer === 'abort reason' ? [] : [failure]);
      } else {
        expect(delivered).toEqual(outcome === 'resolves' ? ['value body', 'complete'] : ['error server error']);
        expect(reports).toEqual([]);
      }
    });
  });

  it('a cancel scope closes only once every Promise cleanup has settled, in any order', async () => {
    const cases = fc.record({
      scheduler: fc.scheduler(),
      runs: fc.integer({ min: 1, max: 4 }),
      failing: fc.nat({ max: 4 }),
    });
    await checkAsync('race: cancelScope close', cases, async ({ scheduler, runs, failing }) => {
      const scope = cancelScope();
      const settled = new Set<number>();
      for (let i = 0; i < runs; i++) {
        scope.run(
          new Subject<never>().pipe(
            finalizeCleanup(() =>
              scheduler.schedule(Promise.resolve(), `cleanup ${i}`).then(() => {
                settled.add(i);
                if (i === failing) throw new Error(`cleanup ${i}`);
              }),
            ),
          ),
        );
      }
      let closed: 'resolved' | 'rejected' | null = null;
      let settledWhenClosed = -1;
      const reports = await withUnhandled(async () => {
        void scheduler.scheduleFunction(() => {
          void scope.close().then(
            () => ((closed = 'resolved'), (settledWhenClosed = settled.size)),
            () => ((closed = 'rejected'), (settledWhenClosed = settled.size)),
          );
          return Promise.resolve();
        })();
        await settleAll(scheduler);
        await Promise.resolve();
      });
      expect(closed).toBe(failing < runs ? 'rejected' : 'resolved');
      expect(settledWhenClosed).toBe(runs);
      expect(reports).toEqual([]);
    });
  });
});
