// 7. A context manager that owns its tasks: leaving the block cancels them
//    all and waits for them before the block is left.
import { firstValueFrom, timer, type Observable } from 'rxjs';
import { cancelScope, finalizeCleanup } from 'rxjs-cancel';
import { log } from '../support/timeline';

/** The reference's TaskScope, on top of a cancel scope. */
function taskScope() {
  const scope = cancelScope();
  return {
    spawn: (work: Observable<unknown>) => scope.run(work),
    // async def __aexit__(self, *exc):
    async [Symbol.asyncDispose]() {
      await scope.close(); // cancels what still runs, waits for every cleanup
      log('scope closed');
    },
  };
}

export default async function p7_context_manager() {
  // async def worker(name): await sleep(10)
  const worker = (name: string) =>
    timer(1000).pipe(
      finalizeCleanup((exit) => {
        // except asyncio.CancelledError:
        if (exit.kind === 'cancel') log(`${name} cancelled`);
      }),
    );

  {
    await using scope = taskScope(); // async with TaskScope() as scope:
    scope.spawn(worker('a'));
    scope.spawn(worker('b'));
    await firstValueFrom(timer(100)); // await sleep(1)
    log('leaving block');
  }
  log('after block');
}
