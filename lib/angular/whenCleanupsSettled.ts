import type { PendingTasks } from '@angular/core';
import type { Busy } from '../cancelScope';

/**
 * The cancellations of this entry whose cleanups run now, in this process
 * (every app in it), each as a Promise that resolves when they have settled.
 * It lives on `globalThis` under a registered symbol, as the core's ambient
 * slot does, so that the ES module and CommonJS builds of this package, both
 * loaded in one server, count into one set.
 */
const RUNNING_KEY = Symbol.for('rxjs-cancel.angular.running.v1');
const running: Set<Promise<void>> = ((globalThis as Record<symbol, Set<Promise<void>> | undefined>)[RUNNING_KEY] ??=
  new Set());

/**
 * Resolves once the cleanups of every cancellation of
 * {@link cancelUntilDestroyed} or {@link injectCancelScope} that runs when it
 * is called have settled, in this process, across every app; at once if none
 * runs.
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
 * next step, await this after rendering. It waits for the cancellations
 * under way when it is called, not for those that start later (so steady
 * traffic does not hold a response back), but it cannot tell one request's
 * from another's: it waits for every app's, and for ever for a cleanup that
 * never settles. Failures are not its business: they go where the
 * cancellation sends them.
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
 *
 * @group Scopes
 */
export function whenCleanupsSettled(): Promise<void> {
  // (Promise.all takes the set as it is now.)
  return Promise.all(running).then(nothing);
}

function nothing(): void {}

/**
 * What a cancellation keeps busy while its cleanups run: an entry in the
 * process-wide set above, and an Angular `PendingTasks` task, if there is
 * one to hold.
 */
export function busyOf(tasks: PendingTasks | null): Busy {
  return {
    add() {
      let settle!: () => void;
      const settled = new Promise<void>((resolve) => {
        settle = resolve;
      });
      running.add(settled);
      const endTask = tasks === null ? null : tasks.add();
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        try {
          endTask?.();
        } finally {
          running.delete(settled);
          settle();
        }
      };
    },
  };
}
