// Linted by scripts/check-lint-advice.mjs with the README's rule options.
import { of, Subject, switchMap, takeUntil } from 'rxjs';
import { cancellable, finalizeCleanup, shieldUntil, timeoutCancel } from 'rxjs-cancel';

const stop = new Subject<void>();

// allowed: this package's operators that are safe after takeUntil
export const allowed = of(1).pipe(
  takeUntil(stop),
  finalizeCleanup(() => undefined),
  cancellable(stop),
  shieldUntil(),
);

// reported: a fallback subscribes anew after takeUntil
export const fallback = of(1).pipe(takeUntil(stop), timeoutCancel({ total: 10, with: () => of(0) }));

// reported: cancellable is an alias of takeUntil
export const afterCancellable = of(1).pipe(
  cancellable(stop),
  switchMap(() => of(2)),
);
