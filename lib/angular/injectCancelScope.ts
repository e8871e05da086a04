import { busyScope, type CancelScope } from '../cancelScope';
import { contextOf, DESTROYED, type AngularCancelOptions } from './context';

/**
 * Creates a {@link CancelScope} owned by the current `DestroyRef` (a
 * component's, a directive's, a service's injector), which Angular waits for
 * while the scope's cleanups run.
 *
 * <span class="informal">A task group that lives as long as the component,
 * and that Angular's stability, and so server-side rendering, waits for.</span>
 *
 * ```
 * scope.run(a$)   a$: ---------       (cancelled on destroy, reason DESTROYED)
 * scope.run(b$)   b$: ---------
 * destroy at 1:       -!              both unsubscribed at once
 *                      ^--|           their cleanups, a PendingTasks task held meanwhile
 * whenStable():           ^           resolves only once they have settled
 * ```
 *
 * It must run in an injection context (a field initializer, a constructor,
 * `runInInjectionContext`), failing with Angular's NG0203 elsewhere, unless
 * `options.injector` is given. When the `DestroyRef` is destroyed, the scope
 * closes with the reason {@link DESTROYED}: everything it runs is cancelled,
 * its cleanups see that reason, and their failures go to
 * `config.onUnhandledError` (nobody awaits that close).
 *
 * From the moment the scope is cancelled (destroyed, or `cancel()` and
 * `close()` called by your code) until every cleanup of that cancellation
 * has settled, it holds an Angular `PendingTasks` task, so
 * `ApplicationRef.whenStable()`, a test's `fixture.whenStable()` and
 * server-side rendering wait for the cleanups. `options.pendingTasks: false`
 * opts out. Work the scope runs is not a task by itself: Angular waits for a
 * request, say, only if it is one (`HttpClient`, `pendingUntilEvent()`).
 *
 * ## Example
 *
 * ```ts
 * import { Component } from '@angular/core';
 * import { interval } from 'rxjs';
 * import { finalizeCleanup } from 'rxjs-cancel';
 * import { injectCancelScope } from 'rxjs-cancel/angular';
 *
 * @Component({ selector: 'app-upload', template: '<button (click)="stop()">Stop</button>' })
 * export class Upload {
 *   private scope = injectCancelScope();
 *   constructor() {
 *     this.scope.run(interval(500).pipe(finalizeCleanup(() => releaseLock())));
 *   }
 *   stop() {
 *     this.scope.cancel('user stopped'); // the cleanups see 'user stopped'; on destroy, DESTROYED
 *   }
 * }
 * ```
 *
 * @see {@link cancelUntilDestroyed}
 * @see {@link whenCleanupsSettled}
 * @param options `injector` and `pendingTasks`.
 * @return A new, open scope that closes when the `DestroyRef` is destroyed.
 *
 * @group Scopes
 */
export function injectCancelScope(options?: AngularCancelOptions): CancelScope {
  const { owner, busy } = contextOf(injectCancelScope, undefined, options);
  return busyScope(owner, busy, DESTROYED);
}
