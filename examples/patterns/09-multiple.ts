// 9. Several coroutines awaited together and cancelled together.
import { catchError, EMPTY, map, timer } from 'rxjs';
import { cancellable, finalizeCleanup, groupCancel } from '../../lib';
import type { Pattern } from '../support/pattern';

export default {
  name: 'p9_multiple',
  run({ scheduler, log }) {
    const fetch = (name: string, units: number) =>
      timer(units, scheduler).pipe(
        map(() => name),
        finalizeCleanup((exit) => {
          if (exit.kind === 'cancel') log(`${name} cancelled`);
        }),
      );

    const gathered = groupCancel([fetch('users', 3), fetch('orders', 4)], { mode: 'settle' });

    return gathered.pipe(
      cancellable(timer(1, scheduler)), // gathered.cancel() cancels every child
      catchError(() => {
        log('caller saw CancelledError');
        return EMPTY;
      }),
    );
  },
} satisfies Pattern;
