import { concatMap, ignoreElements, take, timer } from 'rxjs';
import {
  cancellable,
  CancelledError,
  cancelScope,
  DeadlineError,
  finalizeCleanup,
  GroupError,
  groupCancel,
  raceCancel,
  shieldUntil,
  switchMapCancel,
  timeoutCancel,
} from '../lib';
import { checkDiagram, recordDiagram } from '../test-support/diagram';

// Each operator's headline behaviour, as its TSDoc draws it in ASCII, run in
// virtual time and drawn from what was recorded (docs/diagrams/*.svg, shown
// in the README and the API reference). Each test states the result's
// marbles, and fails if the behaviour or the committed picture differs
// (`npm run diagrams` draws them again; test-support/diagram.ts).

const failure = new Error('failure');

describe('marble diagrams', () => {
  it('finalizeCleanup: the completion waits for the cleanup', async () => {
    const diagram = await recordDiagram(
      'finalizeCleanup',
      'source.pipe(finalizeCleanup(cleanup))',
      'The cleanup starts when the source completes; the result completes once it has settled.',
      ({ cold, watch, cleanup }) => watch('source', cold('--a--b--|')).pipe(finalizeCleanup(cleanup('cleanup', 3))),
      { marbles: '--a--b-----|', subscriptions: { source: '^-------!' } },
    );
    checkDiagram(diagram);
  });

  it('cancellable: the trigger cancels, the cleanup is awaited, then the CancelledError', async () => {
    const diagram = await recordDiagram(
      'cancellable',
      'source.pipe(finalizeCleanup(cleanup), cancellable(trigger))',
      "The trigger fires at 7: the source is unsubscribed with reason 'x', and the error waits for the cleanup.",
      ({ cold, hot, watch, cleanup }) => {
        const trigger = watch('trigger', hot('-------x'));
        return watch('source', cold('--a--b--c--d--')).pipe(
          finalizeCleanup(cleanup('cleanup', 2)),
          cancellable(trigger),
        );
      },
      {
        marbles: '--a--b---#',
        error: new CancelledError('x'),
        subscriptions: { source: '^------!', trigger: '^------!' },
      },
      ['source', 'cleanup', 'trigger'],
    );
    checkDiagram(diagram);
  });

  it('timeoutCancel: a total deadline, and the error after the cleanup', async () => {
    const diagram = await recordDiagram(
      'timeoutCancel',
      'source.pipe(finalizeCleanup(cleanup), timeoutCancel(6))',
      'The deadline passes at 6 (counted from subscription, not between values); the TimeoutError waits for the cleanup.',
      ({ cold, watch, cleanup }) =>
        watch('source', cold('--a--b--c--d--e--')).pipe(finalizeCleanup(cleanup('cleanup', 2)), timeoutCancel(6)),
      {
        marbles: '--a--b--#',
        error: new DeadlineError({ deadline: 'total', seen: 2, lastValue: 'b', meta: undefined }),
        subscriptions: { source: '^-----!' },
      },
    );
    checkDiagram(diagram);
  });

  it('shieldUntil: the work runs on after its subscriber has left', async () => {
    const diagram = await recordDiagram(
      'shieldUntil',
      'source.pipe(shieldUntil(), take(2))',
      'take(2) leaves at 5; the shielded source is not unsubscribed, and runs on to its end (its values dropped).',
      ({ cold, watch }) => watch('source', cold('--a--b--c--d--|')).pipe(shieldUntil(), take(2)),
      { marbles: '--a--(b|)', subscriptions: { source: '^-------------!' } },
    );
    checkDiagram(diagram);
  });

  it('groupCancel: a failure cancels the others, awaits their cleanups, then the GroupError', async () => {
    const diagram = await recordDiagram(
      'groupCancel',
      'groupCancel([failing, s1, s2])',
      'failing errors at 2: s1 and s2 are cancelled with that error as the reason, and the group errors once their cleanups have settled.',
      ({ cold, watch, cleanup }) =>
        groupCancel([
          watch('failing', cold('--#', undefined, failure)),
          watch('s1', cold('-1-----')).pipe(finalizeCleanup(cleanup('cleanup s1', 1))),
          watch('s2', cold('---2---')).pipe(finalizeCleanup(cleanup('cleanup s2', 3))),
        ]),
      { marbles: '-----#', error: new GroupError([failure]), subscriptions: { failing: '^-!', s1: '^-!', s2: '^-!' } },
    );
    checkDiagram(diagram);
  });

  it('switchMapCancel: the next inner waits for the cleanup of the one it supersedes', async () => {
    const diagram = await recordDiagram(
      'switchMapCancel',
      'outer.pipe(switchMapCancel((x) => inner(x)))',
      'b arrives at 8: inner a is cancelled (reason SUPERSEDED), and inner b is subscribed only once a has cleaned up, at 11.',
      ({ cold, hot, watch, cleanup }) => {
        const cleanupA = cleanup('cleanup a', 3);
        const innerA = watch('inner a', cold('--1--2--3')).pipe(finalizeCleanup(cleanupA));
        const innerB = watch('inner b', cold('--4--|'));
        return watch('outer', hot('--a-----b-------|')).pipe(switchMapCancel((x) => (x === 'a' ? innerA : innerB)));
      },
      {
        marbles: '----1--2-----4--|',
        subscriptions: { outer: '^---------------!', 'inner a': '--^-----!', 'inner b': '-----------^----!' },
      },
      ['outer', 'inner a', 'cleanup a', 'inner b'],
    );
    checkDiagram(diagram);
  });

  it('raceCancel: the winner passes at once, the race ends once the losers have cleaned up', async () => {
    const diagram = await recordDiagram(
      'raceCancel',
      'raceCancel(a, b)',
      'a wins at 1; b is cancelled and cleans up for 4 frames, and the race completes only then.',
      ({ cold, watch, cleanup }) =>
        raceCancel(
          watch('a', cold('-1-|')),
          watch('b', cold('----x---')).pipe(finalizeCleanup(cleanup('cleanup b', 4))),
        ),
      { marbles: '-1---|', subscriptions: { a: '^--!', b: '^!' } },
    );
    checkDiagram(diagram);
  });

  it('cancelScope: close() cancels every run at once, and settles once their cleanups have', async () => {
    const diagram = await recordDiagram(
      'cancelScope',
      'scope.run(a); scope.run(b); await scope.close()',
      'close() at 2 cancels both runs with SCOPE_CLOSED; its Promise settles when the slower cleanup has, at 6.',
      ({ cold, watch, cleanup }) => {
        const scope = cancelScope();
        scope.run(watch('run a', cold('-a-a-a-a')).pipe(finalizeCleanup(cleanup('cleanup a', 2))));
        scope.run(watch('run b', cold('--b--b--')).pipe(finalizeCleanup(cleanup('cleanup b', 4))));
        // The result row: close() called at 2, and its Promise.
        return timer(2).pipe(
          concatMap(() => scope.close()),
          ignoreElements(),
        );
      },
      { marbles: '------|', subscriptions: { 'run a': '^-!', 'run b': '^-!' } },
      ['run a', 'cleanup a', 'run b', 'cleanup b'],
    );
    checkDiagram({
      ...diagram,
      rows: diagram.rows.map((row) => (row.label === 'result' ? { ...row, label: 'close()' } : row)),
    });
  });
});
