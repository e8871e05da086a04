import { getEventListeners } from 'node:events';
import { config, type Observable, type Subject, type Subscription } from 'rxjs';
import type { RunHelpers, TestScheduler } from 'rxjs/testing';
import type { Exit } from '../../lib';

/** The subscription log of a cold or hot test observable. */
interface Logged {
  readonly subscriptions: readonly { readonly unsubscribedFrame: number }[];
}

/** One subscription to a finalizeCleanup stage: when its upstream ended, when its cleanup ran. */
export interface StageRun {
  upstreamStarted: boolean;
  upstreamEnded: number | null;
  readonly cleanupCalls: number[];
  /** Where it sits in the subscription structure (see Frame). */
  readonly frame: Frame | null;
  /** What its cleanup was told. */
  exit: Exit | null;
  /** When its cleanup settled: returned, threw, or its work ended (completed, failed, timed out). */
  settledSeq: number | null;
}

/** Frames of links of this package. */
const LINKS: ReadonlySet<FrameKind> = new Set<FrameKind>(['cleanup', 'cancellable', 'timeout', 'shield', 'group']);
/** Frames whose subscribe call makes what is subscribed meanwhile theirs (links, a scope's run). */
const OWNERS: ReadonlySet<FrameKind> = new Set<FrameKind>([...LINKS, 'root']);

export type FrameKind =
  'root' | 'cleanup' | 'cancellable' | 'timeout' | 'group' | 'shield' | 'share' | 'observer' | 'inner' | 'source';

/**
 * One subscription of a generated case, placed in the structure the case
 * spells out: its parent is what it was subscribed for (the stage downstream
 * of it, the inner subscription of a mergeMap, the group of a child). So
 * "upstream of a canceller" is "a descendant of its frame", read from the
 * case, never from the library.
 */
export class Frame {
  /** A finalizeCleanup run's record. */
  run: StageRun | null = null;
  /** A link's first terminal notification, as its downstream got it. */
  report: { readonly seq: number; readonly kind: 'E' | 'C'; readonly value: unknown } | null = null;
  /** A synchronous source that returns a teardown: when that teardown ran. */
  recordsTeardown = false;
  teardownSeq: number | null = null;
  /** True while the subscribe call that opened it runs. */
  subscribing = false;
  /**
   * The frames downstream whose subscribe call was running when this one was
   * opened. A link holds its outcome while its subscribe call runs, so a
   * source that ends then has its teardown run before their cleanups and
   * reports; one subscribed later (a mergeMap's inner, at a value) returns
   * its teardown after its end has travelled down, as with RxJS's finalize.
   */
  readonly openedDuring: ReadonlySet<Frame>;
  /**
   * An inner subscription that ended by itself (completed or failed); a
   * share() whose source ended, which leaves what is left of that source to
   * share's own connection: RxJS unsubscribes it only after the downstream
   * has handled the end, outside any teardown from there.
   */
  ended = false;
  /** An inner subscription its switchMap dropped for a newer one: nothing downstream waits for it. */
  dropped = false;
  /**
   * Subscribed with a subscriber already closed (RxJS's switchMap projects a
   * value it was handed before its downstream was torn down): it is ended at
   * once, by nobody's teardown, so nothing downstream waits for it.
   */
  stillborn = false;
  /**
   * A hand-written operator whose subscription, returned from its subscribe
   * function, found its subscriber already closed (a cancel came while its
   * source was being subscribed), and that subscriber is no link: RxJS runs
   * that teardown itself, outside any teardown of a canceller (a documented
   * limit). A link takes it over (Link.add); so does, by the promise of
   * cancelScope.run, the scope of a run.
   */
  lateUnderRxjs = false;
  /**
   * What its subscriptions belong to, for a link: the innermost link (or
   * scope's run) that was being subscribed when it was, if any. Past a plain
   * observer's subscriber ('share', 'observer'), which feeds no subscriber, a
   * cancel follows the work of the last link before it only through that
   * owner; a link subscribed later, on a value, has none, and what lies
   * upstream of it there is not reached (a documented limit).
   */
  owner: Frame | null = null;

  constructor(
    readonly kind: FrameKind,
    readonly parent: Frame | null,
    /** Whose work it is: 'main' (the chain under test) or 'side N'. */
    readonly chain: string,
    /** A shieldUntil in 'detach' mode: work upstream of it may outlive any canceller downstream. */
    readonly detaches = false,
    /** The root of a hidden subscription: the source whose teardown unsubscribes it. */
    readonly via: Frame | null = null,
  ) {
    const during = new Set<Frame>();
    for (let at = parent; at !== null; at = at.parent) if (at.subscribing) during.add(at);
    this.openedDuring = during;
  }

  /** True if `frame` is this one or upstream of it, through hidden subscriptions too. */
  holds(frame: Frame): boolean {
    return this.upstream(frame);
  }

  /**
   * True if `frame` is this one or upstream of it: through its parents, a
   * hidden subscription's source, and past a plain observer's subscriber
   * whose owner (see owner) is not downstream of it, through that owner.
   */
  private upstream(frame: Frame, depth = 0): boolean {
    let lastLink: Frame | null = null;
    for (let at: Frame | null = frame; at !== null; at = at.parent ?? at.via) {
      if (at === this) return true;
      if (LINKS.has(at.kind)) lastLink = at;
      // (A root stands for the observer a chain was subscribed with: a plain
      // observer's subscriber too.)
      const plain = at.kind === 'share' || at.kind === 'observer' || at.kind === 'root';
      if (at !== frame && plain && depth < 8) {
        const owner: Frame | null = lastLink?.owner ?? null;
        lastLink = null;
        if (owner !== null && !owner.structurallyHolds(at) && this.upstream(owner, depth + 1)) return true;
      }
    }
    return false;
  }

  /** Parents and hidden sources only. */
  structurallyHolds(frame: Frame): boolean {
    for (let at: Frame | null = frame; at !== null; at = at.parent ?? at.via) if (at === this) return true;
    return false;
  }

  /**
   * True if `frame` is upstream of this one with nothing in between that
   * lets it run on without this one (a 'detach' shield, a dropped or
   * stillborn inner, a share() whose source ended, a hand-written operator
   * attached late under RxJS): the work a teardown from here reaches, and
   * that a report from here must wait for. Hidden subscriptions are not
   * followed.
   */
  reaches(frame: Frame): boolean {
    let lastLink: Frame | null = null;
    // Past a plain observer's subscriber, a cancel follows the work only
    // through the owner of the last link before it: nothing in between
    // counts, the owner must come. (An owner elsewhere, not downstream: a
    // link that was being subscribed while something downstream of it
    // subscribed this work, may adopt it (a documented limit, see holds),
    // but nothing here is upstream of it.)
    let through: Frame | null = null;
    for (let at: Frame | null = frame; at !== null; at = at.parent) {
      if (at === through) through = null;
      if (at === this) return through === null;
      if (
        at.dropped ||
        at.stillborn ||
        (at !== frame && (at.detaches || at.lateUnderRxjs || (at.kind === 'share' && at.ended)))
      ) {
        return false;
      }
      if (LINKS.has(at.kind)) lastLink = at;
      if (at !== frame && (at.kind === 'share' || at.kind === 'observer') && through === null) {
        const owner: Frame | null = lastLink?.owner ?? null;
        if (owner === null || !owner.structurallyHolds(at)) return false;
        lastLink = null;
        through = owner;
      }
    }
    return false;
  }
}

/** The scope a case's chain runs in, and what its close() did. */
export interface ScopeRecord {
  readonly frame: Frame;
  readonly reason: object;
  /** When close() was first called, and whether the run was still running then. */
  cancelSeq: number | null;
  runLive: boolean;
  promise: Promise<void> | null;
  /** The last seq before close()'s promise was seen settled (see World.tick). */
  settledAt: number | null;
  outcome: { readonly kind: 'resolved' } | { readonly kind: 'rejected'; readonly error: unknown } | null;
}

interface Note {
  readonly seq: number;
  readonly kind: 'N' | 'E' | 'C';
  readonly value?: unknown;
}

/**
 * Everything that happens in one generated case, with a global sequence
 * number, so the invariants are plain checks over what was recorded.
 */
export class World {
  private seq = 0;
  private errorCount = 0;
  readonly logged: Logged[] = [];
  readonly signals: AbortSignal[] = [];
  readonly raised = new Set<unknown>();
  readonly unhandled: unknown[] = [];
  readonly downstream: Note[] = [];
  readonly stageRuns: StageRun[] = [];
  /** What settling groups emitted: their results carry failures as values. */
  readonly settled: unknown[] = [];
  unsubscribedSeq: number | null = null;

  /** The frames (of OWNERS kinds) whose subscribe call runs now, innermost last. */
  private readonly owning: Frame[] = [];
  /** Every subscription placed in the case's structure, and the one being subscribed now. */
  readonly frames: Frame[] = [];
  ctx: Frame | null = null;
  /** Where each raised error was raised, and when. */
  readonly origins = new Map<unknown, { readonly frame: Frame | null; readonly seq: number }>();
  /** Reasons made for one canceller (a trigger's value, a signal's reason, a scope's reason). */
  readonly reasons = new Map<unknown, Frame>();
  /** Error channels besides the main downstream and the unhandled path: other observers, close() rejections. */
  readonly channels: { readonly chain: string; readonly error: unknown }[] = [];
  /**
   * Errors a hand-written operator was handed after its downstream had
   * closed, which RxJS drops (see violations, invariant 4).
   */
  readonly dropped: { readonly frame: Frame; readonly error: unknown }[] = [];
  /** Shared subjects: cancellable triggers and side chains listen, finalizers, cleanups and observers emit. */
  subjects: Subject<unknown>[] = [];
  private emitted = 0;
  /** Closes the scope the chain runs in, if it runs in one. */
  closeScope: () => void = () => {};
  scope: ScopeRecord | null = null;
  /** Called before every tick: sees what happened since the last one (see ScopeRecord.settledAt). */
  probe: (() => void) | null = null;

  constructor(
    readonly scheduler: TestScheduler,
    readonly helpers: RunHelpers,
  ) {}

  tick(): number {
    this.probe?.();
    return ++this.seq;
  }

  /** The last seq given out. */
  get now(): number {
    return this.seq;
  }

  /** A fresh error to be raised somewhere; it counts as raised once `raise` is called. */
  newError(where: string): Error {
    return new Error(`${where} #${++this.errorCount}`);
  }

  /** `error` is raised now, by the work of `frame` (default: the one being subscribed). */
  raise(error: unknown, frame: Frame | null = this.ctx): void {
    this.raised.add(error);
    if (!this.origins.has(error)) this.origins.set(error, { frame, seq: this.tick() });
  }

  /** A frame for a subscription being made now, under the one being subscribed. */
  open(kind: FrameKind, options: { detaches?: boolean } = {}): Frame {
    return this.openUnder(this.ctx, kind, options);
  }

  openUnder(
    parent: Frame | null,
    kind: FrameKind,
    options: { detaches?: boolean; chain?: string; via?: Frame } = {},
  ): Frame {
    const frame = new Frame(
      kind,
      parent,
      options.chain ?? options.via?.chain ?? parent?.chain ?? 'main',
      options.detaches ?? false,
      options.via ?? null,
    );
    // What the library reads as the link's owner: the innermost link (or
    // scope's run) being subscribed now, wherever it is.
    frame.owner = this.owning.at(-1) ?? null;
    this.frames.push(frame);
    return frame;
  }

  /** Runs `subscribe` with `frame` as the frame being subscribed. */
  within<T>(frame: Frame | null, subscribe: () => T): T {
    const outer = this.ctx;
    this.ctx = frame;
    try {
      return subscribe();
    } finally {
      this.ctx = outer;
    }
  }

  /** Runs the subscribe call that opened `frame` for `subscriber`, within it. */
  subscribing<T>(frame: Frame, subscriber: Subscription, subscribe: () => T): T {
    if (subscriber.closed) frame.stillborn = true;
    return this.onBehalfOf(frame, subscribe);
  }

  /** Runs `subscribe` within `frame`, which counts as subscribing meanwhile (a scope starting its run). */
  onBehalfOf<T>(frame: Frame, subscribe: () => T): T {
    frame.subscribing = true;
    const owns = OWNERS.has(frame.kind);
    if (owns) this.owning.push(frame);
    try {
      return this.within(frame, subscribe);
    } finally {
      frame.subscribing = false;
      if (owns) this.owning.pop();
    }
  }

  /** A reason that belongs to the canceller of `frame` alone. */
  reasonFor(frame: Frame, name: string): object {
    const reason = { reason: `${name} ${this.frames.indexOf(frame)}` };
    this.reasons.set(reason, frame);
    return reason;
  }

  /** Emits a fresh value into shared subject `index`. */
  emit(index: number): void {
    this.subjects[index]?.next({ subject: index, emission: ++this.emitted });
  }

  log<T extends Logged>(observable: T): T {
    this.logged.push(observable);
    return observable;
  }

  newStageRun(frame: Frame | null = null): StageRun {
    const run: StageRun = {
      upstreamStarted: false,
      upstreamEnded: null,
      cleanupCalls: [],
      frame,
      exit: null,
      settledSeq: null,
    };
    this.stageRuns.push(run);
    if (frame !== null) frame.run = run;
    return run;
  }

  /** Subscribes to `observable` as the downstream and unsubscribes it at `frame`. */
  subscribe(observable: Observable<unknown>, unsubscribeAt: number): void {
    const subscription: Subscription = observable.subscribe({
      next: (value) => this.downstream.push({ seq: this.tick(), kind: 'N', value }),
      error: (error) => this.downstream.push({ seq: this.tick(), kind: 'E', value: error }),
      complete: () => this.downstream.push({ seq: this.tick(), kind: 'C' }),
    });
    this.scheduler.schedule(() => {
      this.unsubscribedSeq = this.tick();
      subscription.unsubscribe();
    }, unsubscribeAt);
  }
}

/** Runs `scenario` in TestScheduler virtual time with config.onUnhandledError recorded, and returns its world. */
export function inWorld(scheduler: TestScheduler, scenario: (world: World) => void): World {
  let world!: World;
  const previous = config.onUnhandledError;
  try {
    scheduler.run((helpers) => {
      world = new World(scheduler, helpers);
      config.onUnhandledError = (error) => world.unhandled.push(error);
      scenario(world);
    });
  } finally {
    config.onUnhandledError = previous;
  }
  return world;
}

/**
 * Every error an observation carries: itself, what it aggregates, its cause,
 * its reason, and what arrays and plain objects (settled results) hold.
 */
export function carried(observed: unknown, into: Set<unknown>): void {
  if (typeof observed !== 'object' || observed === null || into.has(observed)) return;
  into.add(observed);
  if (Array.isArray(observed)) for (const each of observed) carried(each, into);
  else if (observed instanceof AggregateError) for (const each of observed.errors) carried(each, into);
  else if (!(observed instanceof Error)) for (const each of Object.values(observed)) carried(each, into);
  if ('cause' in observed) carried(observed.cause, into);
  if ('reason' in observed) carried(observed.reason, into);
}

/**
 * True if RxJS dropped `error` in a subscriber it had closed: a hand-written
 * operator, whose own subscription is attached to its subscriber only once
 * its subscribe function returns, goes on forwarding into a subscriber
 * closed meanwhile (see World.dropped). Whatever handed it the error, a link
 * of this package included, handed it to a subscriber still open, and no
 * one can see past a plain observer to the one it feeds.
 */
export function droppedByRxjs(world: World, error: unknown): boolean {
  // (What the dropped notification carried: errors of its own work, and of
  // work a link of it adopted, a hidden subscription's included.)
  return world.dropped.some((drop) => carriedBy(drop.error).has(error));
}

function carriedBy(observed: unknown): Set<unknown> {
  const set = new Set<unknown>();
  carried(observed, set);
  return set;
}

/** Invariant violations of a world after virtual time has settled; empty when all hold. */
export function violations(world: World, options: { shieldedRunsMayStayOpen?: boolean } = {}): string[] {
  const found: string[] = [];

  // 1. Every cleanup runs exactly once, never before its subscription ends.
  world.stageRuns.forEach((run, index) => {
    if (run.cleanupCalls.length !== 1) found.push(`stage run ${index}: cleanup ran ${run.cleanupCalls.length} times`);
    else if (run.upstreamStarted && (run.upstreamEnded === null || run.cleanupCalls[0] < run.upstreamEnded)) {
      found.push(`stage run ${index}: cleanup ran before its subscription ended`);
    }
  });

  // 2. Nothing reaches downstream after an error, a completion, or the unsubscribe.
  const terminal = world.downstream.findIndex((note) => note.kind !== 'N');
  if (terminal !== -1 && terminal < world.downstream.length - 1) found.push('a notification after the end');
  if (world.unsubscribedSeq !== null && world.downstream.some((note) => note.seq > world.unsubscribedSeq!)) {
    found.push('a notification after the unsubscribe');
  }

  // 3. Once time has settled, no subscription, listener or timer is left.
  if (!options.shieldedRunsMayStayOpen) {
    world.logged.forEach((observable, index) => {
      if (observable.subscriptions.some((log) => log.unsubscribedFrame === Infinity)) {
        found.push(`observable ${index}: a subscription never ended`);
      }
    });
  }
  world.signals.forEach((signal, index) => {
    const left = getEventListeners(signal, 'abort').length;
    if (left > 0) found.push(`signal ${index}: ${left} abort listener(s) left`);
  });
  if (world.scheduler.actions.length > 0) found.push(`${world.scheduler.actions.length} scheduled action(s) left`);

  // 4. Every error raised anywhere is observed exactly once: through an error
  // channel (downstream, another observer, a close() rejection, or
  // unhandled), or handed over as data by a settling group ({ status:
  // 'rejected', reason }) and then never through a channel too. Data can be
  // copied on (a group of groups); a channel reports once. (Or dropped by
  // RxJS past a hand-written operator: see droppedByRxjs.)
  const channels = [
    ...world.downstream.filter((note) => note.kind === 'E').map((note) => note.value),
    ...world.channels.map((channel) => channel.error),
    ...world.unhandled,
  ].map(carriedBy);
  const settled = world.settled.map(carriedBy);
  for (const error of world.raised) {
    // Dropped only if nothing observed it: a link that is ending still takes
    // an error handed to it after it closed, and reports it.
    let times = channels.filter((set) => set.has(error)).length + (settled.some((set) => set.has(error)) ? 1 : 0);
    if (times === 0 && droppedByRxjs(world, error)) times = 1;
    if (times !== 1) found.push(`${String(error)} observed ${times} times`);
  }
  return found;
}
