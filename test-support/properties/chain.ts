import { defer, map, mergeMap, switchMap, tap, type Observable } from 'rxjs';
import { cancellable, finalizeCleanup, groupCancel, shieldUntil, timeoutCancel } from '../../lib';
import type { World } from './world';

// A generated case is data (these types); build() turns it into RxJS, with
// every piece instrumented through the World.

export interface SourceSpec {
  readonly hot: boolean;
  /** Frames of the values, ascending. */
  readonly values: readonly number[];
  readonly end: { readonly kind: 'complete' | 'error'; readonly frame: number } | { readonly kind: 'never' };
}

export interface CleanupSpec {
  /** 'sync', or the frames an asynchronous cleanup (a cold observable) takes. */
  readonly duration: 'sync' | number;
  readonly fails: boolean;
}

export type TriggerSpec =
  { readonly kind: 'value' | 'error' | 'signal'; readonly frame: number } | { readonly kind: 'never' };

export type Stage =
  | { readonly op: 'finalizeCleanup'; readonly cleanup: CleanupSpec; readonly timeout: number | null }
  | { readonly op: 'cancellable'; readonly trigger: TriggerSpec; readonly complete: boolean }
  | {
      readonly op: 'timeoutCancel';
      readonly total: number | null;
      readonly each: number | null;
      readonly outcome: 'error' | 'complete' | 'fallback' | 'fallback throws';
    }
  | { readonly op: 'shieldUntil'; readonly release: number; readonly defer: boolean }
  | { readonly op: 'mergeMap' | 'switchMap'; readonly inner: ChainSpec }
  | { readonly op: 'map' };

export type Origin =
  | { readonly kind: 'source'; readonly source: SourceSpec }
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

export function build(world: World, chain: ChainSpec): Observable<unknown> {
  let observable = buildOrigin(world, chain.origin);
  for (const stage of chain.stages) observable = applyStage(world, observable, stage);
  return observable;
}

function buildOrigin(world: World, origin: Origin): Observable<unknown> {
  if (origin.kind === 'source') return buildSource(world, origin.source);
  const children = origin.children.map((child) => build(world, child));
  const group = groupCancel(children, {
    mode: origin.settle ? 'settle' : 'fail-fast',
    output: origin.merge ? 'merge' : 'collect',
  });
  return origin.settle && !origin.merge ? group.pipe(tap((results) => world.settled.push(results))) : group;
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
  return observable.pipe(tap({ error: (raised: unknown) => world.raise(raised) }));
}

function cleanupWork(world: World, spec: CleanupSpec): Observable<unknown> | undefined {
  if (spec.duration === 'sync') {
    if (!spec.fails) return undefined;
    const error = world.newError('cleanup');
    world.raise(error);
    throw error;
  }
  const error = spec.fails ? world.newError('cleanup') : undefined;
  const frames = '-'.repeat(spec.duration);
  const work = world.log(world.helpers.cold(spec.fails ? `${frames}#` : `${frames}|`, undefined, error));
  return work.pipe(tap({ error: (raised: unknown) => world.raise(raised) }));
}

function trigger(world: World, spec: TriggerSpec): Observable<unknown> | AbortSignal {
  switch (spec.kind) {
    case 'never':
      return world.log(world.helpers.hot('-'));
    case 'signal': {
      const controller = new AbortController();
      world.signals.push(controller.signal);
      world.scheduler.schedule(() => controller.abort('aborted'), spec.frame);
      return controller.signal;
    }
    case 'value':
      return world.log(world.helpers.hot(`${'-'.repeat(spec.frame)}x`));
    default: {
      const error = world.newError('trigger');
      const hot = world.log(world.helpers.hot(`${'-'.repeat(spec.frame)}#`, undefined, error));
      return hot.pipe(tap({ error: (raised: unknown) => world.raise(raised) }));
    }
  }
}

function applyStage(world: World, source: Observable<unknown>, stage: Stage): Observable<unknown> {
  switch (stage.op) {
    case 'finalizeCleanup':
      return defer(() => {
        const run = world.newStageRun();
        // The upstream's end, marked as it happens. (Not with `finalize`: RxJS
        // adds its callback after subscribe returns, so for a source that ends
        // while being subscribed it would be marked late.)
        const ended = (): void => void (run.upstreamEnded ??= world.tick());
        const upstream = defer(() => {
          run.upstreamStarted = true;
          return source;
        }).pipe(tap({ complete: ended, error: ended, unsubscribe: ended }));
        return upstream.pipe(
          finalizeCleanup(
            () => {
              run.cleanupCalls.push(world.tick());
              return cleanupWork(world, stage.cleanup);
            },
            stage.timeout === null ? undefined : { timeout: stage.timeout },
          ),
        );
      });
    case 'cancellable':
      return source.pipe(cancellable(trigger(world, stage.trigger), stage.complete ? { onCancel: 'complete' } : {}));
    case 'timeoutCancel': {
      const deadlines = {
        ...(stage.total === null ? {} : { total: stage.total }),
        ...(stage.each === null ? {} : { each: stage.each }),
      };
      const config = Object.keys(deadlines).length === 0 ? { total: 5 } : deadlines;
      if (stage.outcome === 'complete') return source.pipe(timeoutCancel({ ...config, onTimeout: 'complete' }));
      if (stage.outcome === 'error') return source.pipe(timeoutCancel(config));
      return source.pipe(
        timeoutCancel({
          ...config,
          with: () => {
            if (stage.outcome === 'fallback') return world.log(world.helpers.cold('-f|'));
            const error = world.newError('fallback factory');
            world.raise(error);
            throw error;
          },
        }),
      );
    }
    case 'shieldUntil':
      return source.pipe(shieldUntil(stage.release, { mode: stage.defer ? 'defer' : 'detach' }));
    case 'mergeMap':
      return source.pipe(mergeMap(() => build(world, stage.inner)));
    case 'switchMap':
      return source.pipe(switchMap(() => build(world, stage.inner)));
    default:
      return source.pipe(map((value) => value));
  }
}
