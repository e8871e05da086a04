import { NEVER, of, Subject, take, throwError } from 'rxjs';
import { cancellable, finalizeCleanup, fromAbortable } from '../lib';

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
