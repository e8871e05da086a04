// 12. asyncio.timeout(): the 200 ms deadline cancels the body; the body's
//     100 ms cleanup finishes before TimeoutError reaches the caller.
import { catchError, defer, EMPTY, tap, TimeoutError, timer } from 'rxjs';
import { finalizeCleanup, timeoutCancel } from 'rxjs-cancel';
import { log } from '../support/timeline';

export default function p12_timeout_waits_for_cleanup() {
  const body = defer(() => {
    log('body started');
    return timer(500); // await sleep(5)
  }).pipe(
    // finally: ... await sleep(1) ...
    finalizeCleanup(() => {
      log('body cleanup started');
      return timer(100).pipe(tap({ complete: () => log('body cleanup done') }));
    }),
  );

  return body.pipe(
    timeoutCancel({ total: 200 }), // async with asyncio.timeout(2 * UNIT):
    catchError((error: unknown) => {
      // except TimeoutError:
      if (error instanceof TimeoutError) log('caller saw TimeoutError');
      return EMPTY;
    }),
  );
}
