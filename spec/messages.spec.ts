import { DeadlineError, GroupError, ShieldReleased, type TimeoutCancelInfo } from '../lib/index';
import { describeValue, setCause } from '../lib/errors';

// What errors and reasons say about themselves: a user reads these in logs,
// and tests of their own match on them.

describe('describeValue(value): a reason or an error', () => {
  it('reads an Error as its name and message', () => {
    expect(describeValue(new RangeError('too far'))).toBe('RangeError: too far');
    // ...whatever its toString says.
    expect(describeValue(Object.assign(new Error('real'), { toString: () => 'decoy' }))).toBe('Error: real');
  });

  it('reads a symbol as its description, or says it is a symbol', () => {
    expect(describeValue(Symbol('stop'))).toBe('stop');
    expect(describeValue(Symbol())).toBe('a symbol');
  });

  it('reads anything else as String() does, and survives a value that cannot be stringified', () => {
    expect(describeValue('why')).toBe('why');
    expect(describeValue({ toString: () => 'custom' })).toBe('custom');
    const hostile = {
      toString() {
        throw new Error('no');
      },
    };
    expect(describeValue(hostile)).toBe('[object Object]');
  });
});

describe('setCause', () => {
  it("sets `cause` as the Error constructor's option does: own, writable, configurable, not enumerable", () => {
    const error = new Error('outer');
    setCause(error, 'inner');
    expect(Object.getOwnPropertyDescriptor(error, 'cause')).toEqual({
      value: 'inner',
      writable: true,
      configurable: true,
      enumerable: false,
    });
    expect(Object.getOwnPropertyDescriptor(new Error('outer', { cause: 'inner' }), 'cause')).toEqual(
      Object.getOwnPropertyDescriptor(error, 'cause'),
    );
  });
});

describe('messages', () => {
  it('GroupError counts its errors and names the first', () => {
    expect(new GroupError([]).message).toBe('0 errors in the group');
    expect(new GroupError([new Error('a')]).message).toBe('1 error in the group: Error: a');
    expect(new GroupError(['a', 'b']).message).toBe('2 errors in the group: a');
  });

  it('DeadlineError says which deadline passed and after how many values', () => {
    const info = (seen: number): TimeoutCancelInfo => ({ deadline: 'each', seen, lastValue: null, meta: undefined });
    expect(new DeadlineError(info(0)).message).toBe('the each deadline passed after 0 values');
    expect(new DeadlineError(info(1)).message).toBe('the each deadline passed after 1 value');
    expect(new DeadlineError(info(2)).message).toBe('the each deadline passed after 2 values');
  });

  it('ShieldReleased says what released the work', () => {
    expect(String(new ShieldReleased(500))).toBe('shielded work released 500 ms after its subscriber left');
    expect(String(new ShieldReleased('logout'))).toBe('shielded work released: logout');
    expect(String(new ShieldReleased(new Error('gone')))).toBe('shielded work released: Error: gone');
  });
});
