// Angular, for real: a DestroyRef from an EnvironmentInjector of the actual
// @angular/core (no zone.js, no TestBed). Destroying the injector cancels a
// cancelScope tied to it (`owner`), work the scope runs, and a subscription
// cancelled through the scope's AbortSignal; every cleanup runs, and close()
// settles once the asynchronous ones have. Runs against the built package
// (dist/), imported by its own name as an app would: `npm run test:angular`.
import { createEnvironmentInjector, DestroyRef, EnvironmentInjector, inject, Injector } from '@angular/core';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NEVER, Subject, timer } from 'rxjs';
import { cancellable, CancelledError, cancelScope, finalizeCleanup } from 'rxjs-cancel';

test('a destroyed EnvironmentInjector cancels work tied to its DestroyRef, and the cleanups run', async () => {
  const injector = createEnvironmentInjector([], Injector.NULL);
  assert.ok(injector instanceof EnvironmentInjector);
  const destroyRef = injector.get(DestroyRef);
  const events = [];

  const scope = cancelScope({ owner: destroyRef });
  scope.run(
    NEVER.pipe(
      finalizeCleanup(async (exit) => {
        events.push(`scope work cleanup started (${exit.kind})`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        events.push('scope work cleanup done');
      }),
    ),
    { error: (error) => events.push(`scope work error: ${error.name}`) },
  );

  const values = new Subject();
  values
    .pipe(
      finalizeCleanup((exit) => void events.push(`signal work cleanup (${exit.kind})`)),
      cancellable(scope.signal),
    )
    .subscribe({
      next: (value) => events.push(`value ${value}`),
      error: (error) => events.push(`signal work: ${error instanceof CancelledError ? 'CancelledError' : error}`),
    });
  values.next(1);

  assert.equal(scope.cancelled, false);
  injector.destroy();
  assert.equal(scope.cancelled, true);
  assert.equal(scope.signal.aborted, true);
  await scope.close();

  // The scope aborts its signal first (so work listening to it hears at
  // once), then cancels what it runs; close() resolved only after the
  // asynchronous cleanup had finished.
  assert.deepEqual(events, [
    'value 1',
    'signal work cleanup (cancel)',
    'signal work: CancelledError',
    'scope work cleanup started (cancel)',
    'scope work cleanup done',
  ]);
  // The scope's error handler got nothing: a cancelled run is not an error of the run.
  assert.ok(!events.some((event) => event.startsWith('scope work error')));
});

test('inject(DestroyRef) in a service: the scope dies with the injector that made the service', async () => {
  class Poller {
    scope = cancelScope({ owner: inject(DestroyRef) });
    ticks = 0;
    cleaned = false;
    start() {
      this.scope.run(timer(0, 5).pipe(finalizeCleanup(() => void (this.cleaned = true))), () => this.ticks++);
    }
  }
  // useFactory runs in an injection context, where inject() works, as in a
  // class decorated with @Injectable (which would need the JIT compiler here).
  const injector = createEnvironmentInjector([{ provide: Poller, useFactory: () => new Poller() }], Injector.NULL);
  const poller = injector.get(Poller);
  poller.start();
  await new Promise((resolve) => setTimeout(resolve, 30));
  injector.destroy();
  await poller.scope.close();
  const ticks = poller.ticks;
  assert.ok(ticks > 0);
  assert.equal(poller.cleaned, true);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(poller.ticks, ticks, 'no tick after the injector was destroyed');
});
