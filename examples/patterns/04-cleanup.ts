// 4. Cancellation with asynchronous cleanup: the cleanup takes 1 unit, and
//    the caller sees CancelledError only once it is done.
import { catchError, defer, EMPTY, tap, timer } from 'rxjs';
import { cancellable, finalizeCleanup } from '../../lib';
import type { Pattern } from '../support/pattern';

export default {
  name: 'p4_cleanup',
  run({ scheduler, log }) {
    const taskWithResource = defer(() => {
      log('resource acquired');
      return timer(5, scheduler);
    }).pipe(
      finalizeCleanup((exit) => {
        if (exit.kind === 'cancel') log('task saw CancelledError');
        log('cleanup started');
        // An asynchronous cleanup: awaited before the caller hears anything.
        return timer(1, scheduler).pipe(tap({ complete: () => log('resource released') }));
      }),
    );

    return taskWithResource.pipe(
      cancellable(timer(2, scheduler)),
      catchError(() => {
        log('caller saw CancelledError');
        return EMPTY;
      }),
    );
  },
} satisfies Pattern;
