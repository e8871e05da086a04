import { cancelScope, CancelledError, finalizeCleanup, type Exit } from '../lib';
import { normalize } from '../test-support/errors';
import { testScheduler } from '../test-support/marbles';

describe(cancelScope.name, () => {
  it('cancels every run in the frame it is cancelled; the cleanups then run their course', () => {
    const exits: Exit[] = [];
    const scope = cancelScope();
    testScheduler().run(({ cold, expectSubscriptions }) => {
      // prettier-ignore
      const a = cold('      -a-a-a-a-');
      const aSubs = '       ^--!     ';
      const b = cold('      --b--b--b');
      const bSubs = '       ^--!     ';
      const cleanup = cold('   --|  ');
      const cleanupSubs = [' ---^-!  ', ' ---^-!  '];
      cold('                ---x     ').subscribe(() => scope.cancel('leaving'));

      scope.run(a.pipe(finalizeCleanup((exit) => (exits.push(exit), cleanup))));
      scope.run(b.pipe(finalizeCleanup((exit) => (exits.push(exit), cleanup))));

      expectSubscriptions(a.subscriptions).toBe(aSubs);
      expectSubscriptions(b.subscriptions).toBe(bSubs);
      expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
    });
    expect(exits).toEqual([
      { kind: 'cancel', reason: 'leaving' },
      { kind: 'cancel', reason: 'leaving' },
    ]);
  });

  it('ends a run that joins after the cancel at once, with CancelledError, without subscribing it', () => {
    const scope = cancelScope();
    const errors: unknown[] = [];
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectSubscriptions }) => {
      const late = cold('-a-|');
      cold('--x').subscribe(() => scope.cancel('leaving'));
      cold('----r').subscribe(() => scope.run(late, { error: (error) => errors.push([scheduler.now(), error]) }));
      expectSubscriptions(late.subscriptions).toBe([]);
    });
    expect(normalize(errors)).toEqual(normalize([[4, new CancelledError('leaving')]]));
  });
});
