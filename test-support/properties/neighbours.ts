import { inspect } from 'node:util';
import fc from 'fast-check';
import { BehaviorSubject, Observable, Subject, switchMap, takeUntil, tap, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { cancellable, cancelScope } from '../../lib';
import { action, chainSpec, cleanupSpec, type NeighbourOptions } from './arbitraries';
import { build, inside, observerFor, type Action, type ChainSpec, type CleanupSpec } from './chain';
import { inWorld, type Frame, type ScopeRecord, type World } from './world';

// The world of issue 13: the chain under test ("main") lives beside other
// chains ("sides") that share Subjects and BehaviorSubjects with it, and that
// its finalizers, cleanups and observer end as side effects; its sources may
// emit and end while being subscribed; its observer and cleanups cancel,
// unsubscribe and close its scope re-entrantly.

/** A chain beside the one under test, with a cleanup of its own, ended through a shared subject. */
export interface SideSpec {
  readonly body: ChainSpec;
  readonly cleanup: CleanupSpec;
  /**
   * takeUntil: `body.pipe(finalizeCleanup, takeUntil(subject))`, ended by its own takeUntil;
   * switch: `subject.pipe(switchMap(() => body.pipe(finalizeCleanup)))`, an inner dropped on each value;
   * cancellable: `body.pipe(finalizeCleanup, cancellable(subject))`, its own canceller.
   */
  readonly end: 'takeUntil' | 'switch' | 'cancellable';
  readonly subject: number;
}

export interface NeighbourCase {
  readonly subjects: readonly ('subject' | 'behavior')[];
  readonly sides: readonly SideSpec[];
  readonly main: ChainSpec;
  /** The main chain runs in a cancelScope, closed at a frame (or not) and by any closing action. */
  readonly scope: { readonly closeAt: number | null } | null;
  /** The main chain's observer acts on its nth value. */
  readonly observer: { readonly onValue: number; readonly action: Action | 'unsubscribe' } | null;
  readonly unsubscribeAt: number;
}

/** When the side chains are let go: after anything the main chain does. */
const SIDES_END = 50;

const sideSpec = (subjects: number, sync: boolean): fc.Arbitrary<SideSpec> =>
  fc.record({
    // Sides do not emit or close anything themselves.
    body: chainSpec(1, { subjects: 0, scope: false, sync }),
    cleanup: cleanupSpec,
    end: fc.constantFrom('takeUntil' as const, 'switch' as const, 'cancellable' as const),
    subject: fc.nat({ max: subjects - 1 }),
  });

/** Which parts of the neighbour world a property generates. */
export interface WorldShape {
  /** Nesting of the main chain (mergeMap/switchMap inners, group children). */
  readonly depth: number;
  /** How many side chains, at least and at most. */
  readonly sides: readonly [min: number, max: number];
  /** How many shared subjects, at most (at least one if any). */
  readonly subjects: number;
  readonly scope: 'never' | 'maybe' | 'always';
  readonly observer: 'never' | 'maybe' | 'always';
  /** Sources that emit and end while being subscribed, with their teardowns. */
  readonly sync: boolean;
}

/** Everything at once. */
export const EVERYTHING: WorldShape = {
  depth: 2,
  sides: [0, 2],
  subjects: 2,
  scope: 'maybe',
  observer: 'maybe',
  sync: true,
};

/**
 * One part of the world each, so that each mechanism meets the cases that
 * test it often, and a failure names the part: sources that end while being
 * subscribed; side chains ended as side effects; cancels fired from inside
 * the teardown they must wait for; a scope closed from anywhere.
 */
export const SHAPES = {
  'sources that end while being subscribed': { ...EVERYTHING, sides: [0, 0], subjects: 0, scope: 'never' },
  'side chains ended through shared subjects': { ...EVERYTHING, sides: [1, 2], sync: false },
  'cancels fired from inside the teardown they wait for': { ...EVERYTHING, sides: [0, 0], scope: 'never', sync: false },
  'a scope closed by its observer, its cleanups, or at a frame': {
    ...EVERYTHING,
    sides: [0, 0],
    subjects: 1,
    scope: 'always',
    observer: 'always',
  },
  'all of it at once': EVERYTHING,
} satisfies Record<string, WorldShape>;

/** A whole neighbour case of the given shape. */
export function neighbourCase(shape: WorldShape = EVERYTHING): fc.Arbitrary<NeighbourCase> {
  const scopes = { never: fc.constant(false), maybe: fc.boolean(), always: fc.constant(true) }[shape.scope];
  return fc
    .record({ subjects: fc.integer({ min: Math.min(1, shape.subjects), max: shape.subjects }), scoped: scopes })
    .chain(({ subjects, scoped }) => {
      const options: NeighbourOptions = { subjects, scope: scoped, sync: shape.sync };
      const acting = action(options);
      const todo: fc.Arbitrary<Action | 'unsubscribe'> =
        acting === null ? fc.constant('unsubscribe' as const) : fc.oneof(fc.constant('unsubscribe' as const), acting);
      const observer = fc.record({ onValue: fc.nat({ max: 3 }), action: todo });
      return fc.record({
        subjects: fc.array(fc.constantFrom('subject' as const, 'behavior' as const), {
          minLength: subjects,
          maxLength: subjects,
        }),
        sides:
          subjects === 0
            ? fc.constant([])
            : fc.array(sideSpec(subjects, shape.sync), { minLength: shape.sides[0], maxLength: shape.sides[1] }),
        main: chainSpec(shape.depth, options),
        scope: scoped ? fc.record({ closeAt: fc.option(fc.integer({ min: 0, max: 30 })) }) : fc.constant(null),
        observer: { never: fc.constant(null), maybe: fc.option(observer), always: observer }[shape.observer],
        unsubscribeAt: fc.integer({ min: 0, max: 30 }),
      });
    });
}

/** Runs a case in virtual time; await {@link settleScope} before checking it. */
export function runNeighbours(spec: NeighbourCase): World {
  return inWorld(new TestScheduler(() => {}), (world) => {
    world.subjects = spec.subjects.map((kind) =>
      kind === 'behavior' ? new BehaviorSubject<unknown>('initial') : new Subject<unknown>(),
    );
    const sides = spec.sides.map((side, index) => subscribeSide(world, side, index));
    world.scheduler.schedule(() => sides.forEach((side) => side.unsubscribe()), SIDES_END);
    subscribeMain(world, spec);
  });
}

/** Waits for the outcome of the scope's close(), if one was asked for. */
export async function settleScope(world: World): Promise<void> {
  const scope = world.scope;
  if (scope?.promise == null) return;
  world.probe?.();
  scope.outcome = await scope.promise.then(
    () => ({ kind: 'resolved' as const }),
    (error: unknown) => ({ kind: 'rejected' as const, error }),
  );
  if (scope.outcome.kind === 'rejected') world.channels.push({ chain: 'main', error: scope.outcome.error });
}

function subscribeSide(world: World, side: SideSpec, index: number): Subscription {
  const chain = `side ${index}`;
  const root = world.openUnder(null, 'root', { chain });
  const subject = world.subjects[side.subject];
  const cleaned = (): Observable<unknown> =>
    build(world, {
      origin: side.body.origin,
      stages: [...side.body.stages, { op: 'finalizeCleanup', cleanup: side.cleanup, timeout: null }],
    });
  let observable: Observable<unknown>;
  if (side.end === 'takeUntil') {
    observable = cleaned().pipe(takeUntil(subject));
  } else if (side.end === 'switch') {
    let previous: Frame | null = null;
    observable = subject.pipe(
      switchMap(() => {
        if (previous !== null && !previous.ended) previous.dropped = true;
        const frame = world.openUnder(root, 'inner');
        previous = frame;
        const end = (): void => void (frame.ended = true);
        return inside(world, frame, cleaned().pipe(tap({ complete: end, error: end })));
      }),
    );
  } else {
    observable = new Observable<unknown>((subscriber) => {
      const frame = world.open('cancellable');
      const report = (kind: 'E' | 'C', value?: unknown): void => {
        frame.report ??= { seq: world.tick(), kind, value };
      };
      return world.within(frame, () =>
        cleaned()
          .pipe(
            cancellable(subject, { reason: world.reasonFor(frame, `${chain} cancellable`) }),
            tap({ error: (error: unknown) => report('E', error), complete: () => report('C') }),
          )
          .subscribe(subscriber),
      );
    });
  }
  return world.within(root, () => observable.subscribe(observerFor(world, chain)));
}

/**
 * True while `promise` has not settled, read synchronously (virtual time runs
 * no microtasks). Node's inspect shows the state first; under Jest, the
 * async-hook symbols it adds to promises follow it.
 */
function pending(promise: Promise<unknown>): boolean {
  return /^Promise \{\s*<pending>/.test(inspect(promise, { depth: 0 }));
}

function subscribeMain(world: World, spec: NeighbourCase): void {
  const main = build(world, spec.main, false, spec.scope !== null);
  const scope = spec.scope === null ? null : cancelScope();
  const root = world.openUnder(null, 'root', { chain: 'main' });
  let subscription: Subscription | null = null;
  let unsubscribeWhenSubscribed = false;
  let values = 0;

  const live = (): boolean =>
    world.unsubscribedSeq === null && world.downstream.every((note) => note.kind === 'N') && !subscription?.closed;
  const unsubscribe = (): void => {
    if (subscription === null) {
      // Asked while the subscribe call runs: done as soon as it returns.
      unsubscribeWhenSubscribed = true;
      return;
    }
    world.unsubscribedSeq ??= world.tick();
    subscription.unsubscribe();
  };
  const perform = (todo: Action | 'unsubscribe'): void => {
    if (todo === 'unsubscribe') unsubscribe();
    else if ('emit' in todo) world.emit(todo.emit);
    else world.closeScope();
  };

  if (scope !== null) {
    const record: ScopeRecord = {
      frame: root,
      reason: world.reasonFor(root, 'scope'),
      cancelSeq: null,
      runLive: false,
      promise: null,
      settledAt: null,
      outcome: null,
    };
    world.scope = record;
    world.probe = () => {
      if (record.promise !== null && record.settledAt === null && !pending(record.promise)) {
        record.settledAt = world.now;
      }
    };
    world.closeScope = () => {
      const seq = world.tick();
      if (record.cancelSeq === null) {
        record.cancelSeq = seq;
        record.runLive = live();
      }
      const promise = scope.close(record.reason);
      if (record.promise === null) {
        record.promise = promise;
        // Its outcome is read once virtual time has run (settleScope).
        promise.catch(() => {});
      }
      world.probe!();
    };
    if (spec.scope!.closeAt !== null) world.scheduler.schedule(() => world.closeScope(), spec.scope!.closeAt);
  }

  const observer = {
    next: (value: unknown) => {
      world.downstream.push({ seq: world.tick(), kind: 'N', value });
      if (spec.observer !== null && values++ === spec.observer.onValue) perform(spec.observer.action);
    },
    error: (error: unknown) => void world.downstream.push({ seq: world.tick(), kind: 'E', value: error }),
    complete: () => void world.downstream.push({ seq: world.tick(), kind: 'C' }),
  };
  // A scope's run is subscribed on the scope's behalf (the root frame stands
  // for it): what it subscribes meanwhile is the scope's work (see
  // Frame.ownerless).
  subscription =
    scope === null
      ? world.within(root, () => main.subscribe(observer))
      : world.onBehalfOf(root, () => scope.run(main, observer));
  if (unsubscribeWhenSubscribed) unsubscribe();
  world.scheduler.schedule(() => unsubscribe(), spec.unsubscribeAt);
  world.probe?.();
}
