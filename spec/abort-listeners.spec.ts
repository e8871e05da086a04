import { getEventListeners } from 'node:events';
import { NEVER, type Subscription } from 'rxjs';
import { cancellable, cancelScope, CancelledError, CleanupError, shieldUntil } from '../lib';
import { normalize } from '../test-support/errors';
import { macrotask } from '../test-support/time';

// The package adds one 'abort' listener to a signal, however many of its
// subscriptions watch it (lib/core/trigger.ts, SignalListeners).

const oops = new Error('removeEventListener is not supported');

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

  it('fire together, where the first of them started listening: a listener added in between fires after them all', () => {
    // Documented (lib/core/trigger.ts, SignalListeners): the price of one listener.
    const controller = new AbortController();
    const heard: string[] = [];
    NEVER.pipe(cancellable(controller.signal)).subscribe({ error: () => heard.push('first watcher') });
    controller.signal.addEventListener('abort', () => heard.push('app listener'));
    NEVER.pipe(cancellable(controller.signal)).subscribe({ error: () => heard.push('second watcher') });
    controller.abort();
    expect(heard).toEqual(['first watcher', 'second watcher', 'app listener']);
  });

  // Any object shaped like a signal is accepted (isAbortSignal). (Both found
  // by an adversarial review of the change to one listener.)
  type Listener = ((event: Event) => void) | { handleEvent(event: Event): void };
  const call = (listener: Listener): void => {
    if (typeof listener === 'function') listener(new Event('abort'));
    else listener.handleEvent(new Event('abort'));
  };

  /** A signal-shaped object: `add`/`remove` are its listener methods, beside a list of what is registered. */
  function fakeSignal(
    reason: string,
    add: (listener: Listener, fake: { aborted: boolean; registered: Listener[] }) => void,
    remove: (listener: Listener, fake: { aborted: boolean; registered: Listener[] }) => void,
  ): { signal: AbortSignal; fake: { aborted: boolean; registered: Listener[] } } {
    const fake = { aborted: false, registered: [] as Listener[] };
    const signal = {
      get aborted() {
        return fake.aborted;
      },
      reason,
      addEventListener: (_type: string, listener: Listener) => add(listener, fake),
      removeEventListener: (_type: string, listener: Listener) => remove(listener, fake),
    } as unknown as AbortSignal;
    return { signal, fake };
  }

  it('a signal that calls the listener from addEventListener (it found itself aborted just then) cancels at once', () => {
    const { signal, fake } = fakeSignal(
      'aborted while registering',
      (listener, state) => {
        state.registered.push(listener);
        state.aborted = true;
        call(listener);
      },
      (listener, state) => void state.registered.splice(state.registered.indexOf(listener), 1),
    );
    const heard: unknown[] = [];
    NEVER.pipe(cancellable(signal)).subscribe({ error: (error: unknown) => heard.push(normalize(error)) });
    expect(heard).toEqual([normalize(new CancelledError('aborted while registering'))]);
    expect(fake.registered).toEqual([]);
  });

  it('a signal whose removeEventListener throws: every watcher is cancelled, and the throw fails the teardown that removes the listener', () => {
    const { signal, fake } = fakeSignal(
      'stop',
      (listener, state) => void state.registered.push(listener),
      () => {
        throw oops;
      },
    );
    const heard: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      NEVER.pipe(cancellable(signal)).subscribe({ error: (error: unknown) => heard.push(normalize(error)) });
    }
    expect(fake.registered).toHaveLength(1);
    fake.aborted = true;
    // (Nothing is thrown into the signal's dispatch.)
    for (const listener of fake.registered) call(listener);
    expect(heard).toEqual([
      normalize(new CancelledError('stop')),
      normalize(new CleanupError([oops], new CancelledError('stop'))),
    ]);
  });
});
