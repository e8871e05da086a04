// 6. asyncio.shield: cancelling the caller does not cancel the critical work,
//    which runs to completion; its result can still be awaited.
import { catchError, defer, EMPTY, map, merge, shareReplay, switchMap, tap, timer } from 'rxjs';
import { cancellable, shieldUntil } from 'rxjs-cancel';
import { log } from '../support/timeline';

export default function p6_shield() {
  // inner = asyncio.create_task(critical()): started once, its result kept
  // for whoever awaits it.
  const inner = defer(() => {
    log('critical started');
    return timer(300); // await sleep(3)
  }).pipe(
    map(() => {
      log('critical completed');
      return 'saved';
    }),
    shareReplay({ bufferSize: 1, refCount: true }),
  );

  // The caller awaits the task through a shield, and is cancelled after
  // 100 ms. Without the shield, that cancel would drop the task's last
  // subscriber and cancel the task itself.
  const caller = inner.pipe(
    shieldUntil(), // await asyncio.shield(inner)
    cancellable(timer(100)), // await sleep(1); outer.cancel()
    catchError(() => {
      log('caller saw CancelledError');
      return EMPTY;
    }),
  );

  // log(f"inner result {await inner}")
  const result = timer(100).pipe(
    switchMap(() => inner),
    tap((value) => log(`inner result ${value}`)),
  );

  return merge(caller, result);
}
