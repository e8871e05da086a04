import { getEventListeners } from 'node:events';
import { NEVER, type Subscription } from 'rxjs';
import { cancellable, cancelScope, CancelledError, shieldUntil } from '../lib';
import { normalize } from '../test-support/errors';
import { macrotask } from '../test-support/time';

// The package adds one 'abort' listener to a signal, however many of its
// subscriptions watch it (lib/core/trigger.ts, SignalListeners).

const listeners = (signal: AbortSignal): number => getEventListeners(signal, 'abort').length;

describe('one abort listener per signal', () => {
  it('however many subscriptions watch it; it goes with the last of them', () => {
    const { signal } = new AbortController();
    const subscriptions: Subscription[] = [];
    for (let i = 0; i < 100; i++) subscriptions.push(NEVER.pipe(cancellable(signal)).subscribe());
    expect(listeners(signal)).toBe(1);
    for (const subscription of subscriptions.slice(1)) subscription.unsubscribe();
    expect(listeners(signal)).toBe(1);
    subscriptions[0]?.unsubscribe();
    expect(listeners(signal)).toBe(0);
    // A new watcher adds it again.
    const again = NEVER.pipe(cancellable(signal)).subscribe();
    expect(listeners(signal)).toBe(1);
    again.unsubscribe();
    expect(listeners(signal)).toBe(0);
  });

  it('shared by every operator that watches signals: shields keep it until the signal releases them', () => {
    const controller = new AbortController();
    const { signal } = controller;
    const cancelled = NEVER.pipe(cancellable(signal)).subscribe({ error: () => {} });
    const shielded = NEVER.pipe(shieldUntil(signal)).subscribe();
    expect(listeners(signal)).toBe(1);
    cancelled.unsubscribe();
    // The downstream leaves, the shielded source runs on until the release.
    shielded.unsubscribe();
    expect(listeners(signal)).toBe(1);
    controller.abort();
    expect(listeners(signal)).toBe(0);
  });

  it("so Node prints no MaxListenersExceededWarning for a scope's signal shared by eleven or more", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const scope = cancelScope();
      for (let i = 0; i < 20; i++) scope.run(NEVER.pipe(cancellable(scope.signal)), { error: () => {} });
      expect(listeners(scope.signal)).toBe(1);
      await macrotask();
      expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
      scope.cancel();
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('fires the watchers in the order they started watching, and not one that stopped meanwhile', () => {
    const controller = new AbortController();
    const heard: unknown[] = [];
    const watch = (name: string): Subscription =>
      NEVER.pipe(cancellable(controller.signal)).subscribe({
        error: (error: unknown) => {
          heard.push([name, normalize(error)]);
          if (name === 'first') third.unsubscribe();
        },
      });
    watch('first');
    watch('second');
    const third = watch('third');
    watch('fourth');
    controller.abort('stop');
    const cancelled = normalize(new CancelledError('stop'));
    expect(heard).toEqual([
      ['first', cancelled],
      ['second', cancelled],
      ['fourth', cancelled],
    ]);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('a subscription made while the signal fires finds it aborted and ends at once', () => {
    const controller = new AbortController();
    const heard: unknown[] = [];
    NEVER.pipe(cancellable(controller.signal)).subscribe({
      error: () => {
        heard.push('first');
        NEVER.pipe(cancellable(controller.signal)).subscribe({
          error: (error: unknown) => heard.push(normalize(error)),
        });
      },
    });
    controller.abort('stop');
    expect(heard).toEqual(['first', normalize(new CancelledError('stop'))]);
    expect(listeners(controller.signal)).toBe(0);
  });
});
