// Angular's DestroyRef is an owner a cancel scope accepts, as its type says
// (runtime-tests/angular.test.mjs shows it at run time).
import type { DestroyRef } from '@angular/core';
import { expectTypeOf } from 'expect-type';
import { cancelScope, type CancelScopeOptions } from 'rxjs-cancel';

declare const destroyRef: DestroyRef;
expectTypeOf(destroyRef).toExtend<NonNullable<CancelScopeOptions['owner']>>();
cancelScope({ owner: destroyRef });
