import { TestScheduler } from 'rxjs/testing';

/**
 * A TestScheduler driven one action at a time, with pending microtasks run
 * after each, as Node runs a timer callback and then the promise jobs it
 * queued. So a program that awaits Promises between scheduled steps (an
 * `async` function, `await using`) sees virtual time move as real time would,
 * and a log written after an `await` reads the frame it resumed in.
 * (TestScheduler.run flushes everything first and runs promise jobs after.)
 */
export function steppedScheduler(): { scheduler: TestScheduler; runUntilIdle: () => Promise<void> } {
  const scheduler = new TestScheduler(() => {
    throw new Error('steppedScheduler takes no marble assertions');
  });
  const runUntilIdle = async (): Promise<void> => {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      const action = scheduler.actions.shift();
      if (action === undefined) return;
      scheduler.frame = action.delay!;
      const error = action.execute(action.state, action.delay) as Error | undefined;
      if (error) throw error;
    }
  };
  return { scheduler, runUntilIdle };
}
