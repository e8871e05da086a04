// 6. asyncio.shield: cancelling the caller does not cancel the critical work,
//    which runs to completion; its result can still be awaited.
import { catchError, defer, EMPTY, map, merge, shareReplay, switchMap, tap, timer } from 'rxjs';
import { cancellable, shieldUntil } from '../../lib';
import type { Pattern } from '../support/pattern';

export default {
  name: 'p6_shield',
  run({ scheduler, log }) {
    // The task: started once, its result kept for whoever awaits it.
    const inner = defer(() => {
      log('critical started');
      return timer(3, scheduler);
    }).pipe(
      map(() => {
        log('critical completed');
        return 'saved';
      }),
      shareReplay({ bufferSize: 1, refCount: true }),
    );

    // The caller awaits the task through a shield, and is cancelled at t=1.
    // Without the shield, that cancel would drop the task's last subscriber
    // and cancel the task itself.
    const caller = inner.pipe(
      shieldUntil(),
      cancellable(timer(1, scheduler)),
      catchError(() => {
        log('caller saw CancelledError');
        return EMPTY;
      }),
    );

    // Then the result is awaited directly.
    const result = timer(1, scheduler).pipe(
      switchMap(() => inner),
      tap((value) => log(`inner result ${value}`)),
    );

    return merge(caller, result);
  },
} satisfies Pattern;
