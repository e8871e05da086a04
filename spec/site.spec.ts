import { NEVER, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { cancellable, CancelledError, DeadlineError, fromAbortable, timeoutCancel } from '../lib';
import { madeAt, siteOf } from '../lib/core/site';
import { survivors } from '../test-support/leaks';

// The errors an operator makes on its cancel path (cancellable's
// CancelledError, timeoutCancel's DeadlineError and its cause, fromAbortable's
// abort reason) carry as their stack the frames of the place where the
// operator was created, captured once then; none is captured where the cancel
// fires (see lib/core/site.ts).

const noop = (): void => {};

/** The frames of a stack, without its first line. */
function framesOf(error: unknown): string[] {
  return String((error as Error).stack)
    .split('\n')
    .slice(1);
}

/** The stack starts at the line in this file that called createdHere's argument, then createdHere. */
function startsInCreatedHere(error: unknown): void {
  const [top, next] = framesOf(error);
  expect(top).toMatch(/spec[\\/]site\.spec\.ts:\d+/);
  expect(next).toMatch(/^ {4}at createdHere /);
}

function createdHere<T>(make: () => T): T {
  return make();
}

function firesHere(fire: () => void): void {
  fire();
}

describe('the stack of an error an operator makes when it cancels', () => {
  it("cancellable: the CancelledError's stack is where the operator was created, not where the cancel fired", () => {
    const stop = new Subject<string>();
    const operator = createdHere(() => cancellable<never>(stop));
    const errors: unknown[] = [];
    NEVER.pipe(operator).subscribe({ error: (error) => errors.push(error) });
    NEVER.pipe(operator).subscribe({ error: (error) => errors.push(error) });
    firesHere(() => stop.next('user stop'));
    expect(errors).toHaveLength(2);
    const [first, second] = errors as CancelledError[];
    expect(first).toBeInstanceOf(CancelledError);
    expect(first.reason).toBe('user stop');
    expect(String(first.stack).split('\n')[0]).toBe('CancelledError: cancelled: user stop');
    startsInCreatedHere(first);
    expect(String(first.stack)).not.toMatch(/firesHere/);
    // One capture per operator: every subscription's error has its frames.
    expect(framesOf(second)).toEqual(framesOf(first));
  });

  it("timeoutCancel: the DeadlineError and its CancelledError cause have the operator's creation site", () => {
    const scheduler = new TestScheduler(noop);
    const operator = createdHere(() => timeoutCancel<never>({ total: 5, scheduler }));
    let error: unknown = null;
    NEVER.pipe(operator).subscribe({ error: (e: unknown) => (error = e) });
    firesHere(() => scheduler.flush());
    expect(error).toBeInstanceOf(DeadlineError);
    const deadline = error as DeadlineError;
    expect(String(deadline.stack).split('\n')[0]).toBe(`TimeoutError: ${deadline.message}`);
    startsInCreatedHere(deadline);
    const cause = deadline.cause as CancelledError;
    expect(cause).toBeInstanceOf(CancelledError);
    expect(String(cause.stack).split('\n')[0]).toBe(`CancelledError: ${cause.message}`);
    expect(framesOf(cause)).toEqual(framesOf(deadline));
    expect(String(deadline.stack)).not.toMatch(/firesHere/);
  });

  it("fromAbortable: the abort's CancelledError has the stack of the fromAbortable call", () => {
    let signal: AbortSignal | null = null;
    const work = createdHere(() =>
      fromAbortable((given) => {
        signal = given;
        return NEVER;
      }),
    );
    const subscription = work.subscribe();
    firesHere(() => subscription.unsubscribe());
    const reason = (signal as AbortSignal | null)?.reason as unknown;
    expect(reason).toBeInstanceOf(CancelledError);
    startsInCreatedHere(reason);
    expect(String((reason as Error).stack)).not.toMatch(/firesHere/);
  });

  it('a CancelledError made by user code keeps the stack of where it was made', () => {
    const error = createdHere(() => new CancelledError('x'));
    startsInCreatedHere(error);
  });
});

describe(siteOf.name, () => {
  it('keeps nothing of its callers alive: an operator kept long does not keep the object that made it', async () => {
    const kept: unknown[] = [];
    const left = await survivors((track) => {
      class Page {
        readonly content = new Array(1_000).fill(0);
        operators(): unknown[] {
          return [cancellable(NEVER), timeoutCancel(1_000), fromAbortable(() => NEVER)];
        }
      }
      const page = new Page();
      track(page, 'the page that made the operators');
      kept.push(...page.operators());
    });
    expect(kept).toHaveLength(3);
    expect(left).toEqual([]);
  });

  it('shows at most 3 frames of the site', () => {
    const deep = (n: number): string | null => (n === 0 ? siteOf(deep) : deep(n - 1));
    expect(deep(10)?.split('\n').slice(1)).toHaveLength(3);
  });

  it('with an Error.prepareStackTrace that throws, the operator still cancels with an error (its stack as usual)', () => {
    const original = Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace');
    Error.prepareStackTrace = () => {
      throw new TypeError('formatter failed');
    };
    const errors: unknown[] = [];
    const stop = new Subject<string>();
    try {
      // Made, and cancelled, while the formatter throws.
      NEVER.pipe(cancellable(stop)).subscribe({ error: (error) => errors.push(error) });
      stop.next('now');
    } finally {
      if (original === undefined) delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
      else Object.defineProperty(Error, 'prepareStackTrace', original);
    }
    expect(errors).toEqual([new CancelledError('now')]);
    expect(framesOf(errors[0]).length).toBeGreaterThan(1);
  });

  it('without Error.captureStackTrace, the errors capture their stack as usual', () => {
    const descriptor = Object.getOwnPropertyDescriptor(Error, 'captureStackTrace')!;
    delete (Error as { captureStackTrace?: unknown }).captureStackTrace;
    let operator: ReturnType<typeof cancellable<never>>;
    try {
      expect(siteOf(createdHere)).toBeNull();
      operator = cancellable<never>(['now']);
    } finally {
      Object.defineProperty(Error, 'captureStackTrace', descriptor);
    }
    const errors: unknown[] = [];
    NEVER.pipe(operator).subscribe({ error: (error) => errors.push(error) });
    expect(errors).toEqual([new CancelledError('now')]);
    expect(framesOf(errors[0]).length).toBeGreaterThan(1);
  });
});

describe(madeAt.name, () => {
  const site = createdHere(() => siteOf(createdHere));

  it('gives the error the frames of the site, from the caller of the function it names on', () => {
    const error = madeAt(site, () => new RangeError('late'));
    expect(String(error.stack).split('\n')[0]).toBe('RangeError: late');
    // siteOf(createdHere), called in createdHere: the frames start at its caller, this file.
    expect(framesOf(error)[0]).toMatch(/spec[\\/]site\.spec\.ts:\d+/);
    expect(String(error.stack)).not.toMatch(/at createdHere /);
  });

  it('leaves Error.stackTraceLimit as it found it, also when making the error throws', () => {
    const before = Error.stackTraceLimit;
    const failure = new Error('make failed');
    expect(() =>
      madeAt(site, () => {
        throw failure;
      }),
    ).toThrow(failure);
    expect(Error.stackTraceLimit).toBe(before);
    madeAt(site, () => new Error('x'));
    expect(Error.stackTraceLimit).toBe(before);
  });

  it('with no site, makes the error as it is', () => {
    const error = createdHere(() => madeAt(null, () => new Error('plain')));
    // Captured in the arrow given to madeAt, called by madeAt, called from the one given to createdHere.
    expect(framesOf(error).slice(0, 4).join('\n')).toMatch(/at createdHere /);
  });

  it.each([
    ['no Error.stackTraceLimit', { value: undefined, writable: true }],
    ['a frozen Error.stackTraceLimit (SES)', { value: 10, writable: false }],
  ])('with %s, still makes the error, with the stack the engine gives it', (_name, descriptor) => {
    const original = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')!;
    Object.defineProperty(Error, 'stackTraceLimit', { ...descriptor, configurable: true });
    try {
      const error = madeAt(site, () => new CancelledError('x'));
      expect(error).toBeInstanceOf(CancelledError);
      expect(error.message).toBe('cancelled: x');
      // Not the site's frames: those of wherever the engine captured them, if anywhere.
      expect(String(error.stack)).not.toContain(String(site));
      expect(Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')?.value).toBe(descriptor.value);
    } finally {
      Object.defineProperty(Error, 'stackTraceLimit', original);
    }
  });

  it("stamps the error's own cause only: an inherited one is someone else's", () => {
    const mine = new Error('mine');
    const stack = mine.stack;
    Object.defineProperty(Error.prototype, 'cause', { value: mine, configurable: true, writable: true });
    try {
      madeAt(site, () => new CancelledError('x'));
    } finally {
      delete (Error.prototype as { cause?: unknown }).cause;
    }
    expect(mine.stack).toBe(stack);
  });

  it.each([
    ['text', 'the cause'],
    ['an object', { code: 7 }],
  ])('leaves a cause that is not an Error as it is: %s', (_name, cause) => {
    const error = madeAt(site, () => Object.assign(new Error('with a cause'), { cause }));
    expect(error.cause).toBe(cause);
    expect(error.cause).toEqual(typeof cause === 'string' ? 'the cause' : { code: 7 });
    expect(framesOf(error)[0]).toMatch(/spec[\\/]site\.spec\.ts:\d+/);
  });

  it('a reason that throws as it is described still gives a CancelledError', () => {
    const hostile = new Proxy(new Error('x'), {
      get() {
        throw new Error('no reading');
      },
    });
    const error = madeAt(site, () => new CancelledError(hostile));
    expect(error.reason).toBe(hostile);
    expect(error.message).toBe('cancelled: a value that cannot be described');
  });
});

describe('siteOf, on engines that tell less', () => {
  /** Runs `body` with Error's own `key` property as `descriptor` gives it (deleted if undefined), then puts it back. */
  function withErrorProperty<T>(key: string, descriptor: PropertyDescriptor | undefined, body: () => T): T {
    const original = Object.getOwnPropertyDescriptor(Error, key);
    if (descriptor === undefined) Reflect.deleteProperty(Error, key);
    else Object.defineProperty(Error, key, { configurable: true, ...descriptor });
    try {
      return body();
    } finally {
      if (original === undefined) Reflect.deleteProperty(Error, key);
      else Object.defineProperty(Error, key, original);
    }
  }

  it('with no Error.stackTraceLimit, knows no site and leaves Error without one', () => {
    withErrorProperty('stackTraceLimit', undefined, () => {
      expect(siteOf(createdHere)).toBeNull();
      expect(Object.hasOwn(Error, 'stackTraceLimit')).toBe(false);
    });
  });

  it.each([
    ['a line with no frames after it', 'Error: one line', null],
    ['text that starts with its frames', '\n    at custom (frame)', '\n    at custom (frame)'],
    ['a first line, then frames', 'Error\n    at custom (frame)', '\n    at custom (frame)'],
    ['a number', 42, null],
    [
      'an object that cannot be made text',
      {
        toString: () => {
          throw new Error('no text');
        },
      },
      null,
    ],
  ])(
    'with an Error.prepareStackTrace that gives %s, the site is what follows its first line break',
    (_name, given, site) => {
      withErrorProperty('prepareStackTrace', { value: () => given, writable: true }, () => {
        expect(siteOf(createdHere)).toBe(site);
      });
    },
  );

  it('with no Error.captureStackTrace, knows no site and leaves Error.stackTraceLimit as it found it', () => {
    const limit = Error.stackTraceLimit;
    withErrorProperty('captureStackTrace', undefined, () => {
      expect(siteOf(createdHere)).toBeNull();
    });
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
