import { TestScheduler } from 'rxjs/testing';
import { invariantCase } from '../test-support/properties/arbitraries';
import { build } from '../test-support/properties/chain';
import { check, PROPERTY_TIMEOUT } from '../test-support/properties/settings';
import { inWorld, violations } from '../test-support/properties/world';

// The invariants of issue 7, over generated chains of every operator (nested
// in mergeMap/switchMap and groups, hot and cold sources, failing and slow
// cleanups, random cancel, timeout, release and unsubscribe frames):
// 1. every cleanup runs exactly once, never before its subscription ends;
// 2. nothing reaches downstream after an error, a completion or the unsubscribe;
// 3. when virtual time settles, no subscription, abort listener or timer is left;
// 4. every error raised anywhere is observed exactly once, downstream or unhandled.
// A shield's release is always given, so shielded work ends too.

jest.setTimeout(PROPERTY_TIMEOUT);

describe('invariants over generated chains', () => {
  it('hold for every generated case', () => {
    check('invariants', invariantCase, ({ chain, unsubscribeAt }) => {
      const world = inWorld(new TestScheduler(() => {}), (world) =>
        world.subscribe(build(world, chain), unsubscribeAt),
      );
      expect(violations(world)).toEqual([]);
    });
  });
});
