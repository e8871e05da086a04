// 1. Basic task cancellation: task.cancel() after 2 units; the task sees
//    CancelledError, and so does the caller awaiting it.
import { catchError, defer, EMPTY, tap, timer } from 'rxjs';
import { cancellable, CancelledError, finalizeCleanup } from '../../lib';
import type { Pattern } from '../support/pattern';

export default {
  name: 'p1_basic',
  run({ scheduler, log }) {
    const longTask = defer(() => {
      log('task started');
      return timer(5, scheduler);
    }).pipe(
      tap(() => log('task finished')),
      finalizeCleanup((exit) => {
        if (exit.kind === 'cancel') log('task saw CancelledError');
      }),
    );

    return longTask.pipe(
      cancellable(timer(2, scheduler)), // task.cancel() at t=2
      catchError((error: unknown) => {
        if (error instanceof CancelledError) log('caller saw CancelledError');
        return EMPTY;
      }),
    );
  },
} satisfies Pattern;
