import { Subscription, type Observable, type Observer, type TeardownLogic } from 'rxjs';
import { CancelledError, CleanupError, UNSUBSCRIBED } from '../errors';
import { cancelExit, COMPLETE_EXIT, errorExit, type Exit } from './exit';
import { reportUnhandledError } from './report';
import {
  adopter,
  enterOwner,
  leaveOwner,
  popEnding,
  droppedAt,
  pushEnding,
  subscribingOwner,
  teardownFor,
  teardownRunning,
  UNHANDLED,
  type Ending,
  type OwnerSlot,
  type Teardown,
  type Waiter,
} from './waiter';

/** How a link's subscription ended. */
export const COMPLETE = 0;
export const ERROR = 1;
export const CANCEL = 2;
export type EndKind = typeof COMPLETE | typeof ERROR | typeof CANCEL;

// The life of a link, kept in the lowest bits of its flags. LIVE: values
// flow. DETACHED (shieldUntil only): the downstream left but the upstream runs
// on; values are dropped. ENDING: the upstream is gone and the downstream
// waits for the outcome, which is held back until every cleanup has settled.
// ORPHANED: the upstream is ending and nobody downstream listens; the outcome
// goes to the heir (the canceller whose teardown reached the link) or,
// without one, to `config.onUnhandledError`. DONE: reported. Only an ENDING
// or ORPHANED link settles. From ENDING on, the link is closed.
const LIVE = 0;
const DETACHED = 1;
const ENDING = 2;
const ORPHANED = 3;
const DONE = 4;
const PHASE = 7;

// Flags of a link. OPENING_CALL: its subscribe call runs (see open).
// FINISHING: its own finish() work has started. PARKED: settled, and waiting
// for a teardown on its way to the downstream (see deliver). EXPOSED: on the
// stack of subscriptions ending right now (see expose). STILLBORN:
// subscribed for a downstream already closed (a switchMap projecting into a
// subscriber torn down meanwhile): it ends at once, and no teardown is
// ending it; it is adopted only by a link it feeds directly that is still
// ending (its source subscribing more work into it after it ended), never
// through its owner. WATCHING: added to the downstream again, to hear if
// it leaves before the outcome is told (see watchDownstream).
const OPENING_CALL = 8;
const FINISHING = 16;
const PARKED = 32;
const STILLBORN = 64;
const EXPOSED = 128;
/** See Link.shield. */
const SHIELDED = 256;
/** Live, with hooks that look at each value (Hooks.next). */
const SEES = 512;
const WATCHING = 1024;
/** ENDING, ORPHANED or DONE: see Link.closed. */
const CLOSED = 4096;
/**
 * The link's subscribe call was the outermost: the link was the slot of that
 * call (see open), and its owner is null whatever that slot held.
 */
const SLOT = 2048;
/** The EndKind is kept in the flags, from this bit on. */
const KIND_SHIFT = 13;
/**
 * How many RxJS subscriptions were added to the array of teardowns since it
 * was last swept (see add), from this bit on; capped, so the flags stay a
 * small integer.
 */
const ADDS_SHIFT = 15;
const ADDS_UNIT = 1 << ADDS_SHIFT;
// Stryker disable next-line ArithmeticOperator: cost only; any cap keeps the count right, this one keeps the flags a small integer.
const ADDS_MAX = (1 << (30 - ADDS_SHIFT)) - 1;

/**
 * What a link feeds once it has reported or was detached: nothing, so that
 * nothing downstream is held past the end.
 */
const GONE: Downstream<unknown> = {
  // Stryker disable next-line BooleanLiteral: nothing reads it (a link feeding GONE neither opens nor watches); true, as for any ended subscriber.
  closed: true,
  next() {},
  // An error sent here has nobody to go to, and is never dropped.
  error: reportUnhandledError,
  complete() {},
  add() {},
  remove() {},
};

/**
 * What a link feeds: an RxJS subscriber, or another link (a child of a link
 * that owns children, see {@link Link.child}). Both are an `Observer` that
 * keeps teardowns as a `Subscription` does.
 */
export type Downstream<T> = Observer<T> & Pick<Subscription, 'closed' | 'add' | 'remove'>;

/**
 * What is particular to an operator: the functions a link calls at each step
 * of its life, given the link (whose `state` is the operator's). Made once per
 * operator with {@link hooks}, shared by every subscription. See
 * docs/cancellation-core.md, "Writing an operator", for the order and what
 * each may do.
 */
// `in out`: a hooks object is for one state type exactly. (Without it,
// TypeScript measures S's variance through the Link it refers back to, and
// lets hooks for one state pass for hooks for another.)
export interface Hooks<T, in out S> {
  /**
   * Each value, while the link is live, if the operator gave this hook (by
   * default values go straight downstream); it forwards them with `link.emit`.
   */
  readonly next: (link: Link<T, S>, value: T) => void;
  /** Whether the operator gave `next`. */
  readonly seesValues: boolean;
  /** Subscribes the operator's triggers and its source; by default the source alone. */
  readonly start: (link: Link<T, S>, source: Observable<T>) => void;
  /** A trigger the link watches sent `value`; by default the link cancels with it as the reason. */
  readonly fire: (link: Link<T, S>, value: unknown) => void;
  /** The downstream left a shielded link (see {@link Link.shield}) while it was live. */
  readonly leave: (link: Link<T, S>) => void;
  /** The operator's own work once the upstream's end has settled; may `hold()`, must `fail()`, never throw. */
  readonly finish: (link: Link<T, S>) => void;
  /** Tells the downstream the outcome; by default {@link Link.tell}. */
  readonly report: (link: Link<T, S>, destination: Downstream<T>, failures: unknown[] | null) => void;
  /** The outcome when nobody downstream listens; by default {@link Link.handOn}. Must end with `sink.release()`. */
  readonly orphaned: (link: Link<T, S>, sink: Waiter, failures: unknown[] | null) => void;
}

/**
 * An operator's hooks, with the default for each one it does not give. Every
 * hooks object has the same keys in the same order, so the link's calls
 * through them see one shape whatever the operator.
 */
export function hooks<T, S>(given: Partial<Hooks<T, S>>): Hooks<T, S> {
  return {
    next: given.next ?? emit,
    seesValues: given.next !== undefined,
    start: given.start ?? startSource,
    fire: given.fire ?? cancelWith,
    leave: given.leave ?? nothing,
    finish: given.finish ?? nothing,
    report: given.report ?? tell,
    orphaned: given.orphaned ?? handOn,
  };
}

function emit<T, S>(link: Link<T, S>, value: T): void {
  link.emit(value);
}

function startSource<T, S>(link: Link<T, S>, source: Observable<T>): void {
  source.subscribe(link);
}

function cancelWith<T, S>(link: Link<T, S>, reason: unknown): void {
  link.stop(CANCEL, reason);
}

function nothing(): void {}

function tell<T, S>(link: Link<T, S>, destination: Downstream<T>, failures: unknown[] | null): void {
  link.tell(destination, failures);
}

function handOn<T, S>(link: Link<T, S>, sink: Waiter, failures: unknown[] | null): void {
  link.handOn(sink, failures);
}

/** A link that only passes its source through (a scope's run): every hook the default. */
export const PLAIN: Hooks<unknown, null> = hooks({});

/**
 * The subscriber this package's operators hand to their source: one class,
 * never subclassed; what differs between operators is in their {@link Hooks}
 * and the link's `state`. (With a subclass per operator, the link's own
 * methods saw as many shapes as there were operators in an app, and every
 * cycle paid V8's megamorphic lookups: measured 2–5× slower once every
 * operator had run in one process.)
 *
 * It is an `Observer` that is also a subscription in all but its class (it
 * has `closed`, `add`, `remove` and `unsubscribe`), which RxJS's `subscribe`
 * takes as a ready-made subscriber: values reach `next` with no wrapper in
 * between, the source's teardown is added to the link itself, and the link is
 * added to its downstream subscriber so a downstream unsubscribe reaches it
 * (and stops a synchronous source looping on `subscriber.closed`). Only public
 * RxJS API is used, and one protected field it documents for subclasses
 * (`Subscriber.destination`, read by {@link adopter}).
 *
 * It does not extend RxJS's `Subscription`, to cost each subscription less:
 * its teardowns are one field (nothing, one, or an array of several), so a
 * link that feeds a link makes no array, and whether it is closed is read
 * from its phase. What RxJS's `Subscription` does for a child through its
 * parents, a link does for itself: it leaves its downstream's teardowns when
 * it closes by itself (see end). RxJS's subscriptions added to a link cannot
 * do the same without its private API: one that has closed meanwhile is let
 * go when the next teardown is added after it, or in a sweep as they pile up
 * (see add), or when the link ends.
 *
 * An operator creates one per subscription and calls {@link Link.open}, which
 * joins the downstream and calls the operator's `start` hook to subscribe its
 * triggers and its source.
 *
 * When the subscription ends (source completes or errors, the operator
 * cancels, or the downstream unsubscribes), the link tears its upstream down
 * as the ambient {@link Waiter}, waits for every cleanup that started, runs the
 * operator's own `finish` work, and only then reports. A link is a waiter
 * itself, so this costs no allocation on the common, synchronous path.
 */
export class Link<T, S = unknown> implements Observer<T>, Waiter, Ending, OwnerSlot {
  /**
   * The phase (LIVE, …), OPENING_CALL, FINISHING, … and the EndKind: one
   * field, as every field of a link costs each subscription.
   */
  private flags = LIVE;
  /**
   * Pieces of work the outcome waits for: the subscribe call itself (see
   * open), the teardown, cleanups, `finish`.
   */
  private running = 0;
  /**
   * Until the link closes, what its teardown runs, in the order it was
   * added: nothing, one teardown, or an array of them once there are
   * several (so a link that feeds a link, the usual chain, costs its
   * downstream no array). Once it has closed, the failures its ending
   * collects: nothing, or an array of them. One field for both, as every
   * field costs each subscription: the teardown takes what it runs before
   * anything can fail (a link is a waiter, and is failed, only once its
   * ending has started), and a teardown added later runs at once.
   */
  private held: Teardown | unknown[] | null = null;
  private heir: Waiter | null = null;
  /**
   * The cancel reason upstream cleanups see: the canceller's reason, or the
   * source's error when an error ends the rest of the upstream.
   */
  reason: unknown = UNSUBSCRIBED;
  /** What the link feeds; GONE once it has reported (or was detached). */
  destination: Downstream<T>;
  /**
   * What the link was subscribed for (see subscribingOwner in waiter.ts), as
   * {@link Link.owner} tells it; unless the link's own subscribe call was the
   * outermost (SLOT): then the field is the slot of that call (see
   * enterOwner), since such a link was made with nothing subscribing and its
   * owner is null.
   */
  subscribing: object | null;
  private readonly hooks: Hooks<T, S>;
  /**
   * The operator's: its settings, or this subscription's own state. Let go
   * (undefined) once the link has reported, when no hook runs any more: an
   * ended link that something still holds (a pending Promise's callback)
   * does not keep the operator's callbacks, and what they hold, alive.
   */
  state: S;

  constructor(destination: Downstream<T>, hooks: Hooks<T, S>, state: S) {
    this.destination = destination;
    this.subscribing = subscribingOwner();
    this.hooks = hooks;
    this.state = state;
    if (hooks.seesValues) this.flags = SEES;
  }

  /** What the link was subscribed for (see subscribingOwner in waiter.ts). */
  get owner(): object | null {
    return (this.flags & SLOT) === 0 ? this.subscribing : null;
  }

  /** True once the upstream is ending (its teardown has started), as RxJS's `closed` after `unsubscribe()`. */
  get closed(): boolean {
    // A bit of its own rather than a comparison of the phase: a synchronous
    // source (`range`, `from(array)`) reads it before every value.
    return (this.flags & CLOSED) !== 0;
  }

  /**
   * Opens a child of this link: a link that feeds this one (its values go to
   * its `next` hook or this link's `next`, its outcome to its `report`), is
   * torn down with it (awaited, its failures collected), and whose end, as for
   * any link, is told only once its own upstream has settled.
   */
  child<CS>(source: Observable<T>, childHooks: Hooks<T, CS>, state: CS): void {
    new Link<T, CS>(this, childHooks, state).open(source);
  }

  /**
   * Joins the downstream's teardown and subscribes (the `start` hook); the
   * operator calls it once, right after constructing the link. Joining is not done in the constructor because a
   * downstream that is already closed runs the link's teardown at once, and
   * the operator's state may not be ready yet (timeoutCancel's Timing makes
   * its link in its own constructor).
   *
   * The subscribe call counts as work the outcome waits for: a source that
   * ends while it is being subscribed returns its teardown only after that,
   * and the teardown runs before the link's own cleanup and its report (see
   * {@link Link.add}), source side first, as for any other source.
   */
  open(source: Observable<T>): void {
    this.running = 1;
    if (this.destination.closed) this.flags |= STILLBORN;
    this.destination.add(this);
    if ((this.flags & PHASE) !== LIVE) {
      this.opened();
      return;
    }
    this.flags |= OPENING_CALL;
    // The link is the slot of its own subscribe call if that is the outermost
    // (enterOwner writes the owner, itself, there then). Made right before,
    // it was made with nothing subscribing then.
    const outer = enterOwner(this, this);
    if (this.subscribing === this) this.flags |= SLOT;
    // A neighbour may throw out of the subscribe call (a `tap` whose
    // `subscribe` callback throws, a scheduler's schedule, a signal's
    // addEventListener): RxJS reports the error, and the link must still
    // be able to settle and leave the owner slot as it found it (every
    // subscribe call nested in this one has left it so, whether it threw or not).
    try {
      this.hooks.start(this, source);
    } finally {
      leaveOwner(outer);
      this.opened();
    }
  }

  /** The subscribe call has returned: what it held back may settle now. */
  private opened(): void {
    this.flags &= ~OPENING_CALL;
    // release(), written out: called here it was not inlined (a group's
    // cycle measured 6% more instructions).
    if (--this.running === 0 && this.settling()) this.settle();
    if ((this.flags & EXPOSED) !== 0) this.conceal();
  }

  /**
   * Adds a teardown the link's own teardown runs (RxJS's source teardown,
   * the subscriber of an operator upstream, a trigger's watcher), as
   * `Subscription.add` does: nothing, the link itself and a closed
   * `Subscription` are ignored.
   *
   * A teardown added after the link closed (its source was still inside its
   * subscribe function when the link ended) is run at once, as RxJS does, but
   * as the rest of the upstream was: under this link as the waiter while it
   * still waits (it always does while its subscribe call runs), so an
   * asynchronous cleanup that joins late is awaited too, and never throwing,
   * so its error is not lost in a closed downstream.
   */
  add(teardown: TeardownLogic): void {
    if (!teardown || teardown === this || isClosedSubscription(teardown)) return;
    if (this.closed) {
      this.runLate(teardown);
      return;
    }
    const teardowns = this.held;
    if (teardowns === null) {
      this.held = teardown;
    } else if (!Array.isArray(teardowns)) {
      // A Subscription is held once, as RxJS holds it (its scheduled
      // actions add themselves again each time they run).
      if (teardowns === teardown && teardown instanceof Subscription) return;
      // One that closed by itself since (RxJS's subscribers and actions do)
      // is let go rather than kept to the end.
      this.held = isClosedSubscription(teardowns) ? teardown : [teardowns, teardown];
    } else {
      if (teardown instanceof Subscription) {
        if (teardowns[teardowns.length - 1] === teardown) return;
        // RxJS's subscriptions cannot leave a link when they close (RxJS does
        // that through its private parent list), and one may come again
        // later in the array: once half as many of them have been added as
        // the array holds (and at least 8), the closed ones and the repeats
        // are let go, in one pass. Constant time per add, spread; what is
        // kept beyond what is live stays within that bound.
        this.tally(teardowns);
      }
      // (In an empty array, the last entry is undefined: not a Subscription.)
      const last = teardowns.length - 1;
      if (isClosedSubscription(teardowns[last])) teardowns[last] = teardown;
      else teardowns.push(teardown);
    }
  }

  private runLate(teardown: Teardown): void {
    if ((this.flags & PHASE) === DONE) {
      teardownFor(UNHANDLED, teardown);
      return;
    }
    this.hold();
    teardownFor(this, teardown);
    this.release();
  }

  /**
   * Takes `teardown` out of what the link's teardown runs, as
   * `Subscription.remove` does: a Subscription altogether (RxJS holds one
   * once), anything else once.
   *
   * A link upstream (a group's child) removes itself when it ends or is
   * detached, and from then on its `unsubscribe` does nothing (save hand its
   * outcome on while it watches, see watchDownstream, which adds it again).
   * So unless it is the last one, it is left where it is and counted, and
   * let go with the others in one pass once they are half of the array (see
   * letGoClosed): constant time per child, in whatever order children end,
   * where a search and a splice cost O(N) each.
   */
  remove(teardown: Teardown): void {
    // (Once closed, the teardowns have run, and `held` is the failures.)
    if (this.closed) return;
    const teardowns = this.held;
    if (teardowns === teardown) {
      this.held = null;
    } else if (Array.isArray(teardowns)) {
      if (teardown instanceof Link) {
        if (teardowns[teardowns.length - 1] === teardown) teardowns.pop();
        else this.tally(teardowns);
      } else if (teardown instanceof Subscription) {
        let kept = 0;
        for (const each of teardowns) if (each !== teardown) teardowns[kept++] = each;
        teardowns.length = kept;
      } else {
        const at = teardowns.indexOf(teardown);
        if (at >= 0) teardowns.splice(at, 1);
      }
    }
  }

  /**
   * One more entry of `teardowns` that may be let go (a Subscription added,
   * which may close or come again; a link that left): once they are half of
   * the array (and at least 8), they go in one pass (see letGoClosed). What
   * is kept beyond what is live stays within that bound.
   */
  private tally(teardowns: unknown[]): void {
    const count = (this.flags >>> ADDS_SHIFT) + 1;
    if ((count >= 8 && count >= teardowns.length >>> 1) || count === ADDS_MAX) {
      letGoClosed(teardowns);
      this.flags &= ADDS_UNIT - 1;
    } else {
      this.flags += ADDS_UNIT;
    }
  }

  /** No longer among its downstream's teardowns: it ended or was detached, and does not watch. */
  get departed(): boolean {
    return (this.flags & PHASE) !== LIVE && (this.flags & WATCHING) === 0;
  }

  /**
   * True while values flow to the downstream. An operator subscribes its
   * triggers and its source only while its link is live.
   */
  get live(): boolean {
    return (this.flags & PHASE) === LIVE;
  }

  /** True while the upstream runs, whether or not the downstream still listens. */
  get upstreamRunning(): boolean {
    return (this.flags & PHASE) <= DETACHED;
  }

  private settling(): boolean {
    const phase = this.flags & PHASE;
    return phase === ENDING || phase === ORPHANED;
  }

  next(value: T): void {
    // One test on the usual path: live, and no hook looks at values. (SEES is
    // set only while live.)
    const flags = this.flags;
    if ((flags & (PHASE | SEES)) === LIVE) this.destination.next(value);
    else if ((flags & SEES) !== 0) this.hooks.next(this, value);
  }

  /** Sends `value` to the downstream while the link is live (for a `next` hook). */
  emit(value: T): void {
    if ((this.flags & PHASE) === LIVE) this.destination.next(value);
  }

  error(error: unknown): void {
    if (this.upstreamRunning) this.stop(ERROR, error);
    // An upstream cancelled with a reason that then fails with that very
    // reason is acknowledging the cancel, not failing: a `fetch` given the
    // AbortSignal whose reason cancelled it rejects with that reason.
    else if (this.kind === CANCEL && error === this.reason) return;
    // While the link is ending, any other error is part of that ending and
    // travels with its outcome; after it, nobody is left to receive it: RxJS
    // would drop it silently, this package reports it.
    else if ((this.flags & PHASE) !== DONE) this.fail(error);
    else reportUnhandledError(error);
  }

  complete(): void {
    this.stop(COMPLETE, UNSUBSCRIBED);
  }

  /**
   * Called by the downstream's teardown cascade: the downstream left, so the
   * outcome has no one to go to but the canceller whose teardown this is, if
   * there is one (see {@link adopter}). It waits for this link as for any
   * cleanup.
   */
  unsubscribe(): void {
    const phase = this.flags & PHASE;
    if (phase !== LIVE) {
      // Added to the downstream again while ending (the watch): called by
      // its teardown, it is leaving. Called by anyone else (a source that
      // unsubscribes its own subscriber after it ended), the downstream is
      // still there and waits for the outcome.
      if (phase === ENDING && (this.flags & WATCHING) !== 0 && this.destination.closed) this.downstreamLeft();
      return;
    }
    if ((this.flags & SHIELDED) !== 0) {
      this.hooks.leave(this);
      // (The hook may have detached or stopped it.)
      if (!this.live) return;
    }
    const heir = adopter(this.destination, (this.flags & STILLBORN) === 0 ? this.owner : null);
    this.leave(ORPHANED);
    this.adopt(heir);
    // Left while its source is still being subscribed: what that subscribe
    // call tears down later is what is left of the source (see adopter).
    if ((this.flags & OPENING_CALL) !== 0) this.push();
    this.end(CANCEL, heir === null ? UNSUBSCRIBED : heir.reason);
  }

  /** A trigger the link watches sent `value` (see {@link Hooks.fire}). */
  fire(value: unknown): void {
    this.hooks.fire(this, value);
  }

  /**
   * From now on the downstream leaving a live link calls the `leave` hook
   * first (shieldUntil, whose work runs on): if that leaves the link live
   * (it neither detached nor stopped it), the link ends as any other would.
   */
  shield(): void {
    this.flags |= SHIELDED;
  }

  /**
   * Something the operator watches besides its source failed (a trigger, a
   * scheduler): the upstream ends with that error while it runs; after that,
   * only `config.onUnhandledError` is left to hear of it.
   */
  triggerFailed(error: unknown): void {
    if (this.upstreamRunning) this.stop(ERROR, error);
    else reportUnhandledError(error);
  }

  /**
   * Ends the upstream: with the downstream waiting for the outcome if it is
   * still there, or for the heir if the link was detached.
   */
  stop(kind: EndKind, reason: unknown): void {
    const phase = this.flags & PHASE;
    if (phase === LIVE) {
      this.leave(ENDING);
      this.expose();
    } else if (phase === DETACHED) {
      this.flags = (this.flags & ~PHASE) | ORPHANED | CLOSED;
    } else {
      return;
    }
    this.end(kind, reason);
  }

  /**
   * Cancels the upstream with `fixed`, an operator's `options.reason`, if it
   * was given, else with `fired`, what the trigger sent.
   */
  cancel(fixed: unknown, fired: unknown): void {
    this.stop(CANCEL, fixed === undefined ? fired : fixed);
  }

  /**
   * Lets the downstream go while the upstream runs on (shieldUntil). Values
   * are dropped from now on; when the upstream ends, its outcome goes to
   * `heir`, which is held until then, or with none to the unhandled path.
   * Only a live link is detached.
   */
  detach(heir: Waiter | null): void {
    if (!this.live) return;
    this.leave(DETACHED);
    this.adopt(heir);
    // The downstream is gone: do not keep it alive while the work runs on,
    // nor be kept by it (it may be open: a source that unsubscribed the
    // link detaches it too).
    this.destination.remove(this);
    this.destination = GONE;
  }

  /** The outcome goes to `heir` (null: nobody, see orphaned), which waits for it. */
  private adopt(heir: Waiter | null): void {
    this.heir = heir;
    heir?.hold();
  }

  /** Leaves LIVE: values are dropped from now on. */
  private leave(phase: typeof ENDING | typeof DETACHED | typeof ORPHANED): void {
    this.flags = (this.flags & ~(PHASE | SEES)) | phase | (phase === DETACHED ? 0 : CLOSED);
  }

  /** How the subscription ended; `reason` says with what. */
  get kind(): EndKind {
    return ((this.flags >> KIND_SHIFT) & 3) as EndKind;
  }

  private end(kind: EndKind, reason: unknown): void {
    this.flags |= kind << KIND_SHIFT;
    this.reason = reason;
    this.running++; // the synchronous teardown itself
    // Closed now: out of the downstream's teardowns, as an RxJS subscription
    // leaves its parents' (a no-op when the downstream's own teardown is
    // what reached it); a watch added meanwhile stays (see watchDownstream).
    this.destination.remove(this);
    const teardowns = this.held as Teardown | Teardown[] | null;
    this.held = null;
    teardownFor(this, teardowns);
    this.release();
    // The subscribe call, if it still runs, is part of the synchronous ending.
    if ((this.flags & (EXPOSED | OPENING_CALL)) === EXPOSED) this.conceal();
  }

  /**
   * How the subscription ended, as its downstream would be told: with no
   * failures, as the source (or the operator) ended it; with cleanup failures,
   * an error. Failures are never dropped: they travel in a
   * {@link CleanupError} whose `cause` is the outcome they interrupted.
   */
  outcome(failures: unknown[] | null): Exit {
    const { kind, reason } = this;
    if (failures === null) {
      if (kind === COMPLETE) return COMPLETE_EXIT;
      return kind === ERROR ? errorExit(reason) : cancelExit(reason);
    }
    if (kind === COMPLETE) return errorExit(new CleanupError(failures));
    return errorExit(new CleanupError(failures, kind === ERROR ? reason : new CancelledError(reason)));
  }

  /** Tells the downstream the {@link outcome}; a cancellation as a `CancelledError`. */
  tell(destination: Downstream<T>, failures: unknown[] | null): void {
    const exit = this.outcome(failures);
    if (exit.kind === 'complete') destination.complete();
    else destination.error(exit.kind === 'error' ? exit.error : new CancelledError(exit.reason));
  }

  /**
   * Where the outcome goes when nobody downstream listens: `sink` is the heir,
   * or {@link UNHANDLED}. A completion or a cancellation has nothing to say
   * there; an error does (the source failed, and the downstream left while a
   * cleanup held that error back), and so does every cleanup failure. It must
   * end with `sink.release()`.
   */
  handOn(sink: Waiter, failures: unknown[] | null): void {
    if (this.kind === ERROR) sink.fail(this.reason);
    if (failures !== null) for (const failure of failures) sink.fail(failure);
    sink.release();
  }

  hold(): void {
    this.running++;
  }

  fail(error: unknown): void {
    // Only ever failed once closed (see held).
    const failures = this.held as unknown[] | null;
    if (failures === null) this.held = [error];
    else failures.push(error);
  }

  release(): void {
    if (--this.running === 0 && this.settling()) this.settle();
  }

  private settle(): void {
    if ((this.flags & FINISHING) !== 0) {
      this.deliver();
      return;
    }
    this.flags |= FINISHING;
    this.running = 1;
    this.hooks.finish(this);
    this.release();
  }

  // The link closes itself when its upstream ends, which takes it out of the
  // downstream's teardowns; yet until it has reported, it must learn if the
  // downstream leaves, to hand its outcome to the canceller whose teardown
  // reached the downstream. While its ending runs synchronously it is
  // *exposed*: on a stack that every teardown starting meanwhile looks at.
  // Its own teardown, and those of the cancel it is part of, leave it be; any
  // other (a cancel fired by its own upstream `finalize` or cleanup, which is
  // user code: `stop.next()`, `scope.close()`) makes it watch its downstream.
  // It also watches once its ending goes on asynchronously. So the watch, an
  // `add` and a `remove` on the downstream, is paid for only where it may fire.
  private expose(): void {
    this.push();
    // Ended in the middle of a teardown (a cancel fired from a cleanup that
    // the teardown ran): that teardown may still reach the downstream.
    if (teardownRunning()) this.watchDownstream();
  }

  /** Off the stack; if the outcome is still to come, it comes asynchronously: watch. */
  private conceal(): void {
    this.pop();
    if ((this.flags & (PHASE | WATCHING)) === ENDING) this.watchDownstream();
  }

  private push(): void {
    this.flags |= EXPOSED;
    pushEnding(this);
  }

  private pop(): void {
    this.flags &= ~EXPOSED;
    popEnding(this);
  }

  teardownStarts(waiter: Waiter): void {
    if ((this.flags & (PHASE | WATCHING)) !== ENDING) return;
    // Its own teardown, or that of a link its own teardown reached.
    for (let each: unknown = waiter; each instanceof Link; each = each.heir) if (each === this) return;
    this.watchDownstream();
  }

  /**
   * The watch: the link joins its downstream's teardowns again, so that the
   * downstream leaving calls its `unsubscribe` while it is ENDING (then
   * {@link downstreamLeft}). A downstream already closed calls it at once.
   */
  private watchDownstream(): void {
    this.flags |= WATCHING;
    this.destination.add(this);
  }

  /** The downstream left while the link was ending: the outcome goes to the canceller that tore it down, if any. */
  private downstreamLeft(): void {
    const heir = adopter(this.destination, this.owner);
    this.flags = (this.flags & ~PHASE) | ORPHANED;
    this.adopt(heir);
    if ((this.flags & PARKED) !== 0) {
      this.flags &= ~PARKED;
      this.deliver();
    }
  }

  private deliver(): void {
    // The downstream subscriber may be open while one past it has closed or
    // is in the middle of its own end: a teardown is on its way to it (this
    // link was cancelled from inside that teardown, say, or by a cleanup
    // while its source's error travelled down). The outcome would be dropped
    // there. So the link waits for that teardown to reach its downstream, as
    // if it had arrived first: the watch then hands the outcome to whoever
    // that teardown's canceller is (see watchDownstream).
    const phase = this.flags & PHASE;
    // (It watches already, or it is still exposed, and conceal, which comes
    // when its synchronous ending returns, starts the watch.)
    if (phase === ENDING && droppedAt(this.destination) !== null) {
      this.flags |= PARKED;
      return;
    }
    const destination = this.destination;
    const failures = this.held as unknown[] | null;
    const heir = this.heir;
    // Nothing is held past the end: not the downstream, not the failures.
    this.destination = GONE;
    this.held = null;
    this.heir = null;
    if ((this.flags & WATCHING) !== 0) {
      this.flags &= ~WATCHING;
      destination.remove(this);
    }
    if ((this.flags & EXPOSED) !== 0) this.pop();
    // (A detached link has no destination any more: it is ORPHANED here.)
    this.flags = (this.flags & ~PHASE) | DONE;
    if (phase === ENDING) this.hooks.report(this, destination, failures);
    else this.hooks.orphaned(this, heir ?? UNHANDLED, failures);
    // A cancel's reason is kept, to tell its acknowledgement (see error);
    // an error is let go.
    if (this.kind !== CANCEL) this.reason = undefined;
    // No hook runs after this one (see state).
    (this as Link<T, S | undefined>).state = undefined;
  }
}

/**
 * Takes out of `teardowns` the RxJS subscriptions that have closed, and any
 * open one a second time, and the links that have departed, keeping the
 * others in order.
 */
function letGoClosed(teardowns: unknown[]): void {
  // (A pass comes once per 8 or more entries added or left, so its set is paid for.)
  const seen = new Set<unknown>();
  let kept = 0;
  for (const each of teardowns) {
    if (each instanceof Link) {
      if (each.departed) continue;
    } else if (each instanceof Subscription) {
      if (each.closed || seen.has(each)) continue;
      seen.add(each);
    }
    teardowns[kept++] = each;
  }
  teardowns.length = kept;
}

/** A `Subscription` (RxJS's, which knows when it has closed) that has closed. */
function isClosedSubscription(teardown: unknown): boolean {
  return teardown instanceof Subscription && teardown.closed;
}
