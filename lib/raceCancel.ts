import { from, Observable, type ObservableInputTuple } from 'rxjs';
import {
  CANCEL,
  COMPLETE,
  hooks,
  invalid,
  isObservableInput,
  Link,
  type Downstream,
  type Exit,
  type Hooks,
} from './core';
import { CleanupError, UNSUBSCRIBED } from './errors';

/**
 * The reason the losers of a {@link raceCancel} are cancelled with. Their
 * cleanups see `{ kind: 'cancel', reason: RACE_LOST }`.
 *
 * @group Reasons
 */
export const RACE_LOST: unique symbol = Symbol('race lost');

/**
 * Like RxJS's `race`, but the losers are cancelled with a reason and their
 * cleanups are awaited before the race's own end reaches the downstream.
 *
 * <span class="informal">Trio's "first one wins, cancel the rest" (happy
 * eyeballs); asyncio's `wait(FIRST_COMPLETED)` followed by cancelling and
 * awaiting the pending tasks.</span>
 *
 * ```
 * a:        -1-|
 * b:        ----x---
 * cleanup b: ^---|          (b's finalizeCleanup, 4 frames, sees RACE_LOST)
 * result:   -1---|          (a won at frame 1; its completion waits for b's cleanup)
 * ```
 *
 * ![raceCancel, drawn from its marble test](../docs/diagrams/raceCancel.svg)
 *
 * The sources are subscribed in order. The first to notify wins: a value
 * makes it the winner, whose values then pass straight through; an error or
 * a completion before any value ends the race with it. As soon as there is a
 * winner, the others are cancelled with the reason {@link RACE_LOST} (and
 * sources after the winner, if it won while being subscribed, are never
 * subscribed). The race completes or errors as the winner does, but only
 * once every loser's cleanups have settled, however deep in their chains.
 * A loser whose cleanup fails: the failure is not lost, and not allowed to
 * cut the winner short; the race ends, when the winner ends, with a
 * `CleanupError` holding it (its `cause` the winner's error, if it errored).
 * A downstream that leaves cancels the winner and any loser still cleaning
 * up, and a canceller of this package waits for all of them.
 *
 * Where every cleanup is synchronous, its notifications and subscriptions are
 * those of `race`, frame for frame.
 *
 * @param sources The ObservableInputs to race, as an array or as arguments.
 * @return An Observable of the winner's values.
 *
 * @group Creation
 */
export function raceCancel<T extends readonly unknown[]>(sources: [...ObservableInputTuple<T>]): Observable<T[number]>;
export function raceCancel<T extends readonly unknown[]>(
  ...sources: [...ObservableInputTuple<T>]
): Observable<T[number]>;
export function raceCancel(...args: unknown[]): Observable<unknown> {
  const fn = 'raceCancel';
  const [first] = args;
  const list = args.length === 1 && Array.isArray(first) ? (first as unknown[]) : args;
  const inputs = list.map((input, index) => {
    if (!isObservableInput(input)) invalid(fn, `sources[${index}]`, 'an ObservableInput', input);
    return from(input);
  });
  return new Observable<unknown>((destination) => {
    new Race(destination, inputs).link.open(NO_SOURCE);
  });
}

/** The race's own link has no source: the contenders are its children. */
const NO_SOURCE = new Observable<unknown>();

/**
 * One subscription: a link whose children are the contenders. Once one has
 * won, the others are stopped; a loser still cleaning up watches the race's
 * link, so the race's end waits for it (and takes its failures) as it waits
 * for any upstream cleanup.
 */
class Race {
  readonly link: Link<unknown, Race>;
  private readonly inputs: readonly Observable<unknown>[];
  /** Every contender subscribed so far, in order. */
  private readonly contenders: Link<unknown, Race>[] = [];
  /** The contender that won, or null while they race. */
  private winner: Link<unknown, Race> | null = null;
  /** Cleanup failures of losers that reported while the race went on. */
  private failures: unknown[] | null = null;

  constructor(destination: Downstream<unknown>, inputs: readonly Observable<unknown>[]) {
    this.inputs = inputs;
    this.link = new Link(destination, RACE, this);
  }

  start(): void {
    const { inputs } = this;
    for (let index = 0; index < inputs.length && this.winner === null && this.link.live; index++) {
      this.link.child(inputs[index], CONTENDER, this);
    }
  }

  entered(contender: Link<unknown, Race>): void {
    this.contenders.push(contender);
  }

  /** A contender sent a value: if nobody has won yet, it has. */
  value(contender: Link<unknown, Race>, value: unknown): void {
    if (this.winner === null) this.won(contender);
    if (contender === this.winner) this.link.emit(value);
  }

  /** A contender's end, once its own cleanups have settled. */
  ended(contender: Link<unknown, Race>, exit: Exit): void {
    if (this.winner === null) this.won(contender);
    if (contender !== this.winner) {
      // A loser: cancelled by the race, or failing as it was.
      if (exit.kind === 'error') (this.failures ??= []).push(...failuresOf(exit.error));
      return;
    }
    if (exit.kind === 'error') this.link.error(exit.error);
    else this.link.stop(COMPLETE, UNSUBSCRIBED);
  }

  private won(winner: Link<unknown, Race>): void {
    this.winner = winner;
    for (const contender of this.contenders) if (contender !== winner) contender.stop(CANCEL, RACE_LOST);
  }

  /** The failures to report with the race's outcome: the losers' that reported before it, then its own. */
  withLosers(failures: unknown[] | null): unknown[] | null {
    const losers = this.failures;
    this.failures = null;
    if (losers === null) return failures;
    return failures === null ? losers : [...losers, ...failures];
  }
}

/** What a loser's report carries: the failures of its `CleanupError` (whose cause is its cancel), or an error of its own. */
function failuresOf(error: unknown): readonly unknown[] {
  return error instanceof CleanupError ? (error.errors as unknown[]) : [error];
}

const RACE: Hooks<unknown, Race> = hooks<unknown, Race>({
  start(link) {
    link.state.start();
  },
  report(link, destination, failures) {
    link.tell(destination, link.state.withLosers(failures));
  },
  orphaned(link, sink, failures) {
    link.handOn(sink, link.state.withLosers(failures));
  },
});

/** A contender's link: its state is its race. */
const CONTENDER: Hooks<unknown, Race> = hooks<unknown, Race>({
  start(link, source) {
    link.state.entered(link);
    source.subscribe(link);
  },
  next(link, value) {
    link.state.value(link, value);
  },
  report(link, _destination, failures) {
    link.state.ended(link, link.outcome(failures));
  },
});
