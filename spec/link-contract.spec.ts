import { NEVER, Observable, of, Subject, Subscription, type SchedulerLike } from 'rxjs';
import { cancellable, CancelledError, finalizeCleanup, shieldUntil, timeoutCancel } from '../lib';
import { CANCEL, ERROR, hooks, Link, watchTrigger, type Hooks } from '../lib/core';
import { ambientSlot } from '../test-support/ambient';
import { deferred, macrotask } from '../test-support/time';
import { takeUnhandled } from '../test-support/unhandled';

// The operator contract of lib/core/link.ts (docs/cancellation-core.md,
// "Writing an operator"): what a link does when an operator's hooks use it
// outside the order the table gives. Each case is a mistake a new operator
// could make; none may lose an error, keep work running, or send values
// after the end.

function operatorWith<T, S>(given: Hooks<T, S>, state: S) {
  return (source: Observable<T>) =>
    new Observable<T>((destination) => {
      new Link(destination, given, state).open(source);
    });
}

/** What the downstream hears from `of(1)` through a link with `given` hooks. */
function heardThrough(given: Hooks<number, null>): unknown[] {
  const log: unknown[] = [];
  of(1)
    .pipe(operatorWith(given, null))
    .subscribe({ next: (v) => log.push(v), error: (e) => log.push(e), complete: () => log.push('complete') });
  return log;
}

describe('the link contract', () => {
  it('an error a report hook sends to the link after its end (not to its destination) reaches config.onUnhandledError', async () => {
    const lost = new Error('lost');
    const sendsToTheLink: Hooks<number, null> = hooks<number, null>({
      report(link) {
        link.destination.error(lost);
      },
    });
    expect(heardThrough(sendsToTheLink)).toEqual([1]);
    await macrotask();
    expect(takeUnhandled()).toEqual([lost]);
  });

  it('detach() outside a live link does nothing: a finish hook that calls it still lets the link report', () => {
    const detachesLate: Hooks<number, null> = hooks<number, null>({
      finish(link) {
        link.detach(null);
      },
    });
    expect(heardThrough(detachesLate)).toEqual([1, 'complete']);
  });

  it('shield() with a leave hook that neither detaches nor stops: the downstream leaving ends the link as usual', () => {
    const log: string[] = [];
    const source = new Observable<number>(() => () => log.push('source torn down'));
    const shieldsButKeepsNothing: Hooks<number, null> = hooks<number, null>({
      start(link, given) {
        link.shield();
        given.subscribe(link);
      },
      leave() {
        log.push('leave');
      },
    });
    const subscription = source.pipe(operatorWith(shieldsButKeepsNothing, null)).subscribe();
    subscription.unsubscribe();
    expect(log).toEqual(['leave', 'source torn down']);
  });

  it('a next hook sees no value once the link has ended, whoever sends it', () => {
    const seen: unknown[] = [];
    const looks: Hooks<number, null> = hooks<number, null>({
      next(link, value) {
        seen.push(value);
        link.emit(value);
      },
    });
    const source = new Subject<number>();
    let link: Link<number, null> | null = null;
    const kept = new Observable<number>((destination) => {
      link = new Link(destination, looks, null);
      link.open(source);
    });
    const log: unknown[] = [];
    kept.subscribe({ next: (v) => log.push(v), complete: () => log.push('complete') });
    source.next(1);
    source.complete();
    (link as Link<number, null> | null)?.next(2);
    expect(seen).toEqual([1]);
    expect(log).toEqual([1, 'complete']);
  });

  it('emit() from a finish hook, after the source ended, sends nothing downstream', () => {
    const emitsLate: Hooks<number, null> = hooks<number, null>({
      finish(link) {
        link.emit(99);
      },
    });
    expect(heardThrough(emitsLate)).toEqual([1, 'complete']);
  });

  it('stop() once the link is ending changes nothing: the outcome stays the one it ended with', () => {
    const stopsAgain: Hooks<number, null> = hooks<number, null>({
      finish(link) {
        link.stop(CANCEL, 'too late');
        link.stop(ERROR, new Error('too late'));
      },
    });
    expect(heardThrough(stopsAgain)).toEqual([1, 'complete']);
  });

  it('the defaults: next passes a value on (link.emit), fire cancels with the value as the reason', () => {
    const defaults = hooks<number, null>({});
    const log: unknown[] = [];
    const stop = new Subject<string>();
    const passes: Hooks<number, null> = hooks<number, null>({
      // A next hook that hands each value to the default one.
      next: (link, value) => defaults.next(link, value * 10),
      start(link, source) {
        // A trigger whose firing goes to the default fire hook.
        watchTrigger(
          { add: (t) => link.add(t), fire: (v) => defaults.fire(link, v), triggerFailed: (e) => link.triggerFailed(e) },
          {
            kind: 'observable',
            source: stop,
          },
        );
        source.subscribe(link);
      },
    });
    const values = new Subject<number>();
    values.pipe(operatorWith(passes, null)).subscribe({
      next: (v) => log.push(v),
      error: (e: unknown) => log.push(e instanceof CancelledError ? `cancelled: ${String(e.reason)}` : e),
      complete: () => log.push('complete'),
    });
    values.next(1);
    stop.next('stop pressed');
    values.next(2);
    expect(log).toEqual([10, 'cancelled: stop pressed']);
  });

  it('hooks of one state type are not accepted as hooks of another', () => {
    const forNumbers: Hooks<unknown, { count: number }> = hooks<unknown, { count: number }>({});
    // @ts-expect-error: the state types differ.
    const forStrings: Hooks<unknown, { name: string }> = forNumbers;
    expect(forStrings).toBe(forNumbers);
  });
});

describe('a scheduler that runs its work without the state it was given (not a SchedulerLike)', () => {
  // Keeps the work it is given, to run it as a broken scheduler would.
  function brokenScheduler(): SchedulerLike & { run(): void } {
    const works: (() => void)[] = [];
    return {
      now: () => 0,
      schedule(work) {
        const action = new Subscription();
        works.push(() => (work as (this: Subscription, state?: unknown) => void).call(action));
        return action;
      },
      run() {
        for (const work of works) work();
      },
    };
  }

  it('timeoutCancel: the check throws a TypeError that says so, rather than never timing out', () => {
    const scheduler = brokenScheduler();
    NEVER.pipe(timeoutCancel({ total: 5, scheduler })).subscribe({ error: () => {} });
    expect(() => scheduler.run()).toThrow(
      new TypeError('timeoutCancel: the scheduler ran its work without the state it was given'),
    );
  });

  it('shieldUntil(ms): the release throws a TypeError that says so, rather than never releasing', () => {
    const scheduler = brokenScheduler();
    NEVER.pipe(shieldUntil(5, { scheduler })).subscribe().unsubscribe();
    expect(() => scheduler.run()).toThrow(
      new TypeError('rxjs-cancel, a delay: the scheduler ran its work without the state it was given'),
    );
  });
});

describe('between tasks, no subscription is on the stacks of what is ending right now', () => {
  // The stacks (lib/core/waiter.ts) hold what a synchronous teardown cascade
  // must see. A link whose cleanup goes on asynchronously has left them, and
  // watches its downstream instead: one left there would be told of every
  // later teardown in the app, and kept alive by a global.
  const ambient = ambientSlot();

  it.each([
    ['a source that ends while it is being subscribed', true],
    ['a source cancelled later', false],
  ])('%s, with an asynchronous cleanup', async (_, endsAtOnce) => {
    const stop = new Subject<void>();
    const cleanupDone = deferred();
    const log: string[] = [];
    const source = endsAtOnce
      ? new Observable<number>((subscriber) => subscriber.complete())
      : NEVER.pipe(cancellable(stop));
    source.pipe(finalizeCleanup(() => cleanupDone.promise)).subscribe({
      error: () => log.push('error'),
      complete: () => log.push('complete'),
    });
    stop.next();
    expect(ambient.endings).toEqual([]);
    expect(ambient.waiters).toEqual([]);
    cleanupDone.resolve();
    await macrotask();
    expect(log).toEqual([endsAtOnce ? 'complete' : 'error']);
    expect(ambient.endings).toEqual([]);
    expect(ambient.waiters).toEqual([]);
  });
});
