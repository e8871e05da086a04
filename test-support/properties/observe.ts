import { config, type Observable } from 'rxjs';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import { normalize } from '../errors';

/** What a case produced: the subscriber's notifications and the unhandled reports, with frames. */
export interface Observed {
  readonly notifications: readonly (readonly [frame: number, kind: 'N' | 'E' | 'C', value: unknown])[];
  readonly unhandled: readonly (readonly [frame: number, error: unknown])[];
}

/**
 * Runs `build` in virtual time (run mode), subscribes to what it returns,
 * unsubscribes at `unsubscribeAt` if given, and records what happened.
 * Errors are normalized (class, message, what they carry), so a model can
 * write the errors it expects.
 */
export function observe(build: (helpers: RunHelpers) => Observable<unknown>, unsubscribeAt?: number): Observed {
  const scheduler = new TestScheduler(() => {});
  const notifications: [number, 'N' | 'E' | 'C', unknown][] = [];
  const unhandled: [number, unknown][] = [];
  const previous = config.onUnhandledError;
  try {
    scheduler.run((helpers) => {
      config.onUnhandledError = (error) => unhandled.push([scheduler.now(), normalize(error)]);
      const subscription = build(helpers).subscribe({
        next: (value) => notifications.push([scheduler.now(), 'N', normalize(value)]),
        error: (error) => notifications.push([scheduler.now(), 'E', normalize(error)]),
        complete: () => notifications.push([scheduler.now(), 'C', undefined]),
      });
      if (unsubscribeAt !== undefined) scheduler.schedule(() => subscription.unsubscribe(), unsubscribeAt);
    });
  } finally {
    config.onUnhandledError = previous;
  }
  return { notifications, unhandled };
}

/** Builds the expected record, normalizing the errors a model writes. */
export function expected(
  notifications: readonly (readonly [number, 'N' | 'E' | 'C', unknown])[],
  unhandled: readonly (readonly [number, unknown])[] = [],
): Observed {
  return {
    notifications: notifications.map(([frame, kind, value]) => [frame, kind, normalize(value)]),
    unhandled: unhandled.map(([frame, error]) => [frame, normalize(error)]),
  };
}
