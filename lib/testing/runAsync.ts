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
 */
export interface FakeTimers {
  /** Moves the fake clock on and fires the timers that fall due, synchronously. */
  advanceTimersByTime(ms: number): unknown;
  /** How many fake timers are pending. */
  getTimerCount(): number;
}

/** Options of {@link runAsync}. */
export interface RunAsyncOptions {
  /**
   * The fake timers the test installed (`jest` or `vi`): their clock is moved
   * with virtual time, one frame per millisecond, so a cleanup awaiting
   * `setTimeout(…, 100)` settles 100 frames later. Required when timers are
   * faked, refused when they are not.
   */
  fakeTimers?: FakeTimers;
}

/** The helpers of `TestScheduler.run`, with a `flush` that steps as `runAsync` does. */
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

/** Whether a `runAsync` holds RxJS's schedulers: two at once would share them. */
let running = false;

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
 *   a timer of 0 ms set during frame `f` fires at `f` once its actions ran.
 *   While a fake timer is pending, time moves one frame at a time (at most
 *   100,000 frames with nothing else scheduled: a timer that keeps re-arming,
 *   such as a `setInterval`, ends the run with a `RangeError`).
 * - **Not virtual**: real timers (when timers are not faked), I/O and other
 *   macrotasks. A cleanup awaiting them is still pending when virtual time
 *   runs out, and its held-back outcome is missing from the frames.
 *
 * Virtual time that asynchronous code awaits, as Kotlin's `runTest` and
 * Trio's `MockClock(autojump_threshold=0)` give coroutines.
 *
 * `callback` may be `async`; `runAsync` steps until nothing is scheduled, no
 * fake timer is pending and the callback has settled, then checks the
 * expectations. If the callback is still waiting when nothing is left to
 * step, it rejects. Like `TestScheduler.run`, it takes RxJS's schedulers for
 * its duration: one `runAsync` at a time, and no `TestScheduler.run` inside.
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
  if (timersFaked() !== (fakeTimers !== undefined)) {
    throw new TypeError(
      fakeTimers === undefined
        ? `${FN}: timers are faked; pass them as \`{ fakeTimers: jest }\` (or \`vi\`) so that their clock moves with virtual time`
        : `${FN}: \`options.fakeTimers\` was given but timers are not faked; call jest.useFakeTimers() (or vi.useFakeTimers()) first`,
    );
  }
  if (running) throw new Error('runAsync: another runAsync is running; await it before starting the next');
  return new Run(scheduler, fakeTimers).start(callback);
}

/** One `runAsync`: RxJS's schedulers held in run mode, and the stepping. */
class Run {
  private stepping: Promise<void> | undefined;
  private readonly restore: () => void;
  private readonly helpers: AsyncRunHelpers;

  constructor(
    private readonly scheduler: TestScheduler,
    private readonly fakeTimers: FakeTimers | undefined,
  ) {
    // TestScheduler.run makes the run-mode delegates and puts them into RxJS's
    // providers for the length of its callback; they are read there and put
    // back for the length of this run.
    let helpers: RunHelpers | undefined;
    let taken: Delegates | undefined;
    scheduler.run((given) => {
      helpers = given;
      taken = delegates();
    });
    if (taken?.timeout === undefined || helpers === undefined) {
      throw new Error(
        'runAsync: rxjs/testing and rxjs/internal resolve to different copies of rxjs; install one rxjs (7.8 or later for bundlers that pick its es2015 build)',
      );
    }
    const held = taken;
    const factor = TestScheduler.frameTimeFactor;
    const maxFrames = scheduler.maxFrames;
    TestScheduler.frameTimeFactor = 1;
    scheduler.maxFrames = Infinity;
    Reflect.set(scheduler, 'runMode', true);
    install(held);
    running = true;
    this.restore = () => {
      install({});
      Reflect.set(scheduler, 'runMode', false);
      scheduler.maxFrames = maxFrames;
      TestScheduler.frameTimeFactor = factor;
      running = false;
    };
    this.helpers = { ...helpers, flush: () => this.flush() };
  }

  async start<T>(callback: (helpers: AsyncRunHelpers) => T | PromiseLike<T>): Promise<Awaited<T>> {
    try {
      const outcome = new Settling(callback(this.helpers));
      for (;;) {
        await this.flush();
        if (!outcome.pending()) break;
        await drain();
        if (outcome.pending() && this.idle()) {
          throw new Error(
            'runAsync: the callback is still waiting, but nothing is scheduled in virtual time and no fake timer is pending',
          );
        }
      }
      if (outcome.state === 'rejected') throw outcome.error;
      return outcome.value as Awaited<T>;
    } finally {
      this.restore();
    }
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

  private async step(): Promise<void> {
    const { scheduler, fakeTimers } = this;
    const actions = scheduler.actions;
    let timerFrames = 0;
    for (;;) {
      await drain();
      // Timers of 0 ms that the Promise jobs just set fire in this frame, and
      // their own jobs run before anything else.
      const timers = fakeTimers?.getTimerCount() ?? 0;
      if (timers > 0) {
        fakeTimers?.advanceTimersByTime(0);
        if (fakeTimers?.getTimerCount() !== timers) continue;
      }
      // Hot observables made since the last step start now, as flush starts them.
      for (let hot = scheduler.hotObservables.shift(); hot !== undefined; hot = scheduler.hotObservables.shift()) {
        hot.setup();
      }
      const next = actions.at(0);
      if (next !== undefined && next.delay <= scheduler.frame) {
        actions.shift();
        // What RxJS's flush does: the work's error ends the run, and what is left is dropped.
        const error: unknown = next.execute(next.state, next.delay);
        if (error) {
          for (let left = actions.shift(); left !== undefined; left = actions.shift()) left.unsubscribe();
          rethrow(error);
        }
      } else if (fakeTimers !== undefined && fakeTimers.getTimerCount() > 0) {
        if (next === undefined && ++timerFrames > TIMER_FRAMES_MAX) {
          throw new RangeError(
            `runAsync: a fake timer was still pending after ${TIMER_FRAMES_MAX} frames with nothing else scheduled (one that re-arms, such as setInterval?)`,
          );
        }
        scheduler.frame += 1;
        fakeTimers.advanceTimersByTime(1);
      } else if (next !== undefined) {
        fakeTimers?.advanceTimersByTime(next.delay - scheduler.frame);
        scheduler.frame = next.delay;
      } else {
        break;
      }
    }
    // Nothing is left to run: this only checks the expectations that are ready.
    scheduler.flush();
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
 * Whether `setTimeout` is a fake: Jest's and Vitest's modern fake timers
 * (@sinonjs/fake-timers) mark theirs with the clock, Jest's legacy ones are
 * mock functions.
 */
function timersFaked(): boolean {
  const fake: unknown = globalThis.setTimeout;
  return typeof fake === 'function' && ('clock' in fake || '_isMockFunction' in fake);
}

type NodeTimers = { setImmediate(callback: () => void): unknown };
type Channel = {
  port1: { onmessage: (() => void) | null; close(): void };
  port2: { postMessage(message: unknown): void };
};
type NodeProcess = { getBuiltinModule?(id: string): unknown };

/**
 * Resolves once the Promise jobs pending now, and those they queue, have all
 * run: after one real macrotask. Node's own `setImmediate` (fake timers
 * replace the global one), else a MessageChannel message, which fake timers
 * leave alone.
 */
function drain(): Promise<void> {
  const process = (globalThis as { process?: NodeProcess }).process;
  const timers = process?.getBuiltinModule?.('node:timers') as NodeTimers | undefined;
  return new Promise((resolve) => {
    if (timers !== undefined) {
      timers.setImmediate(resolve);
      return;
    }
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
