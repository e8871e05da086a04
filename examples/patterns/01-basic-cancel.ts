// 1. Basic task cancellation: the task is cancelled after 200 ms; it sees
//    CancelledError, and so does the caller awaiting it.
import { catchError, defer, EMPTY, tap, timer } from 'rxjs';
import { cancellable, CancelledError, finalizeCleanup } from 'rxjs-cancel';
import { log } from '../support/timeline';

export default function p1_basic() {
  const longTask = defer(() => {
    log('task started');
    return timer(500); // await sleep(5)
  }).pipe(
    tap(() => log('task finished')),
    finalizeCleanup((exit) => {
      // except asyncio.CancelledError:
      if (exit.kind === 'cancel') log('task saw CancelledError');
    }),
  );

  return longTask.pipe(
    cancellable(timer(200)), // await sleep(2); task.cancel()
    catchError((error: unknown) => {
      // try: await task  except asyncio.CancelledError:
      if (error instanceof CancelledError) log('caller saw CancelledError');
      return EMPTY;
    }),
  );
}
