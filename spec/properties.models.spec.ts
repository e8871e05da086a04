import fc from 'fast-check';
import { forkJoin, merge, race, switchMap, takeUntil, timeout, type Observable, type OperatorFunction } from 'rxjs';
import type { RunHelpers } from 'rxjs/testing';
import {
  cancellable,
  finalizeCleanup,
  groupCancel,
  raceCancel,
  shieldUntil,
  switchMapCancel,
  timeoutCancel,
  type TimeoutCancelDeadline,
} from '../lib';
import { marbleOf, type SourceSpec } from '../test-support/properties/chain';
import {
  childSourceError,
  cleanupError,
  finalizeCleanupModel,
  groupCancelModel,
  shieldUntilModel,
  sourceError,
  timeoutCancelModel,
  type CleanupPlan,
  type GroupChild,
  type Prediction,
} from '../test-support/properties/models';
import { expected, observe } from '../test-support/properties/observe';
import { check, PROPERTY_TIMEOUT } from '../test-support/properties/settings';

// Property 7 (and 5): a reference model of each operator predicts the exact
// output of generated cases with asynchronous cleanups, frame by frame; a
// canceller reports in the very frame its last cleanup settles.
// Property 6: where the semantics coincide, the output and subscriptions
// equal RxJS's own operator on the same input.

jest.setTimeout(PROPERTY_TIMEOUT);

const even = (max: number) => fc.nat({ max: max / 2 }).map((n) => n * 2);
const odd = (max: number) => fc.nat({ max: (max - 1) / 2 }).map((n) => n * 2 + 1);

/** A source whose frames are `offset + k * step` (step even), ending or not. */
const timeline = (step = 2, offset = 0, maxSlots = 8): fc.Arbitrary<SourceSpec> =>
  fc
    .record({
      slots: fc.uniqueArray(fc.nat({ max: maxSlots }), { maxLength: 4 }).map((s) => [...s].sort((a, b) => a - b)),
      end: fc.oneof(
        fc.record({
          kind: fc.constantFrom('complete' as const, 'error' as const),
          after: fc.integer({ min: 1, max: 4 }),
        }),
        fc.constant({ kind: 'never' as const }),
      ),
    })
    .map(({ slots, end }) => {
      const values = slots.map((slot) => offset + slot * step);
      const lastSlot = slots.at(-1) ?? -1;
      return {
        hot: false,
        values,
        end: end.kind === 'never' ? end : { kind: end.kind, frame: offset + (lastSlot + end.after) * step },
      };
    });

const cleanupPlan = (step = 2): fc.Arbitrary<CleanupPlan> =>
  fc.record({ duration: fc.nat({ max: 3 }).map((n) => n * step), fails: fc.boolean() });

/** The cold source and cleanup a case describes, with the errors the models expect. */
function sourceOf(helpers: RunHelpers, spec: SourceSpec, error: Error = sourceError()): Observable<string> {
  return helpers.cold(marbleOf(spec), undefined, error);
}
function cleanupOf(helpers: RunHelpers, plan: CleanupPlan): () => Observable<unknown> {
  return () => helpers.cold(`${'-'.repeat(plan.duration)}${plan.fails ? '#' : '|'}`, undefined, cleanupError());
}

function expectPrediction(actual: ReturnType<typeof observe>, prediction: Prediction): void {
  expect(actual).toEqual(expected(prediction.notifications, prediction.unhandled));
}

describe('models predict the exact output', () => {
  it('finalizeCleanup, with no canceller, a plain unsubscribe or a cancellable', () => {
    const canceller = fc.oneof(
      fc.constant({ kind: 'none' as const }),
      fc.record({ kind: fc.constantFrom('unsubscribe' as const, 'cancellable' as const), frame: odd(21) }),
    );
    check('model: finalizeCleanup', fc.record({ source: timeline(), cleanup: cleanupPlan(), canceller }), (c) => {
      const actual = observe(
        (helpers) => {
          const piped = sourceOf(helpers, c.source).pipe(finalizeCleanup(cleanupOf(helpers, c.cleanup)));
          return c.canceller.kind === 'cancellable'
            ? piped.pipe(cancellable(helpers.hot(`${'-'.repeat(c.canceller.frame)}x`)))
            : piped;
        },
        c.canceller.kind === 'unsubscribe' ? c.canceller.frame : undefined,
      );
      expectPrediction(actual, finalizeCleanupModel(c.source, c.cleanup, c.canceller));
    });
  });

  it('timeoutCancel, with total, first and each deadlines and an upstream cleanup', () => {
    const plan = fc
      .record({
        total: fc.option(odd(19), { nil: undefined }),
        first: fc.option(odd(11), { nil: undefined }),
        each: fc.option(odd(9), { nil: undefined }),
        outcome: fc.constantFrom('error' as const, 'complete' as const, 'fallback' as const),
      })
      .filter((p) => p.total !== undefined || p.first !== undefined || p.each !== undefined);
    check('model: timeoutCancel', fc.record({ source: timeline(), cleanup: cleanupPlan(), plan }), (c) => {
      const { total, first, each, outcome } = c.plan;
      // The filter above keeps only plans with a deadline, which the types cannot see.
      const deadlines = {
        ...(total === undefined ? {} : { total }),
        ...(first === undefined ? {} : { first }),
        ...(each === undefined ? {} : { each }),
      } as TimeoutCancelDeadline;
      const actual = observe((helpers) => {
        const operator =
          outcome === 'error'
            ? timeoutCancel(deadlines)
            : outcome === 'complete'
              ? timeoutCancel({ ...deadlines, onTimeout: 'complete' })
              : timeoutCancel({ ...deadlines, with: () => helpers.cold('f|') });
        return sourceOf(helpers, c.source).pipe(finalizeCleanup(cleanupOf(helpers, c.cleanup)), operator);
      });
      expectPrediction(actual, timeoutCancelModel(c.source, c.cleanup, c.plan));
    });
  });

  it('groupCancel, fail-fast and settle, collected and merged, with children cleaning up and a canceller', () => {
    // Each of n children has frames of its own: child i at 2i + k·2n, and
    // cleanups of k·2n frames, so no two children ever act in one frame.
    const group = fc.integer({ min: 1, max: 3 }).chain((size) =>
      fc.record({
        children: fc.tuple(
          ...Array.from({ length: size }, (_, index) =>
            fc.record({ source: timeline(2 * size, 2 * index, 5), cleanup: cleanupPlan(2 * size) }),
          ),
        ),
        settle: fc.boolean(),
        merge: fc.boolean(),
        cancelAt: fc.option(odd(35), { nil: null }),
      }),
    );
    check('model: groupCancel', group, (c) => {
      const children: readonly GroupChild[] = c.children;
      const actual = observe((helpers) => {
        const sources = children.map((child, index) =>
          sourceOf(helpers, child.source, childSourceError(index)).pipe(
            finalizeCleanup(cleanupOf(helpers, child.cleanup)),
          ),
        );
        const result = groupCancel(sources, {
          mode: c.settle ? 'settle' : 'fail-fast',
          output: c.merge ? 'merge' : 'collect',
        });
        return c.cancelAt === null ? result : result.pipe(cancellable(helpers.hot(`${'-'.repeat(c.cancelAt)}x`)));
      });
      expectPrediction(actual, groupCancelModel(children, c));
    });
  });

  it('shieldUntil, detached past a plain unsubscribe or a timeoutCancel in detach or defer mode', () => {
    const downstream = fc.oneof(
      fc.record({ kind: fc.constant('unsubscribe' as const), at: odd(17) }),
      fc.record({ kind: fc.constant('timeout' as const), total: odd(17), defer: fc.boolean() }),
    );
    check('model: shieldUntil', fc.record({ source: timeline(), releaseAfter: even(10), downstream }), (c) => {
      const actual = observe(
        (helpers) => {
          const mode = c.downstream.kind === 'timeout' && c.downstream.defer ? 'defer' : 'detach';
          const shielded = sourceOf(helpers, c.source).pipe(shieldUntil(c.releaseAfter, { mode }));
          return c.downstream.kind === 'timeout' ? shielded.pipe(timeoutCancel(c.downstream.total)) : shielded;
        },
        c.downstream.kind === 'unsubscribe' ? c.downstream.at : undefined,
      );
      expectPrediction(actual, shieldUntilModel(c.source, c.releaseAfter, c.downstream));
    });
  });
});

describe('oracles: equal to RxJS where the semantics coincide', () => {
  /** Notifications and the given sources' subscription logs of one run. */
  function run(build: (helpers: RunHelpers) => { result: Observable<unknown>; logged: { subscriptions: unknown }[] }) {
    let logs: unknown[] = [];
    const observed = observe((helpers) => {
      const { result, logged } = build(helpers);
      logs = logged.map((each) => each.subscriptions);
      return result;
    });
    return { observed, logs };
  }
  const hotTimeline = timeline().map((spec) => ({ ...spec, hot: true }));
  /** A TimeoutError is compared by what both promise: that it is one, after so many values. */
  // (Not lastValue: RxJS 7.8's timeout clears it before building the info.)
  const timeoutsAsSeen = (observed: ReturnType<typeof observe>) =>
    observed.notifications.map(([frame, kind, value]) =>
      kind === 'E' && (value as { name?: string }).name === 'TimeoutError'
        ? [frame, kind, 'TimeoutError', (value as { info: { seen: number } }).info.seen]
        : [frame, kind, value],
    );

  it('timeoutCancel({ each }) with instant cleanups equals timeout(each)', () => {
    check('oracle: timeout(each)', fc.record({ source: hotTimeline, each: fc.integer({ min: 1, max: 7 }) }), (c) => {
      const side = (operator: OperatorFunction<string, string>) =>
        run((helpers) => {
          const source = helpers.hot(marbleOf(c.source));
          return { result: source.pipe(operator), logged: [source] };
        });
      const ours = side(timeoutCancel({ each: c.each }));
      const theirs = side(timeout(c.each));
      expect(ours.logs).toEqual(theirs.logs);
      expect(timeoutsAsSeen(ours.observed)).toEqual(timeoutsAsSeen(theirs.observed));
    });
  });

  it("cancellable(notifier, { onCancel: 'complete' }) equals takeUntil(notifier)", () => {
    const notifier = fc.record({
      at: fc.integer({ min: 0, max: 16 }),
      kind: fc.constantFrom('x', '|', '#', '-'),
    });
    check('oracle: takeUntil', fc.record({ source: hotTimeline, notifier }), (c) => {
      const side = (operator: (n: Observable<string>) => OperatorFunction<string, string>) =>
        run((helpers) => {
          const source = helpers.hot(marbleOf(c.source));
          const trigger = helpers.hot(`${'-'.repeat(c.notifier.at)}${c.notifier.kind}`);
          return { result: source.pipe(operator(trigger)), logged: [source, trigger] };
        });
      expect(side((n) => cancellable(n, { onCancel: 'complete' }))).toEqual(side((n) => takeUntil(n)));
    });
  });

  const coldChildren = fc.array(
    timeline().filter((spec) => spec.end.kind !== 'error'),
    { minLength: 1, maxLength: 3 },
  );

  it("groupCancel({ output: 'merge' }) without failures equals merge", () => {
    check('oracle: merge', coldChildren, (children) => {
      const side = (combine: (sources: Observable<string>[]) => Observable<unknown>) =>
        run((helpers) => {
          const sources = children.map((child) => helpers.cold(marbleOf(child)));
          return { result: combine(sources), logged: sources };
        });
      expect(side((s) => groupCancel(s, { output: 'merge' }))).toEqual(side((s) => merge(...s)));
    });
  });

  it('switchMapCancel with no cleanups (or synchronous ones) equals switchMap', () => {
    // A hot outer, each of its values projected to one of a few cold inners
    // (which may error), with a downstream that may leave: the notifications
    // and every subscription log are RxJS's.
    const cases = fc.record({
      outer: hotTimeline,
      inners: fc.array(timeline(), { minLength: 1, maxLength: 3 }),
      pick: fc.array(fc.nat({ max: 2 }), { minLength: 4, maxLength: 4 }),
      leaveAt: fc.option(fc.integer({ min: 1, max: 24 }), { nil: undefined }),
      syncCleanup: fc.boolean(),
    });
    check('oracle: switchMap', cases, (c) => {
      const side = (
        operator: (project: (value: string, index: number) => Observable<string>) => OperatorFunction<string, string>,
      ) =>
        run((helpers) => {
          const outer = helpers.hot(marbleOf(c.outer));
          const inners = c.inners.map((inner) => helpers.cold(marbleOf(inner)));
          const cleaned = inners.map((inner) => (c.syncCleanup ? inner.pipe(finalizeCleanup(() => {})) : inner));
          const project = (_value: string, index: number) =>
            cleaned[(c.pick[index % c.pick.length] ?? 0) % cleaned.length];
          const piped = outer.pipe(operator(project));
          const result =
            c.leaveAt === undefined ? piped : piped.pipe(takeUntil(helpers.hot(`${'-'.repeat(c.leaveAt)}x`)));
          return { result, logged: [outer, ...inners] };
        });
      expect(side((project) => switchMapCancel(project))).toEqual(side((project) => switchMap(project)));
    });
  });

  it('raceCancel with no cleanups (or synchronous ones) equals race', () => {
    const cases = fc.record({
      contenders: fc.array(timeline(), { minLength: 1, maxLength: 3 }),
      leaveAt: fc.option(fc.integer({ min: 1, max: 24 }), { nil: undefined }),
      syncCleanup: fc.boolean(),
    });
    check('oracle: race', cases, (c) => {
      const side = (combine: (sources: Observable<string>[]) => Observable<string>) =>
        run((helpers) => {
          const sources = c.contenders.map((contender) => helpers.cold(marbleOf(contender)));
          const cleaned = sources.map((source) => (c.syncCleanup ? source.pipe(finalizeCleanup(() => {})) : source));
          const raced = combine(cleaned);
          const result =
            c.leaveAt === undefined ? raced : raced.pipe(takeUntil(helpers.hot(`${'-'.repeat(c.leaveAt)}x`)));
          return { result, logged: sources };
        });
      expect(side((sources) => raceCancel(sources))).toEqual(side((sources) => race(sources)));
    });
  });

  it('groupCancel (collect) equals forkJoin when every child completes with a value', () => {
    const completing = fc.array(
      timeline().filter((spec) => spec.end.kind === 'complete' && spec.values.length > 0),
      { minLength: 1, maxLength: 3 },
    );
    check('oracle: forkJoin', completing, (children) => {
      const side = (combine: (sources: Observable<string>[]) => Observable<unknown>) =>
        run((helpers) => {
          const sources = children.map((child) => helpers.cold(marbleOf(child)));
          return { result: combine(sources), logged: sources };
        });
      expect(side((s) => groupCancel(s))).toEqual(side((s) => forkJoin(s)));
    });
  });
});
