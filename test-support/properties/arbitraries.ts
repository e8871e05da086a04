import fc from 'fast-check';
import type { ChainSpec, CleanupSpec, Origin, SourceSpec, Stage, TriggerSpec } from './chain';

// Generators of cases for the invariants: any mix of this package's
// operators, nested in mergeMap/switchMap and groups, over hot and cold
// sources, with failing and slow cleanups and cancels at random frames.

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

const triggerSpec: fc.Arbitrary<TriggerSpec> = fc.oneof(
  fc.constant({ kind: 'never' as const }),
  fc.record({
    kind: fc.constantFrom('value' as const, 'error' as const, 'signal' as const),
    frame: fc.nat({ max: 14 }),
  }),
);

const leafStage: fc.Arbitrary<Stage> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('finalizeCleanup' as const),
      cleanup: cleanupSpec,
      timeout: fc.option(fc.nat({ max: 4 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('cancellable' as const), trigger: triggerSpec, complete: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('timeoutCancel' as const),
      total: fc.option(fc.integer({ min: 0, max: 14 })),
      each: fc.option(fc.integer({ min: 1, max: 6 })),
      outcome: fc.constantFrom('error' as const, 'complete' as const, 'fallback' as const, 'fallback throws' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('shieldUntil' as const),
      release: fc.integer({ min: 0, max: 8 }),
      defer: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'map' as const }) },
);

/** A chain: an origin and up to three stages, nested `depth` levels at most. */
export function chainSpec(depth: number): fc.Arbitrary<ChainSpec> {
  const stage: fc.Arbitrary<Stage> =
    depth <= 0
      ? leafStage
      : fc.oneof(
          { weight: 6, arbitrary: leafStage },
          {
            weight: 1,
            arbitrary: fc.record({
              op: fc.constantFrom('mergeMap' as const, 'switchMap' as const),
              // Inner sources are cold: a new one for every outer value.
              inner: chainSpec(depth - 1).map(coldOrigin),
            }),
          },
        );
  const origin: fc.Arbitrary<Origin> =
    depth <= 0
      ? sourceSpec().map((source) => ({ kind: 'source' as const, source }))
      : fc.oneof(
          { weight: 4, arbitrary: sourceSpec().map((source) => ({ kind: 'source' as const, source })) },
          {
            weight: 1,
            arbitrary: fc.record({
              kind: fc.constant('group' as const),
              children: fc.array(chainSpec(depth - 1), { maxLength: 3 }),
              settle: fc.boolean(),
              merge: fc.boolean(),
            }),
          },
        );
  return fc.record({ origin, stages: fc.array(stage, { maxLength: 3 }) });
}

function coldOrigin(chain: ChainSpec): ChainSpec {
  return chain.origin.kind === 'source'
    ? { ...chain, origin: { kind: 'source', source: { ...chain.origin.source, hot: false } } }
    : chain;
}

/** A whole case: a chain and the frame at which its subscriber unsubscribes. */
export const invariantCase = fc.record({ chain: chainSpec(2), unsubscribeAt: fc.integer({ min: 0, max: 30 }) });
