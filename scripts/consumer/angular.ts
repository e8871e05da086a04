// An Angular app's component and service using rxjs-cancel/angular, as the
// Angular CLI's tsconfig would compile them (decorators, strict, skipLibCheck
// off, Bundler resolution), against the packed package: no ng-packagr, no
// Angular compiler. scripts/check-package.mjs type-checks it with tsconfig.angular.json.
import { Component, DestroyRef, inject, Injectable, Injector, signal, type OnInit } from '@angular/core';
import { interval, map, NEVER, Subject, type Observable } from 'rxjs';
import { finalizeCleanup, type CancelScope, type Exit } from 'rxjs-cancel';
import {
  cancelUntilDestroyed,
  DESTROYED,
  injectCancelScope,
  whenCleanupsSettled,
  type AngularCancelOptions,
} from 'rxjs-cancel/angular';

async function saveDraft(exit: Exit): Promise<void> {
  if (exit.kind === 'cancel' && exit.reason === DESTROYED) await Promise.resolve();
}

@Injectable({ providedIn: 'root' })
export class Poller {
  private readonly scope: CancelScope = injectCancelScope({ pendingTasks: true });
  readonly ticks = new Subject<number>();

  start(): void {
    this.scope.run(interval(1000).pipe(finalizeCleanup(saveDraft)), (n) => this.ticks.next(n));
  }
}

@Component({ selector: 'app-clock', template: '{{ time() }}' })
export class Clock implements OnInit {
  readonly time = signal('');
  private readonly injector = inject(Injector);
  private readonly destroyRef = inject(DestroyRef);
  private readonly scope = injectCancelScope();

  constructor() {
    const seconds: Observable<string> = interval(1000).pipe(
      map(String),
      finalizeCleanup(saveDraft),
      cancelUntilDestroyed(),
    );
    seconds.subscribe((value) => this.time.set(value));
  }

  ngOnInit(): void {
    // Outside the injection context: a DestroyRef, and the injector for PendingTasks.
    const options: AngularCancelOptions = { injector: this.injector };
    NEVER.pipe(cancelUntilDestroyed<never>(this.destroyRef, options)).subscribe();
    this.scope.run(NEVER);
  }

  stop(): void {
    this.scope.cancel('user stopped');
  }
}

// A server's request handler: the page, once the destroy's cleanups have settled.
export async function handle(render: () => Promise<string>): Promise<string> {
  const html = await render();
  await whenCleanupsSettled();
  return html;
}
