import type { Observable, Subscription } from 'rxjs';

/** Subscribes to `source` and records, in order, everything its subscriber is told. */
export function record<T>(source: Observable<T>): { events: unknown[]; subscription: Subscription } {
  const events: unknown[] = [];
  const subscription = source.subscribe({
    next: (value) => events.push(['next', value]),
    error: (error) => events.push(['error', error]),
    complete: () => events.push(['complete']),
  });
  return { events, subscription };
}
