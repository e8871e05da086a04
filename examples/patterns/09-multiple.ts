// 9. Several coroutines awaited together and cancelled together.
import { catchError, EMPTY, map, timer } from 'rxjs';
import { cancellable, finalizeCleanup, groupCancel } from 'rxjs-cancel';
import { log } from '../support/timeline';

export default function p9_multiple() {
  // async def fetch(name, units): await sleep(units); return name
  const fetch = (name: string, ms: number) =>
    timer(ms).pipe(
      map(() => name),
      finalizeCleanup((exit) => {
        // except asyncio.CancelledError:
        if (exit.kind === 'cancel') log(`${name} cancelled`);
      }),
    );

  // asyncio.gather(fetch("users", 3), fetch("orders", 4), return_exceptions=True)
  const gathered = groupCancel([fetch('users', 300), fetch('orders', 400)], { mode: 'settle' });

  return gathered.pipe(
    cancellable(timer(100)), // await sleep(1); gathered.cancel() cancels every child
    catchError(() => {
      log('caller saw CancelledError');
      return EMPTY;
    }),
  );
}
