// 4. Cancellation with asynchronous cleanup: the cleanup takes 100 ms, and
//    the caller sees CancelledError only once it is done.
import { catchError, defer, EMPTY, tap, timer } from 'rxjs';
import { cancellable, finalizeCleanup } from 'rxjs-cancel';
import { log } from '../support/timeline';

export default function p4_cleanup() {
  const taskWithResource = defer(() => {
    log('resource acquired');
    return timer(500); // await sleep(5)
  }).pipe(
    // except asyncio.CancelledError: ... finally: ...
    finalizeCleanup((exit) => {
      if (exit.kind === 'cancel') log('task saw CancelledError');
      log('cleanup started');
      // An asynchronous cleanup (await sleep(1)): awaited before the caller hears anything.
      return timer(100).pipe(tap({ complete: () => log('resource released') }));
    }),
  );

  return taskWithResource.pipe(
    cancellable(timer(200)), // await sleep(2); task.cancel()
    catchError(() => {
      log('caller saw CancelledError');
      return EMPTY;
    }),
  );
}
