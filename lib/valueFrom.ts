import { EmptyError, from, type ObservableInput } from 'rxjs';
import {
  CANCEL,
  checkOptions,
  COMPLETE,
  hooks,
  invalid,
  isAbortSignal,
  isObservableInput,
  Link,
  type Downstream,
  type Hooks,
} from './core';
import { CancelledError, CleanupError, UNSUBSCRIBED } from './errors';

/**
 * The options of {@link firstValueFromCancel} and {@link lastValueFromCancel}.
 *
 * @group Options and types
 */
export interface ValueFromCancelOptions<D> {
  /**
   * Aborting it cancels the subscription (its cleanups see the signal's
   * `reason`), waits for its cleanups, then rejects with a `CancelledError`
   * carrying that reason. Already aborted: nothing is subscribed.
   */
  readonly signal?: AbortSignal;
  /** What the Promise resolves with if the source completes without a value (else it rejects with RxJS's `EmptyError`). */
  readonly defaultValue?: D;
}

/**
 * RxJS's `firstValueFrom`, with an `AbortSignal`, and the source's cleanups
 * awaited before the Promise settles.
 *
 * <span class="informal">`await` with cancellation: asyncio's
 * `await anext(agen)` in a task that can be cancelled, with `aclose()`
 * awaited (Trio's `aclosing`).</span>
 *
 * The first value ends the subscription (its cleanups see
 * `{ kind: 'cancel', reason: UNSUBSCRIBED }`, as after `take(1)`); once
 * every cleanup it started has settled, the Promise resolves with that value
 * (or rejects with a `CleanupError` if a cleanup failed). A source that
 * completes without a value resolves with `options.defaultValue` if given,
 * else rejects with RxJS's `EmptyError`; one that errors rejects with its
 * error, after its cleanups. Aborting `options.signal` cancels the
 * subscription with the signal's reason, waits for its cleanups, then rejects
 * with a `CancelledError` carrying that reason (a `CleanupError` whose
 * `cause` is that `CancelledError` if a cleanup failed); an already-aborted
 * signal rejects at once and nothing is subscribed. No listener is left on
 * the signal once the Promise has settled.
 *
 * @param source The ObservableInput to take the first value of.
 * @param options `signal`, `defaultValue`.
 * @return A Promise of the first value.
 *
 * @group Promises
 */
export function firstValueFromCancel<T, D = T>(
  source: ObservableInput<T>,
  options?: ValueFromCancelOptions<D>,
): Promise<T | D> {
  return valueFrom('firstValueFromCancel', true, source, options);
}

/**
 * RxJS's `lastValueFrom`, with an `AbortSignal`, and the source's cleanups
 * awaited before the Promise settles.
 *
 * The Promise resolves with the last value once the source has completed
 * and its cleanups have settled; otherwise as {@link firstValueFromCancel}.
 *
 * @param source The ObservableInput to take the last value of.
 * @param options `signal`, `defaultValue`.
 * @return A Promise of the last value.
 *
 * @group Promises
 */
export function lastValueFromCancel<T, D = T>(
  source: ObservableInput<T>,
  options?: ValueFromCancelOptions<D>,
): Promise<T | D> {
  return valueFrom('lastValueFromCancel', false, source, options);
}

function valueFrom<T, D>(
  fn: string,
  first: boolean,
  source: ObservableInput<T>,
  options: ValueFromCancelOptions<D> | undefined,
): Promise<T | D> {
  if (!isObservableInput(source)) invalid(fn, 'source', 'an ObservableInput', source);
  checkOptions(fn, options);
  // The signal itself where `{ signal }` was meant would otherwise be ignored.
  if (isAbortSignal(options)) invalid(fn, 'options', 'an object such as { signal }', options);
  const signal = options?.signal;
  if (signal !== undefined && !isAbortSignal(signal)) invalid(fn, 'options.signal', 'an AbortSignal', signal);
  const input = from(source);
  return new Promise<T | D>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new CancelledError(signal.reason));
      return;
    }
    const awaiting = new Awaiting(first, options, signal ?? null, resolve as (value: unknown) => void, reject);
    awaiting.link.open(input);
  });
}

/** One Promise: the link that subscribes the source, and what it has seen. */
class Awaiting {
  readonly link: Link<unknown, Awaiting>;
  private readonly first: boolean;
  private readonly options: ValueFromCancelOptions<unknown> | undefined;
  private readonly signal: AbortSignal | null;
  private readonly resolve: (value: unknown) => void;
  private readonly reject: (error: unknown) => void;
  /** Where the link reports: the Promise. It never leaves (nothing unsubscribes a Promise), so it keeps no teardowns. */
  private readonly settler: Downstream<unknown>;
  private value: unknown = undefined;
  private hasValue = false;

  constructor(
    first: boolean,
    options: ValueFromCancelOptions<unknown> | undefined,
    signal: AbortSignal | null,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ) {
    this.first = first;
    this.options = options;
    this.signal = signal;
    this.resolve = resolve;
    this.reject = reject;
    const settler: Downstream<unknown> = {
      closed: false,
      next() {},
      error: (error: unknown) => {
        this.settle(false, error);
      },
      complete() {},
      add() {},
      remove() {},
    };
    this.settler = settler;
    this.link = new Link(settler, AWAITING, this);
    signal?.addEventListener('abort', this);
  }

  /** The signal aborted (an EventListener object: no closure to keep). */
  handleEvent(): void {
    this.link.stop(CANCEL, (this.signal as AbortSignal).reason);
  }

  seen(value: unknown): void {
    this.value = value;
    this.hasValue = true;
    if (this.first) this.link.stop(CANCEL, UNSUBSCRIBED);
  }

  report(failures: unknown[] | null): void {
    const { link } = this;
    const took = this.first && this.hasValue;
    if (took || link.kind === COMPLETE) {
      if (failures !== null) this.settle(false, new CleanupError(failures));
      else if (this.hasValue) this.settle(true, this.value);
      else if (this.options !== undefined && 'defaultValue' in this.options)
        this.settle(true, this.options.defaultValue);
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- RxJS's own lastValueFrom rejects with one, and callers test `instanceof EmptyError`
      else this.settle(false, new EmptyError());
      return;
    }
    // An error, or the signal's cancel: told as any link tells it (a
    // CancelledError, or a CleanupError carrying the outcome as its cause).
    link.tell(this.settler, failures);
  }

  private settle(resolved: boolean, result: unknown): void {
    this.signal?.removeEventListener('abort', this);
    this.value = undefined;
    if (resolved) this.resolve(result);
    else this.reject(result);
  }
}

const AWAITING: Hooks<unknown, Awaiting> = hooks<unknown, Awaiting>({
  next(link, value) {
    link.state.seen(value);
  },
  report(link, _destination, failures) {
    link.state.report(failures);
  },
  // Nothing unsubscribes a Promise; a source that unsubscribes its own
  // subscriber leaves the link orphaned. The Promise settles all the same
  // (with a CancelledError of that unsubscribe's reason), and nothing is
  // left waiting on it or listening to the signal.
  orphaned(link, sink, failures) {
    link.state.report(failures);
    sink.release();
  },
});
