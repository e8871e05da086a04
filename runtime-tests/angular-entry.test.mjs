// rxjs-cancel/angular with the real Angular: TestBed, zoneless (no zone.js),
// standalone components compiled just in time, the DOM of platform-server.
// Nothing of Angular is mocked. Run against the built package, imported by
// its own name, under each Angular major the peer range names at its ends
// (scripts/angular-matrix.mjs): `npm run test:angular`.
import '@angular/compiler';
import * as core from '@angular/core';
import { AsyncPipe } from '@angular/common';
import {
  ApplicationRef,
  Component,
  DestroyRef,
  inject,
  Injectable,
  Injector,
  runInInjectionContext,
  signal,
} from '@angular/core';
import { outputFromObservable, takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { TestBed } from '@angular/core/testing';
import { platformServerTesting, ServerTestingModule } from '@angular/platform-server/testing';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { afterEach, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { interval, NEVER, Observable, of, Subject } from 'rxjs';
import { CleanupError, finalizeCleanup } from 'rxjs-cancel';
import { cancelUntilDestroyed, DESTROYED, injectCancelScope, whenCleanupsSettled } from 'rxjs-cancel/angular';

// Zoneless change detection: `provideZonelessChangeDetection` from Angular
// 20 on, `provideExperimentalZonelessChangeDetection` in 19.
const provideZoneless = core.provideZonelessChangeDetection ?? core.provideExperimentalZonelessChangeDetection;

before(() => {
  TestBed.initTestEnvironment(ServerTestingModule, platformServerTesting());
});
afterEach(() => {
  TestBed.resetTestingModule();
});

function configure() {
  TestBed.configureTestingModule({ providers: [provideZoneless()] });
}

/** An asynchronous cleanup that records what it saw and when it ended, on `events`. */
function slowCleanup(events, ms = 30) {
  return finalizeCleanup(async (exit) => {
    events.push(`cleanup started: ${exit.kind} ${exit.reason === DESTROYED ? 'DESTROYED' : String(exit.reason)}`);
    await sleep(ms);
    events.push('cleanup done');
  });
}

/** Resolves when the application is stable, recording it on `events`. */
function whenStable(events) {
  return TestBed.inject(ApplicationRef)
    .whenStable()
    .then(() => events.push('stable'));
}

describe('cancelUntilDestroyed', () => {
  test('destroying the component cancels the work with DESTROYED, completes after the cleanup, and whenStable() waits for it', async () => {
    configure();
    const events = [];
    const Ticker = Component({ selector: 'app-ticker', template: 'tick {{ tick() }}' })(
      class {
        tick = signal(-1);
        constructor() {
          interval(5)
            .pipe(slowCleanup(events), cancelUntilDestroyed())
            .subscribe({
              next: (n) => this.tick.set(n),
              error: (error) => events.push(`error: ${error.name}`),
              complete: () => events.push('complete'),
            });
        }
      },
    );
    const fixture = TestBed.createComponent(Ticker);
    await sleep(30);
    await fixture.whenStable();
    assert.match(fixture.nativeElement.textContent, /^tick [1-9]\d*$/);
    fixture.destroy();
    assert.deepEqual(events, ['cleanup started: cancel DESTROYED']);
    await whenStable(events);
    // The downstream completed (no CancelledError) once the cleanup had
    // settled, and only then was the application stable.
    assert.deepEqual(events, ['cleanup started: cancel DESTROYED', 'cleanup done', 'complete', 'stable']);
  });

  test('with pendingTasks: false, whenStable() does not wait (the test above could fail)', async () => {
    configure();
    const events = [];
    const Ticker = Component({ selector: 'app-quiet-ticker', template: '' })(
      class {
        constructor() {
          NEVER.pipe(slowCleanup(events), cancelUntilDestroyed(undefined, { pendingTasks: false })).subscribe({
            complete: () => events.push('complete'),
          });
        }
      },
    );
    const fixture = TestBed.createComponent(Ticker);
    fixture.destroy();
    await whenStable(events);
    assert.deepEqual(events, ['cleanup started: cancel DESTROYED', 'stable']);
    await sleep(50);
    assert.deepEqual(events, ['cleanup started: cancel DESTROYED', 'stable', 'cleanup done', 'complete']);
  });

  test('through toSignal, which unsubscribes on destroy too: the cleanup still sees DESTROYED and is waited for', async () => {
    configure();
    const events = [];
    const values = new Subject();
    const Reader = Component({ selector: 'app-reader', template: 'value {{ value() }}' })(
      class {
        value = toSignal(values.pipe(slowCleanup(events), cancelUntilDestroyed()), { initialValue: 'none' });
      },
    );
    const fixture = TestBed.createComponent(Reader);
    values.next('a');
    await fixture.whenStable();
    assert.equal(fixture.nativeElement.textContent, 'value a');
    fixture.destroy();
    await whenStable(events);
    assert.deepEqual(events, ['cleanup started: cancel DESTROYED', 'cleanup done', 'stable']);
    assert.equal(values.observed, false);
  });

  test('under the async pipe, which unsubscribes before the DestroyRef calls back: the cleanup still sees DESTROYED and is waited for', async () => {
    configure();
    const events = [];
    const Reader = Component({ selector: 'app-piped', template: '{{ value$ | async }}', imports: [AsyncPipe] })(
      class {
        value$ = NEVER.pipe(slowCleanup(events), cancelUntilDestroyed());
      },
    );
    const fixture = TestBed.createComponent(Reader);
    await fixture.whenStable();
    fixture.destroy();
    await whenStable(events);
    assert.deepEqual(events, ['cleanup started: cancel DESTROYED', 'cleanup done', 'stable']);
  });

  test('under outputFromObservable, which unsubscribes in an earlier onDestroy callback: the same', async () => {
    configure();
    const events = [];
    const Child = Component({ selector: 'app-emitter', template: '', outputs: ['saved'] })(
      class {
        saved = outputFromObservable(NEVER.pipe(slowCleanup(events), cancelUntilDestroyed()));
      },
    );
    const Parent = Component({
      selector: 'app-emitter-parent',
      template: '@if (shown()) { <app-emitter (saved)="0" /> }',
      imports: [Child],
    })(
      class {
        shown = signal(true);
      },
    );
    const fixture = TestBed.createComponent(Parent);
    await fixture.whenStable();
    fixture.componentInstance.shown.set(false);
    await whenStable(events);
    assert.deepEqual(events, ['cleanup started: cancel DESTROYED', 'cleanup done', 'stable']);
  });

  test('an unsubscribe that is not a destroy is a plain one: UNSUBSCRIBED, nothing held', async () => {
    configure();
    const events = [];
    const Host = Component({ selector: 'app-host-early', template: '' })(
      class {
        subscription = NEVER.pipe(slowCleanup(events), cancelUntilDestroyed()).subscribe();
      },
    );
    const fixture = TestBed.createComponent(Host);
    fixture.componentInstance.subscription.unsubscribe();
    await whenStable(events);
    assert.deepEqual(events, ['cleanup started: cancel Symbol(unsubscribed)', 'stable']);
    await sleep(50);
    fixture.destroy();
  });

  test('behaves as takeUntilDestroyed, except that the source is torn down before the downstream hears', async () => {
    configure();
    const run = (operator) => {
      const selector = `app-${operator.name}`;
      const events = [];
      const source = new Observable((subscriber) => {
        events.push('subscribed');
        subscriber.next(1);
        return () => events.push('unsubscribed');
      });
      const Host = Component({ selector, template: '' })(
        class {
          constructor() {
            source.pipe(operator()).subscribe({
              next: (value) => events.push(`next ${value}`),
              error: (error) => events.push(`error ${error}`),
              complete: () => events.push('complete'),
            });
          }
        },
      );
      const fixture = TestBed.createComponent(Host);
      events.push('destroy');
      fixture.destroy();
      // A DestroyRef destroyed already: both end at once, the source never subscribed.
      const destroyRef = fixture.componentRef.injector.get(DestroyRef);
      source.pipe(operator(destroyRef)).subscribe({ complete: () => events.push('late complete') });
      return events;
    };
    // takeUntil completes the downstream, then unsubscribes the source; a
    // cancel of this package ends the source (and awaits its cleanups) first.
    assert.deepEqual(run(takeUntilDestroyed), [
      'subscribed',
      'next 1',
      'destroy',
      'complete',
      'unsubscribed',
      'late complete',
    ]);
    assert.deepEqual(run(cancelUntilDestroyed), [
      'subscribed',
      'next 1',
      'destroy',
      'unsubscribed',
      'complete',
      'late complete',
    ]);
  });

  test('a cleanup that fails reaches the subscriber as a CleanupError, and the task still ends', async () => {
    configure();
    const events = [];
    const Failing = Component({ selector: 'app-failing', template: '' })(
      class {
        constructor() {
          NEVER.pipe(
            finalizeCleanup(async () => {
              await sleep(10);
              throw new Error('disk full');
            }),
            cancelUntilDestroyed(),
          ).subscribe({ error: (error) => events.push(error) });
        }
      },
    );
    TestBed.createComponent(Failing).destroy();
    await whenStable(events);
    assert.equal(events.length, 2);
    assert.ok(events[0] instanceof CleanupError);
    assert.equal(events[0].errors[0].message, 'disk full');
    assert.equal(events[1], 'stable');
  });

  test('an explicit DestroyRef outside an injection context: PendingTasks from options.injector, none without it', async () => {
    configure();
    const Host = Component({ selector: 'app-host-2', template: '' })(
      class {
        injector = inject(Injector);
        destroyRef = inject(DestroyRef);
      },
    );
    for (const withInjector of [true, false]) {
      const events = [];
      const fixture = TestBed.createComponent(Host);
      const { injector, destroyRef } = fixture.componentInstance;
      // Outside any injection context, as in ngOnInit or an event handler.
      NEVER.pipe(
        slowCleanup(events),
        cancelUntilDestroyed(destroyRef, withInjector ? { injector } : undefined),
      ).subscribe();
      fixture.destroy();
      await whenStable(events);
      await sleep(50);
      const waited = ['cleanup started: cancel DESTROYED', 'cleanup done', 'stable'];
      const notWaited = ['cleanup started: cancel DESTROYED', 'stable', 'cleanup done'];
      assert.deepEqual(events, withInjector ? waited : notWaited);
    }
  });

  test('options.injector alone: the DestroyRef is the injector’s', async () => {
    configure();
    const Host = Component({ selector: 'app-host-3', template: '' })(
      class {
        injector = inject(Injector);
      },
    );
    const events = [];
    const fixture = TestBed.createComponent(Host);
    NEVER.pipe(
      slowCleanup(events),
      cancelUntilDestroyed(undefined, { injector: fixture.componentInstance.injector }),
    ).subscribe({
      complete: () => events.push('complete'),
    });
    fixture.destroy();
    await whenStable(events);
    assert.deepEqual(events, ['cleanup started: cancel DESTROYED', 'cleanup done', 'complete', 'stable']);
  });
});

describe('whenCleanupsSettled', () => {
  test('waits for the cancellations under way when called, not for later ones', async () => {
    configure();
    const events = [];
    const host = (selector, ms) =>
      Component({ selector, template: '' })(
        class {
          constructor() {
            NEVER.pipe(slowCleanup(events, ms), cancelUntilDestroyed()).subscribe();
          }
        },
      );
    const Short = host('app-short-cleanup', 30);
    const Long = host('app-long-cleanup', 80);
    TestBed.createComponent(Short).destroy();
    const settled = whenCleanupsSettled().then(() => events.push('settled'));
    await sleep(10);
    TestBed.createComponent(Long).destroy(); // begun after the call
    await settled;
    assert.deepEqual(events, [
      'cleanup started: cancel DESTROYED',
      'cleanup started: cancel DESTROYED',
      'cleanup done',
      'settled',
    ]);
    await whenCleanupsSettled();
    assert.equal(events.at(-1), 'cleanup done');
    // Nothing is kept once settled (the set both builds share, see whenCleanupsSettled.ts).
    assert.equal(globalThis[Symbol.for('rxjs-cancel.angular.running.v1')].size, 0);
  });

  test('one build waits for the cleanups begun through the other (ES module and CommonJS in one process)', async () => {
    configure();
    const require = createRequire(import.meta.url);
    const commonjs = { ...require('rxjs-cancel'), ...require('rxjs-cancel/angular') };
    assert.notEqual(commonjs.cancelUntilDestroyed, cancelUntilDestroyed);
    const events = [];
    const Host = Component({ selector: 'app-commonjs', template: '' })(
      class {
        constructor() {
          NEVER.pipe(
            commonjs.finalizeCleanup(async () => {
              await sleep(20);
              events.push('cleanup done');
            }),
            commonjs.cancelUntilDestroyed(),
          ).subscribe();
        }
      },
    );
    TestBed.createComponent(Host).destroy();
    await whenCleanupsSettled();
    events.push('settled');
    assert.deepEqual(events, ['cleanup done', 'settled']);
  });
});

describe('outside an application', () => {
  test('an injector with no PendingTasks (Injector.create, a platform service): nothing to hold, and no error, as with takeUntilDestroyed', async () => {
    const injector = Injector.create({ providers: [] });
    const events = [];
    runInInjectionContext(injector, () => {
      of(1).pipe(takeUntilDestroyed()).subscribe();
      NEVER.pipe(slowCleanup(events, 10), cancelUntilDestroyed()).subscribe({
        complete: () => events.push('complete'),
      });
      injectCancelScope().run(NEVER.pipe(slowCleanup(events, 10)));
    });
    NEVER.pipe(slowCleanup(events, 10), cancelUntilDestroyed(undefined, { injector })).subscribe();
    injector.destroy();
    await whenCleanupsSettled();
    assert.deepEqual(events, [
      'cleanup started: cancel DESTROYED',
      'cleanup started: cancel DESTROYED',
      'cleanup started: cancel DESTROYED',
      'cleanup done',
      'complete',
      'cleanup done',
      'cleanup done',
    ]);
  });
});

describe('injectCancelScope', () => {
  test('in a component: destroy closes the scope with DESTROYED, and whenStable() waits for every cleanup', async () => {
    configure();
    const events = [];
    let scope;
    const Uploads = Component({ selector: 'app-uploads', template: '' })(
      class {
        scope = injectCancelScope();
        constructor() {
          scope = this.scope;
          this.scope.run(NEVER.pipe(slowCleanup(events, 20)));
          this.scope.run(NEVER.pipe(slowCleanup(events, 40)));
        }
      },
    );
    const fixture = TestBed.createComponent(Uploads);
    assert.equal(scope.cancelled, false);
    fixture.destroy();
    assert.equal(scope.cancelled, true);
    assert.equal(scope.signal.aborted, true);
    assert.equal(scope.signal.reason, DESTROYED);
    await whenStable(events);
    assert.deepEqual(events, [
      'cleanup started: cancel DESTROYED',
      'cleanup started: cancel DESTROYED',
      'cleanup done',
      'cleanup done',
      'stable',
    ]);
    await scope.close();
  });

  test('cancel() by the component: whenStable() waits for its cleanups too, which see its reason', async () => {
    configure();
    const events = [];
    const Search = Component({ selector: 'app-search', template: '{{ state() }}' })(
      class {
        scope = injectCancelScope();
        state = signal('searching');
        constructor() {
          this.scope.run(
            NEVER.pipe(
              slowCleanup(events),
              finalizeCleanup(() => this.state.set('stopped')),
            ),
          );
        }
        stop() {
          this.scope.cancel('user stopped');
        }
      },
    );
    const fixture = TestBed.createComponent(Search);
    await fixture.whenStable();
    fixture.componentInstance.stop();
    await fixture.whenStable();
    events.push('stable');
    assert.deepEqual(events, ['cleanup started: cancel user stopped', 'cleanup done', 'stable']);
    assert.equal(fixture.nativeElement.textContent, 'stopped');
  });

  test('pendingTasks: false opts out', async () => {
    configure();
    const events = [];
    const Host = Component({ selector: 'app-host-4', template: '' })(
      class {
        scope = injectCancelScope({ pendingTasks: false });
        constructor() {
          this.scope.run(NEVER.pipe(slowCleanup(events)));
        }
      },
    );
    TestBed.createComponent(Host).destroy();
    await whenStable(events);
    assert.deepEqual(events, ['cleanup started: cancel DESTROYED', 'stable']);
    await sleep(50);
  });

  test('in a service: the scope closes when the injector that made the service is destroyed', async () => {
    configure();
    const events = [];
    const Poller = Injectable({ providedIn: 'root' })(
      class {
        scope = injectCancelScope();
        start() {
          this.scope.run(interval(5).pipe(slowCleanup(events, 10)), () => events.push('tick'));
        }
      },
    );
    const poller = TestBed.inject(Poller);
    poller.start();
    await sleep(20);
    assert.ok(events.includes('tick'));
    const ticks = events.length;
    TestBed.resetTestingModule();
    assert.equal(poller.scope.cancelled, true);
    assert.equal(events[ticks], 'cleanup started: cancel DESTROYED');
    await poller.scope.close();
    assert.equal(events.at(-1), 'cleanup done');
  });
});

describe('misuse', () => {
  test('outside an injection context: the error takeUntilDestroyed gives, naming the function', () => {
    const message = (fn) => {
      try {
        fn();
      } catch (error) {
        return error.message;
      }
      assert.fail(`${fn} did not throw`);
    };
    const theirs = message(() => takeUntilDestroyed());
    assert.match(theirs, /^NG0203: takeUntilDestroyed\(\) can only be used within an injection context/);
    assert.equal(
      message(() => cancelUntilDestroyed()),
      theirs.replace('takeUntilDestroyed', 'cancelUntilDestroyed'),
    );
    assert.equal(
      message(() => injectCancelScope()),
      theirs.replace('takeUntilDestroyed', 'injectCancelScope'),
    );
  });

  test('bad arguments are refused at the call, naming the function and the argument', () => {
    assert.throws(() => cancelUntilDestroyed({}), {
      name: 'TypeError',
      message: 'cancelUntilDestroyed: `destroyRef` must be a DestroyRef, got an object (Object)',
    });
    assert.throws(() => cancelUntilDestroyed(undefined, { injector: 5 }), {
      name: 'TypeError',
      message: 'cancelUntilDestroyed: `options.injector` must be an Injector, got number 5',
    });
    assert.throws(() => injectCancelScope({ pendingTasks: 'no' }), {
      name: 'TypeError',
      message: 'injectCancelScope: `options.pendingTasks` must be a boolean, got the string "no"',
    });
    assert.throws(() => injectCancelScope('root'), {
      name: 'TypeError',
      message: 'injectCancelScope: `options` must be an object, got the string "root"',
    });
  });
});
