import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NEVER, Observable, take, type MonoTypeOperatorFunction } from 'rxjs';
import { CancelledError, CleanupError, finalizeCleanup, UNSUBSCRIBED, type Exit } from '../lib';
import { CANCEL, hooks, invalid, Link, type Hooks } from '../lib/core';
import { recordInVirtualTime, runMarbles } from '../test-support/marbles';

// The example of docs/cancellation-core.md, "Writing an operator": a new
// operator on the core's Link, and the proof that it keeps the package's
// promises (its source's cleanups awaited, with its reason; their failures
// reported; RxJS's own `take` where nothing is asynchronous).

/** Lets `count` values through, then cancels the source with the reason 'enough', awaits its cleanups, completes. */
function cancelAfter<T>(count: number): MonoTypeOperatorFunction<T> {
  const fn = 'cancelAfter';
  if (typeof count !== 'number') invalid(fn, 'count', 'a number', count);
  if (!Number.isInteger(count) || count < 1) invalid(fn, 'count', 'a whole number of at least 1', count, true);
  return (source) =>
    new Observable<T>((destination) => {
      new Link(destination, HOOKS as Hooks<T, Count>, { left: count }).open(source);
    });
}

/** One subscription's count of the values still to let through. */
interface Count {
  left: number;
}

/** What cancelAfter's link does differently from the defaults: it counts values, and a cancel completes. */
const HOOKS: Hooks<unknown, Count> = hooks<unknown, Count>({
  next(link, value) {
    link.emit(value);
    // The downstream may have left during that call: stop() then does nothing.
    if (--link.state.left === 0) link.stop(CANCEL, 'enough');
  },
  report(link, destination, failures) {
    if (link.kind === CANCEL && failures === null) destination.complete();
    else link.tell(destination, failures);
  },
});

describe('writing an operator: cancelAfter, the example of docs/cancellation-core.md', () => {
  it('cancels its source with its reason, and completes once the cleanup has settled', () => {
    const exits: Exit[] = [];
    runMarbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c-d|');
      const cleanup = cold(' --|');
      const result = source.pipe(
        finalizeCleanup((exit) => {
          exits.push(exit);
          return cleanup;
        }),
        cancelAfter(2),
      );
      expectObservable(result).toBe('a-b-|');
      expectSubscriptions(source.subscriptions).toBe('^-!');
      expectSubscriptions(cleanup.subscriptions).toBe('--^-!');
    });
    expect(exits).toEqual([{ kind: 'cancel', reason: 'enough' }]);
  });

  it('reports a cleanup that fails as a CleanupError caused by the cancellation', () => {
    runMarbles(({ cold, expectObservable }) => {
      const failure = new Error('cleanup failed');
      const result = cold('a-b-|').pipe(
        finalizeCleanup(() => cold('-#', undefined, failure)),
        cancelAfter(1),
      );
      expectObservable(result).toBe('a#', undefined, new CleanupError([failure], new CancelledError('enough')));
    });
  });

  it('gives the frames of RxJS take() wherever no cleanup is asynchronous', () => {
    for (const marbles of ['a-b-c|', 'a|', '-a-#', 'abc|', '--a--b']) {
      const ours = recordInVirtualTime(({ cold }) =>
        cold(marbles).pipe(
          finalizeCleanup(() => {}),
          cancelAfter(2),
        ),
      );
      const oracle = recordInVirtualTime(({ cold }) => cold(marbles).pipe(take(2)));
      expect(ours).toEqual(oracle);
    }
  });

  it('is cancelled like any operator: a plain unsubscribe gives its cleanups UNSUBSCRIBED', () => {
    const exits: Exit[] = [];
    NEVER.pipe(
      finalizeCleanup((exit) => void exits.push(exit)),
      cancelAfter(1),
    )
      .subscribe()
      .unsubscribe();
    expect(exits).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
  });

  it('rejects a bad count at the call, naming the function and the argument', () => {
    expect(() => cancelAfter('2' as unknown as number)).toThrow(
      new TypeError('cancelAfter: `count` must be a number, got the string "2"'),
    );
    expect(() => cancelAfter(0)).toThrow(
      new RangeError('cancelAfter: `count` must be a whole number of at least 1, got 0'),
    );
  });

  it('is the operator docs/cancellation-core.md shows, as it is written here', () => {
    const docs = readFileSync(join(__dirname, '../docs/cancellation-core.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Writing an operator'));
    const shown = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(shown).toBeDefined();
    expect(readFileSync(__filename, 'utf8')).toContain(shown);
  });
});
