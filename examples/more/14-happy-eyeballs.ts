// 14. Happy eyeballs: two connection attempts race; ipv4 connects first
//     (200 ms), ipv6 is cancelled and closes its socket (100 ms), and only
//     then is the winner used.
import { defer, last, map, tap, timer } from 'rxjs';
import { finalizeCleanup, raceCancel } from 'rxjs-cancel';
import { log } from '../support/timeline';

export default function p14_happy_eyeballs() {
  const connect = (family: string, ms: number) =>
    defer(() => {
      log(`${family} connecting`);
      return timer(ms); // await sleep(delay)
    }).pipe(
      map(() => {
        log(`${family} connected`);
        return family;
      }),
      finalizeCleanup((exit) => {
        // except asyncio.CancelledError: ... await sleep(1) ... raise
        if (exit.kind !== 'cancel') return;
        log(`${family} cancelled, closing`);
        return timer(100).pipe(tap({ complete: () => log(`${family} closed`) }));
      }),
    );

  // asyncio.wait(attempts, return_when=FIRST_COMPLETED), the pending one
  // cancelled and gathered: the race ends once the loser has closed, and its
  // last value is the winner.
  return raceCancel(connect('ipv6', 500), connect('ipv4', 200)).pipe(
    last(),
    tap((family) => log(`using ${family}`)),
  );
}
