// 13. Typeahead: each query supersedes the search before it. The cancelled
//     search releases its lock (2 units) before the next search starts; a
//     query typed meanwhile ('ab') is skipped for the latest ('abc').
import { defer, map, merge, tap, timer } from 'rxjs';
import { finalizeCleanup, switchMapCancel } from '../../lib';
import type { Pattern } from '../support/pattern';

export default {
  name: 'p13_typeahead',
  run({ scheduler, log }) {
    const search = (text: string) =>
      defer(() => {
        log(`search ${text} started`);
        return timer(3, scheduler);
      }).pipe(
        tap(() => log(`results for ${text}`)),
        finalizeCleanup((exit) => {
          if (exit.kind !== 'cancel') return;
          log(`search ${text} cancelled, releasing its lock`);
          return timer(2, scheduler).pipe(tap({ complete: () => log(`search ${text} released its lock`) }));
        }),
      );

    const typed = merge(
      ...(
        [
          ['a', 0],
          ['ab', 1],
          ['abc', 2],
        ] as const
      ).map(([text, at]) => timer(at, scheduler).pipe(map(() => text))),
    ).pipe(tap((text) => log(`typed ${text}`)));

    return typed.pipe(switchMapCancel(search));
  },
} satisfies Pattern;
