import { asyncScheduler, config } from 'rxjs';

/**
 * Hands an error that has nowhere else to go to RxJS's own unhandled-error
 * path: `config.onUnhandledError` if set, or else a throw on a new task so the
 * runtime reports it (`window.onerror`, `process.on('uncaughtException')`).
 * That is what RxJS does for an error thrown by a subscriber's own callbacks.
 *
 * It goes through `asyncScheduler` rather than a bare `setTimeout` so that the
 * report happens in virtual time under `TestScheduler.run` (as RxJS's own
 * report does) and under fake timers. `config.onUnhandledError` is read when
 * the report runs, as RxJS does.
 */
export function reportUnhandledError(error: unknown): void {
  asyncScheduler.schedule(() => {
    const { onUnhandledError } = config;
    if (onUnhandledError) onUnhandledError(error);
    else throw error;
  });
}
