// 12. asyncio.timeout(): the deadline at 2 cancels the body; the body's
//     1-unit cleanup finishes before TimeoutError reaches the caller (t=3).
import { catchError, defer, EMPTY, tap, TimeoutError, timer } from 'rxjs';
import { finalizeCleanup, timeoutCancel } from '../../lib';
import type { Pattern } from '../support/pattern';

export default {
  name: 'p12_timeout_waits_for_cleanup',
  run({ scheduler, log }) {
    const body = defer(() => {
      log('body started');
      return timer(5, scheduler);
    }).pipe(
      finalizeCleanup(() => {
        log('body cleanup started');
        return timer(1, scheduler).pipe(tap({ complete: () => log('body cleanup done') }));
      }),
    );

    return body.pipe(
      timeoutCancel({ total: 2, scheduler }),
      catchError((error: unknown) => {
        if (error instanceof TimeoutError) log('caller saw TimeoutError');
        return EMPTY;
      }),
    );
  },
} satisfies Pattern;
