import type { PendingTasks } from '@angular/core';
import type { Busy } from '../cancelScope';

/**
 * The cleanups of this entry's cancellations running now, in this process
 * (every app in it), and who waits for the count to reach zero.
 */
let running = 0;
let waiting: (() => void)[] = [];

/**
 * Resolves once every cleanup started by a cancellation of
 * {@link cancelUntilDestroyed} or {@link injectCancelScope} has settled, in
 * this process, across every app; at once if none runs.
 *
 * <span class="informal">What a server awaits before it lets go of a
 * request, since Angular awaits nothing when it destroys a rendered app.</span>
 *
 * ```
 * renderApplication   ──────┤ HTML      (then the app is destroyed)
 * cleanup                   ^────┤      started by the destroy
 * whenCleanupsSettled()     ^────^      resolves here
 * ```
 *
 * `renderApplication` serializes the page, then destroys the app, and its
 * Promise resolves without waiting for anything that destroy started: the
 * cleanups of work cancelled then run on after the HTML is returned. Where
 * the end of a request ends the process's work too (a serverless function
 * frozen once it has answered), or where a cleanup must finish before the
 * next step, await this after rendering. It does not wait for cleanups that
 * start after it was called once the count has reached zero, and it cannot
 * tell one request's cleanups from another's: it waits for all of them.
 * Failures are not its business: they go where the cancellation sends them.
 *
 * ## Example
 *
 * ```ts
 * import { renderApplication } from '@angular/platform-server';
 * import { whenCleanupsSettled } from 'rxjs-cancel/angular';
 *
 * export async function handler(url: string): Promise<string> {
 *   const html = await renderApplication(bootstrap, { document, url });
 *   await whenCleanupsSettled(); // the drafts the destroyed components saved are saved
 *   return html;
 * }
 * ```
 *
 * @see {@link injectCancelScope}
 * @return A Promise that resolves once no cleanup of this entry's cancellations runs.
 */
export function whenCleanupsSettled(): Promise<void> {
  if (running === 0) return Promise.resolve();
  return new Promise((resolve) => {
    waiting.push(resolve);
  });
}

/**
 * What a cancellation keeps busy while its cleanups run: the process-wide
 * count above, and an Angular `PendingTasks` task, if there is one to hold.
 */
export function busyOf(tasks: PendingTasks | null): Busy {
  return {
    add() {
      running++;
      const endTask = tasks === null ? null : tasks.add();
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        try {
          endTask?.();
        } finally {
          if (--running === 0) {
            const settled = waiting;
            waiting = [];
            for (const resolve of settled) resolve();
          }
        }
      };
    },
  };
}
