// 11. asyncio.TaskGroup: one child fails after 100 ms; its siblings are
//     cancelled, their 100 ms cleanups run, and only then the group fails.
import { catchError, EMPTY, map, tap, timer } from 'rxjs';
import { finalizeCleanup, groupCancel, GroupError } from 'rxjs-cancel';
import { log } from '../support/timeline';

export default function p11_task_group() {
  // async def failing(): await sleep(1); raise ValueError("boom")
  const failing = timer(100).pipe(
    map(() => {
      log('failing raises');
      throw new Error('boom');
    }),
  );

  // async def sibling(name): await sleep(5)
  const sibling = (name: string) =>
    timer(500).pipe(
      finalizeCleanup((exit) => {
        // except asyncio.CancelledError: ... await sleep(1) ... raise
        if (exit.kind !== 'cancel') return;
        log(`${name} cancelled, cleaning up`);
        return timer(100).pipe(tap({ complete: () => log(`${name} cleaned up`) }));
      }),
    );

  // async with asyncio.TaskGroup() as tg: tg.create_task(…) for each
  return groupCancel([failing, sibling('s1'), sibling('s2')]).pipe(
    catchError((error: unknown) => {
      // except* ValueError as eg:
      if (error instanceof GroupError) {
        const [first] = error.errors as Error[];
        log(`caller saw ExceptionGroup of ${error.errors.length}: ${first.message}`);
      }
      return EMPTY;
    }),
  );
}
