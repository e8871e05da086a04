import {
  catchError,
  concatMap,
  finalize,
  map,
  merge,
  mergeMap,
  Observable,
  of,
  switchMap,
  take,
  takeUntil,
  throwError,
  type OperatorFunction,
} from 'rxjs';
import { cancellable, CancelledError, CleanupError, finalizeCleanup, UNSUBSCRIBED, type Exit } from '../lib';
import { recordInVirtualTime, testScheduler } from '../test-support/marbles';

const boom = new Error('boom');
const oops = new Error('oops');

describe(cancellable.name, () => {
  describe('while the trigger does not fire', () => {
    it('mirrors the source and lets go of the trigger when the source completes', () => {
      testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-a-b-|  ');
        const sourceSubs = '   ^----!  ';
        const trigger = hot('  --------');
        const triggerSubs = '  ^----!  ';
        const expected = '     -a-b-|  ';

        expectObservable(source.pipe(cancellable(trigger))).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(trigger.subscriptions).toBe(triggerSubs);
      });
    });

    it('passes an error through and lets go of the trigger', () => {
      testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-a-#   ', undefined, boom);
        const trigger = hot('  -------');
        const triggerSubs = '  ^--!   ';
        const expected = '     -a-#   ';

        expectObservable(source.pipe(cancellable(trigger))).toBe(expected, undefined, boom);
        expectSubscriptions(trigger.subscriptions).toBe(triggerSubs);
      });
    });

    it('ignores a trigger that completes without a value, and lets go of it', () => {
      testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-|');
        const trigger = hot('  --|     ');
        const triggerSubs = '  ^-!     ';
        const expected = '     -a-b-c-|';

        expectObservable(source.pipe(cancellable(trigger))).toBe(expected);
        expectSubscriptions(trigger.subscriptions).toBe(triggerSubs);
      });
    });
  });

  describe('when the trigger fires', () => {
    it('cancels the source and errors with CancelledError carrying the trigger value as reason', () => {
      testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-d-|');
        const sourceSubs = '   ^---!     ';
        const trigger = hot('  ----x     ');
        const triggerSubs = '  ^---!     ';
        const expected = '     -a-b#     ';

        expectObservable(source.pipe(cancellable(trigger))).toBe(expected, undefined, new CancelledError('x'));
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(trigger.subscriptions).toBe(triggerSubs);
      });
    });

    it('uses options.reason when given, for the cleanups and for the CancelledError', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ hot, expectObservable }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-d-|');
        const trigger = hot('  --x       ');
        const expected = '     -a#       ';

        const result = source.pipe(
          finalizeCleanup((exit) => void exits.push(exit)),
          cancellable(trigger, { reason: 'user pressed stop' }),
        );

        expectObservable(result).toBe(expected, undefined, new CancelledError('user pressed stop'));
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: 'user pressed stop' }]);
    });

    it("completes instead with onCancel: 'complete', after the cleanup", () => {
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-d-|');
        const sourceSubs = '   ^-!       ';
        const trigger = hot('  --x       ');
        const cleanup = cold('   --|     ');
        const expected = '     -a--|     ';

        const result = source.pipe(
          finalizeCleanup(() => cleanup),
          cancellable(trigger, { onCancel: 'complete' }),
        );

        expectObservable(result).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });

    it("still errors with onCancel: 'complete' when a cleanup failed, so the failure is not lost", () => {
      testScheduler().run(({ cold, hot, expectObservable }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-d-|');
        const trigger = hot('  --x       ');
        const cleanup = cold('   -#      ', undefined, oops);
        const expected = '     -a-#      ';

        const result = source.pipe(
          finalizeCleanup(() => cleanup),
          cancellable(trigger, { onCancel: 'complete' }),
        );

        expectObservable(result).toBe(expected, undefined, new CleanupError([oops], new CancelledError('x')));
      });
    });

    it('never subscribes to the source when the trigger fires at subscribe time', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a-b-|');
        expectObservable(source.pipe(cancellable(of('now')))).toBe('#', undefined, new CancelledError('now'));
        expectSubscriptions(source.subscriptions).toBe([]);
      });
    });

    it('never subscribes to the source when the AbortSignal is already aborted', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a-b-|');
        expectObservable(source.pipe(cancellable(AbortSignal.abort('gone')))).toBe(
          '#',
          undefined,
          new CancelledError('gone'),
        );
        expectSubscriptions(source.subscriptions).toBe([]);
      });
    });

    it('never subscribes to the source when the trigger errors at subscribe time', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a-b-|');
        expectObservable(source.pipe(cancellable(throwError(() => boom)))).toBe('#', undefined, boom);
        expectSubscriptions(source.subscriptions).toBe([]);
      });
    });

    it('cancels with the error when the trigger errors, and passes that error on after the cleanup', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-d-|');
        const sourceSubs = '   ^-!       ';
        const trigger = hot('  --#       ', undefined, boom);
        const cleanup = cold('   -|      ');
        const expected = '     -a-#      ';

        const result = source.pipe(
          finalizeCleanup((exit) => (exits.push(exit), cleanup)),
          cancellable(trigger),
        );

        expectObservable(result).toBe(expected, undefined, boom);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: boom }]);
    });

    it('cancels on an AbortSignal aborted in virtual time, with the signal reason', () => {
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const controller = new AbortController();
        // prettier-ignore
        const source =    hot('-a-b-c-d-|');
        const sourceSubs = '   ^---!     ';
        const abortAt = cold(' ----x     ');
        const cleanup = cold('     --|   ');
        const expected = '     -a-b--#   ';
        abortAt.subscribe(() => controller.abort('user pressed stop'));

        const result = source.pipe(
          finalizeCleanup(() => cleanup),
          cancellable(controller.signal),
        );

        expectObservable(result).toBe(expected, undefined, new CancelledError('user pressed stop'));
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
    });
  });

  describe('waiting for cleanups', () => {
    it('waits for every cleanup upstream, the slowest deciding', () => {
      testScheduler().run(({ cold, hot, expectObservable }) => {
        // prettier-ignore
        const a = hot('          -a---a---');
        const b = hot('          --b---b--');
        const trigger = hot('    ---x     ');
        const slow = cold('         ----| ');
        const quick = cold('        -|    ');
        const expected = '       -ab----# ';

        const result = merge(a.pipe(finalizeCleanup(() => slow)), b.pipe(finalizeCleanup(() => quick))).pipe(
          cancellable(trigger),
        );

        expectObservable(result).toBe(expected, undefined, new CancelledError('x'));
      });
    });

    it.each([
      ['mergeMap', (project: () => Observable<string>) => mergeMap(project)],
      ['switchMap', (project: () => Observable<string>) => switchMap(project)],
      ['concatMap', (project: () => Observable<string>) => concatMap(project)],
    ] as const)('waits for a cleanup inside an inner Observable of %s', (_name, flatten) => {
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const outer = hot('   -o------');
        const inner = cold('   -i-i-i-');
        const innerSubs = '   -^--!   ';
        const trigger = hot(' ----x   ');
        const cleanup = cold('    ---|');
        const expected = '    --i----#';

        const result = outer.pipe(
          flatten(() => inner.pipe(finalizeCleanup(() => cleanup))),
          map((value) => value),
          cancellable(trigger),
        );

        expectObservable(result).toBe(expected, undefined, new CancelledError('x'));
        expectSubscriptions(inner.subscriptions).toBe(innerSubs);
      });
    });

    it('nested: an outer canceller waits for the cleanup an inner canceller is still waiting for', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('--a-b-c-d');
        const sourceSubs = '   ^!       ';
        const inner = hot('    -x       ');
        const outer = hot('    ---y     ');
        const cleanup = cold('  ----|   ');
        const cleanupSubs = '  -^---!   ';
        const expected = '     -----#   ';

        const result = source.pipe(
          finalizeCleanup((exit) => (exits.push(exit), cleanup)),
          cancellable(inner),
          catchError(() => of('the inner outcome must not get through')),
          cancellable(outer),
        );

        expectObservable(result).toBe(expected, undefined, new CancelledError('y'));
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
        expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: 'x' }]);
    });

    it('reports nothing when the downstream leaves during the wait, and lets the cleanup finish', () => {
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-d-');
        const trigger = hot('  --x      ');
        const cleanup = cold('   ----|  ');
        const cleanupSubs = '  --^---!  ';
        const unsub = '        ----!    ';
        const expected = '     -a--     ';

        expectObservable(
          source.pipe(
            finalizeCleanup(() => cleanup),
            cancellable(trigger),
          ),
          unsub,
        ).toBe(expected);
        expectSubscriptions(cleanup.subscriptions).toBe(cleanupSubs);
      });
    });

    it('collects errors thrown by plain RxJS finalizers during the cancel instead of throwing them', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-');
        const trigger = hot('  --x    ');
        const expected = '     -a#    ';

        const result = source.pipe(
          finalize(() => {
            throw oops;
          }),
          cancellable(trigger),
        );

        expectObservable(result).toBe(expected, undefined, new CleanupError([oops], new CancelledError('x')));
      });
    });

    it('holds the completion back while an upstream take() cancels the rest of the source', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        // prettier-ignore
        const source =    hot('-a-b-c-');
        const sourceSubs = '   ^!     ';
        const cleanup = cold('  --|   ');
        const expected = '     -a-|   ';

        const result = source.pipe(
          finalizeCleanup((exit) => (exits.push(exit), cleanup)),
          take(1),
          cancellable(hot('-------')),
        );

        expectObservable(result).toBe(expected);
        expectSubscriptions(source.subscriptions).toBe(sourceSubs);
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: UNSUBSCRIBED }]);
    });

    it('holds an upstream error back until the siblings it cancels have cleaned up, telling them why', () => {
      const exits: Exit[] = [];
      testScheduler().run(({ cold, hot, expectObservable }) => {
        // prettier-ignore
        const sibling = hot('  -s-s-s-s-');
        const failing = hot('  ----#    ', undefined, boom);
        const cleanup = cold('     --|  ');
        const expected = '     -s-s--#  ';

        const result = merge(sibling.pipe(finalizeCleanup((exit) => (exits.push(exit), cleanup))), failing).pipe(
          cancellable(hot('---------')),
        );

        expectObservable(result).toBe(expected, undefined, boom);
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: boom }]);
    });
  });

  describe('the cancel timelines in the documentation', () => {
    // The diagrams of cancellable's and finalizeCleanup's TSDoc, replayed:
    // source → finalizeCleanup(() => cleanup) → cancellable(trigger).
    // prettier-ignore
    const diagrams = [
      {
        name: "cancellable's",
        source:      '--a--b--c--d--',
        sourceSubs:  '^------!      ',
        trigger:     '-------x      ',
        cleanup:            '--|',
        cleanupSubs: '-------^-!    ',
        result:      '--a--b---#    ',
      },
      {
        name: "finalizeCleanup's (cancelled at frame 6)",
        source:      '--a--b----',
        sourceSubs:  '^-----!   ',
        trigger:     '------x   ',
        cleanup:           '---|',
        cleanupSubs: '------^--!',
        result:      '--a--b---#',
      },
    ];

    it.each(diagrams)('$name', (diagram) => {
      testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const source = cold(diagram.source);
        const cleanup = cold(diagram.cleanup);
        const result = source.pipe(
          finalizeCleanup(() => cleanup),
          cancellable(hot(diagram.trigger)),
        );

        expectObservable(result).toBe(diagram.result, undefined, new CancelledError('x'));
        expectSubscriptions(source.subscriptions).toBe(diagram.sourceSubs);
        expectSubscriptions(cleanup.subscriptions).toBe(diagram.cleanupSubs);
      });
    });
  });

  describe("matches takeUntil with onCancel: 'complete' and instant cleanups", () => {
    // [source, notifier]: every case is run through both operators.
    // prettier-ignore
    const cases: [string, string][] = [
      ['-a-b-c-d-|', '----x----'],
      ['-a-b-c-d-|', '---------'],
      ['-a-b-#    ', '------x--'],
      ['-a-b-c-d-|', '--|      '],
      ['-a-b-c-d-|', 'x        '],
      ['---------|', '--#      '],
      ['(ab|)     ', '-x       '],
    ];

    it.each(cases)('source %s, notifier %s', (sourceMarble, notifierMarble) => {
      const run = (operator: (notifier: Observable<string>) => OperatorFunction<string, string>) => {
        const logs: unknown[] = [];
        const notifications = recordInVirtualTime(({ hot }) => {
          const source = hot(sourceMarble);
          const notifier = hot(notifierMarble);
          logs.push(source.subscriptions, notifier.subscriptions);
          return source.pipe(operator(notifier));
        });
        return { notifications, logs };
      };
      expect(run((n) => cancellable(n, { onCancel: 'complete' }))).toEqual(run((n) => takeUntil(n)));
    });
  });
});
