import { CancelledError, CleanupError, CleanupTimeoutError, UNSUBSCRIBED } from '../lib';

describe(CancelledError.name, () => {
  it('is an Error named CancelledError that carries the reason it was given', () => {
    const reason = { why: 'user pressed stop' };
    const error = new CancelledError(reason);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CancelledError');
    expect(error.reason).toBe(reason);
    expect(String(error)).toBe('CancelledError: cancelled: [object Object]');
  });

  it('says the reason in its message', () => {
    expect(new CancelledError('user pressed stop').message).toBe('cancelled: user pressed stop');
    expect(new CancelledError(new RangeError('too late')).message).toBe('cancelled: RangeError: too late');
    expect(new CancelledError().message).toBe('cancelled: unsubscribed');
  });

  it('defaults its reason to UNSUBSCRIBED, a symbol no user reason can equal', () => {
    expect(new CancelledError().reason).toBe(UNSUBSCRIBED);
    expect(typeof UNSUBSCRIBED).toBe('symbol');
  });

  it('keeps undefined as a reason when it is given (a Subject<void> trigger)', () => {
    const error = new CancelledError(undefined);
    expect('reason' in error && error.reason).toBeUndefined();
    expect(error.message).toBe('cancelled');
  });

  it('survives a reason that cannot be turned into a string', () => {
    const hostile = Object.create(null) as object;
    expect(new CancelledError(hostile).message).toBe('cancelled: [object Object]');
  });
});

describe(CleanupError.name, () => {
  it('is an AggregateError holding every cleanup failure, in order', () => {
    const first = new Error('first');
    const second = new Error('second');
    const error = new CleanupError([first, second]);
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.name).toBe('CleanupError');
    expect(error.errors).toEqual([first, second]);
    expect(error.message).toBe('2 cleanups failed (first: Error: first)');
    expect('cause' in error).toBe(false);
  });

  it('keeps the outcome the cleanups interrupted as its cause', () => {
    const boom = new Error('boom');
    const error = new CleanupError([new Error('oops')], boom);
    expect(error.cause).toBe(boom);
    expect(error.message).toBe('1 cleanup failed (Error: oops) after: Error: boom');
  });

  it('names its first failure in the message, as GroupError does, so a log line shows what failed', () => {
    expect(new CleanupError([new TypeError('socket closed')]).message).toBe(
      '1 cleanup failed (TypeError: socket closed)',
    );
    expect(new CleanupError([new CleanupTimeoutError(1_000)], new CancelledError('stop')).message).toBe(
      '1 cleanup failed (CleanupTimeoutError: cleanup did not settle within 1000 ms) after: CancelledError: cancelled: stop',
    );
    expect(new CleanupError([]).message).toBe('0 cleanups failed');
  });

  it('keeps a cause that is undefined when it is given explicitly', () => {
    const error = new CleanupError([1], undefined);
    expect('cause' in error).toBe(true);
    expect(error.cause).toBeUndefined();
  });
});

describe(CleanupTimeoutError.name, () => {
  it('names the timeout that was overrun', () => {
    const error = new CleanupTimeoutError(250);
    expect(error.name).toBe('CleanupTimeoutError');
    expect(error.timeout).toBe(250);
    expect(error.message).toBe('cleanup did not settle within 250 ms');
  });
});

describe('instanceof across copies of the package (the ES module and CommonJS builds in one process)', () => {
  // A second copy of lib/, with its own classes, as a second build loaded
  // beside the first would be.
  let other: typeof import('../lib') = undefined as never;
  jest.isolateModules(() => {
    other = jest.requireActual<typeof import('../lib')>('../lib');
  });
  const info = { deadline: 'total', seen: 0, lastValue: null, meta: undefined } as const;
  const makers = [
    ['CancelledError', (lib: typeof import('../lib')) => new lib.CancelledError('x')],
    ['CleanupError', (lib: typeof import('../lib')) => new lib.CleanupError([new Error('oops')])],
    ['CleanupTimeoutError', (lib: typeof import('../lib')) => new lib.CleanupTimeoutError(5)],
    ['DeadlineError', (lib: typeof import('../lib')) => new lib.DeadlineError(info)],
    ['GroupError', (lib: typeof import('../lib')) => new lib.GroupError([new Error('oops')])],
    ['ShieldReleased', (lib: typeof import('../lib')) => new lib.ShieldReleased(5)],
  ] as const;
  const here = jest.requireActual<typeof import('../lib')>('../lib');

  it('is a second copy indeed: its classes are other objects', () => {
    expect(other.CancelledError).not.toBe(CancelledError);
  });

  it.each(makers)("%s made by one copy is an instance of the other copy's class, both ways", (name, make) => {
    expect(make(other)).toBeInstanceOf(here[name]);
    expect(make(here)).toBeInstanceOf(other[name]);
  });

  it('is not an instance of another class of the package, of either copy', () => {
    for (const [name, make] of makers) {
      for (const [otherName] of makers) {
        if (otherName === name) continue;
        expect(make(other) instanceof here[otherName]).toBe(false);
        expect(make(here) instanceof other[otherName]).toBe(false);
      }
    }
  });

  it("a subclass keeps the usual instanceof: its instances are the base class's, not the other way round", () => {
    class Shutdown extends CancelledError {}
    expect(new Shutdown('bye')).toBeInstanceOf(CancelledError);
    expect(new Shutdown('bye')).toBeInstanceOf(other.CancelledError);
    expect(new CancelledError('x') instanceof Shutdown).toBe(false);
    expect(new other.CancelledError('x') instanceof Shutdown).toBe(false);
  });

  it('plain values and look-alikes are not instances', () => {
    const lookAlike = Object.assign(new Error('cancelled: x'), { name: 'CancelledError', reason: 'x' });
    for (const value of [lookAlike, null, undefined, 'CancelledError', 42, {}]) {
      expect(value instanceof CancelledError).toBe(false);
    }
  });

  it('the mark is not enumerable: errors compare and print as before', () => {
    expect(Object.keys(new CancelledError('x'))).toEqual(['name', 'reason']);
    expect(new CancelledError('x')).toEqual(new other.CancelledError('x'));
  });
});
