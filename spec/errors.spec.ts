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
