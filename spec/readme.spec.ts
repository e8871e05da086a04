import { EMPTY, map, NEVER, Subject, throwError, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { cancellable, CancelledError, finalizeCleanup, RACE_LOST } from '../lib';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { claims, readmeSnippets, runSnippet, snippet, tsdocSnippets, type Snippet } from '../test-support/snippets';

// The README's code blocks, and the TSDoc examples that claim an output, run as they are written (taken from the README
// itself, see test-support/snippets.ts), each in the test named after its
// section: what a block says it prints, it prints, at the times it says.
// The last test makes every block of the README either run here or say why
// not (scripts/check-snippets.mjs type-checks all of them).

const readme = readmeSnippets();
const ran = new Set<Snippet>();

/** The block under `place`, marked as run. */
function block(place: string, index = 0): string {
  const found = snippet(readme, place, index);
  ran.add(found);
  return found.code;
}

/** Each printed line is in what the block claims, in order. */
function expectClaimed(code: string, printed: string[]): void {
  const text = claims(code);
  let from = 0;
  for (const line of printed) {
    const at = text.indexOf(line, from);
    if (at < 0)
      throw new Error(`the block prints "${line}", which its comments do not say (after: "${text.slice(from)}")`);
    from = at + line.length;
  }
}

/**
 * The README's cancellable block and finalizeCleanup's TSDoc example tell
 * the same story: interval(100), stopped at 250 ms with 'user pressed stop',
 * a 50 ms Observable cleanup, then the CancelledError.
 */
async function expectStoppedAt250(code: string): Promise<void> {
  const { printed, done } = runSnippet(code);
  await done;
  await jest.advanceTimersByTimeAsync(250);
  expect(printed).toEqual(['0', '1', 'cleaning up: user pressed stop']);
  await jest.advanceTimersByTimeAsync(50);
  expect(printed).toEqual(['0', '1', 'cleaning up: user pressed stop', 'CancelledError user pressed stop']);
  expectClaimed(code, printed);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('README', () => {
  it('the 30-second example: values, then the reason, then the CancelledError once saveProgress() has settled', async () => {
    const code = block('rxjs-cancel');
    const stopButton = new EventTarget();
    const saveProgress = () => sleep(50);
    const { printed, done } = runSnippet(code, { stopButton, saveProgress });
    await done;
    await jest.advanceTimersByTimeAsync(3500);
    expect(printed).toEqual(['0', '1', '2']);
    stopButton.dispatchEvent(new Event('click'));
    expect(printed).toEqual(['0', '1', '2', 'cancelled because stop pressed']);
    await jest.advanceTimersByTimeAsync(49);
    expect(printed).toHaveLength(4);
    await jest.advanceTimersByTimeAsync(1);
    expect(printed).toEqual(['0', '1', '2', 'cancelled because stop pressed', 'CancelledError stop pressed']);
    expectClaimed(code, printed);
  });

  it('finalizeCleanup: the cleanup runs before complete, which waits for flushToDisk()', async () => {
    const code = block('`finalizeCleanup`: `try/finally` with `await` in it');
    const { printed, done } = runSnippet(code, { flushToDisk: () => sleep(20) });
    await done;
    await jest.advanceTimersByTimeAsync(300);
    expect(printed).toEqual(['0', '1', '2', 'cleanup after complete']);
    await jest.advanceTimersByTimeAsync(20);
    expect(printed).toEqual(['0', '1', '2', 'cleanup after complete', 'complete']);
    expectClaimed(code, printed);
  });

  it('cancellable: the reason reaches the cleanup, the CancelledError comes 50 ms later', async () => {
    const code = block('`cancellable`: `task.cancel(msg)`, then `await task`');
    await expectStoppedAt250(code);
  });

  it('timeoutCancel: the deadline cancels the query, and the fallback comes once closeCursor() settles', async () => {
    const code = block('`timeoutCancel`: `asyncio.wait_for`, a deadline for the whole thing');
    const { printed, done } = runSnippet(code, { closeCursor: () => sleep(30) });
    await done;
    await jest.advanceTimersByTimeAsync(200);
    expect(printed).toEqual(['query cancel']);
    await jest.advanceTimersByTimeAsync(30);
    expect(printed).toEqual(['query cancel', 'cached']);
    expectClaimed(code, printed);
  });

  it('shieldUntil: the TimeoutError at 100 ms, and the shielded save at 300 ms', async () => {
    const code = block('`shieldUntil`: `asyncio.shield`');
    const { printed, done } = runSnippet(code);
    await done;
    await jest.advanceTimersByTimeAsync(100);
    expect(printed).toEqual(['TimeoutError']);
    await jest.advanceTimersByTimeAsync(200);
    expect(printed).toEqual(['TimeoutError', 'saved']);
    expectClaimed(code, printed);
  });

  it('groupCancel: orders fail, user is cancelled with that error, and the GroupError waits for its cleanup', async () => {
    const code = block('`groupCancel`: `asyncio.TaskGroup` and `gather`');
    const failure = new Error('orders service down');
    const events: unknown[] = [];
    const fetchUser = () =>
      NEVER.pipe(
        finalizeCleanup(async (exit) => {
          events.push(exit.kind === 'cancel' ? exit.reason : exit.kind);
          await sleep(40);
        }),
      );
    const fetchOrders = () =>
      timer(10).pipe(
        map(() => {
          throw failure;
        }),
      );
    const { printed, done } = runSnippet(code, { fetchUser, fetchOrders, id: 1, render: () => undefined });
    await done;
    await jest.advanceTimersByTimeAsync(10);
    expect(events).toEqual([failure]);
    expect(printed).toEqual([]);
    await jest.advanceTimersByTimeAsync(40);
    expect(printed).toEqual(['GroupError [Error: orders service down]']);
    expectClaimed(code, printed);
  });

  it('groupCancel, settled: one result per child, as Promise.allSettled', async () => {
    const code = block('`groupCancel`: `asyncio.TaskGroup` and `gather`', 1);
    const user$ = timer(10).pipe(map(() => 'ada'));
    const orders$ = throwError(() => new Error('orders service down'));
    const { printed, done } = runSnippet(code, { a$: EMPTY, b$: EMPTY, user$, orders$ });
    await done;
    await jest.advanceTimersByTimeAsync(10);
    expect(printed).toEqual([
      "[{ status: 'fulfilled', value: 'ada' }, { status: 'rejected', reason: Error: orders service down }]",
    ]);
    expectClaimed(code, printed);
  });

  it('switchMapCancel: the next search starts once the old one has released its lock; queries typed meanwhile are not searched', async () => {
    const code = block('`switchMapCancel`: cancel the previous task, await it, then start the next');
    const events: string[] = [];
    const query$ = new Subject<string>();
    const search = (text: string) => {
      events.push(`search ${text}`);
      return NEVER;
    };
    const cache = {
      releaseLock: async (text: string) => {
        events.push(`releasing ${text}`);
        await sleep(30);
        events.push(`released ${text}`);
      },
    };
    const { done } = runSnippet(code, { query$, search, cache, showResults: () => undefined });
    await done;
    query$.next('a');
    query$.next('ab');
    query$.next('abc');
    expect(events).toEqual(['search a', 'releasing a']);
    await jest.advanceTimersByTimeAsync(30);
    expect(events).toEqual(['search a', 'releasing a', 'released a', 'search abc']);
  });

  it('raceCancel: the first socket is used, the other attempt is cancelled and its signal aborts', async () => {
    const code = block('`raceCancel`: first one wins, the rest are cancelled and awaited');
    const signals = new Map<string, AbortSignal>();
    const used: unknown[] = [];
    const connectSocket = (family: string, { signal }: { signal: AbortSignal }) => {
      signals.set(family, signal);
      return sleep(family === 'ipv6' ? 10 : 50).then(() => `${family} socket`);
    };
    const { done } = runSnippet(code, { connectSocket, use: (socket: unknown) => used.push(socket) });
    await done;
    await jest.advanceTimersByTimeAsync(10);
    expect(used).toEqual(['ipv6 socket']);
    expect(signals.get('ipv4')?.aborted).toBe(true);
    expect(signals.get('ipv4')?.reason).toEqual(new CancelledError(RACE_LOST));
  });

  it('firstValueFromCancel: the abort cancels user$, and the Promise rejects once its cleanups have settled', async () => {
    const code = block('`firstValueFromCancel`, `lastValueFromCancel`: `await` with cancellation');
    const cleanedUp: unknown[] = [];
    const user$ = NEVER.pipe(
      finalizeCleanup(async (exit) => {
        await sleep(20);
        cleanedUp.push(exit);
      }),
    );
    const { printed, done } = runSnippet(code, { user$, showUser: () => undefined });
    await done;
    await jest.advanceTimersByTimeAsync(19);
    expect(printed).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(cleanedUp).toEqual([{ kind: 'cancel', reason: 'navigated away' }]);
    expect(printed).toEqual(['CancelledError navigated away']);
    expectClaimed(code, printed);
  });

  it('cancelScope: leaving the block cancels every run and waits for flushQueue()', async () => {
    const code = block('`cancelScope`: `async with` a scope that owns its tasks');
    const events: string[] = [];
    const flushQueue = async () => {
      await sleep(30);
      events.push('flushed');
    };
    const { printed, done } = runSnippet(code, { uploads$: NEVER, flushQueue, doSomethingElse: () => sleep(100) });
    let left = false;
    void done.then(() => (left = true));
    await jest.advanceTimersByTimeAsync(100);
    expect(printed).toEqual(['tick 0', 'tick 1']);
    expect(left).toBe(false);
    await jest.advanceTimersByTimeAsync(30);
    expect(events).toEqual(['flushed']);
    expect(left).toBe(true);
    await jest.advanceTimersByTimeAsync(100);
    expect(printed).toEqual(['tick 0', 'tick 1']);
  });

  it("Testing, runAsync: the README's test passes as written", async () => {
    jest.useRealTimers();
    const code = block('In marble tests: Observable and Promise cleanups');
    let test: Promise<unknown> = Promise.resolve();
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const { done } = runSnippet(code, {
      it: (_name: string, body: () => Promise<unknown>) => (test = body()),
      testScheduler,
      connection: { close: () => Promise.resolve() },
      finalizeCleanup,
      cancellable,
      CancelledError,
    });
    await done;
    await test;
  });

  it('Testing, fake timers: advanceTimersByTimeAsync lets the Promise cleanup settle', async () => {
    // (Jest's `jest` is the test file's, not a global: given to the block.)
    await runSnippet(block('Fake timers without `runAsync`'), { jest, expect }).done;
  });

  // Blocks that are not run here, and why.
  const notRun: Record<string, string> = {
    '`fromAbortable`: make an `AbortSignal` API cancellable by unsubscription':
      'fetches over the network: spec/fromAbortable.spec.ts runs it in Node, both URLs',
    Angular: 'needs Angular, which Jest cannot load: runtime-tests/angular-*.test.mjs run the same APIs',
    'Asserting the errors': 'assertion idioms on errors a test obtained: type-checked only',
    '`config.onUnhandledError` in tests':
      'a beforeEach/afterEach pair: type-checked; the suite itself works this way (test-support/unhandled.ts)',
  };

  it('every block of the README is run above, or listed as not run with the reason', () => {
    const missing = readme.filter(
      (each) =>
        !ran.has(each) && !(each.place in notRun) && !/^`\w+\(/.test(each.place) /* the API section's signatures */,
    );
    expect(missing.map((each) => `${each.place}: ${each.code.split('\n')[0]}`)).toEqual([]);
  });
});

describe('TSDoc examples that claim an output', () => {
  const run = new Map<string, number>();
  function example(file: string, name: string): string {
    run.set(file, (run.get(file) ?? 0) + 1);
    const [found] = tsdocSnippets(file, name);
    return found.code;
  }

  it('finalizeCleanup', async () => {
    const code = example('lib/finalizeCleanup.ts', 'finalizeCleanup');
    await expectStoppedAt250(code);
  });

  it('cancellable', async () => {
    const code = example('lib/cancellable.ts', 'cancellable');
    const stopButton = new EventTarget();
    const { printed, done } = runSnippet(code, { stopButton });
    await done;
    await jest.advanceTimersByTimeAsync(2500);
    stopButton.dispatchEvent(new Event('click'));
    expect(printed).toEqual(['0', '1', 'stopped: cancel', 'CancelledError stop pressed']);
    expectClaimed(code, printed);
  });

  it('timeoutCancel', async () => {
    const code = example('lib/timeoutCancel.ts', 'timeoutCancel');
    // A server slower than 2 s: its response never comes; the abort rejects, as fetch does.
    const fetch = (_url: string, { signal }: { signal: AbortSignal }) =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
    const { printed, done } = runSnippet(code, { fetch });
    await done;
    await jest.advanceTimersByTimeAsync(1999);
    expect(printed).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(printed).toEqual(['cancel true', 'from the cache']);
    expectClaimed(code, printed);
  });

  it('every TSDoc example that claims an output is run above', () => {
    const lib = join(__dirname, '..', 'lib');
    const claiming = new Map<string, number>();
    for (const name of readdirSync(lib, { recursive: true }) as string[]) {
      if (!name.endsWith('.ts')) continue;
      const count = readFileSync(join(lib, name), 'utf8').split('// results').length - 1;
      if (count > 0) claiming.set(`lib/${name.split('\\').join('/')}`, count);
    }
    expect(Object.fromEntries(run)).toEqual(Object.fromEntries(claiming));
  });
});
