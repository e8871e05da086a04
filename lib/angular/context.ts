import {
  assertInInjectionContext,
  ChangeDetectorRef,
  DestroyRef,
  inject,
  PendingTasks,
  type Injector,
} from '@angular/core';
import type { Busy, DestroyNotifier } from '../cancelScope';
import { checkOptions, invalid } from '../core';
import { busyOf } from './whenCleanupsSettled';

/**
 * The reason work tied to a `DestroyRef` is cancelled with when it is
 * destroyed: what cleanups see as `exit.reason`. A registered symbol, so the
 * ES module and CommonJS builds of this package share it.
 *
 * @group Reasons
 */
export const DESTROYED: unique symbol = Symbol.for('rxjs-cancel:destroyed');

/**
 * The options of {@link cancelUntilDestroyed} and {@link injectCancelScope}.
 *
 * @group Options and types
 */
export interface AngularCancelOptions {
  /**
   * Where to find the `DestroyRef` (when none is given) and `PendingTasks`
   * outside an injection context, as `toSignal` and `effect` take one: a
   * component's `inject(Injector)` gives the component's `DestroyRef`.
   */
  readonly injector?: Injector;
  /**
   * Whether the cleanups of a cancellation hold an Angular `PendingTasks`
   * task until they have settled, so that `ApplicationRef.whenStable()`, and
   * server-side rendering with it, wait for them. Default: `true`.
   */
  readonly pendingTasks?: boolean;
}

/** What a cancellation tied to Angular needs: when to cancel, and what to keep busy meanwhile. */
export interface Context {
  /** The `DestroyRef`, as a notifier that calls back at once if it is destroyed already. */
  readonly owner: Notifier;
  /** What the cleanups of a cancellation keep busy: `PendingTasks`, if any, and whenCleanupsSettled's count. */
  readonly busy: Busy;
}

/**
 * The one rule for both APIs. The `DestroyRef` is the one given, else the
 * injector's, else the injection context's (outside one, Angular's own
 * NG0203 error names `fn`, as `takeUntilDestroyed` does). `PendingTasks`
 * comes from the injector, else from the injection context if the call is
 * in one; with an explicit `DestroyRef` outside any, there is none to hold.
 */
export function contextOf(
  fn: (...args: never[]) => unknown,
  destroyRef: DestroyRef | undefined,
  options: AngularCancelOptions | undefined,
): Context {
  const name = fn.name;
  checkOptions(name, options);
  const injector = options?.injector;
  const wanted = options?.pendingTasks ?? true;
  if (typeof wanted !== 'boolean') invalid(name, 'options.pendingTasks', 'a boolean', wanted);
  if (injector !== undefined && typeof (injector as { get?: unknown } | null)?.get !== 'function') {
    invalid(name, 'options.injector', 'an Injector', injector);
  }
  if (destroyRef !== undefined && typeof (destroyRef as Partial<DestroyRef> | null)?.onDestroy !== 'function') {
    invalid(name, 'destroyRef', 'a DestroyRef', destroyRef);
  }
  if (destroyRef === undefined && injector === undefined) assertInInjectionContext(fn);
  const ref = destroyRef ?? (injector === undefined ? inject(DestroyRef) : injector.get(DestroyRef));
  // In a component or directive, its view: see Notifier.destroyed. (An
  // explicit DestroyRef may be anyone's: its own `destroyed` alone counts.)
  let view: ChangeDetectorRef | null = null;
  if (destroyRef === undefined) {
    view =
      injector === undefined
        ? inject(ChangeDetectorRef, { optional: true })
        : injector.get(ChangeDetectorRef, null, { optional: true });
  }
  // PendingTasks is provided at an application's root: an injector outside
  // any application (Injector.create, a platform-level service) has none,
  // and then there is nothing to hold, as takeUntilDestroyed needs none.
  let tasks: PendingTasks | null = null;
  if (wanted) {
    if (injector !== undefined) tasks = injector.get(PendingTasks, null, { optional: true });
    else if (destroyRef === undefined) tasks = inject(PendingTasks, { optional: true });
    else tasks = pendingTasksInContext();
  }
  return { owner: notifierOf(ref, view), busy: busyOf(tasks) };
}

/** A {@link DestroyNotifier} whose registration returns what unregisters it, if anything. */
interface Notifier extends DestroyNotifier {
  onDestroy(callback: () => void): (() => void) | undefined;
  /**
   * True once the `DestroyRef` is destroyed, and while it is being destroyed:
   * Angular marks a view or an injector destroyed before it runs the
   * `ngOnDestroy` of what it holds and its `onDestroy` callbacks. A
   * component's `DestroyRef` is its host's view, though, destroyed only
   * after the component's own view, whose pipes (the async pipe) unsubscribe
   * first: so the component's view (its `ChangeDetectorRef`) being destroyed
   * counts too.
   */
  readonly destroyed: boolean;
}

/**
 * `ref`, registering on which once it is destroyed calls back at once, as
 * `takeUntilDestroyed` behaves (Angular 21 throws NG0911 on a destroyed
 * view's `onDestroy`; 19 calls back; an injector throws).
 */
function notifierOf(ref: DestroyRef, view: ChangeDetectorRef | null): Notifier {
  return {
    onDestroy(callback) {
      // (`destroyed` is on every DestroyRef from Angular 20 on; 19's view refs call back.)
      if ((ref as { readonly destroyed?: unknown }).destroyed === true) {
        callback();
        return undefined;
      }
      return ref.onDestroy(callback);
    },
    get destroyed() {
      // (A ChangeDetectorRef given by a view is a ViewRef, which says if it is destroyed.)
      if ((view as { readonly destroyed?: unknown } | null)?.destroyed === true) return true;
      const destroyed = (ref as { readonly destroyed?: unknown }).destroyed;
      if (typeof destroyed === 'boolean') return destroyed;
      // Angular 19's view DestroyRef has no `destroyed`, and calls a callback
      // registered once it is destroyed at once: asked that way.
      let called = false;
      const unregister = ref.onDestroy(() => {
        called = true;
      });
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the callback, which a destroyed view calls at once
      if (!called) unregister();
      return called;
    },
  };
}

/** `PendingTasks` from the injection context, or null outside one. */
function pendingTasksInContext(): PendingTasks | null {
  // Angular has no public "am I in an injection context?" (its
  // isInInjectionContext is not exported), so this asks and reads the
  // answer: outside one, inject() throws NG0203, which Angular numbers -203
  // in development and production builds alike. Any other error is real.
  try {
    return inject(PendingTasks, { optional: true });
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === -203) return null;
    throw error;
  }
}
