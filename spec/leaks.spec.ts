import { Subject } from 'rxjs';
import { cases, leaky, tracked } from '../test-support/leak-scenarios';
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
