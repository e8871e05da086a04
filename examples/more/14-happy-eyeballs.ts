// 14. Happy eyeballs: two connection attempts race; ipv4 connects first (2),
//     ipv6 is cancelled and closes its socket (1 unit), and only then is the
//     winner used (3).
import { defer, last, map, tap, timer } from 'rxjs';
import { finalizeCleanup, raceCancel } from '../../lib';
import type { Pattern } from '../support/pattern';

export default {
  name: 'p14_happy_eyeballs',
  run({ scheduler, log }) {
    const connect = (family: string, delay: number) =>
      defer(() => {
        log(`${family} connecting`);
        return timer(delay, scheduler);
      }).pipe(
        map(() => {
          log(`${family} connected`);
          return family;
        }),
        finalizeCleanup((exit) => {
          if (exit.kind !== 'cancel') return;
          log(`${family} cancelled, closing`);
          return timer(1, scheduler).pipe(tap({ complete: () => log(`${family} closed`) }));
        }),
      );

    // The race ends once the loser has closed: its last value is the winner.
    return raceCancel(connect('ipv6', 5), connect('ipv4', 2)).pipe(
      last(),
      tap((family) => log(`using ${family}`)),
    );
  },
} satisfies Pattern;
