import { from, Observable, type ObservableInput, type ObservedValueOf, type OperatorFunction } from 'rxjs';
import {
  CANCEL,
  checkChoice,
  checkOptions,
  COMPLETE,
  hooks,
  invalid,
  Link,
  reportUnhandledError,
  type Downstream,
  type Exit,
  type Hooks,
} from './core';
import { UNSUBSCRIBED } from './errors';

/**
 * The reason an inner subscription of {@link switchMapCancel} is cancelled
 * with when a newer outer value supersedes it and no `options.reason` was
 * given. Its cleanups see `{ kind: 'cancel', reason: SUPERSEDED }`.
 *
 * @group Reasons
 */
export const SUPERSEDED: unique symbol = Symbol('superseded');

const ON_CLEANUP_ERROR = ['error', 'report'] as const;

/**
 * The options of {@link switchMapCancel}.
 *
 * @group Options and types
 */
export interface SwitchMapCancelOptions<T> {
  /**
   * The reason a superseded inner is cancelled with (what its cleanups see as
   * `exit.reason`), given the outer value that supersedes it. Default:
   * {@link SUPERSEDED}.
   */
  readonly reason?: (value: T) => unknown;
  /**
   * Where the cleanup failures of a superseded inner go: `'error'` (default)
   * ends the stream with a `CleanupError` holding them; `'report'` hands that
   * `CleanupError` to RxJS's `config.onUnhandledError` and goes on with the
   * next inner.
   */
  readonly onCleanupError?: 'error' | 'report';
}

/**
 * Like `switchMap`, but a superseded inner is cancelled and its cleanups are
 * awaited before the next inner is subscribed.
 *
 * <span class="informal">asyncio's "cancel the previous task, await it, then
 * start the next one".</span>
 *
 * ```
 * source:   --a-----b-------|
 * inner a:    --1--2-!                  (a finalizeCleanup in it, 3 frames)
 * cleanup a:         ^--|               (sees reason SUPERSEDED)
 * inner b:              --4--|          (subscribed once a's cleanup is done, at 11)
 * result:   ----1--2-----4--|
 * ```
 *
 * ![switchMapCancel, drawn from its marble test](../docs/diagrams/switchMapCancel.svg)
 *
 * On each outer value, the current inner (if any) is cancelled with
 * `options.reason(value)` (default {@link SUPERSEDED}), and the next inner,
 * `project(value, index)`, is subscribed only once every cleanup of the old
 * one has settled, however deep in its chain (`finalizeCleanup`,
 * `fromAbortable`, the inners of its own `mergeMap`s). The old inner's values
 * stop at once. Outer values that arrive while it waits are not projected:
 * only the latest is kept, and it is the one subscribed next (`index` is its
 * place among all outer values, skipped ones included). Where every cleanup
 * is synchronous, the next inner is subscribed in the same call, and the
 * frames are those of `switchMap`.
 *
 * The stream completes when the outer has completed and the last inner has
 * completed. An inner's error, the outer's error, an error thrown by
 * `project`, and a downstream unsubscribe all end the stream: the inner still
 * running is cancelled (with that error as the reason, or the canceller's
 * reason) and its cleanups are awaited first, as every canceller of this
 * package waits.
 *
 * A superseded inner whose cleanup fails: by default the stream ends with a
 * `CleanupError` holding the failures (its `cause` is the `CancelledError` of
 * the supersede), as any other cleanup failure of this package reaches the
 * downstream; the state that cleanup was to restore (a lock, an optimistic
 * update) is then unknown, and an Angular template bound to the stream shows
 * the error through the app's `ErrorHandler` rather than go on as if nothing
 * happened. With `onCleanupError: 'report'` that `CleanupError` goes to
 * RxJS's `config.onUnhandledError` and the next inner is subscribed.
 *
 * @param project Gives the inner ObservableInput for an outer value and its index.
 * @param options `reason`, `onCleanupError`.
 * @return An operator function with the inners' values.
 *
 * @group Operators
 */
export function switchMapCancel<T, O extends ObservableInput<unknown>>(
  project: (value: T, index: number) => O,
  options?: SwitchMapCancelOptions<T>,
): OperatorFunction<T, ObservedValueOf<O>> {
  const fn = 'switchMapCancel';
  if (typeof project !== 'function') invalid(fn, 'project', 'a function', project);
  checkOptions(fn, options);
  const reason = options?.reason;
  if (reason !== undefined && typeof reason !== 'function') invalid(fn, 'options.reason', 'a function', reason);
  const settings: Settings = {
    project: project as (value: unknown, index: number) => ObservableInput<unknown>,
    reason: (reason as ((value: unknown) => unknown) | undefined) ?? null,
    report: checkChoice(fn, 'options.onCleanupError', options?.onCleanupError, ON_CLEANUP_ERROR) === 'report',
  };
  // (The inners' values are what `project` gives: ObservedValueOf<O>.)
  return (source) =>
    new Observable<unknown>((destination) => {
      new Switch(destination, settings, source).link.open(NO_SOURCE);
    }) as Observable<ObservedValueOf<O>>;
}

/** The switch's own link has no source: the outer and the inners are its children. */
const NO_SOURCE = new Observable<unknown>();

interface Settings {
  readonly project: (value: unknown, index: number) => ObservableInput<unknown>;
  readonly reason: ((value: unknown) => unknown) | null;
  /** onCleanupError: 'report'. */
  readonly report: boolean;
}

/**
 * One subscription: a link whose children are the outer (its values are
 * projected here) and at most one inner at a time (its values go straight
 * to the link's downstream). Ending the link (an error, a downstream that
 * leaves) tears both down with the link as the waiter.
 */
class Switch {
  readonly link: Link<unknown, Switch>;
  private readonly settings: Settings;
  private readonly outer: Observable<unknown>;
  /** The inner running or ending, or null. */
  private inner: Link<unknown, Switch> | null = null;
  /** Whether `inner` was cancelled by a newer outer value. */
  private superseded = false;
  /** The latest outer value that came while the inner was ending, if `waiting`. */
  private latest: unknown = undefined;
  private waiting = false;
  private latestIndex = 0;
  private index = 0;
  private outerDone = false;
  private projecting = false;

  constructor(destination: Downstream<unknown>, settings: Settings, outer: Observable<unknown>) {
    this.settings = settings;
    this.outer = outer;
    this.link = new Link(destination, SWITCH, this);
  }

  start(): void {
    this.link.child(this.outer, OUTER, this);
  }

  outerNext(value: unknown): void {
    const index = this.index++;
    const inner = this.inner;
    if (inner === null && !this.projecting) {
      this.subscribeInner(value, index);
      return;
    }
    // Kept before the cancel: an inner whose cleanups are synchronous ends
    // within it, and the latest value is subscribed there.
    this.latest = value;
    this.latestIndex = index;
    this.waiting = true;
    if (inner !== null) this.supersede(inner, value);
  }

  /** Cancels a live inner for `value`; an inner already ending is let end. */
  private supersede(inner: Link<unknown, Switch>, value: unknown): void {
    if (!inner.live) return;
    this.superseded = true;
    const { reason } = this.settings;
    let why: unknown = SUPERSEDED;
    if (reason !== null) {
      try {
        why = reason(value);
      } catch (error) {
        this.link.error(error);
        return;
      }
    }
    inner.stop(CANCEL, why);
  }

  /** The outer completed or failed (torn down by this link, it reports nothing). */
  outerEnded(exit: Exit): void {
    if (exit.kind === 'error') {
      this.link.error(exit.error);
      return;
    }
    this.outerDone = true;
    // (While `project` runs, the inner it returns is still to come.)
    if (this.inner === null && !this.projecting) this.link.stop(COMPLETE, UNSUBSCRIBED);
  }

  /** Called by the inner's start hook, before anything of it can end. */
  innerStarts(inner: Link<unknown, Switch>): void {
    this.inner = inner;
    this.superseded = false;
  }

  innerEnded(exit: Exit): void {
    const superseded = this.superseded;
    this.inner = null;
    this.superseded = false;
    if (exit.kind === 'error') {
      if (!superseded || !this.settings.report) {
        this.link.error(exit.error);
        return;
      }
      reportUnhandledError(exit.error);
    }
    if (this.waiting) {
      const value = this.latest;
      this.latest = undefined;
      this.waiting = false;
      this.subscribeInner(value, this.latestIndex);
    } else if (this.outerDone) {
      this.link.stop(COMPLETE, UNSUBSCRIBED);
    }
  }

  private subscribeInner(value: unknown, index: number): void {
    let input: Observable<unknown>;
    // An outer value that comes while `project` runs (it emitted into the
    // outer) waits as the latest, and supersedes this inner once it runs.
    this.projecting = true;
    try {
      input = from(this.settings.project(value, index));
    } catch (error) {
      this.link.error(error);
      return;
    } finally {
      this.projecting = false;
    }
    // (`project` may have made the downstream leave.)
    if (!this.link.live) return;
    this.link.child(input, INNER, this);
    const inner = this.inner;
    if (this.waiting && inner !== null) this.supersede(inner, this.latest);
  }
}

/** The switch's link hands its start to the Switch; its outcome is told as any link's. */
const SWITCH: Hooks<unknown, Switch> = hooks<unknown, Switch>({
  start(link) {
    link.state.start();
  },
});

/** The outer's link: its values are projected, its end may end the switch. */
const OUTER: Hooks<unknown, Switch> = hooks<unknown, Switch>({
  next(link, value) {
    link.state.outerNext(value);
  },
  report(link, _destination, failures) {
    link.state.outerEnded(link.outcome(failures));
  },
});

/** An inner's link: its values go on to the switch's downstream (the default), its end to the Switch. */
const INNER: Hooks<unknown, Switch> = hooks<unknown, Switch>({
  start(link, source) {
    link.state.innerStarts(link);
    source.subscribe(link);
  },
  report(link, _destination, failures) {
    link.state.innerEnded(link.outcome(failures));
  },
});
