import { Observable, type MonoTypeOperatorFunction, type ObservableInput } from 'rxjs';
import {
  CANCEL,
  checkChoice,
  checkOptions,
  hooks,
  Link,
  madeAt,
  siteOf,
  toTrigger,
  type NotAString,
  watchTrigger,
  type Site,
  type Hooks,
  type Trigger,
} from './core';
import { CancelledError } from './errors';

const ONCANCEL = ['error', 'complete'] as const;

/**
 * The options of {@link cancellable}.
 *
 * @group Options and types
 */
export interface CancellableOptions {
  /**
   * The reason the upstream is cancelled with, which its cleanups see as
   * `exit.reason` and the downstream as `CancelledError.reason`. Default: the
   * value the trigger emitted, or the `AbortSignal`'s `reason`.
   */
  readonly reason?: unknown;
  /**
   * What the downstream gets once the cancelled upstream has cleaned up:
   * `'error'` (default) a `CancelledError`; `'complete'` a completion, like
   * `takeUntil` but with the cleanup awaited.
   */
  readonly onCancel?: 'error' | 'complete';
}

/**
 * Cancels the source when a trigger fires, waits for the source's cleanups,
 * then tells the downstream it was cancelled.
 *
 * <span class="informal">`task.cancel(msg)` for an Observable.</span>
 *
 * ```
 * source:   --a--b--c--d--
 * trigger:  -------x
 * cleanup:         ^-|         (a finalizeCleanup upstream, 2 frames)
 * result:   --a--b---#         (CancelledError, reason 'x', after the cleanup)
 * ```
 *
 * ![cancellable, drawn from its marble test](../docs/diagrams/cancellable.svg)
 *
 * The trigger is an `AbortSignal` (it fires when it aborts; an already-aborted
 * signal cancels at subscribe time and the source is then never subscribed)
 * or any ObservableInput (it fires on its first value; completing without a
 * value does nothing, like `takeUntil`'s notifier; an error in it cancels the
 * source with that error as the reason and is then passed downstream).
 *
 * When it fires, the source is unsubscribed with the reason; every cleanup
 * the source's chain starts (`finalizeCleanup` anywhere upstream, including in
 * inner Observables of `mergeMap`/`switchMap`/`concatMap`) is awaited; then
 * the downstream gets a `CancelledError` carrying the reason, or completes with
 * `onCancel: 'complete'`. A cleanup that failed is not lost: the downstream
 * gets a `CleanupError` with the failures and the `CancelledError` as its
 * `cause`.
 *
 * It does not cancel anything by itself when the downstream unsubscribes: that
 * is an ordinary unsubscribe, which passes through with the reason of whatever
 * is cancelling (if anything).
 *
 * Mirrors asyncio's `task.cancel(msg)` followed by `await task`.
 *
 * ## Example
 *
 * ```ts
 * import { interval, fromEvent } from 'rxjs';
 * import { cancellable, finalizeCleanup } from 'rxjs-cancel';
 *
 * interval(1000).pipe(
 *   finalizeCleanup(exit => console.log('stopped:', exit.kind)),
 *   cancellable(fromEvent(stopButton, 'click'), { reason: 'stop pressed' }),
 * ).subscribe({ next: console.log, error: e => console.log(e.name, e.reason) });
 * // results (stop pressed after 2.5 s):
 * // 0
 * // 1
 * // stopped: cancel
 * // CancelledError stop pressed
 * ```
 *
 * @see {@link finalizeCleanup}
 * @see {@link fromAbortable}
 * @param trigger An `AbortSignal`, or an ObservableInput whose first value
 * cancels.
 * @param options `reason` and `onCancel`.
 * @return A function that returns an Observable that mirrors the source until
 * the trigger fires, and then ends with a `CancelledError` (or completes) once
 * the source's cleanups have settled.
 *
 * @group Operators
 */
export function cancellable<
  T,
  S extends ObservableInput<unknown> | AbortSignal = ObservableInput<unknown> | AbortSignal,
>(trigger: NotAString<S>, options?: CancellableOptions): MonoTypeOperatorFunction<T> {
  const fn = 'cancellable';
  const watched = toTrigger(fn, 'trigger', trigger);
  const completeOnCancel =
    checkChoice(fn, 'options.onCancel', checkOptions(fn, options)?.onCancel, ONCANCEL) === 'complete';
  const settings: Settings = {
    trigger: watched,
    completeOnCancel,
    reason: options?.reason,
    site: siteOf(cancellable),
  };
  return (source) =>
    new Observable<T>((destination) => {
      new Link(destination, HOOKS as Hooks<T, Settings>, settings).open(source);
    });
}

/** What every subscription of one `cancellable(…)` shares: made once, when the operator is. */
interface Settings {
  readonly trigger: Trigger;
  readonly completeOnCancel: boolean;
  /** `options.reason`: undefined when not given. */
  readonly reason: unknown;
  readonly site: Site;
}

const HOOKS: Hooks<unknown, Settings> = hooks<unknown, Settings>({
  start(link, source) {
    watchTrigger(link, link.state.trigger);
    if (link.live) source.subscribe(link);
  },
  fire(link, triggerReason) {
    link.cancel(link.state.reason, triggerReason);
  },
  report(link, destination, failures) {
    const { completeOnCancel, site } = link.state;
    const { reason } = link;
    if (link.kind !== CANCEL || failures !== null) link.tell(destination, failures);
    else if (completeOnCancel) destination.complete();
    else destination.error(madeAt(site, () => new CancelledError(reason)));
  },
});
