// A consumer on a lib with explicit resource management: the scope is an
// AsyncDisposable, so `await using` closes it at the end of the block.
import { interval } from 'rxjs';
import { cancelScope, finalizeCleanup } from 'rxjs-cancel';

export async function main(): Promise<void> {
  await using scope = cancelScope();
  scope.run(interval(10).pipe(finalizeCleanup(() => Promise.resolve())));
  const disposable: AsyncDisposable = scope;
  void disposable;
}
