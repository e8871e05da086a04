// 7. A context manager that owns its tasks: leaving the block cancels them
//    all and waits for them before the block is left.
import { firstValueFrom, timer, type Observable, type SchedulerLike } from 'rxjs';
import { cancelScope, finalizeCleanup } from '../../lib';
import type { Pattern } from '../support/pattern';

/** The reference's TaskScope, on top of a cancel scope. */
function taskScope(log: (message: string) => void) {
  const scope = cancelScope();
  return {
    spawn: (work: Observable<unknown>) => scope.run(work),
    async [Symbol.asyncDispose]() {
      await scope.close(); // cancels what still runs, waits for every cleanup
      log('scope closed');
    },
  };
}

const sleep = (units: number, scheduler: SchedulerLike) => firstValueFrom(timer(units, scheduler));

export default {
  name: 'p7_context_manager',
  async run({ scheduler, log }) {
    const worker = (name: string) =>
      timer(10, scheduler).pipe(
        finalizeCleanup((exit) => {
          if (exit.kind === 'cancel') log(`${name} cancelled`);
        }),
      );

    {
      await using scope = taskScope(log);
      scope.spawn(worker('a'));
      scope.spawn(worker('b'));
      await sleep(1, scheduler);
      log('leaving block');
    }
    log('after block');
  },
} satisfies Pattern;
