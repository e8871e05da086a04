// 13. Typeahead: each query supersedes the search before it. The cancelled
//     search releases its lock (200 ms) before the next search starts; a
//     query typed meanwhile ('ab') is skipped for the latest ('abc').
import { defer, map, merge, tap, timer } from 'rxjs';
import { finalizeCleanup, switchMapCancel } from 'rxjs-cancel';
import { log } from '../support/timeline';

export default function p13_typeahead() {
  const search = (text: string) =>
    defer(() => {
      log(`search ${text} started`);
      return timer(300); // await sleep(3)
    }).pipe(
      tap(() => log(`results for ${text}`)),
      finalizeCleanup((exit) => {
        // except asyncio.CancelledError: ... await sleep(2) ... raise
        if (exit.kind !== 'cancel') return;
        log(`search ${text} cancelled, releasing its lock`);
        return timer(200).pipe(tap({ complete: () => log(`search ${text} released its lock`) }));
      }),
    );

  // keyboard(): 'a' at once, 'ab' 100 ms later, 'abc' 100 ms after that
  const typed = merge(
    ...(
      [
        ['a', 0],
        ['ab', 100],
        ['abc', 200],
      ] as const
    ).map(([text, at]) => timer(at).pipe(map(() => text))),
  ).pipe(tap((text) => log(`typed ${text}`)));

  // For each query: cancel the search under way, await it, start the next.
  return typed.pipe(switchMapCancel(search));
}
