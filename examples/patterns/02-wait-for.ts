// 2. asyncio.wait_for: the 5-unit task is cancelled at its 2-unit deadline,
//    and the caller gets TimeoutError (RxJS's own class).
import { catchError, defer, EMPTY, TimeoutError, timer } from 'rxjs';
import { finalizeCleanup, timeoutCancel } from '../../lib';
import type { Pattern } from '../support/pattern';

export default {
  name: 'p2_wait_for',
  run({ scheduler, log }) {
    const longTask = defer(() => {
      log('task started');
      return timer(5, scheduler);
    }).pipe(
      finalizeCleanup((exit) => {
        if (exit.kind === 'cancel') log('task saw CancelledError');
      }),
    );

    return longTask.pipe(
      timeoutCancel({ total: 2, scheduler }),
      catchError((error: unknown) => {
        if (error instanceof TimeoutError) log('caller saw TimeoutError');
        return EMPTY;
      }),
    );
  },
} satisfies Pattern;
