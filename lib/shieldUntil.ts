import {
  asyncScheduler,
  Observable,
  type MonoTypeOperatorFunction,
  type ObservableInput,
  type SchedulerLike,
} from 'rxjs';
import {
  adopter,
  checkChoice,
  checkOptions,
  hooks,
  invalid,
  Link,
  toTrigger,
  type NotAString,
  watchTrigger,
  type Exit,
  type Hooks,
  type Trigger,
} from './core';
import { brand, describeValue, isBranded } from './errors';

const SHIELD_RELEASED = Symbol.for('rxjs-cancel:ShieldReleased');

/**
 * The reason shielded work is cancelled with when its `shieldUntil` release
 * fires after the subscriber left. `release` holds what released it: the
 * trigger's value, the `AbortSignal`'s reason, or the number of milliseconds.
 *
 * Not an Error: a reason says why, it is never thrown, and capturing a stack
 * would cost more than the rest of the release.
 *
 * @group Reasons
 */
export class ShieldReleased {
  constructor(
    /** What released the work: the trigger's value, the signal's reason, or the milliseconds. */
    readonly release: unknown,
  ) {
    brand(this, SHIELD_RELEASED);
  }

  /**
   * `instanceof` that holds across copies of this package: an error made by
   * its ES module build is an instance of the class of its CommonJS build,
   * loaded beside it (Jest with an ES module bundle), and of another version.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(this, ShieldReleased, SHIELD_RELEASED, value);
  }

  /** Says what released the work, for logs. */
  toString(): string {
    return typeof this.release === 'number'
      ? `shielded work released ${this.release} ms after its subscriber left`
      : `shielded work released: ${describeValue(this.release)}`;
  }
}

/**
 * The options of {@link shieldUntil}.
 *
 * @group Options and types
 */
export interface ShieldUntilOptions {
  /**
   * What a canceller of this package (`cancellable`, `timeoutCancel`, …) does
   * when it cancels past the shield:
   * - `'detach'` (default, asyncio's `shield`): it reports at once, and the
   *   shielded work finishes in the background;
   * - `'defer'` (Trio's shielded scope, Kotlin's `NonCancellable`): it waits
   *   for the shielded work to end, as it waits for cleanups, and reports the
   *   work's failure with its own outcome.
   */
  readonly mode?: 'detach' | 'defer';
  /**
   * Receives how detached work ended (completed, failed, or cancelled by the
   * release). Without it, a failure of detached work goes to
   * `config.onUnhandledError` (in `'defer'` mode: to the canceller).
   */
  readonly onDetachedExit?: (exit: Exit) => void;
  /**
   * The reason the work is cancelled with when the release fires. Default: a
   * `ShieldReleased` saying what released it.
   */
  readonly reason?: unknown;
  /** The scheduler that times a release given in milliseconds. Default: `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

const MODES = ['detach', 'defer'] as const;

interface Settings {
  readonly release: Trigger | null;
  readonly defer: boolean;
  readonly onDetachedExit: ((exit: Exit) => void) | null;
  /** `options.reason`: undefined when not given. */
  readonly reason: unknown;
}

/**
 * Keeps the source running when the subscriber leaves, until it ends by
 * itself or `release` fires.
 *
 * <span class="informal">asyncio's `shield`: cancelling the caller does not
 * cancel the work.</span>
 *
 * ```
 * source:   --a--b--c--d--|          (the work)
 * result:   --a--(b|)                (take(2) after it: the subscriber leaves at frame 5…)
 * subs:     ^-------------!          (…and the work runs on to its end, at 14)
 *
 * with shieldUntil(release), release = cold('----r'):
 * release:       ----r               (watched from frame 5, when the subscriber leaves)
 * subs:     ^--------!               (the work is cancelled at frame 9 by the release)
 * ```
 *
 * ![shieldUntil, drawn from its marble test](../docs/diagrams/shieldUntil.svg)
 *
 * While the subscriber is there, the shield is transparent. When it
 * unsubscribes, or a canceller of this package cancels past the shield, the
 * source is not unsubscribed: it runs on, detached. Its values are dropped.
 * If it errors, the error goes to `options.onDetachedExit` if given, or else
 * to `config.onUnhandledError`, like asyncio's "exception was never
 * retrieved" — never silently away.
 *
 * From the moment it is detached, `release` is watched: the first value of an
 * ObservableInput, an `AbortSignal` aborting (an already-aborted one releases
 * at once), or a number of milliseconds. When it fires, the detached work is
 * cancelled with a `ShieldReleased` (or `options.reason`) as the reason,
 * and its cleanups run. Without `release` the work runs until it ends.
 *
 * With `mode: 'defer'` a canceller of this package waits for the shielded work
 * to end, as it waits for cleanups. In both modes, once the work has ended or
 * been released, nothing of it remains: no subscription, timer or listener.
 *
 * It does not protect against the work failing, and it cannot keep work alive
 * whose own source is shared and stopped by others.
 *
 * Mirrors `await asyncio.shield(work)`.
 *
 * ## Example
 *
 * ```ts
 * import { timer } from 'rxjs';
 * import { fromAbortable, shieldUntil } from 'rxjs-cancel';
 *
 * // Saving must not be cut short when the user navigates away, but give it 10 s at most.
 * const save$ = fromAbortable((signal) => fetch('/api/save', { method: 'POST', body: draft, signal })).pipe(
 *   shieldUntil(10_000),
 * );
 * const subscription = save$.subscribe();
 * subscription.unsubscribe(); // the request goes on; it is aborted only if still running after 10 s
 * ```
 *
 * @see {@link timeoutCancel}
 * @param release What ends the detached work early: an ObservableInput's
 * first value, an `AbortSignal`, or a number of milliseconds.
 * @param options `mode`, `onDetachedExit`, `reason`, `scheduler`.
 * @return A function that returns an Observable that mirrors the source, whose
 * subscription to the source outlives its subscriber until the source ends
 * or the release fires.
 *
 * @group Operators
 */
export function shieldUntil<
  T,
  S extends ObservableInput<unknown> | AbortSignal | number = ObservableInput<unknown> | AbortSignal | number,
>(release?: NotAString<S>, options?: ShieldUntilOptions): MonoTypeOperatorFunction<T> {
  const fn = 'shieldUntil';
  const mode = checkChoice(fn, 'options.mode', checkOptions(fn, options)?.mode, MODES);
  const onDetachedExit = options?.onDetachedExit ?? null;
  if (onDetachedExit !== null && typeof onDetachedExit !== 'function') {
    invalid(fn, 'options.onDetachedExit', 'a function', onDetachedExit);
  }
  const settings: Settings = {
    release: release === undefined ? null : toTrigger(fn, 'release', release, options?.scheduler ?? asyncScheduler),
    defer: mode === 'defer',
    onDetachedExit,
    reason: options?.reason,
  };
  return (source) =>
    new Observable<T>((destination) => {
      new Link(destination, HOOKS as Hooks<T, Settings>, settings).open(source);
    });
}

const HOOKS: Hooks<unknown, Settings> = hooks<unknown, Settings>({
  // A subscriber that leaves before the work started leaves nothing to shield.
  start(link, source) {
    link.shield();
    source.subscribe(link);
  },

  /**
   * The subscriber left (or a canceller cancels past the shield): the source
   * runs on, detached; in 'defer' mode the canceller, if any, waits for it.
   */
  leave(link) {
    const { defer, release } = link.state;
    link.detach(defer ? adopter(link.destination, link.owner) : null);
    if (release !== null) watchTrigger(link, release);
  },

  /** The release fired while detached (stop() ignores it once the work has ended). */
  fire(link, release) {
    link.cancel(link.state.reason, new ShieldReleased(release));
  },

  /** Detached work has ended: its outcome goes to the callback, or its failure to the sink. */
  orphaned(link, sink, failures) {
    const exit = link.outcome(failures);
    const { onDetachedExit } = link.state;
    if (onDetachedExit !== null) {
      try {
        onDetachedExit(exit);
      } catch (error) {
        sink.fail(error);
      }
    } else if (exit.kind === 'error') {
      sink.fail(exit.error);
    }
    sink.release();
  },
});
