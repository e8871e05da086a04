import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, NEVER, Observable, of, Subject, take } from 'rxjs';
import { cancellable, CancelledError, fromAbortable, UNSUBSCRIBED } from '../lib';
import { normalize } from '../test-support/errors';
import { deferred, macrotask } from '../test-support/time';
import { takeUnhandled } from '../test-support/unhandled';

const oops = new Error('oops');

/** Runs `work` and keeps the signal it was given. */
function capture<T>(work: (signal: AbortSignal) => ReturnType<Parameters<typeof fromAbortable<T>>[0]>) {
  const signals: AbortSignal[] = [];
  const source = fromAbortable<T>((signal) => {
    signals.push(signal);
    return work(signal);
  });
  return { source, signal: () => signals[0] };
}

describe("the README's fromAbortable snippet, run in Node", () => {
  const run = async (url: string): Promise<string[]> => {
    const printed: string[] = [];
    const user$ = fromAbortable((signal) => fetch(url, { signal }).then((r) => r.json() as Promise<unknown>));
    const controller = new AbortController();
    user$.pipe(cancellable(controller.signal)).subscribe({
      next: (value) => printed.push(String(value)),
      error: (e: CancelledError) => printed.push(`${e.name} ${String(e.reason)}`),
    });
    controller.abort('navigated away');
    await macrotask();
    await macrotask();
    return printed;
  };

  it('prints CancelledError navigated away, and nothing else is reported', async () => {
    expect(await run('https://api.example.com/user')).toEqual(['CancelledError navigated away']);
  });

  it('with a relative URL, which Node cannot parse, the late TypeError goes to config.onUnhandledError', async () => {
    expect(await run('/api/user')).toEqual(['CancelledError navigated away']);
    // Node's own TypeError (another realm than the test's): told by its name.
    expect(takeUnhandled().map((error) => (error as Error).name)).toEqual(['TypeError']);
  });
});

describe(fromAbortable.name, () => {
  describe('against a real HTTP server with fetch', () => {
    let server: Server;
    let url: string;
    const pending: ServerResponse[] = [];
    let closedEarly: Promise<void>;
    let sawClose: () => void;

    beforeEach(async () => {
      closedEarly = new Promise((resolve) => (sawClose = resolve));
      server = createServer((request: IncomingMessage, response: ServerResponse) => {
        if (request.url === '/fast') {
          response.end(JSON.stringify({ user: 'ada' }));
          return;
        }
        // Slow: never answers by itself; the test sees whether the client gave up.
        pending.push(response);
        response.on('close', () => {
          if (!response.writableEnded) sawClose();
        });
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterEach(async () => {
      for (const response of pending.splice(0)) response.end();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    });

    it('emits the response and completes, leaving the signal alone', async () => {
      const { source, signal } = capture((signal) => fetch(`${url}/fast`, { signal }).then((r) => r.json()));
      await expect(firstValueFrom(source)).resolves.toEqual({ user: 'ada' });
      expect(signal().aborted).toBe(false);
    });

    it('aborts the request when unsubscribed: the server sees the connection close', async () => {
      const { source, signal } = capture((signal) => fetch(`${url}/slow`, { signal }));
      const subscription = source.subscribe();
      await new Promise<void>((resolve) => server.once('request', () => resolve()));
      subscription.unsubscribe();
      await closedEarly;
      expect(signal().aborted).toBe(true);
      expect(signal().reason).toBeInstanceOf(CancelledError);
      expect((signal().reason as CancelledError).reason).toBe(UNSUBSCRIBED);
      // fetch rejects with the abort reason: the expected answer, not reported.
      await macrotask();
    });

    it("aborts with the canceller's reason when cancellable cancels it", async () => {
      const stop = new Subject<string>();
      const { source, signal } = capture((signal) => fetch(`${url}/slow`, { signal }));
      const errors: unknown[] = [];
      source.pipe(cancellable(stop)).subscribe({ error: (error) => errors.push(error) });
      await new Promise<void>((resolve) => server.once('request', () => resolve()));
      stop.next('user pressed stop');
      await closedEarly;
      expect((signal().reason as CancelledError).reason).toBe('user pressed stop');
      expect(normalize(errors)).toEqual(normalize([new CancelledError('user pressed stop')]));
      await macrotask();
    });
  });

  describe('with a fetch-like function honouring the signal', () => {
    function fakeFetch(signal: AbortSignal): Promise<string> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve('body'), 1000);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
    }

    it('does not abort a Promise that has resolved when the subscriber leaves on its value', async () => {
      const { source, signal } = capture(() => Promise.resolve('body'));
      await expect(firstValueFrom(source)).resolves.toBe('body');
      expect(signal().aborted).toBe(false);
    });

    it('rejects into the subscriber when nothing cancelled it', async () => {
      const { source } = capture<string>(() => Promise.reject(oops));
      await expect(firstValueFrom(source)).rejects.toBe(oops);
    });

    it('drops the rejection that answers its own abort', async () => {
      const { source, signal } = capture(fakeFetch);
      source.subscribe().unsubscribe();
      expect(signal().aborted).toBe(true);
      await macrotask();
    });

    it('drops a late AbortError from an API that makes its own', async () => {
      const late = deferred<never>();
      fromAbortable(() => late.promise)
        .subscribe()
        .unsubscribe();
      late.reject(new DOMException('aborted', 'AbortError'));
      await macrotask();
    });

    it.each([
      ['an Error of another name', () => new Error('late')],
      ['null', () => null],
      ['a function named AbortError (not an error object)', () => function AbortError() {}],
      ['a string', () => 'AbortError'],
    ])('reports a late rejection that is not the answer to the abort: %s', async (_, make) => {
      const error = make();
      const late = deferred<never>();
      fromAbortable(() => late.promise)
        .subscribe()
        .unsubscribe();
      late.reject(error);
      await macrotask();
      expect(takeUnhandled()).toEqual([error]);
    });
  });

  describe('with an Observable result', () => {
    it('mirrors it and aborts when unsubscribed before it ends', () => {
      const values = new Subject<number>();
      const { source, signal } = capture(() => values);
      const seen: number[] = [];
      const subscription = source.subscribe((value) => seen.push(value));
      values.next(1);
      subscription.unsubscribe();
      values.next(2);
      expect(seen).toEqual([1]);
      expect(signal().aborted).toBe(true);
      expect(values.observed).toBe(false);
    });

    it('aborts when a synchronous result is cut short by take(1)', () => {
      const { source, signal } = capture(() => of(1, 2, 3));
      const seen: number[] = [];
      source.pipe(take(1)).subscribe((value) => seen.push(value));
      expect(seen).toEqual([1]);
      expect(signal().aborted).toBe(true);
    });

    it('does not abort once the result has completed', () => {
      const { source, signal } = capture(() => of(1));
      source.subscribe().unsubscribe();
      expect(signal().aborted).toBe(false);
    });

    it('gives each subscription its own signal', () => {
      const signals: AbortSignal[] = [];
      const source = fromAbortable((signal) => (signals.push(signal), NEVER));
      const first = source.subscribe();
      source.subscribe();
      first.unsubscribe();
      expect(signals.map((signal) => signal.aborted)).toEqual([true, false]);
    });
  });

  describe('with a work function that misbehaves', () => {
    it('errors with what it throws, and does not abort', () => {
      const { source, signal } = capture(() => {
        throw oops;
      });
      const errors: unknown[] = [];
      source.subscribe({ error: (error) => errors.push(error) });
      expect(errors).toEqual([oops]);
      expect(signal().aborted).toBe(false);
    });

    it('sends nothing more once its result unsubscribes its own subscriber, as an RxJS Subscriber would', () => {
      const { source, signal } = capture(
        () =>
          new Observable<number>((subscriber) => {
            subscriber.next(1);
            subscriber.unsubscribe();
            subscriber.next(2);
            subscriber.complete();
          }),
      );
      const events: unknown[] = [];
      source.subscribe({ next: (value) => events.push(value), complete: () => events.push('complete') });
      expect(events).toEqual([1]);
      expect(signal().aborted).toBe(true);
    });

    it('errors with a TypeError when it returns something that is not an ObservableInput', () => {
      const errors: unknown[] = [];
      fromAbortable(() => 42 as never).subscribe({ error: (error) => errors.push(error) });
      expect(errors).toEqual([
        new TypeError('fromAbortable: `work` must return a Promise or an ObservableInput, got number 42'),
      ]);
    });
  });

  it('is lazy: nothing runs until subscribed', () => {
    const work = jest.fn(() => new Observable<never>());
    const source = fromAbortable(work);
    expect(work).not.toHaveBeenCalled();
    source.subscribe().unsubscribe();
    expect(work).toHaveBeenCalledTimes(1);
  });
});
