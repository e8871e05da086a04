// 3. Several tasks cancelled after a period, their results gathered with
//    return_exceptions=True: a finished task keeps its value, the cancelled
//    ones report CancelledError.
import { defer, map, share, tap, timer } from 'rxjs';
import { cancellable, groupCancel } from '../../lib';
import type { Pattern } from '../support/pattern';

export default {
  name: 'p3_cancel_group',
  run({ scheduler, log }) {
    const worker = (name: string, units: number) =>
      defer(() => {
        log(`${name} started`);
        return timer(units, scheduler);
      }).pipe(
        tap(() => log(`${name} done`)),
        map(() => name),
      );

    const cancelAll = timer(2, scheduler).pipe(share()); // for t in tasks: t.cancel()
    const tasks = [worker('a', 1), worker('b', 3), worker('c', 4)].map((task) => task.pipe(cancellable(cancelAll)));

    return groupCancel(tasks, { mode: 'settle' }).pipe(
      tap((results) =>
        log(
          `results ${results.map((result) => (result.status === 'fulfilled' ? result.value : 'CancelledError')).join(', ')}`,
        ),
      ),
    );
  },
} satisfies Pattern;
