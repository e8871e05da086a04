// 10. A custom timeout: wait up to 2 units; on timeout cancel the work, wait
//     for it, and fall back to a cached value.
import { map, of, tap, timer } from 'rxjs';
import { finalizeCleanup, timeoutCancel } from '../../lib';
import type { Pattern } from '../support/pattern';

export default {
  name: 'p10_custom_timeout',
  run({ scheduler, log }) {
    const slow = timer(5, scheduler).pipe(
      map(() => 'fresh'),
      finalizeCleanup((exit) => {
        if (exit.kind === 'cancel') log('slow cancelled');
      }),
    );

    return slow.pipe(
      timeoutCancel({ total: 2, scheduler, with: () => of('cached') }),
      tap((value) => log(`value ${value}`)),
    );
  },
} satisfies Pattern;
