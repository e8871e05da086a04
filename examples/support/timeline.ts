import { asyncScheduler, from, type ObservableInput } from 'rxjs';

// What the examples share with the reference programs: `log`, which prints
// `t=<N> <event>` as their log() does. The examples import `log` and nothing
// else from here; running them (examples/run.ts in real time,
// marble-tests/examples.spec.ts in virtual time) is done by `runExample`.

/** Milliseconds per unit of the reference's time: `timer(200)` waits 2 units. */
export const UNIT_MS = 100;

/** An example: the reference's `async def pN_…()`, done when what it returns completes. */
export type Example = () => ObservableInput<unknown>;

/** Receives each event an example logs, with the milliseconds since the example started. */
export type Print = (elapsedMs: number, message: string) => void;

let current: { readonly start: number; readonly print: Print } | undefined;

/**
 * Logs an event of the running example. Time is RxJS's clock
 * (`asyncScheduler.now()`), the one `timer` waits on: real milliseconds when
 * the runner runs the example, virtual ones when the test does.
 */
export function log(message: string): void {
  if (current === undefined) throw new Error(`log(${JSON.stringify(message)}) outside runExample`);
  current.print(asyncScheduler.now() - current.start, message);
}

/**
 * Runs `example` on RxJS's default schedulers, passing what it logs to
 * `print`, and resolves when it is over (rejects if it errors).
 */
export async function runExample(example: Example, print: Print): Promise<void> {
  current = { start: asyncScheduler.now(), print };
  try {
    await new Promise<void>((resolve, reject) => {
      from(example()).subscribe({ complete: resolve, error: reject });
    });
  } finally {
    current = undefined;
  }
}
