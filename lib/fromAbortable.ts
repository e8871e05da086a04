import { from, Observable, Subscription, type ObservableInput, type Observer, type Subscriber } from 'rxjs';
import {
  adoptedReason,
  invalid,
  isObservableInput,
  madeAt,
  reportUnhandledError,
  siteOf,
  subscribingOwner,
  type Site,
} from './core';
import { CancelledError, describeValue } from './errors';

/**
 * Turns an `AbortSignal`-aware function into a cancellable Observable: each
 * subscription calls `work(signal)` with a fresh signal, and unsubscribing
 * before the work is done aborts that signal.
 *
 * <span class="informal">How `fetch`, timers and any `AbortSignal` API become
 * Observables that unsubscription really cancels.</span>
 *
 * ```
 * work(signal):  ------v|          (a Promise resolving at frame 6)
 * result:        ------(v|)
 *
 * unsubscribed:  ---!              signal.aborted, reason CancelledError
 * ```
 *
 * `work` may return a Promise (its value is emitted, then the Observable
 * completes) or any ObservableInput (mirrored). When the subscriber
 * unsubscribes before the work has ended, the signal is aborted with a
 * `CancelledError` whose `reason` is the canceller's (e.g. `cancellable`'s
 * trigger value) or `UNSUBSCRIBED`. Once the work has completed or failed the
 * signal is left alone.
 *
 * What it does not do: it cannot stop work that ignores its signal. A promise
 * that rejects after the abort with the abort's own reason or an `AbortError`
 * is the expected answer to the abort and is dropped; any other late
 * rejection goes to `config.onUnhandledError`, never silently away.
 *
 * Mirrors wrapping a coroutine in an asyncio task: unsubscribing is
 * `task.cancel()`.
 *
 * ## Example
 *
 * ```ts
 * import { timeout } from 'rxjs';
 * import { fromAbortable } from 'rxjs-cancel';
 *
 * const user$ = fromAbortable(signal => fetch('/api/user', { signal }).then(r => r.json()));
 * const subscription = user$.subscribe(console.log);
 * subscription.unsubscribe(); // the request is aborted
 * ```
 *
 * @see {@link cancellable}
 * @param work Called on each subscription with an `AbortSignal`; returns a
 * Promise or an ObservableInput.
 * @return An Observable of the work's result whose unsubscription aborts the
 * work's signal.
 *
 * @group Creation
 */
export function fromAbortable<T>(work: (signal: AbortSignal) => ObservableInput<T>): Observable<T> {
  if (typeof work !== 'function') invalid('fromAbortable', 'work', 'a function', work);
  const site = siteOf(fromAbortable);
  return new Observable<T>((subscriber) => {
    // Added to the subscriber before the work starts, so that an unsubscribe
    // from inside it (a synchronous source feeding `take(1)`) aborts too.
    const run = new AbortableRun(subscriber, site);
    let input: ObservableInput<T>;
    try {
      input = work(run.signal);
    } catch (error) {
      run.error(error);
      return;
    }
    if (isObservableInput(input)) {
      run.settlesWithValue = isThenable(input);
      from(input).subscribe(run);
    } else {
      run.error(
        new TypeError(
          `fromAbortable: \`work\` must return a Promise or an ObservableInput, got ${describeValue(input, true)}`,
        ),
      );
    }
  });
}

/** One call of the work: mirrors its result, aborts its signal if cancelled. */
class AbortableRun<T> extends Subscription implements Observer<T> {
  private readonly controller = new AbortController();
  private ended = false;
  /**
   * A Promise's work is over once it has its value, even if the subscriber
   * (`firstValueFrom`, `take(1)`) unsubscribes on that value before the
   * completion that follows it.
   */
  settlesWithValue = false;

  /** The subscriber it feeds, under the name RxJS gives it, so the walk of adopter() passes through. */
  private readonly destination: Subscriber<T>;
  readonly owner = subscribingOwner();
  /** Where `fromAbortable` was called: the stack of the abort's CancelledError (see core/site.ts). */
  private readonly site: Site;

  constructor(destination: Subscriber<T>, site: Site) {
    super();
    this.destination = destination;
    this.site = site;
    destination.add(this);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  next(value: T): void {
    if (this.closed) return;
    if (this.settlesWithValue) this.ended = true;
    this.destination.next(value);
  }

  error(error: unknown): void {
    if (!this.closed) {
      this.ended = true;
      this.destination.error(error);
    } else if (!isAbortAnswer(error, this.controller.signal)) {
      // A late failure that is not the answer to our abort: never dropped.
      reportUnhandledError(error);
    }
  }

  complete(): void {
    if (this.closed) return;
    this.ended = true;
    this.destination.complete();
  }

  override unsubscribe(): void {
    // Work that has ended is left alone; work still running learns why it is
    // cancelled before its subscription is torn down. (A second call aborts
    // nothing: an aborted signal stays as it is.)
    if (!this.ended) {
      const reason = adoptedReason(this.destination, this.owner);
      this.controller.abort(madeAt(this.site, () => new CancelledError(reason)));
    }
    super.unsubscribe();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as Partial<PromiseLike<unknown>>).then === 'function';
}

/** The rejection an abort-aware API answers our abort with. */
function isAbortAnswer(error: unknown, signal: AbortSignal): boolean {
  if (signal.aborted && error === signal.reason) return true;
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}
