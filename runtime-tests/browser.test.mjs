// A real browser: headless Chromium (Debian's package; .ci/run installs it
// when missing, CHROMIUM=<path> picks another) runs runtime-tests/browser/app.ts,
// bundled by esbuild against the built ES module package, on real timers,
// AbortController and fetch, served by a local server that reports whether
// the fetch the app unsubscribed from was aborted. `npm run test:browser`.
import { build } from 'esbuild';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** What the server saw of the app's /slow request. */
function slowRequest() {
  let started;
  let aborted;
  return {
    started: new Promise((resolve) => (started = resolve)),
    aborted: new Promise((resolve) => (aborted = resolve)),
    markStarted: () => started('request received'),
    markAborted: () => aborted('request aborted by the client'),
  };
}

let server;
let origin;
let slow;

before(async () => {
  const bundle = await build({
    entryPoints: [join(root, 'runtime-tests', 'browser', 'app.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    alias: { 'rxjs-cancel': join(root, 'dist', 'index.mjs') },
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].text;
  slow = slowRequest();
  server = createServer((request, response) => {
    switch (request.url) {
      case '/':
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<!doctype html><title>rxjs-cancel</title><script type="module" src="/app.js"></script>');
        return;
      case '/app.js':
        response.writeHead(200, { 'content-type': 'text/javascript' });
        response.end(script);
        return;
      case '/slow':
        // Headers now, a body never: only the client can end this request.
        slow.markStarted();
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.flushHeaders();
        response.on('close', () => {
          if (!response.writableEnded) slow.markAborted();
        });
        return;
      case '/slow/started':
      case '/slow/aborted': {
        // Answers once the server has seen it, or says it has not within 5 s.
        const seen = request.url === '/slow/started' ? slow.started : slow.aborted;
        let timer;
        const timeout = new Promise((resolve) => (timer = setTimeout(resolve, 5_000, 'nothing within 5 s')));
        void Promise.race([seen, timeout]).then((text) => {
          clearTimeout(timer);
          response.end(text);
        });
        return;
      }
      case '/favicon.ico':
        response.writeHead(204);
        response.end();
        return;
      default:
        response.writeHead(404);
        response.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

test('the package on real timers, AbortController and fetch in headless Chromium', async () => {
  const userDataDir = mkdtempSync(join(tmpdir(), 'rxjs-cancel-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    await page.goto(origin);
    const results = await page.evaluate(() => window.results);
    assert.deepEqual(results, {
      // The deadline passed at 50 ms; the error waited for the cleanup.
      deadline: ['cleanup started: cancel', 'cleanup done', 'error: TimeoutError'],
      abortController: ['cleanup: cancel', 'error: CancelledError (user left)'],
      // Unsubscribing aborted the fetch, and the server saw it go.
      abortedFetch: ['server: request received', 'fetch cleanup: cancel', 'server: request aborted by the client'],
      completeOnCancel: ['completed on cancel'],
      unhandled: [],
    });
    // No page error, nothing on the console's error level.
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
});
