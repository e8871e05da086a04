import { UnsubscriptionError, type Observable, type Observer, type Subscription, type Unsubscribable } from 'rxjs';
import { UNSUBSCRIBED } from '../errors';
import { reportUnhandledError } from './report';

/**
 * Whoever is ending a subscription and waits for the cleanups that ending
 * starts. See docs/cancellation-core.md for the whole mechanism.
 *
 * RxJS tears a chain down with one synchronous `unsubscribe()` cascade that
 * runs from the canceller up through every operator and every inner
 * subscription of `mergeMap`/`switchMap`/`concatMap` (they are all children
 * of the subscriber they feed). A canceller of this package makes itself the
 * *ambient waiter* for the length of that cascade. Every link of this package
 * that the cascade reaches reads the reason from it and, if it starts work
 * that outlives the cascade (an asynchronous cleanup), holds it until that
 * work settles. So the cost is paid per cancellation, never per subscription,
 * and nothing needs to be threaded through subscribe calls.
 */
export interface Waiter {
  /** Why the work is ended: what upstream cleanups see as `exit.reason`. */
  readonly reason: unknown;
  /** One more piece of cleanup work that outlives the synchronous teardown. */
  hold(): void;
  /** A cleanup failed: the waiter reports the error with its outcome. */
  fail(error: unknown): void;
  /** A held piece of work settled (after its `fail`, if it failed). */
  release(): void;
}

/** What the walk of {@link adopter} reads on the way: RxJS subscribers and this package's links. */
interface Node {
  readonly closed: boolean;
  /** The subscriber it feeds (RxJS's `Subscriber.destination`, the link's downstream). */
  readonly destination?: unknown;
  /** Set on this package's subscribers: see {@link subscribingOwner}. */
  readonly owner?: object | null;
}

/**
 * A subscription in the synchronous part of its ending (a link between its
 * source's end and its report, see link.ts): a teardown that starts meanwhile
 * may be tearing down what it reports to, and tells it so.
 */
export interface Ending extends Waiter {
  /** A teardown with `waiter` starts while this one is ending. */
  teardownStarts(waiter: Waiter): void;
}

interface Ambient {
  /**
   * The waiters of the teardowns running now, innermost last (a cancel nests
   * in another's teardown).
   */
  readonly waiters: Waiter[];
  /** The subscriptions ending right now, innermost last (see Ending). */
  readonly endings: Ending[];
  /**
   * While subscriptions are being made on someone's behalf: the outermost
   * such call's slot, which says on whose behalf now (see enterOwner).
   */
  owning: OwnerSlot | null;
}

/** Where the owner of the subscriptions being made now is kept, while any is. */
export interface OwnerSlot {
  subscribing: object | null;
}

// The ambient slot lives on `globalThis` under a registered symbol, so that two
// copies of this package in one app (an ESM and a CJS build, or two versions)
// still see each other's cancellations. Its shape is the contract between
// them; the `v2` in the key is bumped whenever it changes.
//
// It is sealed: its properties cannot be deleted or redefined. Jest 30 deletes
// or wraps ("soft" mode, a setter that calls itself) the properties of every
// object a test file left on its global object; a timer that outlives the file
// and unsubscribes through this package must still find a plain, writable slot.
// (Jest does not reach into the objects those properties hold: the stacks.)
//
// The stacks are arrays rather than a field in each link: a field costs every
// subscription, a stack only the teardowns running.
const AMBIENT_KEY = Symbol.for('rxjs-cancel.ambient.v3');
const ambient: Ambient = ((globalThis as Record<symbol, Ambient | undefined>)[AMBIENT_KEY] ??= Object.seal({
  waiters: [],
  endings: [],
  owning: null,
}));

/**
 * What subscriptions made right now belong to: the link subscribing its
 * source, a scope starting a run, a cleanup being awaited; null at top level.
 * A link keeps it (as `owner`) as where its work belongs when the
 * subscriber it feeds is a plain observer's, whose own parent RxJS does not
 * tell (see {@link adopter}).
 */
export function subscribingOwner(): object | null {
  const { owning } = ambient;
  return owning === null ? null : owning.subscribing;
}

/** What {@link enterOwner} returns when its call is the outermost. */
const OUTERMOST = {};

/**
 * Makes `owner` the {@link subscribingOwner} until {@link leaveOwner} is
 * given what this returns. Calls nest, as the subscribe calls they wrap do.
 *
 * The outermost call keeps the owner in `slot`, an object made for that call
 * (a link opening at top level: the link itself; with none given, one is
 * made here, and only then), and nested calls write there. So the long-lived
 * global slot is written only by the outermost call: a write of a newly made
 * object into a long-lived one costs V8 a remembered-set entry each time,
 * which measured a fifth of a chain of links' subscribe.
 */
export function enterOwner(owner: object | null, slot: OwnerSlot | null): object | null {
  const { owning } = ambient;
  if (owning === null) {
    if (slot === null) slot = { subscribing: owner };
    else slot.subscribing = owner;
    ambient.owning = slot;
    return OUTERMOST;
  }
  const outer = owning.subscribing;
  owning.subscribing = owner;
  return outer;
}

export function leaveOwner(outer: object | null): void {
  if (outer === OUTERMOST) ambient.owning = null;
  else if (ambient.owning !== null) ambient.owning.subscribing = outer;
}

/**
 * Subscribes `subscriber` to `source` with `owner` as the {@link subscribingOwner}.
 * `slot` is what {@link enterOwner} may keep it in (see there).
 */
export function subscribeOwned<T>(
  owner: object | null,
  source: Observable<T>,
  subscriber: Partial<Observer<T>>,
  slot: OwnerSlot | null = null,
): void {
  const outer = enterOwner(owner, slot);
  try {
    source.subscribe(subscriber);
  } finally {
    leaveOwner(outer);
  }
}

/**
 * The waiter of the teardown running now, if that teardown is what is ending
 * a subscription of this package: `from` is the subscriber the subscription
 * feeds (whose teardown reached it), `owner` what it was subscribed for.
 *
 * A cancel adopts exactly the subscriptions its own teardown reaches through
 * the subscription tree, not whatever else happens to be unsubscribed in the
 * same synchronous window (a `finalize` that emits into a Subject another
 * chain's `takeUntil` or `switchMap` listens to). The tree is found by walking
 * downstream: every subscriber feeds its `destination` and is its child, so
 * from `from` on, each subscriber must already be closed (torn down by this
 * cascade), up to what the teardown started from. A subscriber still open
 * means the teardown came from elsewhere (a `switchMap` dropping an inner). A
 * plain observer's subscriber (`subscribe({ next })`, `share()`'s connection)
 * has no subscriber downstream: there the walk goes on from its parent if
 * this package made it (a scope's run, see {@link belongsTo}), else from the
 * owner the last link on the way was subscribed for, or, with none, stops:
 * that is an independent subscription (its end came from itself, a
 * `takeUntil`, …).
 */
export function adopter(from: unknown, owner: object | null): Waiter | null {
  const { waiters, endings } = ambient;
  if (waiters.length === 0 && endings.length === 0) return null;
  let node = from as Node | null;
  let fallback = owner;
  // Every step goes to an object made before the current one (a subscriber's
  // destination, a link's owner), so the walk ends. It ends at the first
  // teardown it meets (the innermost whose cascade is passing there), or at
  // a link that is ending: what is torn down on its way to it is what is
  // left of its source (a plain observer's subscription that unsubscribed
  // itself after it handed on an error, say), which it waits for as well.
  for (;;) {
    // Stryker disable next-line ArithmeticOperator: starting past the end reads undefined, which no node is.
    for (let i = waiters.length - 1; i >= 0; i--) if (node === (waiters[i] as object)) return waiters[i];
    // Stryker disable next-line ArithmeticOperator: as above.
    for (let i = endings.length - 1; i >= 0; i--) if (node === (endings[i] as object)) return endings[i];
    // (Each node is a subscriber, a link's owner or a parent: an object, if not null.)
    if (node === null || !node.closed) return null;
    if ('owner' in node) fallback = node.owner ?? null;
    const next = node.destination;
    if (isSubscriber(next)) {
      node = next;
    } else {
      node = (parents.get(node) ?? fallback) as Node | null;
      fallback = null;
    }
  }
}

/**
 * Where a notification sent to `subscriber` would be dropped: the first
 * subscriber on its way downstream that has closed or stopped (RxJS drops
 * what it is sent then), or null if it would arrive. A subscriber of this
 * package on the way takes care of what it is sent after it ended, so the
 * walk trusts it. A subscriber can be open while one past it has closed: a
 * teardown cascade on its way, from the closed one down to it.
 */
export function droppedAt(subscriber: unknown): object | null {
  for (let node = subscriber; isSubscriber(node); node = node.destination) {
    if ('owner' in node) return null;
    if (node.closed || (node as { isStopped?: unknown }).isStopped === true) return node;
  }
  return null;
}

/**
 * An RxJS subscriber or a link; not the plain observer a `SafeSubscriber`
 * feeds, and not the null a subscriber feeds once it has unsubscribed.
 */
function isSubscriber(value: unknown): value is Node {
  return typeof (value as Partial<Subscription> | null | undefined)?.unsubscribe === 'function';
}

// Plain observers' subscribers that this package makes itself (a scope's runs)
// know their parent; the walk of adopter() goes on through them.
const parents = new WeakMap<object, object>();

/** True while a teardown (of any waiter) runs. */
export function teardownRunning(): boolean {
  return ambient.waiters.length > 0;
}

/** Puts `ending` on the stack of subscriptions ending right now. */
export function pushEnding(ending: Ending): void {
  ambient.endings.push(ending);
}

/** Takes `ending` off the stack (it is on top, or nearly: stacks nest with the calls). */
export function popEnding(ending: Ending): void {
  const { endings } = ambient;
  // On top, the usual case, is checked first: lastIndexOf's builtin call cost
  // as much as the rest of a subscribe + complete's ending.
  // Stryker disable next-line ArithmeticOperator: cost only; past the end reads undefined, and the search below finds it on top.
  if (endings[endings.length - 1] === ending) {
    endings.pop();
    return;
  }
  // Not on top: something above it has not been taken off yet. (It is on the
  // stack: a link pops only what it pushed, see EXPOSED in link.ts.)
  endings.splice(endings.lastIndexOf(ending), 1);
}

/** Tells adopter() that `subscriber`, a plain observer's, is a child of `parent`. */
export function belongsTo(subscriber: object, parent: object): void {
  parents.set(subscriber, parent);
}

/** The reason of the teardown ending a subscription that feeds `from` (see {@link adopter}). */
export function adoptedReason(from: unknown, owner: object | null): unknown {
  const waiter = adopter(from, owner);
  return waiter === null ? UNSUBSCRIBED : waiter.reason;
}

/**
 * The waiter for teardown that nobody can wait for any more: it waits for
 * nothing and sends failures to `config.onUnhandledError`.
 */
export const UNHANDLED: Waiter = {
  reason: UNSUBSCRIBED,
  hold() {},
  fail: reportUnhandledError,
  release() {},
};

/** What a subscription runs when it ends: a function, or something to unsubscribe. */
export type Teardown = Unsubscribable | (() => void);

/**
 * Runs `teardown` (one, or several in order) with `waiter` as the ambient
 * waiter. Errors thrown by them, including plain RxJS finalizers such as
 * `finalize` (a subscription's `UnsubscriptionError` gives its `errors`),
 * become the waiter's failures: an `unsubscribe()` made by this package never
 * throws.
 */
export function teardownFor(waiter: Waiter, teardown: Teardown | readonly Teardown[] | null): void {
  const { waiters, endings } = ambient;
  // (One that settles on being told may leave the stack meanwhile.)
  for (let i = endings.length - 1; i >= 0; i--) if (i < endings.length) endings[i].teardownStarts(waiter);
  // (A waiter already on the stack, whose late teardown runs inside its first
  // one, or the shared UNHANDLED, is on it twice then: each call takes off
  // what it put on.)
  waiters.push(waiter);
  try {
    // Each one runs whatever the ones before it threw, as RxJS runs a
    // subscription's finalizers.
    if (isTeardownList(teardown)) for (const each of teardown) run(waiter, each);
    else if (teardown !== null) run(waiter, teardown);
  } finally {
    // Every teardown nested in this one has taken its own waiter off.
    waiters.pop();
  }
}

function isTeardownList(teardown: Teardown | readonly Teardown[] | null): teardown is readonly Teardown[] {
  return Array.isArray(teardown);
}

function run(waiter: Waiter, teardown: Teardown): void {
  try {
    if (typeof teardown === 'function') teardown();
    else teardown.unsubscribe();
  } catch (error) {
    failAll(waiter, error);
  }
}

function failAll(waiter: Waiter, error: unknown): void {
  if (error instanceof UnsubscriptionError) {
    for (const each of error.errors) waiter.fail(each);
  } else {
    waiter.fail(error);
  }
}
