// 11. asyncio.TaskGroup: one child fails at 1; its siblings are cancelled,
//     their 1-unit cleanups run, and only then the group fails (t=2).
import { catchError, EMPTY, map, tap, timer } from 'rxjs';
import { finalizeCleanup, groupCancel, GroupError } from '../../lib';
import type { Pattern } from '../support/pattern';

export default {
  name: 'p11_task_group',
  run({ scheduler, log }) {
    const failing = timer(1, scheduler).pipe(
      map(() => {
        log('failing raises');
        throw new Error('boom');
      }),
    );

    const sibling = (name: string) =>
      timer(5, scheduler).pipe(
        finalizeCleanup((exit) => {
          if (exit.kind !== 'cancel') return;
          log(`${name} cancelled, cleaning up`);
          return timer(1, scheduler).pipe(tap({ complete: () => log(`${name} cleaned up`) }));
        }),
      );

    return groupCancel([failing, sibling('s1'), sibling('s2')]).pipe(
      catchError((error: unknown) => {
        if (error instanceof GroupError) {
          const [first] = error.errors as Error[];
          log(`caller saw ExceptionGroup of ${error.errors.length}: ${first.message}`);
        }
        return EMPTY;
      }),
    );
  },
} satisfies Pattern;
