import { from, Subscription, type Observable, type Observer, type SchedulerLike, type TeardownLogic } from 'rxjs';
import { checkDuration, invalid, isAbortSignal, isObservableInput, isScheduler, scheduledState } from './inputs';
import { reportUnhandledError } from './report';
import { subscribeOwned } from './waiter';

/**
 * Something that fires once: the first value of an ObservableInput, an
 * `AbortSignal` aborting, or (where an operator allows it) a delay in ms.
 * Checked and converted once, when the operator is created.
 */
export type Trigger =
  | { readonly kind: 'observable'; readonly source: Observable<unknown> }
  | { readonly kind: 'signal'; readonly signal: AbortSignal }
  | { readonly kind: 'delay'; readonly ms: number; readonly scheduler: SchedulerLike };

/** What a trigger tells when it fires or fails; what it subscribes or listens to is added to it. */
export interface TriggerOwner extends Pick<Subscription, 'add'> {
  fire(value: unknown): void;
  triggerFailed(error: unknown): void;
}

/**
 * Checks `value`, given as argument `name` to `fn`, and converts it to a
 * Trigger. A number is accepted only when `scheduler` is given (the delay is
 * timed on it).
 */
export function toTrigger(fn: string, name: string, value: unknown, scheduler?: SchedulerLike): Trigger {
  if (typeof value === 'string') {
    // A string is an ObservableInput (of its characters): as a trigger it fires at once.
    const time = scheduler === undefined ? '`timer(ms)`' : 'a number of milliseconds';
    throw new TypeError(
      `${fn}: \`${name}\` must not be a string, got ${JSON.stringify(value)}: a string fires at once (it emits its characters); a time is ${time}, a reason goes in \`options.reason\``,
    );
  }
  if (isAbortSignal(value)) return { kind: 'signal', signal: value };
  if (scheduler !== undefined && typeof value === 'number') {
    if (!isScheduler(scheduler)) invalid(fn, 'options.scheduler', 'a scheduler', scheduler);
    return { kind: 'delay', ms: checkDuration(fn, name, value, true), scheduler };
  }
  if (isObservableInput(value)) return { kind: 'observable', source: from(value) };
  const expected =
    scheduler === undefined
      ? 'an ObservableInput or an AbortSignal'
      : 'an ObservableInput, an AbortSignal or a number of milliseconds';
  return invalid(fn, name, expected, value);
}

/**
 * A trigger's type as the operators take it: any `S` but a string. A string is
 * an ObservableInput (of its characters), so as a trigger it would fire at
 * once; `cancellable('user pressed stop')` or `shieldUntil('5s')` is refused
 * here with this type's one property naming the mistake, and at run time with
 * a `TypeError`.
 *
 * @group Options and types
 */
export type NotAString<S> = S extends string
  ? {
      /** What the compiler shows when a string is given. */
      readonly 'a string is not a trigger: it would fire at once, one value per character': never;
    }
  : S;

/**
 * Starts watching `trigger` for `owner`. Whatever it subscribes or listens to
 * is a child of `owner`, so it is let go when the owner ends. It may fire at
 * once (an aborted signal, a synchronous value).
 */
export function watchTrigger(owner: TriggerOwner, trigger: Trigger): void {
  switch (trigger.kind) {
    case 'signal':
      if (trigger.signal.aborted) owner.fire(trigger.signal.reason);
      else owner.add(new AbortWatcher(owner, trigger.signal));
      return;
    case 'delay':
      owner.add(trigger.scheduler.schedule(fireDelay, trigger.ms, { owner, ms: trigger.ms }));
      return;
    case 'observable':
      // The owner ends on the first value: it is told only that one.
      watchValues(owner, trigger.source);
  }
}

/**
 * Tells `owner` every value of `source` (`fire`) and its error
 * (`triggerFailed`); a completion only lets it go. What it subscribes is the
 * owner's work, whenever it is watched (shieldUntil's release only once the
 * subscriber has left), and is let go when the owner ends.
 */
export function watchValues(owner: TriggerOwner, source: Observable<unknown>): void {
  const watcher = new ValueWatcher(owner);
  owner.add(watcher);
  subscribeOwned(owner, source, watcher);
}

function fireDelay(state?: { owner: TriggerOwner; ms: number }): void {
  // (Which operator's delay it is, the missing state would have said.)
  const { owner, ms } = scheduledState('rxjs-cancel, a delay', state);
  owner.fire(ms);
}

/** Tells the owner the values and the error of what it watches. */
class ValueWatcher extends Subscription implements Observer<unknown> {
  /**
   * The owner, under the name RxJS gives the subscriber a subscriber feeds:
   * the trigger's subscription is the owner's, and the walk of adopter()
   * passes through here to it.
   */
  private readonly destination: TriggerOwner;

  constructor(owner: TriggerOwner) {
    super();
    this.destination = owner;
  }

  // What a source sends after it ended (or after the owner let it go) is
  // ignored, as RxJS's own subscribers do; an error is not lost.
  next(value: unknown): void {
    if (!this.closed) this.destination.fire(value);
  }

  error(error: unknown): void {
    if (this.closed) reportUnhandledError(error);
    else this.destination.triggerFailed(error);
  }

  complete(): void {
    // Nothing more to tell (a trigger that ends without a value never fires): let it go now.
    this.unsubscribe();
  }

  /**
   * The trigger's teardown, returned after the watcher closed (a trigger that
   * fired while being subscribed ended its owner, and with it this watcher):
   * the owner runs it as part of its own ending, awaited and never throwing,
   * as it runs its source's.
   */
  override add(teardown: TeardownLogic): void {
    if (this.closed) this.destination.add(teardown);
    else super.add(teardown);
  }
}

/** Fires the owner when the signal aborts; it stops listening when the watcher goes. */
class AbortWatcher extends Subscription {
  readonly owner: TriggerOwner;
  private readonly listeners: SignalListeners;

  constructor(owner: TriggerOwner, signal: AbortSignal) {
    super();
    this.owner = owner;
    const listeners = listened.get(signal) ?? new SignalListeners(signal);
    this.listeners = listeners;
    listeners.add(this);
    // The first watcher: the listener goes on now (a signal may call it at once).
    if (listeners.size === 1) listeners.listen();
  }

  override unsubscribe(): void {
    this.listeners.remove(this);
    super.unsubscribe();
  }
}

/**
 * Every watcher of one signal, behind the one 'abort' listener the package
 * adds to it, however many subscriptions watch it: an `EventTarget` walks its
 * whole list on every add and remove (N watchers of one signal would cost
 * O(N²)), and Node warns past ten listeners on one signal
 * (`MaxListenersExceededWarning`). The listener goes with the last watcher.
 *
 * So the package's watchers of a signal fire together, where the first of
 * them started listening, in the order they started watching (a listener
 * someone else added in between fires after them all). One that stops
 * watching while others fire is skipped; one that starts then finds the
 * signal aborted and fires at once (see watchTrigger).
 */
class SignalListeners extends Set<AbortWatcher> {
  // It stays the signal's, empty or not, for as long as the signal lives (a
  // WeakMap entry): a watcher is made only for a signal not yet aborted (see
  // watchTrigger), and the next one after the last has gone listens again.
  constructor(readonly signal: AbortSignal) {
    super();
    listened.set(signal, this);
  }

  listen(): void {
    this.signal.addEventListener('abort', this);
  }

  remove(watcher: AbortWatcher): void {
    if (this.delete(watcher) && this.size === 0) this.signal.removeEventListener('abort', this);
  }

  handleEvent(): void {
    // The listener goes with the last watcher, which a cancel lets go: a
    // signal whose removeEventListener throws fails that teardown, not this.
    for (const watcher of [...this]) if (this.has(watcher)) watcher.owner.fire(this.signal.reason);
  }
}

const listened = new WeakMap<AbortSignal, SignalListeners>();
