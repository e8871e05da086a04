import {
  animationFrames,
  asyncScheduler,
  concat,
  delay,
  firstValueFrom,
  map,
  NEVER,
  Observable,
  take,
  timer,
} from 'rxjs';
import { timeoutProvider } from 'rxjs/internal/scheduler/timeoutProvider';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';
import {
  CancelledError,
  CleanupError,
  cancellable,
  finalizeCleanup,
  firstValueFromCancel,
  fromAbortable,
  SUPERSEDED,
  switchMapCancel,
  type Exit,
} from '../lib';
import { runAsync } from '../lib/testing';
import { normalize } from '../test-support/errors';
import {
  recording,
  recordInVirtualTime,
  testScheduler,
  testScheduler as testScheduler_,
  type Recorded,
} from '../test-support/marbles';

const boom = new Error('boom');
const oops = new Error('oops');

/** A Promise that settles after `depth` turns of the Promise job queue. */
async function after(depth: number): Promise<void> {
  for (let turn = 0; turn < depth; turn++) await Promise.resolve();
}

describe(runAsync.name, () => {
  describe('a Promise that settles without timers settles in the frame in which it was made', () => {
    it("shows a Promise cleanup's held-back CancelledError at the frame of the cancel", async () => {
      await runAsync(testScheduler(), ({ cold, hot, expectObservable, expectSubscriptions }) => {
        const source = cold('a-----');
        const trigger = hot(' --x   ');
        const expected = '   a-#   ';
        expectObservable(
          source.pipe(
            finalizeCleanup(() => after(50)),
            cancellable(trigger),
          ),
        ).toBe(expected, undefined, new CancelledError('x'));
        expectSubscriptions(source.subscriptions).toBe('^-!');
      });
    });

    it('where TestScheduler.run records nothing: the outcome arrives after run returned', async () => {
      const recorded = recordInVirtualTime(({ cold, hot }) =>
        cold('a-----').pipe(
          finalizeCleanup(() => after(1)),
          cancellable(hot('--x')),
        ),
      );
      expect(recorded).toEqual([[0, 'N', 'a']]);
      await after(5);
    });

    it('an async-iterable cleanup, settled in the frame of the completion', async () => {
      const steps: number[] = [];
      const scheduler = testScheduler();
      await runAsync(scheduler, ({ cold, expectObservable }) => {
        async function* cleanup(): AsyncGenerator<number> {
          await after(10);
          steps.push(scheduler.now());
          yield 1;
        }
        expectObservable(cold('a--|').pipe(finalizeCleanup(cleanup))).toBe('a--|');
      });
      expect(steps).toEqual([3]);
    });

    it('turns a rejected Promise cleanup into a CleanupError at the frame of the completion', async () => {
      await runAsync(testScheduler(), ({ cold, expectObservable }) => {
        expectObservable(cold('a-b|').pipe(finalizeCleanup(() => Promise.reject(oops)))).toBe(
          'a-b#',
          undefined,
          new CleanupError([oops]),
        );
      });
    });
  });

  it("the README's example: cancels, awaits the Promise cleanup, then errors", async () => {
    const testScheduler = testScheduler_();
    const connection = { close: () => after(5) };
    // From here to the end of the callback, as the README has it.
    await runAsync(testScheduler, ({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = cold('  a-b-c-d-');
      const trigger = hot('  --x     ');
      const expected = '     a-#     '; // cancelled at 2; the cleanup's Promise settles in frame 2

      const closeConnection = async () => {
        await connection.close(); // a Promise that needs no timer: it settles in the same frame
      };
      expectObservable(source.pipe(finalizeCleanup(closeConnection), cancellable(trigger))).toBe(
        expected,
        { a: 'a' },
        new CancelledError('x'),
      );
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  describe('a Promise that waits for virtual time settles when that time comes', () => {
    it('a cleanup awaiting an RxJS timer holds the completion back for that timer', async () => {
      await runAsync(testScheduler(), ({ cold, expectObservable }) => {
        const cleanup = (): Promise<unknown> => firstValueFrom(timer(3));
        expectObservable(cold('a-|').pipe(finalizeCleanup(cleanup))).toBe('a----|');
      });
    });

    it('switchMapCancel: the next request starts only once the superseded Promise cleanup has settled', async () => {
      const exits: Exit[] = [];
      await runAsync(testScheduler(), ({ cold, hot, expectObservable }) => {
        const queries = hot('-a--b------|');
        // a is superseded at 4 and its cleanup awaits 4 frames: b starts at 8, not at 4.
        const expected = '   ---A------B-';
        const search = (query: string): Observable<string> =>
          cold('--r---').pipe(
            map(() => query.toUpperCase()),
            finalizeCleanup(async (exit) => {
              exits.push(exit);
              await firstValueFrom(timer(4));
            }),
          );
        expectObservable(queries.pipe(switchMapCancel(search))).toBe(expected);
      });
      expect(exits).toEqual([{ kind: 'cancel', reason: SUPERSEDED }]);
    });
  });

  describe('an async callback', () => {
    it('awaits flush() and reads what the Promise cleanups left, then goes on in virtual time', async () => {
      const log: string[] = [];
      const scheduler = testScheduler();
      const result = await runAsync(scheduler, async ({ cold, hot, flush }) => {
        const trigger = hot('--x');
        cold('a--')
          .pipe(
            finalizeCleanup(async () => {
              await after(3);
              log.push(`cleaned up at ${scheduler.now()}`);
            }),
            cancellable(trigger),
          )
          .subscribe({ error: (error: unknown) => log.push(`${String(error)} at ${scheduler.now()}`) });
        await flush();
        expect(log).toEqual(['cleaned up at 2', 'CancelledError: cancelled: x at 2']);
        const value = await firstValueFromCancel(cold('---v|'));
        log.push(`${value} at ${scheduler.now()}`);
        return 42;
      });
      expect(result).toBe(42);
      expect(log.at(-1)).toBe('v at 5');
    });

    it('goes on while the callback, between flushes, makes hot observables, flushes again or waits for a fake timer', async () => {
      jest.useFakeTimers();
      const scheduler = testScheduler();
      const log: string[] = [];
      try {
        await runAsync(
          scheduler,
          async ({ hot, flush }) => {
            await flush();
            await after(3);
            const value = await firstValueFrom(hot('--a'));
            log.push(`${value} at ${scheduler.now()}`);
            await flush();
            await flush();
            await new Promise((resolve) => setTimeout(resolve, 10));
            log.push(`timer at ${scheduler.now()}`);
          },
          { fakeTimers: jest },
        );
      } finally {
        jest.useRealTimers();
      }
      expect(log).toEqual(['a at 2', 'timer at 12']);
    });

    it('rejects when the callback still waits and nothing is left to run', async () => {
      await expect(runAsync(testScheduler(), () => new Promise(() => undefined))).rejects.toThrow(
        'runAsync: the callback is still waiting, but nothing is scheduled in virtual time and no fake timer is pending',
      );
    });

    it('rejects with what the callback threw, and gives RxJS its real timers back', async () => {
      await expect(
        runAsync(testScheduler(), () => {
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(timeoutProvider.delegate).toBeUndefined();
      expect(asyncScheduler.now()).toBeGreaterThan(1e12);
    });

    it('rejects when an expectation fails', async () => {
      await expect(
        runAsync(testScheduler(), ({ cold, expectObservable }) => {
          expectObservable(cold('a-|').pipe(finalizeCleanup(() => after(2)))).toBe('a--|');
        }),
      ).rejects.toThrow();
    });

    it('rejects with an error thrown by scheduled work, like TestScheduler.run throws it', async () => {
      const scheduler = testScheduler();
      await expect(
        runAsync(scheduler, () => {
          asyncScheduler.schedule(() => {
            throw boom;
          }, 3);
        }),
      ).rejects.toBe(boom);
    });
  });

  it('settles Promise jobs through a MessageChannel where Node is not there to ask for setImmediate', async () => {
    const nodeProcess = process as { getBuiltinModule?: unknown };
    const getBuiltinModule = nodeProcess.getBuiltinModule;
    const ports = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'MessagePort').length;
    const portsBefore = ports();
    nodeProcess.getBuiltinModule = undefined;
    try {
      await runAsync(testScheduler(), ({ cold, hot, expectObservable }) => {
        expectObservable(
          cold('a---').pipe(
            finalizeCleanup(() => after(20)),
            cancellable(hot('-x')),
          ),
        ).toBe('a#', undefined, new CancelledError('x'));
      });
    } finally {
      nodeProcess.getBuiltinModule = getBuiltinModule;
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // a closed port is let go in a later turn
    expect(ports()).toBe(portsBefore); // every channel closed: nothing keeps the process alive
  });

  it('animates as TestScheduler.run does', async () => {
    const build = (animate: (marbles: string) => void): Observable<number> => {
      animate('---x---x');
      return animationFrames().pipe(
        map(({ elapsed }) => elapsed),
        take(2),
      );
    };
    const plain = recordInVirtualTime(({ animate }) => build(animate));
    const scheduler = testScheduler();
    const stepped: Recorded[] = [];
    await runAsync(scheduler, ({ animate }) => {
      build(animate).subscribe(recording(() => scheduler.now(), stepped));
    });
    expect(normalize(stepped)).toEqual(normalize(plain));
    // rxjs 7.3's animationFrames needs a DOM even in run mode; 7.8's animates.
    if (jest.requireActual<{ version: string }>('rxjs/package.json').version.startsWith('7.8.')) {
      expect(plain).toEqual([
        [3, 'N', 3],
        [7, 'N', 7],
        [7, 'C', undefined],
      ]);
    }
  });

  describe('gives the same frames as TestScheduler.run when every cleanup is an Observable', () => {
    it.each([
      ['a complete', 'a-b|', '--x', '---'],
      ['a cancel', 'a-b-c', '--x', '--|'],
      ['a cancel with a longer cleanup', 'a-b-c-d', '-x', '----|'],
    ])('%s', async (_name, source, trigger, cleanup) => {
      const plain = recordInVirtualTime(({ cold, hot }) =>
        cold(source).pipe(
          finalizeCleanup(() => cold(cleanup)),
          cancellable(hot(trigger)),
        ),
      );
      const scheduler = testScheduler();
      const stepped: Recorded[] = [];
      await runAsync(scheduler, ({ cold, hot }) => {
        cold(source)
          .pipe(
            finalizeCleanup(() => cold(cleanup)),
            cancellable(hot(trigger)),
          )
          .subscribe(recording(() => scheduler.now(), stepped));
      });
      expect(stepped).toEqual(plain);
    });
  });

  describe('with fake timers', () => {
    afterEach(() => jest.useRealTimers());

    it('a cleanup awaiting setTimeout(100) holds the completion back exactly 100 frames', async () => {
      jest.useFakeTimers();
      await runAsync(
        testScheduler(),
        ({ cold, expectObservable }) => {
          const cleanup = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));
          expectObservable(cold('a-|').pipe(finalizeCleanup(cleanup))).toBe('a- 100ms |');
        },
        { fakeTimers: jest },
      );
    });

    it('moves the fake clock with virtual time: Date.now() reads the frame', async () => {
      jest.useFakeTimers({ now: 1_000 });
      const seen: number[] = [];
      await runAsync(
        testScheduler(),
        ({ cold }) => {
          cold('a 49ms b 950ms c').subscribe(() => seen.push(Date.now()));
        },
        { fakeTimers: jest },
      );
      expect(seen).toEqual([1_000, 1_050, 2_001]);
    });

    it('a fromAbortable cleanup whose request takes 20 ms of fake time, after a cancel', async () => {
      jest.useFakeTimers();
      const signals: AbortSignal[] = [];
      await runAsync(
        testScheduler(),
        ({ cold, hot, expectObservable }) => {
          const unlock = fromAbortable(
            (signal) =>
              new Promise<string>((resolve) => {
                signals.push(signal);
                setTimeout(() => resolve('unlocked'), 20);
              }),
          );
          const work = cold('a----').pipe(
            finalizeCleanup(() => unlock),
            cancellable(hot('--x')),
          );
          expectObservable(work).toBe('a- 20ms #', undefined, new CancelledError('x'));
        },
        { fakeTimers: jest },
      );
      expect(signals.map((signal) => signal.aborted)).toEqual([false]);
    });

    it("switchMapCancel: a superseded request's cleanup on a 30 ms fake timer holds the next one back 30 frames", async () => {
      jest.useFakeTimers();
      await runAsync(
        testScheduler(),
        ({ cold, hot, expectObservable }) => {
          const queries = hot('-a-b-----|');
          const expected = '   --- 30ms ---B';
          const search = (query: string): Observable<string> =>
            concat(cold('---r', { r: query.toUpperCase() }), NEVER).pipe(
              finalizeCleanup((exit) =>
                exit.kind === 'cancel' && exit.reason === SUPERSEDED
                  ? new Promise<void>((resolve) => setTimeout(resolve, 30))
                  : undefined,
              ),
            );
          expectObservable(queries.pipe(switchMapCancel(search))).toBe(expected);
        },
        { fakeTimers: jest },
      );
    });

    it('a fake timer of 0 ms set during a frame fires in that frame', async () => {
      jest.useFakeTimers();
      await runAsync(
        testScheduler(),
        ({ cold, expectObservable }) => {
          const cleanup = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
          expectObservable(cold('a-|').pipe(finalizeCleanup(cleanup))).toBe('a-|');
        },
        { fakeTimers: jest },
      );
    });

    it('works with legacy fake timers too', async () => {
      jest.useFakeTimers({ legacyFakeTimers: true });
      await runAsync(
        testScheduler(),
        ({ cold, expectObservable }) => {
          const cleanup = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
          expectObservable(cold('a|').pipe(finalizeCleanup(cleanup))).toBe('a 5ms |');
        },
        { fakeTimers: jest },
      );
    });

    it('ends a run whose fake timer keeps re-arming with a RangeError', async () => {
      jest.useFakeTimers();
      const handle = setInterval(() => undefined, 10_000);
      try {
        await expect(runAsync(testScheduler(), () => undefined, { fakeTimers: jest })).rejects.toThrow(RangeError);
      } finally {
        clearInterval(handle);
      }
    }, 30_000); // 100,000 frames stepped one at a time: under a second when idle
  });

  describe('bad input, at the call', () => {
    afterEach(() => jest.useRealTimers());

    it('a scheduler that is not a TestScheduler', () => {
      expect(() => runAsync(asyncScheduler as unknown as TestScheduler, () => undefined)).toThrow(
        new TypeError('runAsync: `scheduler` must be a TestScheduler of rxjs/testing, got an object (AsyncScheduler)'),
      );
    });

    it('a callback that is not a function', () => {
      expect(() => runAsync(testScheduler(), 'a-|' as never)).toThrow(TypeError);
    });

    it('fake timers installed but not given', () => {
      jest.useFakeTimers();
      expect(() => runAsync(testScheduler(), () => undefined)).toThrow(/timers are faked; pass them as/);
    });

    it('fake timers given but not installed', () => {
      expect(() => runAsync(testScheduler(), () => undefined, { fakeTimers: jest })).toThrow(/timers are not faked/);
    });

    it('fake timers that are not fake-timer controls', () => {
      jest.useFakeTimers();
      expect(() => runAsync(testScheduler(), () => undefined, { fakeTimers: {} as never })).toThrow(
        /`options.fakeTimers` must be the fake timers of the test/,
      );
    });
  });

  describe("holding RxJS's schedulers, one run at a time (from an adversarial review)", () => {
    afterEach(() => jest.useRealTimers());

    it('a runAsync started while another runs ends the older one, which rejects; the new one runs', async () => {
      const first = runAsync(testScheduler(), ({ cold }) => void cold('--|').subscribe());
      const second = runAsync(testScheduler(), ({ cold, expectObservable }) => {
        expectObservable(cold('-a|')).toBe('-a|');
      });
      await expect(first).rejects.toThrow('runAsync: ended because another runAsync started (did its test time out?)');
      await second;
      expect(timeoutProvider.delegate).toBeUndefined();
    });

    it('a run left stepping by a test that timed out is ended by the next one, which gets the schedulers', async () => {
      jest.useFakeTimers();
      const handle = setInterval(() => undefined, 1_000_000);
      const left = runAsync(testScheduler(), () => undefined, { fakeTimers: jest });
      const rejected = left.catch((error: unknown) => error);
      clearInterval(handle);
      await runAsync(
        testScheduler(),
        ({ cold, expectObservable }) => {
          expectObservable(
            cold('a-|').pipe(finalizeCleanup(() => new Promise((resolve) => setTimeout(resolve, 3)))),
          ).toBe('a----|');
        },
        { fakeTimers: jest },
      );
      expect(String(await rejected)).toMatch(/ended because another runAsync started/);
    });

    it('called inside TestScheduler.run, it throws', () => {
      testScheduler().run(() => {
        expect(() => runAsync(testScheduler(), () => undefined)).toThrow(
          "runAsync: called inside TestScheduler.run, which holds RxJS's schedulers",
        );
      });
    });

    it('TestScheduler.run called during runAsync: the run rejects rather than go on with real timers', async () => {
      await expect(
        runAsync(testScheduler(), async ({ cold }) => {
          cold('---|').subscribe();
          await Promise.resolve();
          testScheduler().run(() => undefined);
        }),
      ).rejects.toThrow('runAsync: TestScheduler.run was called during runAsync and gave RxJS its real timers back');
      expect(timeoutProvider.delegate).toBeUndefined();
    });
  });

  describe('what an adversarial review found, now holding', () => {
    afterEach(() => jest.useRealTimers());

    it('a hot value before ^ is at its negative frame, as run has it', async () => {
      const build = (hot: (marbles: string) => Observable<string>) => hot('-a-^-b|').pipe(delay(1));
      const plain = recordInVirtualTime(({ hot }) => build(hot));
      const scheduler = testScheduler();
      const stepped: Recorded[] = [];
      await runAsync(scheduler, ({ hot }) => {
        build(hot).subscribe(recording(() => scheduler.now(), stepped));
      });
      expect(stepped).toEqual(plain);
      expect(plain).toEqual([
        [-1, 'N', 'a'],
        [3, 'N', 'b'],
        [3, 'C', undefined],
      ]);
    });

    it('work scheduled before the run runs at its frame within it, as in run', async () => {
      const seen = async (kind: 'run' | 'runAsync'): Promise<string[]> => {
        const scheduler = testScheduler();
        const log: string[] = [];
        scheduler.schedule(() => log.push(`before at ${scheduler.now()}`), 3);
        const early = scheduler.createHotObservable('--h|');
        early.subscribe((value) => log.push(`${value} at ${scheduler.now()}`));
        const body = ({ cold }: Pick<RunHelpers, 'cold'>) =>
          void cold('-----x').subscribe((value) => log.push(`${value} at ${scheduler.now()}`));
        if (kind === 'run') scheduler.run(body);
        else await runAsync(scheduler, body);
        return log;
      };
      expect(await seen('runAsync')).toEqual(await seen('run'));
    });

    it('legacy fake timers: a faked process.nextTick, pending or awaited by a cleanup, does not hold the run', async () => {
      jest.useFakeTimers({ legacyFakeTimers: true });
      process.nextTick(() => undefined);
      await runAsync(
        testScheduler(),
        ({ cold, expectObservable }) => {
          const cleanup = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));
          expectObservable(cold('a|').pipe(finalizeCleanup(cleanup))).toBe('a|');
        },
        { fakeTimers: jest },
      );
    });

    it('a Promise settled by a 0 ms timer that sets another timer settles in that frame', async () => {
      jest.useFakeTimers();
      const scheduler = testScheduler();
      const seen: number[] = [];
      await runAsync(
        scheduler,
        ({ cold }) => {
          cold('--a-----|').subscribe(() => {
            void new Promise<void>((resolve) =>
              setTimeout(() => {
                resolve();
                setTimeout(() => undefined, 50);
              }, 0),
            )
              .then(() => after(10))
              .then(() => seen.push(scheduler.now()));
            // A chain of 0 ms timers, each set by the Promise job the last one started.
            const zero = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
            void zero()
              .then(zero)
              .then(zero)
              .then(() => seen.push(scheduler.now()));
          });
        },
        { fakeTimers: jest },
      );
      expect(seen).toEqual([2, 2]);
    });

    it('a spy on setTimeout is not taken for fake timers', async () => {
      jest.spyOn(globalThis, 'setTimeout');
      await runAsync(testScheduler(), ({ cold, expectObservable }) => {
        expectObservable(cold('a|').pipe(finalizeCleanup(() => after(3)))).toBe('a|');
      });
    });

    it('fake timers with setTimeout left real still count as fake timers', async () => {
      jest.useFakeTimers({ doNotFake: ['setTimeout', 'clearTimeout'] });
      await runAsync(
        testScheduler(),
        ({ cold, expectObservable }) => {
          const cleanup = (): Promise<void> =>
            new Promise((resolve) => {
              const handle = setInterval(() => {
                clearInterval(handle);
                resolve();
              }, 4);
            });
          expectObservable(cold('a|').pipe(finalizeCleanup(cleanup))).toBe('a 4ms |');
        },
        { fakeTimers: jest },
      );
    });

    it('a fake clock that moves by itself (advanceTimers: true) is refused', async () => {
      // The clock also follows real time, 1 ms at a time; stepping 5,000
      // frames takes longer than that in real time.
      jest.useFakeTimers({ advanceTimers: 1 });
      await expect(
        runAsync(
          testScheduler(),
          ({ cold }) => {
            cold('a|')
              .pipe(finalizeCleanup(() => new Promise((resolve) => setTimeout(resolve, 5_000))))
              .subscribe();
          },
          { fakeTimers: jest },
        ),
      ).rejects.toThrow(/the fake clock moved by itself/);
    });
  });
});
