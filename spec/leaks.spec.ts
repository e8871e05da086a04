import { EMPTY, from, Subject } from 'rxjs';
import { cancellable, finalizeCleanup, timeoutCancel } from '../lib';
import { cases, leaky, tracked, type Track } from '../test-support/leak-scenarios';
import { survivors } from '../test-support/leaks';

// Leak tests, deterministic: for every way a subscription of each operator can
// end (test-support/leak-scenarios.ts), every object handed to the operators
// (callbacks, values, triggers, sources) can be collected once the
// subscription is over, and no timer or listener is left. The heap retained
// over many cycles is checked by spec/retained-heap.spec.ts (npm run
// test:leaks, in .ci/run). A deliberately leaky operator at the end shows that
// the check can fail.

const noop = (): void => {};

// Full garbage collections take the time here.
jest.setTimeout(60_000);

describe('leaks', () => {
  it.each(cases)('%s, %s: everything handed to the operator can be collected', async (_operator, _end, run) => {
    expect(await survivors(run)).toEqual([]);
  });

  // Something outside may hold an ended subscriber for ever: a Promise that
  // never settles holds its `then` callbacks, and through them the subscriber
  // of `from(promise)`. The operator's own callbacks must not be kept by it.
  const pending = new Promise<never>(() => {});
  it.each([
    ['finalizeCleanup', (track: Track) => finalizeCleanup(tracked(track, 'cleanup', () => {}))],
    ['cancellable', (track: Track) => cancellable(tracked(track, 'trigger', new Subject<void>()))],
    ['timeoutCancel', (track: Track) => timeoutCancel({ total: 1_000, with: tracked(track, 'with', () => EMPTY) })],
  ] as const)(
    '%s: an ended subscription that a pending Promise still holds keeps nothing of the operator',
    async (_name, make) => {
      const left = await survivors((track) => {
        from(pending)
          .pipe(make(track))
          .subscribe(tracked(track, 'observer', { next: noop }))
          .unsubscribe();
      });
      expect(left).toEqual([]);
    },
  );

  it('the check can fail: it finds what a leaky operator keeps alive', async () => {
    const kept: unknown[] = [];
    const left = await survivors((track) => {
      const source = tracked(track, 'source', new Subject<object>());
      source
        .pipe(leaky(kept))
        .subscribe(tracked(track, 'observer', { next: noop }))
        .unsubscribe();
    });
    // The source is kept (through the subscription list); the observer is not,
    // since a closed subscriber lets go of it: the check sees the difference.
    expect(left).toEqual(['source']);
  });
});
