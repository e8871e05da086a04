import { from, type SchedulerLike } from 'rxjs';
import type { Pattern } from './pattern';

/**
 * Runs one pattern on `scheduler`, printing its log lines as the reference
 * does (`t=<units> <event>`, units counted from the pattern's start), and
 * resolves when the program is over.
 */
export function runPattern(pattern: Pattern, scheduler: SchedulerLike, print: (line: string) => void): Promise<void> {
  const start = scheduler.now();
  const log = (message: string): void => print(`t=${Math.round(scheduler.now() - start)} ${message}`);
  return new Promise((resolve, reject) => {
    from(pattern.run({ scheduler, log })).subscribe({ complete: resolve, error: reject });
  });
}
