// 10. A custom timeout: wait up to 200 ms; on timeout cancel the work, wait
//     for it, and fall back to a cached value.
import { map, of, tap, timer } from 'rxjs';
import { finalizeCleanup, timeoutCancel } from 'rxjs-cancel';
import { log } from '../support/timeline';

export default function p10_custom_timeout() {
  // async def slow(): await sleep(5); return "fresh"
  const slow = timer(500).pipe(
    map(() => 'fresh'),
    finalizeCleanup((exit) => {
      // except asyncio.CancelledError:
      if (exit.kind === 'cancel') log('slow cancelled');
    }),
  );

  return slow.pipe(
    // asyncio.wait({task}, timeout=2 * UNIT); on timeout: task.cancel(); await task; value = "cached"
    timeoutCancel({ total: 200, with: () => of('cached') }),
    tap((value) => log(`value ${value}`)),
  );
}
