// 5. A long-running loop, stopped by cancellation between iterations.
import { catchError, EMPTY, tap, timer } from 'rxjs';
import { cancellable, finalizeCleanup } from 'rxjs-cancel';
import { log } from '../support/timeline';

export default function p5_loop() {
  let ticks = 0;
  // while True: log(f"tick {i}"); i += 1; await sleep(2)
  const loop = timer(0, 200).pipe(
    tap((i) => {
      log(`tick ${i}`);
      ticks = i + 1;
    }),
    finalizeCleanup((exit) => {
      // except asyncio.CancelledError:
      if (exit.kind === 'cancel') log(`loop stopped after ${ticks} ticks`);
    }),
  );

  return loop.pipe(
    cancellable(timer(500)), // await sleep(5); task.cancel()
    catchError(() => {
      log('caller saw CancelledError');
      return EMPTY;
    }),
  );
}
