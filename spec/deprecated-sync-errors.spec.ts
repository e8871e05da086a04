import { config, finalize, of, throwError, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import { cancellable, CancelledError, finalizeCleanup, groupCancel } from '../lib';

// RxJS 7 still honours `config.useDeprecatedSynchronousErrorHandling`: an
// error that reaches a subscriber without an error callback, during the
// subscribe call, is thrown at the caller of `subscribe()`. The operators
// behave there as RxJS's own do, with `finalize` as the oracle.

const boom = new Error('boom');

/** What `subscribe()` does with `source`: the order of events, and what it threw. */
function subscribeLogging(source: Observable<unknown>, log: unknown[], observer?: { error?: (e: unknown) => void }) {
  try {
    source.subscribe(observer);
    log.push('returned');
  } catch (error) {
    log.push(['threw', error]);
  }
  return log;
}

describe('config.useDeprecatedSynchronousErrorHandling', () => {
  beforeEach(() => {
    config.useDeprecatedSynchronousErrorHandling = true;
  });
  afterEach(() => {
    config.useDeprecatedSynchronousErrorHandling = false;
  });

  const cleanups: [string, (log: unknown[]) => MonoTypeOperatorFunction<unknown>][] = [
    ['finalize (RxJS)', (log) => finalize(() => log.push('cleanup'))],
    ['finalizeCleanup', (log) => finalizeCleanup(() => void log.push('cleanup'))],
  ];

  it.each(cleanups)(
    '%s: a source error with no error callback runs the cleanup, then is thrown at the caller',
    (_name, op) => {
      const log: unknown[] = [];
      expect(subscribeLogging(throwError(() => boom).pipe(op(log)), log)).toEqual(['cleanup', ['threw', boom]]);
    },
  );

  it.each(cleanups)('%s: with an error callback, nothing is thrown', (_name, op) => {
    const log: unknown[] = [];
    const observer = { error: (error: unknown) => log.push(['error', error]) };
    subscribeLogging(throwError(() => boom).pipe(op(log)), log, observer);
    // (finalize runs after the error callback, finalizeCleanup before it: see the README.)
    expect(log).toHaveLength(3);
    expect(log).toEqual(expect.arrayContaining(['cleanup', ['error', boom]]));
    expect(log[2]).toBe('returned');
  });

  it.each(cleanups)(
    '%s: an observer that throws on a value has it thrown at the caller, the cleanup run once',
    (_name, op) => {
      const log: unknown[] = [];
      try {
        of(1)
          .pipe(op(log))
          .subscribe(() => {
            throw boom;
          });
        log.push('returned');
      } catch (error) {
        log.push(['threw', error]);
      }
      expect(log).toEqual(['cleanup', ['threw', boom]]);
    },
  );

  it('a cancel fired during the subscribe call is thrown at the caller as its CancelledError', () => {
    const log: unknown[] = [];
    subscribeLogging(of(1).pipe(cancellable(of('stop'))), log);
    expect(log).toEqual([['threw', new CancelledError('stop')]]);
    expect((log[0] as [string, CancelledError])[1].reason).toBe('stop');
  });

  it("a group's failure during the subscribe call is thrown at the caller", () => {
    const log: unknown[] = [];
    subscribeLogging(groupCancel([throwError(() => boom)]), log);
    expect(log).toHaveLength(1);
    expect(log[0]).toEqual(['threw', expect.objectContaining({ name: 'GroupError', errors: [boom] })]);
  });
});
