import { getEventListeners } from 'node:events';
import { config, type Observable, type Subscription } from 'rxjs';
import type { RunHelpers, TestScheduler } from 'rxjs/testing';

/** The subscription log of a cold or hot test observable. */
interface Logged {
  readonly subscriptions: readonly { readonly unsubscribedFrame: number }[];
}

/** One subscription to a finalizeCleanup stage: when its upstream ended, when its cleanup ran. */
export interface StageRun {
  upstreamStarted: boolean;
  upstreamEnded: number | null;
  readonly cleanupCalls: number[];
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

  constructor(
    readonly scheduler: TestScheduler,
    readonly helpers: RunHelpers,
  ) {}

  tick(): number {
    return ++this.seq;
  }

  /** A fresh error to be raised somewhere; it counts as raised once `raise` is called. */
  newError(where: string): Error {
    return new Error(`${where} #${++this.errorCount}`);
  }

  raise(error: unknown): void {
    this.raised.add(error);
  }

  log<T extends Logged>(observable: T): T {
    this.logged.push(observable);
    return observable;
  }

  newStageRun(): StageRun {
    const run: StageRun = { upstreamStarted: false, upstreamEnded: null, cleanupCalls: [] };
    this.stageRuns.push(run);
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
function carried(observed: unknown, into: Set<unknown>): void {
  if (typeof observed !== 'object' || observed === null || into.has(observed)) return;
  into.add(observed);
  if (Array.isArray(observed)) for (const each of observed) carried(each, into);
  else if (observed instanceof AggregateError) for (const each of observed.errors) carried(each, into);
  else if (!(observed instanceof Error)) for (const each of Object.values(observed)) carried(each, into);
  if ('cause' in observed) carried(observed.cause, into);
  if ('reason' in observed) carried(observed.reason, into);
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
  // channel (downstream, or unhandled), or handed over as data by a settling
  // group ({ status: 'rejected', reason }) and then never through a channel
  // too. Data can be copied on (a group of groups); a channel reports once.
  const carriedBy = (observed: unknown) => {
    const set = new Set<unknown>();
    carried(observed, set);
    return set;
  };
  const channels = [
    ...world.downstream.filter((note) => note.kind === 'E').map((note) => note.value),
    ...world.unhandled,
  ].map(carriedBy);
  const settled = world.settled.map(carriedBy);
  for (const error of world.raised) {
    const times = channels.filter((set) => set.has(error)).length + (settled.some((set) => set.has(error)) ? 1 : 0);
    if (times !== 1) found.push(`${String(error)} observed ${times} times`);
  }
  return found;
}
