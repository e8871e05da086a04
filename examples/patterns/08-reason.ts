// 8. A cancel message: the reason the canceller gives reaches the task.
import { catchError, EMPTY, map, timer } from 'rxjs';
import { cancellable, finalizeCleanup } from 'rxjs-cancel';
import { log } from '../support/timeline';

export default function p8_reason() {
  // async def task_fn(): await sleep(5)
  const task = timer(500).pipe(
    finalizeCleanup((exit) => {
      // except asyncio.CancelledError as e:
      if (exit.kind === 'cancel') log(`task cancelled, reason=${String(exit.reason)}`);
    }),
  );

  // await sleep(1); task.cancel("user pressed stop"): the trigger's value is the reason.
  const stop = timer(100).pipe(map(() => 'user pressed stop'));

  return task.pipe(
    cancellable(stop),
    catchError(() => {
      log('caller saw CancelledError');
      return EMPTY;
    }),
  );
}
