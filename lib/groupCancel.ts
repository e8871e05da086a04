import { EMPTY, from, Observable, type ObservableInput, type ObservedValueOf } from 'rxjs';
import {
  checkChoice,
  checkOptions,
  COMPLETE,
  ERROR,
  hooks,
  invalid,
  isObservableInput,
  Link,
  type Downstream,
  type Exit,
  type Hooks,
  type Waiter,
} from './core';
import { brand, CancelledError, describeValue, isBranded, UNSUBSCRIBED } from './errors';

// The mark of this module's errors, shared by every copy of the package (brand, in errors.ts).
const GROUP_ERROR = Symbol.for('rxjs-cancel:GroupError');

/**
 * The error a `groupCancel` ends with when something in it failed, like
 * Python's `ExceptionGroup`: `errors` holds the first child failure, then any
 * errors other children raised while being cancelled, then any cleanup
 * failures. A child that was merely cancelled is not in it.
 *
 * @group Errors
 */
export class GroupError extends AggregateError {
  /** Always `'GroupError'`. */
  override readonly name = 'GroupError';

  constructor(errors: readonly unknown[]) {
    const first = errors.length === 0 ? '' : `: ${describeValue(errors[0])}`;
    super(errors, `${errors.length} error${errors.length === 1 ? '' : 's'} in the group${first}`);
    brand(this, GROUP_ERROR);
  }

  /**
   * `instanceof` that holds across copies of this package: an error made by
   * its ES module build is an instance of the class of its CommonJS build,
   * loaded beside it (Jest with an ES module bundle), and of another version.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isBranded(this, GroupError, GROUP_ERROR, value);
  }
}

/**
 * What groupCancel accepts: an array or a record (a plain object) of ObservableInputs.
 *
 * @group Options and types
 */
export type GroupSources = readonly ObservableInput<unknown>[] | { readonly [key: string]: ObservableInput<unknown> };

/**
 * The values a group's children emit, in the shape of its sources: an array (or tuple) or a record.
 *
 * @group Options and types
 */
export type GroupShape = readonly unknown[] | { readonly [key: string]: unknown };

/**
 * The sources of a group whose children emit `V`: from them TypeScript infers
 * `V` child by child, as `forkJoin` does (a `.then` callback's return type
 * included), rather than checking each against `ObservableInput<unknown>`.
 *
 * @group Options and types
 */
export type GroupInputs<V> = { readonly [K in keyof V]: ObservableInput<V[K]> };

/**
 * How one child of a settling group ended (`Promise.allSettled`'s shape, plus cancellation).
 *
 * @group Options and types
 */
export type SettledResult<T> =
  | {
      /** The child completed. */
      readonly status: 'fulfilled';
      /** Its last value (`undefined` if it had none). */
      readonly value: T;
    }
  | {
      /** The child errored. */
      readonly status: 'rejected';
      /** What it errored with. */
      readonly reason: unknown;
    }
  | {
      /** The child was cancelled (it ended with a `CancelledError`, or the group was cancelled). */
      readonly status: 'cancelled';
      /** The cancellation's reason. */
      readonly reason: unknown;
    };

/**
 * The options of {@link groupCancel}.
 *
 * @group Options and types
 */
export interface GroupCancelOptions {
  /**
   * `'fail-fast'` (default, asyncio's `TaskGroup`): the first child error
   * cancels the others, and once they have cleaned up the group errors with a
   * `GroupError`. `'settle'` (`gather(return_exceptions=True)`,
   * `Promise.allSettled`): no child's failure cancels the others.
   */
  readonly mode?: 'fail-fast' | 'settle';
  /**
   * `'collect'` (default, like `forkJoin`): one array or record when every
   * child has ended: each child's last value, or with `'settle'` each child's
   * `SettledResult`. `'merge'` (like `merge`): the children's values as they
   * come; with `'settle'`, children's errors are reported together at the end.
   */
  readonly output?: 'collect' | 'merge';
  /** How many children may run at once; the others wait their turn. Default: all. */
  readonly concurrency?: number;
}

/**
 * What a collecting group emits: each child's last value, in the shape of the sources.
 *
 * @group Options and types
 */
export type GroupValues<S> = { -readonly [K in keyof S]: ObservedValueOf<S[K]> };
/**
 * What a settling group emits: how each child ended, in the shape of the sources.
 *
 * @group Options and types
 */
export type GroupSettled<S> = { -readonly [K in keyof S]: SettledResult<ObservedValueOf<S[K]>> };
/**
 * What a merging group emits: any child's values.
 *
 * @group Options and types
 */
export type GroupMerged<S> = S extends readonly unknown[] ? ObservedValueOf<S[number]> : ObservedValueOf<S[keyof S]>;

/**
 * Runs Observables together as one task group: if one fails, the others are
 * cancelled and their cleanups awaited before the group reports.
 *
 * <span class="informal">asyncio's `TaskGroup` and `gather`, for
 * Observables.</span>
 *
 * ```
 * failing:  --#                     (fails at frame 2)
 * s1:       -1!                     (cancelled at frame 2, cleans up for 1 frame)
 * s2:       --!                     (cancelled at frame 2, cleans up for 3 frames)
 * result:   -----#                  (GroupError [failure] once both have, at frame 5)
 * ```
 *
 * ![groupCancel, drawn from its marble test](../docs/diagrams/groupCancel.svg)
 *
 * All children are subscribed at once (or `concurrency` at a time), in order.
 * By default (`mode: 'fail-fast'`) the first child that errors cancels every
 * other child, with its error as the reason their cleanups see; the group
 * waits for those cleanups, then errors once with a {@link GroupError}: an
 * `AggregateError` holding the failure, any errors other children raised while
 * being cancelled, and any cleanup failures. A child that ends with a
 * `CancelledError` is cancelled, not failed: it is not in that list and does
 * not cancel its siblings. With `mode: 'settle'` nothing cancels anything and
 * the group reports how each child ended.
 *
 * With `output: 'collect'` (default) the group emits, when every child has
 * ended, an array or record of their last values (`undefined` for a child
 * that completed without one; with `'settle'`, of {@link SettledResult}s) and
 * completes; an empty group completes at once without a value, like
 * `forkJoin`. With `output: 'merge'` it emits the children's values as they
 * come, untagged, like `merge`.
 *
 * Cancelling the group (unsubscribing, or `cancellable`/`timeoutCancel`
 * downstream) cancels every child with that reason; a canceller of this
 * package waits for all their cleanups.
 *
 * Mirrors `async with asyncio.TaskGroup()` and
 * `asyncio.gather(*aws, return_exceptions=True)`.
 *
 * ## Example
 *
 * ```ts
 * import { timer, map } from 'rxjs';
 * import { groupCancel } from 'rxjs-cancel';
 *
 * groupCancel({ user: getUser(id), orders: getOrders(id) }).subscribe({
 *   next: ({ user, orders }) => render(user, orders),
 *   error: (e) => console.log(e.name, e.errors), // GroupError [the first failure, …]
 * });
 * // If getOrders fails, getUser is cancelled (its request aborted, its cleanups
 * // awaited) before the GroupError arrives.
 * ```
 *
 * @see {@link cancelScope}
 * @param sources An array or a record of ObservableInputs.
 * @param options `mode`, `output`, `concurrency`.
 * @return An Observable of the group's results (collect) or values (merge).
 *
 * @group Creation
 */
export function groupCancel<V extends GroupShape>(
  sources: GroupInputs<V>,
  options?: GroupCancelOptions & { readonly mode?: 'fail-fast'; readonly output?: 'collect' },
): Observable<{ -readonly [K in keyof V]: V[K] }>;
/**
 * A settling group (`gather(return_exceptions=True)`, `Promise.allSettled`):
 * no child's failure cancels the others; when all have ended, emits how each
 * ended, as an array or record of {@link SettledResult}s.
 *
 * @see {@link groupCancel} (the first signature) for the whole story.
 * @param sources An array or a record of ObservableInputs.
 * @param options `mode: 'settle'`, and `concurrency`.
 * @return An Observable of one array or record of SettledResults.
 */
export function groupCancel<V extends GroupShape>(
  sources: GroupInputs<V>,
  options: GroupCancelOptions & { readonly mode: 'settle'; readonly output?: 'collect' },
): Observable<{ -readonly [K in keyof V]: SettledResult<V[K]> }>;
/**
 * A merging group: the children's values as they come, like `merge`; in
 * `'fail-fast'` mode the first failure cancels the rest and the group errors
 * with a {@link GroupError} once they have cleaned up; in `'settle'` mode the
 * errors are reported together when all have ended.
 *
 * @see {@link groupCancel} (the first signature) for the whole story.
 * @param sources An array or a record of ObservableInputs.
 * @param options `output: 'merge'`, and `mode`, `concurrency`.
 * @return An Observable of the children's values.
 */
export function groupCancel<V extends GroupShape>(
  sources: GroupInputs<V>,
  options: GroupCancelOptions & { readonly output: 'merge' },
): Observable<V extends readonly unknown[] ? V[number] : V[keyof V]>;
/**
 * With a mode or output known only at run time, the result is only known to
 * be an Observable.
 *
 * @see {@link groupCancel} (the first signature) for the whole story.
 * @param sources An array or a record of ObservableInputs.
 * @param options `mode`, `output`, `concurrency`.
 * @return An Observable of results (collect) or values (merge).
 */
export function groupCancel(sources: GroupSources, options?: GroupCancelOptions): Observable<unknown>;
export function groupCancel(sources: GroupSources, options?: GroupCancelOptions): Observable<unknown> {
  const settings = settingsOf(sources, options);
  return new Observable<unknown>((destination) => {
    // A destination already closed leaves the group ended: start() is not called.
    new Group(destination, settings).link.open(NO_SOURCE);
  });
}

/** What a group's link is opened with: it has no source of its own, only children. */
const NO_SOURCE = EMPTY;

const MODES = ['fail-fast', 'settle'] as const;
const OUTPUTS = ['collect', 'merge'] as const;

interface Settings {
  readonly children: readonly Observable<unknown>[];
  /** The record's keys, or null for an array. */
  readonly keys: readonly string[] | null;
  readonly settle: boolean;
  readonly merge: boolean;
  readonly concurrency: number;
}

function settingsOf(sources: unknown, options: GroupCancelOptions | undefined): Settings {
  const fn = 'groupCancel';
  let keys: string[] | null = null;
  let inputs: unknown[];
  if (Array.isArray(sources)) {
    inputs = sources;
  } else if (isRecord(sources)) {
    keys = Object.keys(sources);
    inputs = keys.map((key) => sources[key]);
  } else {
    invalid(fn, 'sources', 'an array or a record of ObservableInputs', sources);
  }
  const children = inputs.map((input, index) => {
    if (!isObservableInput(input)) {
      const name = keys === null ? `sources[${index}]` : `sources.${keys[index]}`;
      invalid(fn, name, 'an ObservableInput', input);
    }
    return from(input);
  });
  checkOptions(fn, options);
  const mode = checkChoice(fn, 'options.mode', options?.mode, MODES);
  const output = checkChoice(fn, 'options.output', options?.output, OUTPUTS);
  const concurrency = options?.concurrency ?? Infinity;
  if (typeof concurrency !== 'number') invalid(fn, 'options.concurrency', 'a number', concurrency);
  // NaN fails the first test.
  if (!(concurrency >= 1) || (concurrency !== Infinity && !Number.isInteger(concurrency))) {
    invalid(fn, 'options.concurrency', 'a whole number of at least 1', concurrency, true);
  }
  return { children, keys, settle: mode === 'settle', merge: output === 'merge', concurrency };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * The group: a link whose upstream is its children. Each child runs through
 * a link of its own, attached to the group, so a child reports its end only
 * once its own leftovers have cleaned up, and ending the group (a failure, or
 * a cancel from downstream) tears every child down with the group as the
 * waiter: their cleanups are awaited and their failures collected.
 */
class Group {
  private readonly size: number;
  private startedCount = 0;
  private active = 0;
  private finished = 0;
  private filling = false;
  /** Collect: each child's last value, or its SettledResult once it ended. */
  private readonly results: unknown[];
  /**
   * Settle: the children's failures. Reported together at the end with merge
   * output (collect reports them in its results), and in any case handed on
   * if the group is cancelled before it could report them.
   */
  private rejections: unknown[] | null = null;

  private readonly settings: Settings;
  readonly link: Link<unknown, Group>;

  constructor(destination: Downstream<unknown>, settings: Settings) {
    this.settings = settings;
    this.size = settings.children.length;
    this.results = settings.merge ? [] : new Array<unknown>(this.size).fill(undefined);
    this.link = new Link(destination, GROUP, this);
  }

  /** The group's upstream is its children. */
  start(): void {
    this.fill();
  }

  childNext(index: number, value: unknown): void {
    if (!this.link.live) return;
    if (this.settings.merge) this.link.emit(value);
    else this.results[index] = value;
  }

  /**
   * A child reports its end only to a group that is still open (see
   * Link.deliver), and the group closes as it leaves LIVE: it is live here.
   */
  childEnded(index: number, exit: Exit): void {
    this.active--;
    this.finished++;
    if (exit.kind === 'error') {
      const { error } = exit;
      const cancelled = error instanceof CancelledError;
      if (!cancelled && !this.settings.settle) {
        // As any error the group's link is sent: it fails the group while
        // the group runs, is part of its outcome while it ends (a child whose
        // cleanup a sibling's teardown settled), and is never dropped after.
        this.link.error(error);
        return;
      }
      if (this.settings.settle) {
        if (!cancelled) (this.rejections ??= []).push(error);
        if (!this.settings.merge) {
          this.results[index] = cancelled
            ? { status: 'cancelled', reason: error.reason }
            : { status: 'rejected', reason: error };
        }
      }
    } else if (this.settings.settle && !this.settings.merge) {
      this.results[index] = { status: 'fulfilled', value: this.results[index] };
    }
    if (!this.filling) this.fill();
  }

  /** Starts children while there is room, then ends the group once all have ended. */
  private fill(): void {
    const { children, concurrency } = this.settings;
    this.filling = true;
    while (this.link.live && this.startedCount < this.size && this.active < concurrency) {
      const index = this.startedCount++;
      this.active++;
      const child = new Child(this, index);
      this.link.child(children[index], CHILD, child);
    }
    this.filling = false;
    if (this.link.live && this.finished === this.size) this.link.stop(COMPLETE, UNSUBSCRIBED);
  }

  report(destination: Downstream<unknown>, failures: unknown[] | null): void {
    if (this.link.kind === ERROR) {
      destination.error(new GroupError([this.link.reason, ...(failures ?? [])]));
      return;
    }
    const errors = [...(this.settings.merge ? (this.rejections ?? []) : []), ...(failures ?? [])];
    if (errors.length > 0) {
      destination.error(new GroupError(errors));
      return;
    }
    if (!this.settings.merge && this.size > 0) destination.next(this.shaped());
    destination.complete();
  }

  /**
   * Cancelled before it could report: the failures a settling group was
   * holding have nowhere to go but where the cleanup failures go.
   */
  orphaned(sink: Waiter, failures: unknown[] | null): void {
    if (this.rejections !== null) for (const rejection of this.rejections) sink.fail(rejection);
    this.rejections = null;
    this.link.handOn(sink, failures);
  }

  private shaped(): unknown {
    const { keys } = this.settings;
    // The group is done with its results: the array itself can go.
    if (keys === null) return this.results;
    // Defined, not assigned: a record is data, and an own `__proto__` key (from
    // JSON.parse, say) is a key like any other, not the record's prototype.
    const record: Record<string, unknown> = {};
    keys.forEach((key, index) => {
      Object.defineProperty(record, key, {
        value: this.results[index],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
    return record;
  }
}

/** Every hook of the group's link hands over to its Group. */
const GROUP: Hooks<unknown, Group> = hooks<unknown, Group>({
  start(link) {
    link.state.start();
  },
  report(link, destination, failures) {
    link.state.report(destination, failures);
  },
  orphaned(link, sink, failures) {
    link.state.orphaned(sink, failures);
  },
});

/** One child of a group: where its values go, and whose end it is. */
class Child {
  private readonly group: Group;
  readonly index: number;

  constructor(group: Group, index: number) {
    this.group = group;
    this.index = index;
  }

  next(value: unknown): void {
    this.group.childNext(this.index, value);
  }

  ended(exit: Exit): void {
    this.group.childEnded(this.index, exit);
  }
}

/** A child's link: its end, once its own leftovers have cleaned up, goes to the group. */
const CHILD: Hooks<unknown, Child> = hooks<unknown, Child>({
  next(link, value) {
    link.state.next(value);
  },
  report(link, _destination, failures) {
    link.state.ended(link.outcome(failures));
  },
});
