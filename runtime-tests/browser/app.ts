// Runs in headless Chromium (runtime-tests/browser.test.mjs): the built ES
// module package, bundled by esbuild, on the browser's real timers,
// AbortController and fetch. It reports what happened on window.results.
import { catchError, config, defer, firstValueFrom, NEVER, of, Subject, timer } from 'rxjs';
import { cancellable, CancelledError, finalizeCleanup, fromAbortable, timeoutCancel } from 'rxjs-cancel';

const unhandled: unknown[] = [];
config.onUnhandledError = (error) => unhandled.push(error);

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const describe = (error: unknown) =>
  error instanceof Error
    ? `${error.name}${error instanceof CancelledError ? ` (${String(error.reason)})` : ''}`
    : String(error);

/** timeoutCancel on real timers: the deadline, then the awaited cleanup, then the error. */
async function deadline(): Promise<string[]> {
  const events: string[] = [];
  const result = timer(10_000).pipe(
    finalizeCleanup(async (exit) => {
      events.push(`cleanup started: ${exit.kind}`);
      await wait(30);
      events.push('cleanup done');
    }),
    timeoutCancel(50),
    catchError((error: unknown) => of(`error: ${describe(error)}`)),
  );
  events.push(String(await firstValueFrom(result)));
  return events;
}

/** An AbortController cancels; the downstream hears why. */
async function abortController(): Promise<string[]> {
  const events: string[] = [];
  const controller = new AbortController();
  const ticks = new Subject<number>();
  const done = firstValueFrom(
    ticks.pipe(
      finalizeCleanup((exit) => void events.push(`cleanup: ${exit.kind}`)),
      cancellable(controller.signal),
      catchError((error: unknown) => of(`error: ${describe(error)}`)),
    ),
  );
  setTimeout(() => controller.abort('user left'), 20);
  events.push(String(await done));
  return events;
}

/** A fetch that unsubscription aborts: the server sees the request go away. */
async function abortedFetch(): Promise<string[]> {
  const events: string[] = [];
  const request = fromAbortable((signal) => fetch('/slow', { signal }).then((response) => response.text())).pipe(
    finalizeCleanup((exit) => void events.push(`fetch cleanup: ${exit.kind}`)),
  );
  const subscription = request.subscribe({
    next: () => events.push('fetch answered (it should not)'),
    error: (error: unknown) => events.push(`fetch error (it should not): ${describe(error)}`),
  });
  events.push(`server: ${await (await fetch('/slow/started')).text()}`);
  subscription.unsubscribe();
  events.push(`server: ${await (await fetch('/slow/aborted')).text()}`);
  return events;
}

/** Work that outlives nothing: a cancellation from a never-ending source completes on request. */
async function completeOnCancel(): Promise<string[]> {
  const stop = timer(10);
  const value = await firstValueFrom(defer(() => NEVER).pipe(cancellable(stop, { onCancel: 'complete' })), {
    defaultValue: 'completed on cancel',
  });
  return [String(value)];
}

declare global {
  interface Window {
    results: Promise<Record<string, string[]>>;
  }
}

window.results = (async () => ({
  deadline: await deadline(),
  abortController: await abortController(),
  abortedFetch: await abortedFetch(),
  completeOnCancel: await completeOnCancel(),
  unhandled: unhandled.map(describe),
}))();
