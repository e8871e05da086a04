import {
  concat,
  map,
  NEVER,
  type Observable,
  of,
  range,
  type SchedulerLike,
  Subject,
  take,
  throwError,
  timer,
  VirtualTimeScheduler,
} from 'rxjs';
import { cancellable, finalizeCleanup, fromAbortable, timeoutCancel, UNSUBSCRIBED, type Exit } from '../lib';

// Core rule 6: no AbortController or Promise per subscription on paths that
// never need one. The counts are exact, not timings: a change that creates
// either per subscription fails here. (Speed is measured in bench/, as ratios
// against RxJS's own operators.) What it cannot see: native `await` does not
// go through Promise.prototype.then, so an `async` function in lib/ would slip
// past the Promise count; lib/ has none on these paths.

const CYCLES = 200;

function countCostly(run: () => void): { abortControllers: number; promiseThens: number } {
  const Original = globalThis.AbortController;
  let abortControllers = 0;
  // A subclass, not jest.spyOn: a class constructor cannot be called without `new`.
  globalThis.AbortController = class CountedAbortController extends Original {
    constructor() {
      super();
      abortControllers++;
    }
  };
  const promiseThens = jest.spyOn(Promise.prototype, 'then');
  try {
    for (let i = 0; i < CYCLES; i++) run();
  } finally {
    globalThis.AbortController = Original;
  }
  return { abortControllers, promiseThens: promiseThens.mock.calls.length };
}

describe('pay only for what is used', () => {
  const stop = new Subject<void>();
  const signal = new AbortController().signal;

  // prettier-ignore
  it.each([
    ['finalizeCleanup, synchronous cleanup, plain unsubscribe', () => NEVER.pipe(finalizeCleanup(() => {})).subscribe().unsubscribe()],
    ['finalizeCleanup, synchronous cleanup, complete', () => of(1).pipe(finalizeCleanup(() => {})).subscribe()],
    ['finalizeCleanup, synchronous cleanup, error', () => throwError(() => 'boom').pipe(finalizeCleanup(() => {})).subscribe({ error: () => {} })],
    ['finalizeCleanup under take(1)', () => of(1, 2).pipe(finalizeCleanup(() => {}), take(1)).subscribe()],
    ['cancellable(notifier), plain unsubscribe', () => NEVER.pipe(finalizeCleanup(() => {}), cancellable(stop)).subscribe().unsubscribe()],
    ['cancellable(notifier), source completes', () => of(1).pipe(finalizeCleanup(() => {}), cancellable(stop)).subscribe()],
    ['cancellable(signal), plain unsubscribe', () => NEVER.pipe(cancellable(signal)).subscribe().unsubscribe()],
  ])('%s', (_name, run) => {
    expect(countCostly(run)).toEqual({ abortControllers: 0, promiseThens: 0 });
  });

  it('hands every plain unsubscribe one shared, frozen exit rather than a new object', () => {
    const exits: Exit[] = [];
    for (let i = 0; i < 2; i++) {
      NEVER.pipe(finalizeCleanup((exit) => void exits.push(exit)))
        .subscribe()
        .unsubscribe();
    }
    expect(exits[0]).toEqual({ kind: 'cancel', reason: UNSUBSCRIBED });
    expect(exits[1]).toBe(exits[0]);
    expect(Object.isFrozen(exits[0])).toBe(true);
  });

  it('counts what it claims to count (fromAbortable needs one controller per subscription)', () => {
    const aborted: boolean[] = [];
    const run = () =>
      fromAbortable((signal) => (signal.addEventListener('abort', () => aborted.push(true)), NEVER))
        .subscribe()
        .unsubscribe();
    expect(countCostly(run)).toEqual({
      abortControllers: CYCLES,
      promiseThens: 0,
    });
    expect(aborted).toHaveLength(CYCLES);
  });
});

// timeoutCancel keeps one scheduled check, for the earliest deadline, and
// replaces it only when that deadline moves (see TimeoutLink). Its output
// would be the same if it re-scheduled on every value; its cost would not
// (RxJS's timeout(each) does, and is 12 times slower per value). These pin
// every schedule call, with the virtual time it was made at and its delay.
describe('timeoutCancel schedules a check only when the earliest deadline moves', () => {
  function schedulesOf(pipeline: (scheduler: SchedulerLike, clock: SchedulerLike) => Observable<unknown>) {
    const clock = new VirtualTimeScheduler();
    const calls: [at: number, delay: number | undefined][] = [];
    const recorded: SchedulerLike = {
      now: () => clock.now(),
      schedule: (work: never, delay?: number, state?: never) => {
        calls.push([clock.now(), delay]);
        return clock.schedule(work, delay, state);
      },
    };
    let outcome = 'running';
    pipeline(recorded, clock).subscribe({
      error: (error: Error) => (outcome = `${error.name} at ${clock.now()}`),
      complete: () => (outcome = `complete at ${clock.now()}`),
    });
    clock.flush();
    return { calls, outcome };
  }

  it('a synchronous burst under `each` arms once, for the first value', () => {
    expect(schedulesOf((scheduler) => range(0, 1000).pipe(timeoutCancel({ each: 100, scheduler })))).toEqual({
      calls: [[0, 100]],
      outcome: 'complete at 0',
    });
  });

  it('values at one instant under `each` re-arm once; a later value re-arms again', () => {
    const values = (clock: SchedulerLike) => concat(timer(1, clock), of(1), timer(4, clock), NEVER);
    expect(schedulesOf((scheduler, clock) => values(clock).pipe(timeoutCancel({ each: 10, scheduler })))).toEqual({
      calls: [
        [0, 10],
        [1, 10],
        [5, 10],
      ],
      outcome: 'TimeoutError at 15',
    });
  });

  it('a downstream that leaves on the first value leaves nothing armed', () => {
    expect(schedulesOf((scheduler) => range(0, 1000).pipe(timeoutCancel({ each: 100, scheduler }), take(1)))).toEqual({
      calls: [],
      outcome: 'complete at 0',
    });
  });

  it('values under `total` alone never re-arm', () => {
    expect(schedulesOf((scheduler) => range(0, 1000).pipe(timeoutCancel({ total: 100, scheduler })))).toEqual({
      calls: [],
      outcome: 'complete at 0',
    });
    expect(
      schedulesOf((scheduler, clock) =>
        concat(timer(1, clock), timer(1, clock), NEVER).pipe(timeoutCancel({ total: 100, scheduler })),
      ),
    ).toEqual({ calls: [[0, 100]], outcome: 'TimeoutError at 100' });
  });

  it('the first value moves the check from the `first` deadline to the total one, at once', () => {
    expect(
      schedulesOf((scheduler, clock) =>
        concat(timer(1, clock), NEVER).pipe(timeoutCancel({ first: 10, total: 100, scheduler })),
      ),
    ).toEqual({
      calls: [
        [0, 10],
        [1, 99],
      ],
      outcome: 'TimeoutError at 100',
    });
  });

  it('a reschedule to the deadline already armed schedules nothing new', () => {
    expect(
      schedulesOf((scheduler, clock) =>
        NEVER.pipe(timeoutCancel({ total: 100, reschedule: timer(50, clock).pipe(map(() => 50)), scheduler })),
      ),
    ).toEqual({ calls: [[0, 100]], outcome: 'TimeoutError at 100' });
  });

  it('no deadline in force schedules nothing; a reschedule to none drops the check', () => {
    expect(schedulesOf((scheduler) => NEVER.pipe(timeoutCancel({ reschedule: NEVER, scheduler })))).toEqual({
      calls: [],
      outcome: 'running',
    });
    const toNone = (clock: SchedulerLike) => timer(50, clock).pipe(map(() => null));
    expect(
      schedulesOf((scheduler, clock) =>
        NEVER.pipe(timeoutCancel({ total: 100, reschedule: toNone(clock), scheduler })),
      ),
    ).toEqual({ calls: [[0, 100]], outcome: 'running' });
  });
});
