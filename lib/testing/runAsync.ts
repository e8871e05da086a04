import { animationFrameProvider } from 'rxjs/internal/scheduler/animationFrameProvider';
import { dateTimestampProvider } from 'rxjs/internal/scheduler/dateTimestampProvider';
import { immediateProvider } from 'rxjs/internal/scheduler/immediateProvider';
import { intervalProvider } from 'rxjs/internal/scheduler/intervalProvider';
import { performanceTimestampProvider } from 'rxjs/internal/scheduler/performanceTimestampProvider';
import { timeoutProvider } from 'rxjs/internal/scheduler/timeoutProvider';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import { checkOptions, invalid } from '../core';

/**
 * The fake-timer controls `runAsync` needs: Jest's `jest` and Vitest's `vi`
 * both have them, so `{ fakeTimers: jest }` or `{ fakeTimers: vi }`.
 *
 * @group Options and types
 */
export interface FakeTimers {
  /** Moves the fake clock on and fires the timers that fall due, synchronously. */
  advanceTimersByTime(ms: number): unknown;
  /** How many fake timers are pending. */
  getTimerCount(): number;
  /**
   * Runs the faked `process.nextTick` callbacks (Jest's legacy fake timers
   * count them as timers until this is called).
   */
  runAllTicks?(): void;
}

/**
 * Options of {@link runAsync}.
 *
 * @group Options and types
 */
export interface RunAsyncOptions {
  /**
   * The fake timers the test installed (`jest` or `vi`): their clock is moved
   * with virtual time, one frame per millisecond, so a cleanup awaiting
   * `setTimeout(…, 100)` settles 100 frames later. Required when timers are
   * faked, refused when they are not.
   */
  fakeTimers?: FakeTimers;
}

/**
 * The helpers of `TestScheduler.run`, with a `flush` that steps as `runAsync` does.
 *
 * @group Options and types
 */
export interface AsyncRunHelpers extends Omit<RunHelpers, 'flush'> {
  /**
   * Runs virtual time until nothing is scheduled and no fake timer is
   * pending, settling Promise jobs between steps, then checks the
   * expectations made so far, as `TestScheduler.flush` does.
   */
  flush: () => Promise<void>;
}

/**
 * Frames a run steps one at a time for fake timers while nothing is
 * scheduled in virtual time, before it gives up on a timer that re-arms.
 */
const TIMER_FRAMES_MAX = 100_000;

const FN = 'runAsync';

/** The `runAsync` that holds RxJS's schedulers, if one does. */
let current: Run | undefined;

/**
 * Runs a marble test like `TestScheduler.run`, but asynchronously, so that
 * Promise, async-iterable and `fromAbortable` cleanups settle in virtual time.
 *
 * `TestScheduler.run` runs every scheduled action at once and returns; a
 * Promise a cleanup returns settles only afterwards, so what the cleanup holds
 * back (a completion, a `CancelledError`) never reaches `expectObservable`.
 * `runAsync` steps virtual time instead and lets pending Promise jobs run
 * between steps, as Node lets them run between two timer callbacks:
 *
 * ```
 * source:             a-b-c-d-
 * trigger:            --x
 * cleanup:              async () => await connection.close()   (no timer)
 * TestScheduler.run:  a-         the CancelledError comes after run compared
 * runAsync:           a-#        the cleanup's Promise settles in frame 2
 * ```
 *
 * - **Same frame**: a Promise that settles without timers settles in the
 *   frame in which it was made, after the action that made it, and what it
 *   releases is recorded at that frame.
 * - **Fake timers** (`{ fakeTimers: jest }` or `vi`): their clock moves with
 *   virtual time, one millisecond per frame; a timer due at frame `f` fires
 *   when virtual time reaches `f`, before the actions scheduled for `f`, and
 *   a timer of 0 ms fires in the frame it was set in, right after the action
 *   or Promise job that set it. While a fake timer is pending, time moves one
 *   frame at a time; with nothing else scheduled, at most 100,000 frames: a
 *   timer that re-arms (`setInterval`) or one due later than that (including
 *   one set before the run) ends the run with a `RangeError`. A clock that
 *   moves by itself (`useFakeTimers({ advanceTimers: true })`) is refused.
 * - **Not virtual**: real timers (when timers are not faked), I/O and other
 *   macrotasks. They settle whenever real time brings them, at whichever frame
 *   the stepping has reached then: a test that depends on them has no fixed
 *   frames. Fake the timers; keep I/O out of marble tests.
 *
 * Virtual time that asynchronous code awaits, as Kotlin's `runTest` and
 * Trio's `MockClock(autojump_threshold=0)` give coroutines.
 *
 * `callback` may be `async`; `runAsync` steps until nothing is scheduled, no
 * fake timer is pending and the callback has settled, then checks the
 * expectations. If the callback is still waiting when nothing is left to
 * step, it rejects. Like `TestScheduler.run`, it holds RxJS's schedulers for
 * its duration: a `runAsync` started while another runs ends the older one
 * (which rejects, as when its test timed out and left it stepping); called
 * inside `TestScheduler.run`, or running into one, it rejects.
 *
 * @example
 * ```ts
 * await runAsync(testScheduler, ({ cold, hot, expectObservable }) => {
 *   const trigger = hot('--x');
 *   const source = cold('a---').pipe(
 *     finalizeCleanup(() => Promise.resolve()), // settles in frame 2
 *     cancellable(trigger),
 *   );
 *   expectObservable(source).toBe('a-#', undefined, new CancelledError('x'));
 * });
 * ```
 * @param scheduler The `TestScheduler` whose virtual time to run.
 * @param callback Makes the observables and expectations, like the callback of `TestScheduler.run`.
 * @param options `fakeTimers`: the installed fake timers (`jest` or `vi`).
 * @returns What `callback` returned (or its Promise resolved to), once virtual time ran out and the expectations held.
 * @throws {TypeError} Synchronously, for a scheduler that is not a `TestScheduler`, a callback that is not a function, or `fakeTimers` missing while timers are faked (or given while they are not).
 * @throws {Error} Synchronously, when called inside `TestScheduler.run`.
 *
 * @group Testing
 */
export function runAsync<T>(
  scheduler: TestScheduler,
  callback: (helpers: AsyncRunHelpers) => T | PromiseLike<T>,
  options?: RunAsyncOptions,
): Promise<Awaited<T>> {
  if (!(scheduler instanceof TestScheduler)) invalid(FN, 'scheduler', 'a TestScheduler of rxjs/testing', scheduler);
  if (typeof callback !== 'function') invalid(FN, 'callback', 'a function', callback);
  const fakeTimers = checkOptions(FN, options)?.fakeTimers;
  if (
    fakeTimers !== undefined &&
    !(
      typeof fakeTimers === 'object' &&
      typeof fakeTimers.advanceTimersByTime === 'function' &&
      typeof fakeTimers.getTimerCount === 'function'
    )
  ) {
    invalid(FN, 'options.fakeTimers', 'the fake timers of the test (jest or vi)', fakeTimers);
  }
  if (fakeTimers === undefined && faked('clock')) {
    throw new TypeError(
      `${FN}: timers are faked; pass them as \`{ fakeTimers: jest }\` (or \`vi\`) so that their clock moves with virtual time`,
    );
  }
  if (fakeTimers !== undefined && !faked('clock') && !faked('_isMockFunction')) {
    throw new TypeError(
      `${FN}: \`options.fakeTimers\` was given but timers are not faked; call jest.useFakeTimers() (or vi.useFakeTimers()) first`,
    );
  }
  current?.end(new Error(`${FN}: ended because another runAsync started (did its test time out?)`));
  if (timeoutProvider.delegate !== undefined) {
    throw new Error(`${FN}: called inside TestScheduler.run, which holds RxJS's schedulers`);
  }
  const run = new Run(scheduler, fakeTimers);
  current = run;
  return run.start(callback);
}

/** One `runAsync`: RxJS's schedulers held in run mode, and the stepping. */
class Run {
  private stepping: Promise<void> | undefined;
  /**
   * Resolves once the Promise jobs pending now, and those they queue, have
   * all run: after one real macrotask. Node's own `setImmediate` (fake timers
   * replace the global one), else a MessageChannel message, which fake timers
   * leave alone.
   */
  private readonly drain = drainer();
  private readonly held: Delegates;
  private readonly helpers: AsyncRunHelpers;
  private readonly restoreState: () => void;
  private restored = false;
  /** Why the run must stop: another run took the schedulers, or TestScheduler.run gave them back. */
  private ended: Error | undefined;
  /** The frame the fake clock stands at (virtual time may briefly be before it: hot values before `^`). */
  private clockFrame: number;
  /** The fake clock's reading at `clockFrame`, where the fake `Date` tells it. */
  private readonly clockAt: (() => number) | undefined;
  private readonly clockStart: number;
  private readonly frameStart: number;

  constructor(
    private readonly scheduler: TestScheduler,
    private readonly fakeTimers: FakeTimers | undefined,
  ) {
    // TestScheduler.run makes the run-mode delegates and puts them into RxJS's
    // providers for the length of its callback; they are read there and put
    // back for the length of this run. What is already scheduled is set aside
    // meanwhile, so that run's flush does not run it now: it runs in this
    // run's steps, as it would in run's flush.
    const queued = scheduler.actions.splice(0);
    const hots = scheduler.hotObservables.splice(0);
    let helpers: RunHelpers | undefined;
    let taken: Delegates | undefined;
    scheduler.run((given) => {
      helpers = given;
      taken = delegates();
    });
    scheduler.actions.push(...queued);
    scheduler.hotObservables.push(...hots);
    if (taken?.timeout === undefined || helpers === undefined) {
      throw new Error(
        `${FN}: rxjs/testing and rxjs/internal resolve to different copies of rxjs; install one rxjs (7.8 or later for bundlers that pick its es2015 build)`,
      );
    }
    this.held = taken;
    const factor = TestScheduler.frameTimeFactor;
    const maxFrames = scheduler.maxFrames;
    TestScheduler.frameTimeFactor = 1;
    scheduler.maxFrames = Infinity;
    Reflect.set(scheduler, 'runMode', true);
    install(this.held);
    this.restoreState = () => {
      install({});
      Reflect.set(scheduler, 'runMode', false);
      scheduler.maxFrames = maxFrames;
      TestScheduler.frameTimeFactor = factor;
    };
    this.helpers = { ...helpers, flush: () => this.flush() };
    this.clockFrame = this.frameStart = scheduler.frame;
    // Modern fake timers fake Date too (unless told not to): it tells whether the clock moves by itself.
    this.clockAt = fakeTimers !== undefined && 'clock' in Date ? () => Date.now() : undefined;
    this.clockStart = this.clockAt?.() ?? 0;
  }

  async start<T>(callback: (helpers: AsyncRunHelpers) => T | PromiseLike<T>): Promise<Awaited<T>> {
    try {
      const outcome = new Settling(callback(this.helpers));
      for (;;) {
        await this.flush();
        if (!outcome.pending()) break;
        await this.drain();
        this.check();
        if (outcome.pending() && this.idle()) {
          throw new Error(
            `${FN}: the callback is still waiting, but nothing is scheduled in virtual time and no fake timer is pending`,
          );
        }
      }
      if (outcome.state === 'rejected') throw outcome.error;
      return outcome.value as Awaited<T>;
    } finally {
      this.restore();
    }
  }

  /** Gives RxJS's schedulers back at once; the run rejects with `error` at its next step. */
  end(error: Error): void {
    this.ended ??= error;
    this.restore();
  }

  private restore(): void {
    if (current === this) current = undefined;
    if (this.restored) return;
    this.restored = true;
    this.restoreState();
  }

  /** Steps until idle; a flush asked for while one runs joins it. */
  flush(): Promise<void> {
    this.stepping ??= this.step().finally(() => {
      this.stepping = undefined;
    });
    return this.stepping;
  }

  private idle(): boolean {
    return (
      this.stepping === undefined &&
      this.scheduler.actions.length === 0 &&
      this.scheduler.hotObservables.length === 0 &&
      (this.fakeTimers?.getTimerCount() ?? 0) === 0
    );
  }

  /** Throws if the run must stop: it was ended, or RxJS's schedulers were taken from it. */
  private check(): void {
    if (this.ended !== undefined) throw this.ended;
    if (timeoutProvider.delegate !== this.held.timeout) {
      this.ended = new Error(`${FN}: TestScheduler.run was called during runAsync and gave RxJS its real timers back`);
      this.restore();
      throw this.ended;
    }
  }

  private async step(): Promise<void> {
    const { scheduler, fakeTimers } = this;
    const actions = scheduler.actions;
    let timerFrames = 0;
    for (;;) {
      this.check();
      await this.drain();
      this.check();
      if (fakeTimers !== undefined) await this.fireDue(fakeTimers);
      // Hot observables made since the last step start now, as flush starts them.
      for (let hot = scheduler.hotObservables.shift(); hot !== undefined; hot = scheduler.hotObservables.shift()) {
        hot.setup();
      }
      const next = actions.at(0);
      if (next !== undefined && next.delay <= scheduler.frame) {
        // What RxJS's flush does: the frame is the action's (a hot value before
        // `^` runs before 0), and the work's error ends the run, dropping the rest.
        actions.shift();
        scheduler.frame = next.delay;
        const error: unknown = next.execute(next.state, next.delay);
        if (error) {
          for (let left = actions.shift(); left !== undefined; left = actions.shift()) left.unsubscribe();
          rethrow(error);
        }
      } else if (fakeTimers !== undefined && fakeTimers.getTimerCount() > 0) {
        if (next === undefined && ++timerFrames > TIMER_FRAMES_MAX) {
          throw new RangeError(
            `${FN}: a fake timer was still pending after ${TIMER_FRAMES_MAX} frames with nothing scheduled in virtual time: one that re-arms (setInterval), or one due later than that (set before the run?); clear it first`,
          );
        }
        this.moveTo(scheduler.frame + 1);
      } else if (next !== undefined) {
        this.moveTo(next.delay);
      } else {
        break;
      }
    }
    // Nothing is left to run: this only checks the expectations that are ready.
    scheduler.flush();
  }

  /**
   * Fires the fake timers due now (0 ms ones just set), each time letting the
   * Promise jobs they start run, until those jobs set no new timer.
   */
  private async fireDue(fakeTimers: FakeTimers): Promise<void> {
    for (let pending = fakeTimers.getTimerCount(); pending > 0;) {
      fakeTimers.advanceTimersByTime(0);
      const left = fakeTimers.getTimerCount();
      await this.drain();
      this.check();
      fakeTimers.runAllTicks?.();
      pending = fakeTimers.getTimerCount();
      if (pending <= left) break;
    }
  }

  /** Moves virtual time to `frame`, and the fake clock with it (never back). */
  private moveTo(frame: number): void {
    const fakeTimers = this.fakeTimers;
    if (fakeTimers !== undefined && frame > this.clockFrame) {
      fakeTimers.advanceTimersByTime(frame - this.clockFrame);
      this.clockFrame = frame;
      if (this.clockAt !== undefined && this.clockAt() - this.clockStart !== frame - this.frameStart) {
        throw new Error(
          `${FN}: the fake clock moved by itself (useFakeTimers({ advanceTimers: true }), or setSystemTime during the run); runAsync moves it with virtual time`,
        );
      }
    }
    this.scheduler.frame = frame;
  }
}

type Delegates = {
  animationFrame?: typeof animationFrameProvider.delegate;
  date?: typeof dateTimestampProvider.delegate;
  immediate?: typeof immediateProvider.delegate;
  interval?: typeof intervalProvider.delegate;
  performance?: typeof performanceTimestampProvider.delegate;
  timeout?: typeof timeoutProvider.delegate;
};

function delegates(): Delegates {
  return {
    animationFrame: animationFrameProvider.delegate,
    date: dateTimestampProvider.delegate,
    immediate: immediateProvider.delegate,
    interval: intervalProvider.delegate,
    performance: performanceTimestampProvider.delegate,
    timeout: timeoutProvider.delegate,
  };
}

function install(held: Delegates): void {
  animationFrameProvider.delegate = held.animationFrame;
  dateTimestampProvider.delegate = held.date;
  immediateProvider.delegate = held.immediate;
  intervalProvider.delegate = held.interval;
  performanceTimestampProvider.delegate = held.performance;
  timeoutProvider.delegate = held.timeout;
}

/** A value that may be a Promise, followed so that whether it settled can be read without awaiting. */
class Settling {
  state: 'pending' | 'fulfilled' | 'rejected' = 'fulfilled';
  value: unknown;
  error: unknown;

  pending(): boolean {
    return this.state === 'pending';
  }

  constructor(value: unknown) {
    if (!isThenable(value)) {
      this.value = value;
      return;
    }
    this.state = 'pending';
    Promise.resolve(value).then(
      (resolved) => {
        this.state = 'fulfilled';
        this.value = resolved;
      },
      (error: unknown) => {
        this.state = 'rejected';
        this.error = error;
      },
    );
  }
}

/**
 * Whether one of the timer functions carries `marker`: Jest's and Vitest's
 * modern fake timers (@sinonjs/fake-timers) mark theirs with `clock`; Jest's
 * legacy ones are mock functions (`_isMockFunction`), which a
 * `jest.spyOn(globalThis, 'setTimeout')` also is, so that marker alone proves
 * nothing.
 */
function faked(marker: 'clock' | '_isMockFunction'): boolean {
  const timers = globalThis as { setTimeout?: unknown; setInterval?: unknown; setImmediate?: unknown };
  return [timers.setTimeout, timers.setInterval, timers.setImmediate].some(
    (fake: unknown) => typeof fake === 'function' && marker in fake,
  );
}

type NodeTimers = { setImmediate(callback: () => void): unknown };
type Channel = {
  port1: { onmessage: (() => void) | null; close(): void };
  port2: { postMessage(message: unknown): void };
};
type NodeProcess = { getBuiltinModule?(id: string): unknown };

/** Picks, once per run, how {@link Run.drain} waits for one real macrotask. */
function drainer(): () => Promise<void> {
  const process = (globalThis as { process?: NodeProcess }).process;
  const timers = process?.getBuiltinModule?.('node:timers') as NodeTimers | undefined;
  if (timers !== undefined) return () => new Promise((resolve) => timers.setImmediate(resolve));
  return () =>
    new Promise((resolve) => {
      const channel = new (globalThis as { MessageChannel: new () => Channel }).MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    ((typeof value === 'object' && value !== null) || typeof value === 'function') &&
    'then' in value &&
    typeof value.then === 'function'
  );
}

/** Throws what scheduled work threw, whatever it is, as RxJS's flush does. */
function rethrow(error: unknown): never {
  throw error;
}
