import { appendFileSync } from 'node:fs';
import { interval, NEVER, take, takeUntil, timer } from 'rxjs';
import { cancellable, cancelScope, finalizeCleanup, fromAbortable } from '../../lib';

// Work that ends after this file has ended and Jest has cleaned its global
// object: each piece appends a line to the file JEST_GLOBALS_LOG names, which
// spec/jest-globals.spec.ts reads once Jest has exited (by itself).
const log = (line: string): void => appendFileSync(process.env['JEST_GLOBALS_LOG']!, `${line}\n`);

it('leaves work running past the end of the file', () => {
  // A source that ends (take(1) upstream), after the file.
  interval(100)
    .pipe(
      take(1),
      finalizeCleanup(() => log('completed cleanup')),
    )
    .subscribe();
  // A plain unsubscribe (take(1) downstream) reaching live work, after the file.
  interval(100)
    .pipe(
      finalizeCleanup(() => log('unsubscribed cleanup')),
      take(1),
    )
    .subscribe();
  fromAbortable((signal) => {
    signal.addEventListener('abort', () => log('aborted'));
    return NEVER;
  })
    .pipe(takeUntil(timer(100)))
    .subscribe();
  // A cancel that waits for an asynchronous cleanup, after the file.
  NEVER.pipe(
    finalizeCleanup((exit) =>
      timer(20).pipe(finalizeCleanup(() => log(`awaited cleanup ${String(exit.kind === 'cancel' && exit.reason)}`))),
    ),
    cancellable(timer(150), { reason: 'late stop' }),
  ).subscribe({ error: (error: Error) => log(`cancellable reported ${error.name}`) });
  // A scope closed after the file.
  const scope = cancelScope();
  scope.run(NEVER.pipe(finalizeCleanup(() => timer(10))));
  setTimeout(() => {
    scope.close().then(
      () => log('scope closed'),
      () => log('scope failed'),
    );
  }, 200);
});
