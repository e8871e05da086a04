import {
  defer,
  finalize,
  map,
  mergeMap,
  Observable,
  share,
  switchMap,
  tap,
  using,
  type MonoTypeOperatorFunction,
  type Subscriber,
  type Subscription,
} from 'rxjs';
import {
  cancellable,
  finalizeCleanup,
  groupCancel,
  shieldUntil,
  timeoutCancel,
  type TimeoutCancelDeadline,
} from '../../lib';
import type { Frame, World } from './world';

// A generated case is data (these types); build() turns it into RxJS, with
// every piece instrumented through the World. Every subscription of a stage
// opens a Frame under the one subscribing it, so the invariants know which
// work lies upstream of which canceller from the case itself.

export interface SourceSpec {
  readonly hot: boolean;
  /** Frames of the values, ascending. */
  readonly values: readonly number[];
  readonly end: { readonly kind: 'complete' | 'error'; readonly frame: number } | { readonly kind: 'never' };
}

/**
 * A source that emits and ends while it is being subscribed, as `of(…)`,
 * `new Observable(s => { s.next(1); s.complete(); return teardown })` or
 * `using(…)` do ('never': it emits and stays open, like a BehaviorSubject).
 * Its teardown logs, throws, or unsubscribes a hidden subscription (one RxJS
 * does not know the parent of) of a chain with a cleanup of its own.
 */
export interface SyncSourceSpec {
  readonly style: 'observable' | 'using';
  readonly values: number;
  readonly end: 'complete' | 'error' | 'never';
  readonly teardown: 'none' | 'log' | 'throw' | 'hidden';
  /** The cleanup of the hidden chain (teardown 'hidden'). */
  readonly hidden: CleanupSpec;
}

export interface CleanupSpec {
  /** 'sync', or the frames an asynchronous cleanup (a cold observable) takes. */
  readonly duration: 'sync' | number;
  readonly fails: boolean;
}

/** Something a cleanup or an observer does on the way: emit into a shared subject, or close the scope. */
export type Action = { readonly emit: number } | { readonly close: true };

export type TriggerSpec =
  | { readonly kind: 'value' | 'error' | 'signal'; readonly frame: number }
  | { readonly kind: 'never' }
  /** A shared subject: whoever emits into it fires the trigger (a cleanup, a finalize, an observer). */
  | { readonly kind: 'subject'; readonly index: number };

export type Stage =
  | {
      readonly op: 'finalizeCleanup';
      readonly cleanup: CleanupSpec;
      readonly timeout: number | null;
      /** Done inside the cleanup, before it returns its work. */
      readonly action?: Action | null;
    }
  | { readonly op: 'cancellable'; readonly trigger: TriggerSpec; readonly complete: boolean }
  | {
      readonly op: 'timeoutCancel';
      readonly total: number | null;
      readonly each: number | null;
      readonly outcome: 'error' | 'complete' | 'fallback' | 'fallback throws';
    }
  | { readonly op: 'shieldUntil'; readonly release: number; readonly defer: boolean }
  | { readonly op: 'mergeMap' | 'switchMap'; readonly inner: ChainSpec }
  | { readonly op: 'map' }
  /** RxJS's own finalize, emitting into a shared subject (or not) when the subscription ends. */
  | { readonly op: 'finalize'; readonly emit: number | null }
  /**
   * A subscriber that feeds no subscriber: share()'s connection, or a
   * hand-written operator that subscribes with a plain observer, as RxJS's
   * docs show. (A cancel follows its work through what was subscribing.)
   */
  | { readonly op: 'share' | 'observer' };

export type Origin =
  | { readonly kind: 'source'; readonly source: SourceSpec }
  | { readonly kind: 'sync'; readonly sync: SyncSourceSpec }
  | {
      readonly kind: 'group';
      readonly children: readonly ChainSpec[];
      readonly settle: boolean;
      readonly merge: boolean;
    };

export interface ChainSpec {
  readonly origin: Origin;
  readonly stages: readonly Stage[];
}

/** Stages whose operator subscribes to its source with a link of this package. */
const LINKS: ReadonlySet<Stage['op']> = new Set(['finalizeCleanup', 'cancellable', 'timeoutCancel', 'shieldUntil']);

/**
 * The Observable a chain spec describes. `underLink`: whoever subscribes it
 * does so with a link of this package (a group subscribes its children so).
 * `scopeRun`: a cancelScope runs it.
 */
export function build(world: World, chain: ChainSpec, underLink = false, scopeRun = false): Observable<unknown> {
  const [first] = chain.stages;
  // A synchronous source meets the link that subscribes it with nothing in
  // between (the first stage subscribes it without instrumentation), as in
  // `new Observable(…).pipe(finalizeCleanup(…))`: the path where a link runs a
  // teardown its source returned after ending.
  const direct =
    chain.origin.kind === 'sync' &&
    chain.origin.sync.teardown !== 'none' &&
    (first === undefined ? underLink : LINKS.has(first.op));
  let observable = buildOrigin(world, chain.origin, direct);
  chain.stages.forEach((stage, index) => {
    const next = chain.stages[index + 1];
    // Whether what subscribes this stage takes over a subscription it returns
    // late: a link does (nothing in between: a finalizeCleanup stage has its
    // tap), and so does, by its promise, the scope of a run.
    const takesLate = next === undefined ? underLink || scopeRun : next.op !== 'finalizeCleanup' && LINKS.has(next.op);
    observable = applyStage(world, observable, stage, direct && index === 0, takesLate);
  });
  return observable;
}

/**
 * An Observable that opens a frame of `kind` for each subscription and
 * subscribes what `body` returns within it. Transparent: the subscriber it is
 * given is handed on as it is, so no subscriber comes in between.
 */
function framed<T>(
  world: World,
  kind: Frame['kind'],
  body: (frame: Frame) => Observable<T>,
  options: { detaches?: boolean } = {},
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const frame = world.open(kind, options);
    return world.subscribing(frame, subscriber, () => body(frame).subscribe(subscriber));
  });
}

/** Subscribes `observable` within `frame`, whenever it is subscribed (an inner subscription). */
export function inside<T>(world: World, frame: Frame, observable: Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) =>
    world.subscribing(frame, subscriber, () => observable.subscribe(subscriber)),
  );
}

/** Records the first terminal notification a link sends its downstream. */
function reporter<T>(world: World, frame: Frame): MonoTypeOperatorFunction<T> {
  const report = (kind: 'E' | 'C', value?: unknown): void => {
    frame.report ??= { seq: world.tick(), kind, value };
  };
  return tap({ error: (error: unknown) => report('E', error), complete: () => report('C') });
}

function buildOrigin(world: World, origin: Origin, direct: boolean): Observable<unknown> {
  if (origin.kind === 'source') return buildSource(world, origin.source);
  if (origin.kind === 'sync') return buildSync(world, origin.sync, direct);
  return framed(world, 'group', (frame) => {
    const children = origin.children.map((child) => build(world, child, true));
    const group = groupCancel(children, {
      mode: origin.settle ? 'settle' : 'fail-fast',
      output: origin.merge ? 'merge' : 'collect',
    });
    const results = origin.settle && !origin.merge ? group.pipe(tap((value) => world.settled.push(value))) : group;
    return results.pipe(reporter(world, frame));
  });
}

/** The marble of a source spec: one event per frame, values named a, b, c, … */
export function marbleOf(spec: SourceSpec): string {
  let marble = '';
  const at = (frame: number, char: string) => (marble += `${'-'.repeat(frame - marble.length)}${char}`);
  spec.values.forEach((frame, index) => at(frame, String.fromCharCode(97 + index)));
  if (spec.end.kind !== 'never') at(spec.end.frame, spec.end.kind === 'error' ? '#' : '|');
  return marble === '' ? '-' : marble;
}

export function buildSource(world: World, spec: SourceSpec): Observable<unknown> {
  const error = spec.end.kind === 'error' ? world.newError('source') : undefined;
  const marble = marbleOf(spec);
  const observable = spec.hot
    ? world.log(world.helpers.hot(marble, undefined, error))
    : world.log(world.helpers.cold(marble, undefined, error));
  return new Observable<unknown>((subscriber) => {
    const frame = world.open('source');
    frame.stillborn = subscriber.closed;
    return observable.pipe(tap({ error: (raised: unknown) => world.raise(raised, frame) })).subscribe(subscriber);
  });
}

function buildSync(world: World, spec: SyncSourceSpec, direct: boolean): Observable<unknown> {
  // A teardown that throws is collected by a link that subscribed the source
  // itself; under a plain RxJS operator RxJS would throw it out of subscribe()
  // or unsubscribe(), which no generated case could observe. So it throws
  // only where a link is the subscriber.
  const teardownKind = spec.teardown === 'throw' && !direct ? 'log' : spec.teardown;
  return new Observable<unknown>((subscriber) => {
    const frame = world.open('source');
    frame.stillborn = subscriber.closed;
    frame.recordsTeardown = teardownKind !== 'none';
    // The finalizeCleanup run this source feeds directly, if it does: the
    // source marks its upstream's end itself (the run adds no tap).
    const fed = direct && frame.parent?.kind === 'cleanup' ? frame.parent.run : null;
    const ended = (): void => {
      if (fed !== null) fed.upstreamEnded ??= world.tick();
    };
    let hidden: Subscription | null = null;
    const teardown = (): void => {
      frame.teardownSeq = world.tick();
      ended();
      if (teardownKind === 'throw') {
        const error = world.newError('teardown');
        world.raise(error, frame);
        throw error;
      }
      hidden?.unsubscribe();
    };
    // Well behaved, as `of` is: nothing more once the subscriber is closed.
    const emit = (target: Subscriber<unknown>): void => {
      for (let index = 0; index < spec.values && !target.closed; index++) target.next(String.fromCharCode(97 + index));
      if (target.closed) return;
      if (spec.end === 'complete') {
        ended();
        target.complete();
      } else if (spec.end === 'error') {
        const error = world.newError('source');
        world.raise(error, frame);
        ended();
        target.error(error);
      }
    };
    const start = (): void => {
      if (teardownKind === 'hidden') hidden = subscribeHidden(world, frame, spec.hidden);
    };
    if (spec.style === 'observable') {
      start();
      emit(subscriber);
      return teardownKind === 'none' ? undefined : teardown;
    }
    return using(
      () => {
        start();
        return teardownKind === 'none' ? undefined : { unsubscribe: teardown };
      },
      () => new Observable<unknown>(emit),
    ).subscribe(subscriber);
  });
}

/**
 * A chain with a cleanup of its own, subscribed with a plain observer from
 * inside a source's subscribe function: RxJS does not know it belongs there.
 */
function subscribeHidden(world: World, via: Frame, cleanup: CleanupSpec): Subscription {
  const root = world.openUnder(null, 'root', { via });
  const chain = applyStage(world, world.log(world.helpers.cold('-')), {
    op: 'finalizeCleanup',
    cleanup,
    timeout: null,
  });
  return world.within(root, () => chain.subscribe(observerFor(world, root.chain)));
}

/** An observer that records the errors it gets as a channel of `chain`. */
export function observerFor(world: World, chain: string): { error: (error: unknown) => void } {
  return { error: (error: unknown) => void world.channels.push({ chain, error }) };
}

function act(world: World, action: Action | null | undefined): void {
  if (action == null) return;
  if ('emit' in action) world.emit(action.emit);
  else world.closeScope();
}

function cleanupWork(world: World, spec: CleanupSpec, frame: Frame): Observable<unknown> | undefined {
  const run = frame.run!;
  if (spec.duration === 'sync') {
    run.settledSeq = world.tick();
    if (!spec.fails) return undefined;
    const error = world.newError('cleanup');
    world.raise(error, frame);
    throw error;
  }
  const error = spec.fails ? world.newError('cleanup') : undefined;
  const frames = '-'.repeat(spec.duration);
  const work = world.log(world.helpers.cold(spec.fails ? `${frames}#` : `${frames}|`, undefined, error));
  const settled = (): void => void (run.settledSeq ??= world.tick());
  return work.pipe(
    tap({
      error: (raised: unknown) => {
        world.raise(raised, frame);
        settled();
      },
      complete: settled,
      // A timeout ends it.
      unsubscribe: settled,
    }),
  );
}

/**
 * A trigger, made for one subscription of its canceller: a value, an error
 * or a signal so many frames after that subscription, or a shared subject.
 * (Cold, not hot: a hot observable made once virtual time runs, as an inner
 * chain's is, would never emit.)
 */
function trigger(world: World, spec: TriggerSpec, frame: Frame, reason: object): Observable<unknown> | AbortSignal {
  switch (spec.kind) {
    case 'never':
      return world.log(world.helpers.hot('-'));
    case 'subject':
      return world.subjects[spec.index] ?? world.log(world.helpers.hot('-'));
    case 'signal': {
      const controller = new AbortController();
      world.signals.push(controller.signal);
      world.scheduler.schedule(() => controller.abort(reason), spec.frame);
      return controller.signal;
    }
    case 'value':
      return world.log(world.helpers.cold(`${'-'.repeat(spec.frame)}x`, { x: reason }));
    default: {
      const error = world.newError('trigger');
      const cold = world.log(world.helpers.cold(`${'-'.repeat(spec.frame)}#`, undefined, error));
      return cold.pipe(tap({ error: (raised: unknown) => world.raise(raised, frame) }));
    }
  }
}

function applyStage(
  world: World,
  source: Observable<unknown>,
  stage: Stage,
  direct = false,
  takesLate = false,
): Observable<unknown> {
  switch (stage.op) {
    case 'finalizeCleanup':
      return framed(world, 'cleanup', (frame) => {
        const run = world.newStageRun(frame);
        // The upstream's end, marked as it happens. (Not with `finalize`: RxJS
        // adds its callback after subscribe returns, so for a source that ends
        // while being subscribed it would be marked late.) A synchronous
        // source that feeds the link directly marks it itself.
        const ended = (): void => void (run.upstreamEnded ??= world.tick());
        const started = defer(() => {
          run.upstreamStarted = true;
          return source;
        });
        const upstream = direct ? started : started.pipe(tap({ complete: ended, error: ended, unsubscribe: ended }));
        return upstream.pipe(
          finalizeCleanup(
            (exit) => {
              run.cleanupCalls.push(world.tick());
              run.exit = exit;
              act(world, stage.action);
              return cleanupWork(world, stage.cleanup, frame);
            },
            stage.timeout === null ? undefined : { timeout: stage.timeout },
          ),
        );
      });
    case 'cancellable':
      return framed(world, 'cancellable', (frame) => {
        const reason = world.reasonFor(frame, 'cancellable');
        const options = {
          ...(stage.complete ? { onCancel: 'complete' as const } : {}),
          // A subject's value is whoever emitted it: the reason is this canceller's own.
          ...(stage.trigger.kind === 'subject' ? { reason } : {}),
        };
        return source.pipe(cancellable(trigger(world, stage.trigger, frame, reason), options), reporter(world, frame));
      });
    case 'timeoutCancel':
      return framed(world, 'timeout', (frame) => {
        // A stage with neither deadline gets a total of 5.
        const deadlines: TimeoutCancelDeadline =
          stage.total === null && stage.each === null
            ? { total: 5 }
            : ({
                ...(stage.total === null ? {} : { total: stage.total }),
                ...(stage.each === null ? {} : { each: stage.each }),
              } as TimeoutCancelDeadline);
        // The deadline's reason (a DeadlineError) carries the frame as its meta.
        const config = { ...deadlines, meta: frame };
        const operator =
          stage.outcome === 'complete'
            ? timeoutCancel({ ...config, onTimeout: 'complete' })
            : stage.outcome === 'error'
              ? timeoutCancel(config)
              : timeoutCancel({
                  ...config,
                  with: () => {
                    if (stage.outcome === 'fallback') return world.log(world.helpers.cold('-f|'));
                    const error = world.newError('fallback factory');
                    world.raise(error, frame);
                    throw error;
                  },
                });
        return source.pipe(operator, reporter(world, frame));
      });
    case 'shieldUntil':
      return framed(
        world,
        'shield',
        (frame) =>
          source.pipe(
            shieldUntil(stage.release, {
              mode: stage.defer ? 'defer' : 'detach',
              reason: world.reasonFor(frame, 'shield release'),
            }),
          ),
        { detaches: !stage.defer },
      );
    case 'mergeMap':
    case 'switchMap': {
      const { op, inner } = stage;
      return new Observable<unknown>((subscriber) => {
        // Inner subscriptions belong here, whenever they are made.
        const here = world.ctx;
        let previous: Frame | null = null;
        const project = (): Observable<unknown> => {
          // switchMap has unsubscribed the previous inner just now: if it had
          // not ended by itself, it was dropped.
          if (previous !== null && !previous.ended) previous.dropped = true;
          const frame = world.openUnder(here, 'inner');
          const built = build(world, inner);
          if (op === 'mergeMap') return inside(world, frame, built);
          previous = frame;
          const end = (): void => void (frame.ended = true);
          return inside(world, frame, built.pipe(tap({ complete: end, error: end })));
        };
        return source.pipe(op === 'mergeMap' ? mergeMap(project) : switchMap(project)).subscribe(subscriber);
      });
    }
    case 'finalize': {
      const { emit } = stage;
      return source.pipe(
        finalize(() => {
          world.tick();
          if (emit !== null) world.emit(emit);
        }),
      );
    }
    case 'share':
      return framed(world, 'share', (frame) => {
        const end = (): void => void (frame.ended = true);
        const shared = source.pipe(tap({ complete: end, error: end }), share());
        // share() hands its source's error to its subscribers through a
        // Subject; one whose downstream is being torn down (a cascade on its
        // way) drops it there (see World.dropped).
        return new Observable<unknown>((subscriber) =>
          shared
            .pipe(
              tap({
                error: (error: unknown) => {
                  if (closedDownstream(subscriber)) world.dropped.push({ frame, error });
                },
              }),
            )
            .subscribe(subscriber),
        );
      });
    case 'observer':
      return framed(
        world,
        'observer',
        (frame) =>
          new Observable<unknown>((subscriber) => {
            const subscription = source.subscribe({
              next: (value) => subscriber.next(value),
              error: (error: unknown) => {
                if (closedDownstream(subscriber)) world.dropped.push({ frame, error });
                subscriber.error(error);
              },
              complete: () => subscriber.complete(),
            });
            if (subscriber.closed && !takesLate) frame.lateUnderRxjs = true;
            return subscription;
          }),
      );
    default:
      return source.pipe(map((value) => value));
  }
}

/**
 * True if `subscriber`, or a subscriber it feeds, has closed or is in the
 * middle of its own end: RxJS drops what it is handed there.
 */
function closedDownstream(subscriber: Subscriber<unknown>): boolean {
  for (let node: unknown = subscriber; typeof node === 'object' && node !== null;) {
    const each = node as { closed?: unknown; isStopped?: unknown; destination?: unknown; unsubscribe?: unknown };
    if (typeof each.unsubscribe !== 'function') return false;
    if (each.closed === true || each.isStopped === true) return true;
    node = each.destination;
  }
  return false;
}
