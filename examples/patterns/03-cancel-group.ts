// 3. Several tasks cancelled after a period, their results gathered with
//    return_exceptions=True: a finished task keeps its value, the cancelled
//    ones report CancelledError.
import { defer, map, share, tap, timer } from 'rxjs';
import { cancellable, groupCancel } from 'rxjs-cancel';
import { log } from '../support/timeline';

export default function p3_cancel_group() {
  const worker = (name: string, ms: number) =>
    defer(() => {
      log(`${name} started`);
      return timer(ms); // await sleep(units)
    }).pipe(
      tap(() => log(`${name} done`)),
      map(() => name),
    );

  const cancelAll = timer(200).pipe(share()); // await sleep(2); for t in tasks: t.cancel()
  const tasks = [worker('a', 100), worker('b', 300), worker('c', 400)].map((task) => task.pipe(cancellable(cancelAll)));

  // results = await asyncio.gather(*tasks, return_exceptions=True)
  return groupCancel(tasks, { mode: 'settle' }).pipe(
    tap((results) =>
      log(
        `results ${results.map((result) => (result.status === 'fulfilled' ? result.value : 'CancelledError')).join(', ')}`,
      ),
    ),
  );
}
