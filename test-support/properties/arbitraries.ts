import fc from 'fast-check';
import type { Action, ChainSpec, CleanupSpec, Origin, SourceSpec, Stage, SyncSourceSpec, TriggerSpec } from './chain';

// Generators of cases for the invariants: any mix of this package's
// operators, nested in mergeMap/switchMap and groups, over hot and cold
// sources, with failing and slow cleanups and cancels at random frames.
// With neighbour options (see NeighbourOptions) the same chains also get
// synchronous sources, shared subjects and a scope to act on re-entrantly.

export const sourceSpec = (hot: fc.Arbitrary<boolean> = fc.boolean()): fc.Arbitrary<SourceSpec> =>
  fc
    .record({
      hot,
      values: fc.uniqueArray(fc.nat({ max: 12 }), { maxLength: 4 }).map((frames) => [...frames].sort((a, b) => a - b)),
      end: fc.oneof(
        fc.record({
          kind: fc.constantFrom('complete' as const, 'error' as const),
          after: fc.integer({ min: 1, max: 6 }),
        }),
        fc.constant({ kind: 'never' as const }),
      ),
    })
    .map(({ hot: isHot, values, end }) => ({
      hot: isHot,
      values,
      end: end.kind === 'never' ? end : { kind: end.kind, frame: (values.at(-1) ?? -1) + end.after },
    }));

export const cleanupSpec: fc.Arbitrary<CleanupSpec> = fc.record({
  duration: fc.oneof(fc.constant('sync' as const), fc.nat({ max: 4 })),
  fails: fc.boolean(),
});

export const syncSourceSpec: fc.Arbitrary<SyncSourceSpec> = fc.record({
  style: fc.constantFrom('observable' as const, 'using' as const),
  values: fc.nat({ max: 3 }),
  end: fc.constantFrom('complete' as const, 'error' as const, 'never' as const),
  teardown: fc.constantFrom('none' as const, 'log' as const, 'throw' as const, 'hidden' as const),
  hidden: cleanupSpec,
});

/** What the neighbour world adds to a chain. Without it, chains are generated as they always were. */
export interface NeighbourOptions {
  /** How many shared subjects there are to listen to and emit into (0: none). */
  readonly subjects: number;
  /** Whether the chain runs in a scope its cleanups may close. */
  readonly scope: boolean;
  /** Sources that emit and end while being subscribed. */
  readonly sync: boolean;
}

/** Something a cleanup or an observer does: emit into a shared subject, or close the scope. */
export function action(options: NeighbourOptions): fc.Arbitrary<Action> | null {
  const choices: fc.Arbitrary<Action>[] = [];
  if (options.subjects > 0) choices.push(fc.record({ emit: fc.nat({ max: options.subjects - 1 }) }));
  if (options.scope) choices.push(fc.constant({ close: true as const }));
  return choices.length === 0 ? null : fc.oneof(...choices);
}

function triggerSpec(options: NeighbourOptions | undefined): fc.Arbitrary<TriggerSpec> {
  const timed = fc.oneof(
    fc.constant({ kind: 'never' as const }),
    fc.record({
      kind: fc.constantFrom('value' as const, 'error' as const, 'signal' as const),
      frame: fc.nat({ max: 14 }),
    }),
  );
  if (options === undefined || options.subjects === 0) return timed;
  return fc.oneof(
    { weight: 2, arbitrary: timed },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('subject' as const), index: fc.nat({ max: options.subjects - 1 }) }),
    },
  );
}

function leafStage(options: NeighbourOptions | undefined): fc.Arbitrary<Stage> {
  const act = options === undefined ? null : action(options);
  const finalizeCleanupStage = fc.record({
    op: fc.constant('finalizeCleanup' as const),
    cleanup: cleanupSpec,
    timeout: fc.option(fc.nat({ max: 4 })),
    ...(act === null ? {} : { action: fc.option(act, { freq: 3 }) }),
  });
  const cancellableStage = fc.record({
    op: fc.constant('cancellable' as const),
    trigger: triggerSpec(options),
    complete: fc.boolean(),
  });
  const timeoutCancelStage = fc.record({
    op: fc.constant('timeoutCancel' as const),
    total: fc.option(fc.integer({ min: 0, max: 14 })),
    each: fc.option(fc.integer({ min: 1, max: 6 })),
    outcome: fc.constantFrom('error' as const, 'complete' as const, 'fallback' as const, 'fallback throws' as const),
  });
  const shieldUntilStage = fc.record({
    op: fc.constant('shieldUntil' as const),
    release: fc.integer({ min: 0, max: 8 }),
    defer: fc.boolean(),
  });
  const stages: fc.WeightedArbitrary<Stage>[] = [
    { weight: 4, arbitrary: finalizeCleanupStage },
    { weight: 2, arbitrary: cancellableStage },
    { weight: 2, arbitrary: timeoutCancelStage },
    { weight: 1, arbitrary: shieldUntilStage },
    { weight: 1, arbitrary: fc.constant({ op: 'map' as const }) },
  ];
  if (options !== undefined) {
    const emit =
      options.subjects === 0 ? fc.constant(null) : fc.option(fc.nat({ max: options.subjects - 1 }), { freq: 4 });
    stages.push(
      { weight: 2, arbitrary: fc.record({ op: fc.constant('finalize' as const), emit }) },
      { weight: 1, arbitrary: fc.constantFrom({ op: 'share' as const }, { op: 'observer' as const }) },
    );
  }
  return fc.oneof(...stages);
}

/**
 * A chain: an origin and up to three stages, nested `depth` levels at most.
 * With `options`, also synchronous sources, finalize stages, cleanups that
 * emit or close the scope, and cancellables fired through shared subjects.
 */
export function chainSpec(depth: number, options?: NeighbourOptions): fc.Arbitrary<ChainSpec> {
  const leaf = leafStage(options);
  const stage: fc.Arbitrary<Stage> =
    depth <= 0
      ? leaf
      : fc.oneof(
          { weight: 6, arbitrary: leaf },
          {
            weight: 1,
            arbitrary: fc.record({
              op: fc.constantFrom('mergeMap' as const, 'switchMap' as const),
              // Inner sources are cold: a new one for every outer value.
              inner: chainSpec(depth - 1, options).map(coldOrigin),
            }),
          },
        );
  const source: fc.WeightedArbitrary<Origin> = {
    weight: 4,
    arbitrary: sourceSpec().map((spec) => ({ kind: 'source' as const, source: spec })),
  };
  const origins: fc.WeightedArbitrary<Origin>[] = [source];
  if (options?.sync === true) {
    origins.push({ weight: 3, arbitrary: syncSourceSpec.map((sync) => ({ kind: 'sync' as const, sync })) });
  }
  if (depth > 0) {
    origins.push({
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('group' as const),
        children: fc.array(chainSpec(depth - 1, options), { maxLength: 3 }),
        settle: fc.boolean(),
        merge: fc.boolean(),
      }),
    });
  }
  const origin: fc.Arbitrary<Origin> = origins.length === 1 ? source.arbitrary : fc.oneof(...origins);
  if (options === undefined || options.subjects === 0)
    return fc.record({ origin, stages: fc.array(stage, { maxLength: 3 }) });
  const stages = fc.oneof(
    { weight: 2, arbitrary: fc.array(stage, { maxLength: 3 }) },
    { weight: 1, arbitrary: reentrantStages(options.subjects, stage) },
  );
  return fc.record({ origin, stages });
}

/**
 * Stages with a re-entrant pair in them: something that emits into a shared
 * subject as the subscription ends (a finalize, or a cleanup before it
 * returns its work), and downstream of it, a cancellable that subject fires,
 * with other stages before, between and after. Random stage lists seldom
 * line these up; the pair is where a cancel is fired from inside the very
 * teardown it must then wait for.
 */
function reentrantStages(subjects: number, stage: fc.Arbitrary<Stage>): fc.Arbitrary<Stage[]> {
  const emitter = (subject: number): fc.Arbitrary<Stage> =>
    fc.oneof(
      fc.constant({ op: 'finalize' as const, emit: subject }),
      fc.record({
        op: fc.constant('finalizeCleanup' as const),
        cleanup: cleanupSpec,
        timeout: fc.constant(null),
        action: fc.constant({ emit: subject }),
      }),
    );
  return fc
    .nat({ max: subjects - 1 })
    .chain((subject) =>
      fc
        .tuple(
          fc.array(stage, { maxLength: 1 }),
          emitter(subject),
          fc.array(stage, { maxLength: 2 }),
          fc.boolean(),
          fc.array(stage, { maxLength: 1 }),
        )
        .map(([before, emits, between, complete, after]) => [
          ...before,
          emits,
          ...between,
          { op: 'cancellable' as const, trigger: { kind: 'subject' as const, index: subject }, complete },
          ...after,
        ]),
    );
}

function coldOrigin(chain: ChainSpec): ChainSpec {
  return chain.origin.kind === 'source'
    ? { ...chain, origin: { kind: 'source', source: { ...chain.origin.source, hot: false } } }
    : chain;
}

/** A whole case: a chain and the frame at which its subscriber unsubscribes. */
export const invariantCase = fc.record({ chain: chainSpec(2), unsubscribeAt: fc.integer({ min: 0, max: 30 }) });
