import { config } from 'rxjs';

/**
 * Every test runs with `config.onUnhandledError` collecting what reaches it.
 * A test that expects unhandled errors takes them with `takeUnhandled()`;
 * any left over when the test ends fail it, so that an error that escapes to
 * the unhandled path where a test did not expect it can never pass unnoticed.
 */
let unhandled: unknown[] = [];
let installed = false;

export function takeUnhandled(): unknown[] {
  const taken = unhandled;
  unhandled = [];
  return taken;
}

export function installUnhandledGuard(): void {
  if (installed) return;
  installed = true;
  beforeEach(() => {
    unhandled = [];
    config.onUnhandledError = (error) => {
      unhandled.push(error);
    };
  });
  afterEach(() => {
    config.onUnhandledError = null;
    const left = takeUnhandled();
    if (left.length > 0) {
      throw new Error(`unexpected errors reached config.onUnhandledError: ${left.map(String).join('; ')}`);
    }
  });
}
