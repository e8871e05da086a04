/**
 * Errors compared the way a user reads them: class, name, message and the
 * fields this package puts on them (`reason`, `cause`, `errors`, `timeout`,
 * `deadline`, `info`, `release`), recursively, and never the stack. A value
 * met again on its own path (a DeadlineError is its own cancellation's
 * reason) is written as '[Circular]'.
 */
export function normalize(value: unknown, path: readonly unknown[] = []): unknown {
  if (typeof value === 'object' && value !== null && path.includes(value)) return '[Circular]';
  const inner = [...path, value];
  if (value instanceof Error) {
    const shape: Record<string, unknown> = {
      class: value.constructor.name,
      name: value.name,
      message: value.message,
    };
    for (const key of ['reason', 'timeout', 'deadline', 'info', 'release'] as const) {
      if (key in value) shape[key] = normalize((value as unknown as Record<string, unknown>)[key], inner);
    }
    if ('cause' in value) shape['cause'] = normalize(value.cause, inner);
    if (value instanceof AggregateError) shape['errors'] = value.errors.map((each) => normalize(each, inner));
    return shape;
  }
  if (Array.isArray(value)) return value.map((each) => normalize(each, inner));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, each]) => [key, normalize(each, inner)]));
  }
  return value;
}
