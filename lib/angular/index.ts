/**
 * Angular's `DestroyRef` and `PendingTasks` for rxjs-cancel: work that is
 * cancelled when a component is destroyed, with its cleanups awaited, told
 * why, and waited for by `whenStable()` and server-side rendering.
 * `@angular/core` (19 to 21) is an optional peer dependency, used by this
 * entry alone.
 *
 * @module rxjs-cancel/angular
 */
export { cancelUntilDestroyed } from './cancelUntilDestroyed';
export { DESTROYED, type AngularCancelOptions } from './context';
export { injectCancelScope } from './injectCancelScope';
export { whenCleanupsSettled } from './whenCleanupsSettled';
