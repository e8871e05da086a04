// 8. A cancel message: the reason the canceller gives reaches the task.
import { catchError, EMPTY, map, timer } from 'rxjs';
import { cancellable, finalizeCleanup } from '../../lib';
import type { Pattern } from '../support/pattern';

export default {
  name: 'p8_reason',
  run({ scheduler, log }) {
    const task = timer(5, scheduler).pipe(
      finalizeCleanup((exit) => {
        if (exit.kind === 'cancel') log(`task cancelled, reason=${String(exit.reason)}`);
      }),
    );

    // task.cancel("user pressed stop") at t=1: the trigger's value is the reason.
    const stop = timer(1, scheduler).pipe(map(() => 'user pressed stop'));

    return task.pipe(
      cancellable(stop),
      catchError(() => {
        log('caller saw CancelledError');
        return EMPTY;
      }),
    );
  },
} satisfies Pattern;
