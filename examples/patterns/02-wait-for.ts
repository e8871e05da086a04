// 2. asyncio.wait_for: the 500 ms task is cancelled at its 200 ms deadline,
//    and the caller gets TimeoutError (RxJS's own class).
import { catchError, defer, EMPTY, TimeoutError, timer } from 'rxjs';
import { finalizeCleanup, timeoutCancel } from 'rxjs-cancel';
import { log } from '../support/timeline';

export default function p2_wait_for() {
  const longTask = defer(() => {
    log('task started');
    return timer(500); // await sleep(5)
  }).pipe(
    finalizeCleanup((exit) => {
      // except asyncio.CancelledError:
      if (exit.kind === 'cancel') log('task saw CancelledError');
    }),
  );

  return longTask.pipe(
    timeoutCancel({ total: 200 }), // await asyncio.wait_for(long_task(), timeout=2 * UNIT)
    catchError((error: unknown) => {
      // except asyncio.TimeoutError:
      if (error instanceof TimeoutError) log('caller saw TimeoutError');
      return EMPTY;
    }),
  );
}
