import type { SchedulerAction, SchedulerLike, Subscription, TeardownLogic } from 'rxjs';

/**
 * A scheduler whose clock counts in units of `msPerUnit` milliseconds of
 * `base`: `timer(2, scaled)` waits 2 units. The examples are written in the
 * reference's units and run in real time through it, and unchanged in
 * virtual time through a TestScheduler (one unit = one frame).
 *
 * Work that reschedules itself (`timer(0, 2, scaled)`, `interval`) calls
 * `this.schedule(state, delay)` on its action; the action it sees scales that
 * delay too.
 */
export function scaledScheduler(base: SchedulerLike, msPerUnit: number): SchedulerLike {
  return {
    now: () => base.now() / msPerUnit,
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
      return base.schedule(
        function (this: SchedulerAction<T>, current?: T) {
          work.call(scaledAction(this, msPerUnit), current);
        },
        delay * msPerUnit,
        state,
      );
    },
  };
}

function scaledAction<T>(action: SchedulerAction<T>, msPerUnit: number): SchedulerAction<T> {
  const scaled = {
    schedule: (state?: T, delay = 0) => action.schedule(state, delay * msPerUnit),
    unsubscribe: () => action.unsubscribe(),
    add: (teardown: TeardownLogic) => action.add(teardown),
    remove: (teardown: Exclude<TeardownLogic, void>) => action.remove(teardown),
    get closed() {
      return action.closed;
    },
  };
  // SchedulerAction is a class with private members; this stands in for one
  // through the methods scheduled work uses.
  return scaled as unknown as SchedulerAction<T>;
}
