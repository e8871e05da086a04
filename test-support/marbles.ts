import type { Observable, Observer } from 'rxjs';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import { normalize } from './errors';

/** A TestScheduler whose equality ignores stacks but not what errors carry. */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(normalize(actual)).toEqual(normalize(expected));
  });
}

/** Runs `test` in virtual time on a {@link testScheduler}. */
export function runMarbles(test: (helpers: RunHelpers) => void): void {
  testScheduler().run(test);
}

/** A notification as an oracle test compares it: [frame, kind, value or error]. */
export type Recorded = [frame: number, kind: 'N' | 'E' | 'C', value: unknown];

/**
 * Runs `build` in virtual time, subscribes to the Observable it returns, and
 * records every notification with its frame. `build` may keep the hot or cold
 * Observables it makes, to read their subscription logs afterwards, and may
 * read the frame with `now` (to record what its cleanups see, say).
 */
export function recordInVirtualTime<T>(build: (helpers: RunHelpers, now: () => number) => Observable<T>): Recorded[] {
  const scheduler = testScheduler();
  const notifications: Recorded[] = [];
  const now = (): number => scheduler.now();
  scheduler.run((helpers) => {
    build(helpers, now).subscribe(recording(now, notifications));
    helpers.flush();
  });
  return notifications;
}

/** An observer that records each notification into `into`, with the frame `now` reads. */
export function recording(now: () => number, into: Recorded[]): Observer<unknown> {
  return {
    next: (value) => into.push([now(), 'N', value]),
    error: (error: unknown) => into.push([now(), 'E', error]),
    complete: () => into.push([now(), 'C', undefined]),
  };
}
