// Angular's DestroyRef is an owner a cancel scope accepts, as its type says
// (runtime-tests/angular.test.mjs shows it at run time).
import type { DestroyRef } from '@angular/core';
import { expectTypeOf } from 'expect-type';
import { cancelScope, type CancelScopeOptions } from 'rxjs-cancel';

declare const destroyRef: DestroyRef;
expectTypeOf(destroyRef).toExtend<NonNullable<CancelScopeOptions['owner']>>();
cancelScope({ owner: destroyRef });

// rxjs-cancel/angular: what its functions take and give.
import type { Injector } from '@angular/core';
import { interval, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import type { CancelScope } from 'rxjs-cancel';
import {
  cancelUntilDestroyed,
  DESTROYED,
  injectCancelScope,
  whenCleanupsSettled,
  type AngularCancelOptions,
} from 'rxjs-cancel/angular';

declare const injector: Injector;
// The operator keeps the source's type, as takeUntilDestroyed does.
expectTypeOf(interval(1).pipe(cancelUntilDestroyed())).toEqualTypeOf<Observable<number>>();
expectTypeOf(cancelUntilDestroyed<string>(destroyRef, { injector, pendingTasks: false })).toEqualTypeOf<
  MonoTypeOperatorFunction<string>
>();
expectTypeOf(injectCancelScope({ injector })).toEqualTypeOf<CancelScope>();
expectTypeOf<AngularCancelOptions>().toEqualTypeOf<{
  readonly injector?: Injector;
  readonly pendingTasks?: boolean;
}>();
// DESTROYED is a unique symbol: a reason can be narrowed to it.
declare const reason: unknown;
if (reason === DESTROYED) expectTypeOf(reason).toEqualTypeOf<typeof DESTROYED>();
// @ts-expect-error a symbol of one's own is not DESTROYED
const notDestroyed: typeof DESTROYED = Symbol('destroyed');
// @ts-expect-error the first argument is a DestroyRef, not an options object
cancelUntilDestroyed({ injector });
// @ts-expect-error pendingTasks is a boolean
injectCancelScope({ pendingTasks: 'no' });
void notDestroyed;
expectTypeOf(whenCleanupsSettled()).toEqualTypeOf<Promise<void>>();
