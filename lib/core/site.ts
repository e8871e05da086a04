/**
 * Where an operator was created, for the stack of the errors it makes on the
 * cancel path (a `CancelledError`, a `DeadlineError`).
 *
 * The stack of an error made where a cancel fires would show RxJS's
 * internals (a Subject's `next`, a scheduler's action, the teardown cascade),
 * and capturing it is most of what a fired cancel costs: 2 to 5 µs, against
 * 0.6 µs for the whole of `takeUntil`'s cancel. So an operator captures its
 * call site once, when it is created (`cancellable(…)` in the user's `pipe`),
 * and every such error it makes is built with no capture at all and given
 * those frames: the line a reader wants.
 *
 * The site is formatted at once, and only its first {@link SITE_FRAMES}
 * frames are kept (about 5 µs per operator made): frames captured but not yet
 * formatted hold every caller's `this` alive for as long as the operator
 * lives (a component that made it, say).
 */
export type Site = string | null;

/** How many frames of the creation site an error shows, at most (fewer if Error.stackTraceLimit says so). */
const SITE_FRAMES = 3;

interface StackApi {
  stackTraceLimit?: unknown;
  captureStackTrace?: (target: object, above?: (...args: never[]) => unknown) => void;
}

/**
 * The frames of the call to `operator` (those above it left out), as text
 * from the first newline on; null where the engine cannot tell (then the
 * errors capture their stack as usual).
 */
export function siteOf(operator: (...args: never[]) => unknown): Site {
  const api = Error as StackApi;
  const { captureStackTrace: capture, stackTraceLimit: limit } = api;
  if (typeof capture !== 'function' || typeof limit !== 'number') return null;
  if (!Reflect.set(Error, 'stackTraceLimit', Math.min(limit, SITE_FRAMES))) return null;
  try {
    const captured: { stack?: unknown } = {};
    capture(captured, operator);
    // Read now (see above).
    return framesOf(captured);
  } finally {
    api.stackTraceLimit = limit;
  }
}

/** The frames of a captured stack; null if a custom `Error.prepareStackTrace` throws, or gives no frames. */
function framesOf(captured: { stack?: unknown }): Site {
  try {
    const stack = String(captured.stack);
    const newline = stack.indexOf('\n');
    return newline < 0 ? null : stack.slice(newline);
  } catch {
    return null;
  }
}

/**
 * Makes an error with no stack captured, then gives it, and the `cause` that
 * `make` made with it if any, the frames of `site`. Without a site, or on an
 * engine whose stack limit may not be changed (SES), `make` runs as it is.
 * (Code that `make` runs, a reason's `toString`, sees a limit of 0.)
 */
export function madeAt<E extends Error>(site: Site, make: () => E): E {
  const limit = (Error as StackApi).stackTraceLimit;
  if (site === null || typeof limit !== 'number' || !Reflect.set(Error, 'stackTraceLimit', 0)) return make();
  let error: E;
  try {
    error = make();
  } finally {
    (Error as StackApi).stackTraceLimit = limit;
  }
  stamp(error, site);
  if (Object.hasOwn(error, 'cause')) stamp((error as { cause?: unknown }).cause, site);
  return error;
}

function stamp(error: unknown, frames: string): void {
  if (error instanceof Error) error.stack = `${error.name}: ${error.message}${frames}`;
}
