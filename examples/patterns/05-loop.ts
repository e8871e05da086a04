// 5. A long-running loop, stopped by cancellation between iterations.
import { catchError, EMPTY, tap, timer } from 'rxjs';
import { cancellable, finalizeCleanup } from '../../lib';
import type { Pattern } from '../support/pattern';

export default {
  name: 'p5_loop',
  run({ scheduler, log }) {
    let ticks = 0;
    const loop = timer(0, 2, scheduler).pipe(
      tap((i) => {
        log(`tick ${i}`);
        ticks = i + 1;
      }),
      finalizeCleanup((exit) => {
        if (exit.kind === 'cancel') log(`loop stopped after ${ticks} ticks`);
      }),
    );

    return loop.pipe(
      cancellable(timer(5, scheduler)),
      catchError(() => {
        log('caller saw CancelledError');
        return EMPTY;
      }),
    );
  },
} satisfies Pattern;
