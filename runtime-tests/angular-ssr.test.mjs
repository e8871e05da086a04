// rxjs-cancel/angular under server-side rendering: a real standalone,
// zoneless component rendered to HTML by platform-server's renderApplication.
// Whether Angular waited for a cleanup shows in the HTML itself: the cleanup
// writes the state the template renders. Run by `npm run test:angular`
// (scripts/angular-matrix.mjs), against the built package.
import '@angular/compiler';
import * as core from '@angular/core';
import { AsyncPipe } from '@angular/common';
import { Component, inject, PendingTasks, signal } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { provideServerRendering, renderApplication } from '@angular/platform-server';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NEVER } from 'rxjs';
import { finalizeCleanup } from 'rxjs-cancel';
import { cancelUntilDestroyed, DESTROYED, injectCancelScope, whenCleanupsSettled } from 'rxjs-cancel/angular';

const provideZoneless = core.provideZonelessChangeDetection ?? core.provideExperimentalZonelessChangeDetection;

/** Renders `component` (selector `app-root`) on the server, as an SSR handler does. */
function render(component) {
  const config = { providers: [provideServerRendering(), provideZoneless()] };
  return renderApplication((context) => bootstrapApplication(component, config, context), {
    document: '<html><head></head><body><app-root></app-root></body></html>',
    url: '/',
  });
}

/**
 * A component whose search is cancelled while the page renders (superseded);
 * its cleanup saves a draft, asynchronously, and the page shows the state.
 */
function searchPage(options) {
  return Component({ selector: 'app-root', template: '<p>{{ state() }}</p>' })(
    class {
      scope = injectCancelScope(options);
      state = signal('searching');
      constructor() {
        this.scope.run(
          NEVER.pipe(
            finalizeCleanup(async (exit) => {
              await sleep(30);
              this.state.set(`draft saved (${exit.reason})`);
            }),
          ),
        );
        this.scope.cancel('superseded');
      }
    },
  );
}

test('renderApplication waits for the cleanups of a scope cancelled during the render: the HTML shows what they wrote', async () => {
  const html = await render(searchPage());
  assert.match(html, /<p>draft saved \(superseded\)<\/p>/);
});

test('with pendingTasks: false it does not: the HTML is what the page showed before the cleanup ended', async () => {
  const html = await render(searchPage({ pendingTasks: false }));
  assert.match(html, /<p>searching<\/p>/);
  await sleep(50);
});

/** A page whose work is cancelled by the app's destruction after the render; its cleanup takes `ms`. */
function pageCleanedUpOnDestroy(events, name, ms) {
  return Component({ selector: 'app-root', template: `<p>${name}</p>` })(
    class {
      constructor() {
        NEVER.pipe(
          finalizeCleanup(async (exit) => {
            events.push(`${name}: cleanup started (${exit.reason === DESTROYED ? 'DESTROYED' : String(exit.reason)})`);
            await sleep(ms);
            events.push(`${name}: cleanup done`);
          }),
          cancelUntilDestroyed(),
        ).subscribe({ complete: () => events.push(`${name}: complete`) });
      }
    },
  );
}

test('the destroy after the render: renderApplication does not wait for the cleanups it starts, whenCleanupsSettled() does', async () => {
  const events = [];
  const html = await render(pageCleanedUpOnDestroy(events, 'page', 20));
  events.push('HTML returned');
  assert.match(html, /<p>page<\/p>/);
  // Angular destroys a rendered app after serializing it, and awaits nothing
  // then: the cleanup started at that destroy, and ends after the HTML.
  assert.deepEqual(events, ['page: cleanup started (DESTROYED)', 'HTML returned']);
  await whenCleanupsSettled();
  events.push('settled');
  assert.deepEqual(events, [
    'page: cleanup started (DESTROYED)',
    'HTML returned',
    'page: cleanup done',
    'page: complete',
    'settled',
  ]);
});

test('whenCleanupsSettled() waits for the cleanups of every app in the process, and resolves at once when none runs', async () => {
  const events = [];
  const [a, b] = await Promise.all([
    render(pageCleanedUpOnDestroy(events, 'a', 40)),
    render(pageCleanedUpOnDestroy(events, 'b', 10)),
  ]);
  assert.match(a, /<p>a<\/p>/);
  assert.match(b, /<p>b<\/p>/);
  await whenCleanupsSettled();
  assert.deepEqual(events.filter((event) => event.endsWith('done')).sort(), ['a: cleanup done', 'b: cleanup done']);
  // With none running, it resolves before the next macrotask.
  const first = await Promise.race([
    whenCleanupsSettled().then(() => 'settled'),
    new Promise((resolve) => setImmediate(() => resolve('macrotask'))),
  ]);
  assert.equal(first, 'settled');
});

test('a child removed by @if while the page renders, its data shown with the async pipe: the HTML shows what its cleanup wrote', async () => {
  const status = signal('editing');
  const Editor = Component({ selector: 'app-editor', template: '{{ text$ | async }}', imports: [AsyncPipe] })(
    class {
      text$ = NEVER.pipe(
        finalizeCleanup(async (exit) => {
          await sleep(20);
          status.set(`draft saved (${exit.reason === DESTROYED ? 'DESTROYED' : String(exit.reason)})`);
        }),
        cancelUntilDestroyed(),
      );
    },
  );
  const Page = Component({
    selector: 'app-root',
    template: '<p>{{ status() }}</p>@if (editing()) { <app-editor /> }',
    imports: [Editor],
  })(
    class {
      editing = signal(true);
      status = status;
      constructor() {
        // The editor closes a moment into the render (a task, so the render waits for it).
        const done = inject(PendingTasks).add();
        setTimeout(() => {
          this.editing.set(false);
          done();
        }, 5);
      }
    },
  );
  const html = await render(Page);
  assert.match(html, /<p>draft saved \(DESTROYED\)<\/p>/);
});
