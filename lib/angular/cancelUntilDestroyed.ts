import type { DestroyRef } from '@angular/core';
import { Observable, type MonoTypeOperatorFunction } from 'rxjs';
import { CANCEL, hooks, Link, toTrigger, watchTrigger, type Hooks, type Trigger } from '../core';
import { contextOf, DESTROYED, type AngularCancelOptions, type Context } from './context';

/**
 * Cancels the source when a `DestroyRef` is destroyed, waits for its
 * cleanups, then completes: Angular's `takeUntilDestroyed`, with the
 * cleanups awaited and told why.
 *
 * <span class="informal">`takeUntilDestroyed()` that runs `finally` to the
 * end.</span>
 *
 * ```
 * source:   --a--b--c--d--
 * destroy:  -------x
 * cleanup:         ^-|         (a finalizeCleanup upstream, 2 frames; a PendingTasks task held)
 * result:   --a--b---|         (completes after the cleanup)
 * ```
 *
 * Called with no `DestroyRef`, it must run in an injection context (a
 * constructor, a field initializer, `runInInjectionContext`) and takes the
 * context's, failing there as `takeUntilDestroyed` does (NG0203); outside
 * one, pass a `DestroyRef` or `options.injector`. A `DestroyRef` destroyed
 * already cancels at subscribe time: the source is never subscribed.
 *
 * On destroy the source is unsubscribed with the reason {@link DESTROYED},
 * which cleanups upstream see as `exit.reason`; every cleanup it starts is
 * awaited; then the downstream completes, as with `takeUntilDestroyed`
 * (never a `CancelledError`: typical component code has no error handler). A
 * cleanup that failed is not lost: the downstream gets a `CleanupError`
 * instead (or, if it has left, `config.onUnhandledError` does).
 *
 * While those cleanups run, an Angular `PendingTasks` task is held (unless
 * `options.pendingTasks` is false), so `ApplicationRef.whenStable()`, a
 * test's `fixture.whenStable()` and server-side rendering wait for them. It
 * is taken from the injection context or `options.injector`: with an
 * explicit `DestroyRef` outside an injection context and no injector, there
 * is none to hold.
 *
 * Where Angular unsubscribes as part of the destroy (the async pipe,
 * `toSignal`, `outputFromObservable`, which unsubscribe before or beside
 * the `DestroyRef`'s callbacks), that unsubscribe is the destroy: the same
 * reason, the same task. Any other unsubscribe first is a plain one
 * (`UNSUBSCRIBED`, nothing held), and a source that ends first ends it.
 *
 * It differs from `takeUntilDestroyed` in two more ways. Cleanups go
 * upstream of it: a `finalizeCleanup` after it runs on the completion, and
 * nothing waits for it. And an error that arrives after the destroy (a
 * Promise that rejects once the component is gone) is not dropped: it
 * reaches `config.onUnhandledError`.
 *
 * ## Example
 *
 * ```ts
 * import { Component, signal } from '@angular/core';
 * import { interval } from 'rxjs';
 * import { finalizeCleanup } from 'rxjs-cancel';
 * import { cancelUntilDestroyed, DESTROYED } from 'rxjs-cancel/angular';
 *
 * @Component({ selector: 'app-clock', template: '{{ ticks() }}' })
 * export class Clock {
 *   ticks = signal(0);
 *   constructor() {
 *     interval(1000)
 *       .pipe(
 *         finalizeCleanup(async (exit) => {
 *           if (exit.kind === 'cancel' && exit.reason === DESTROYED) await saveDraft();
 *         }),
 *         cancelUntilDestroyed(),
 *       )
 *       .subscribe((n) => this.ticks.set(n));
 *   }
 * }
 * ```
 *
 * @see {@link injectCancelScope}
 * @see {@link whenCleanupsSettled}
 * @param destroyRef The `DestroyRef` whose destruction cancels; default:
 * the injection context's (or `options.injector`'s).
 * @param options `injector` and `pendingTasks`.
 * @return A function that returns an Observable that mirrors the source
 * until the `DestroyRef` is destroyed, and then completes once the source's
 * cleanups have settled.
 *
 * @group Operators
 */
export function cancelUntilDestroyed<T>(
  destroyRef?: DestroyRef,
  options?: AngularCancelOptions,
): MonoTypeOperatorFunction<T> {
  const context = contextOf(cancelUntilDestroyed, destroyRef, options);
  const { owner } = context;
  const destroyed = new Observable<typeof DESTROYED>((subscriber) =>
    owner.onDestroy(() => {
      subscriber.next(DESTROYED);
    }),
  );
  const trigger = toTrigger('cancelUntilDestroyed', 'destroyRef', destroyed);
  return (source) =>
    new Observable<T>((destination) => {
      new Link(destination, HOOKS as Hooks<T, State>, { trigger, context, idle: null }).open(source);
    });
}

/** One subscription's: the settings, and what ends the task held since the destroy. */
interface State {
  readonly trigger: Trigger;
  readonly context: Context;
  idle: (() => void) | null;
}

const HOOKS: Hooks<unknown, State> = hooks<unknown, State>({
  start(link, source) {
    // The downstream leaving is looked at (leave, below) before the link ends.
    link.shield();
    watchTrigger(link, link.state.trigger);
    if (link.live) source.subscribe(link);
  },
  fire: destroy,
  leave(link) {
    // The async pipe, outputFromObservable and rxResource unsubscribe in
    // their own ngOnDestroy or earlier onDestroy callbacks, before the
    // DestroyRef tells this operator: the DestroyRef is destroyed by then,
    // and that unsubscribe is the destroy, with its reason and its task.
    // (Any other unsubscribe ends the link as usual, with UNSUBSCRIBED.)
    if (link.state.context.owner.destroyed) destroy(link, DESTROYED);
  },
  report(link, destination, failures) {
    const { state } = link;
    try {
      if (link.kind !== CANCEL || failures !== null) link.tell(destination, failures);
      else destination.complete();
    } finally {
      // After the downstream has heard: what it does on completion counts as part of the work.
      endTask(state);
    }
  },
  orphaned(link, sink, failures) {
    const { state } = link;
    try {
      link.handOn(sink, failures);
    } finally {
      endTask(state);
    }
  },
});

/** The destroy: the upstream is cancelled with DESTROYED, and a task held until its cleanups settle. */
function destroy(link: Link<unknown, State>, reason: unknown): void {
  // (The trigger is let go when the link ends: it fires only while live.)
  const { state } = link;
  // Taken before the teardown: a cleanup that settles in it ends the task again.
  state.idle = state.context.busy.add();
  link.stop(CANCEL, reason);
}

function endTask(state: State): void {
  const idle = state.idle;
  state.idle = null;
  idle?.();
}
