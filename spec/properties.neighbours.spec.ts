import { neighbourViolations } from '../test-support/properties/adoption';
import { neighbourCase, runNeighbours, settleScope, SHAPES } from '../test-support/properties/neighbours';
import { checkAsync, PROPERTY_TIMEOUT } from '../test-support/properties/settings';

// The world of issue 13, where the operators meet the rest of RxJS: the chain
// under test (every operator, nested as in properties.invariants.spec.ts)
// shares Subjects and BehaviorSubjects with side chains that its finalizers,
// cleanups and observer end as side effects (a takeUntil, a switchMap's drop,
// a cancellable of their own); its sources emit and end while being
// subscribed, with teardowns that log, throw or unsubscribe a hidden chain;
// its observer and cleanups fire its cancellables, unsubscribe it, and close
// the cancelScope it runs in. Over every case:
// 1-4. the invariants of properties.invariants.spec.ts, with side observers
//    and close() rejections as error channels, nothing reaching the observer
//    once its scope is closed, and no shared subject left observed;
// 5. a cleanup runs once everything upstream of it is torn down and settled;
// 6. a canceller (cancellable, timeoutCancel, a group, close()) reports only
//    once every cleanup upstream of it has settled (save what a 'detach'
//    shield or a switchMap's drop lets go), and reports their failures;
// 7. a cleanup sees UNSUBSCRIBED or a reason of its own chain, and a
//    canceller's reason only if it is upstream of that canceller, which then
//    waits for it and reports its failure;
// 8. the main chain's observer and close() never carry a side chain's
//    errors, nor a side's observer the main chain's.

jest.setTimeout(PROPERTY_TIMEOUT);

describe('invariants where the chain under test meets the rest of RxJS', () => {
  it.each(Object.entries(SHAPES))('hold for every generated case: %s', async (name, shape) => {
    await checkAsync(`neighbours: ${name}`, neighbourCase(shape), async (spec) => {
      const world = runNeighbours(spec);
      await settleScope(world);
      expect(neighbourViolations(world)).toEqual([]);
    });
  });
});
