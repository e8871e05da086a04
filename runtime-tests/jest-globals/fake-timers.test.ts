import { interval, NEVER, timer } from 'rxjs';
import { cancellable, CancelledError, finalizeCleanup, type Exit } from '../../lib';

// The same package under Jest's fake timers, leaving work scheduled on them
// when the file ends.
beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

it('cancels and awaits a cleanup in fake time, then leaves work scheduled', async () => {
  const exits: Exit[] = [];
  const events: unknown[] = [];
  interval(100)
    .pipe(
      finalizeCleanup((exit) => {
        exits.push(exit);
        return new Promise<void>((resolve) => setTimeout(resolve, 50));
      }),
      cancellable(timer(250), { reason: 'stop' }),
    )
    .subscribe({ next: (value) => events.push(value), error: (error: unknown) => events.push(error) });
  await jest.advanceTimersByTimeAsync(299);
  // Cancelled at 250; the cleanup runs until 300.
  expect(exits).toEqual([{ kind: 'cancel', reason: 'stop' }]);
  expect(events).toEqual([0, 1]);
  await jest.advanceTimersByTimeAsync(1);
  expect(events).toEqual([0, 1, new CancelledError('stop')]);
  // Left scheduled on the fake clock when the file ends.
  NEVER.pipe(
    finalizeCleanup(() => {}),
    cancellable(timer(1000)),
  ).subscribe({ error: () => {} });
});
