/**
 * Resolves once pending microtasks have run and then any 0 ms action they
 * scheduled on RxJS's asyncScheduler (such as an unhandled-error report):
 * setImmediate runs after the microtasks, and a 2 ms timer set then fires
 * after a 0 ms (really 1 ms) timer set before it.
 */
export async function macrotask(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 2));
}

/** A promise with its settle functions, to drive a Promise cleanup by hand. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
