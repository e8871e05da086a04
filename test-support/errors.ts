/**
 * Errors compared the way a user reads them: class, name, message and the
 * fields this package puts on them (`reason`, `cause`, `errors`, `timeout`),
 * recursively, and never the stack.
 */
export function normalize(value: unknown): unknown {
  if (value instanceof Error) {
    const shape: Record<string, unknown> = {
      class: value.constructor.name,
      name: value.name,
      message: value.message,
    };
    for (const key of ['reason', 'timeout'] as const) {
      if (key in value) shape[key] = normalize((value as unknown as Record<string, unknown>)[key]);
    }
    if ('cause' in value) shape['cause'] = normalize(value.cause);
    if (value instanceof AggregateError) shape['errors'] = value.errors.map(normalize);
    return shape;
  }
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, each]) => [key, normalize(each)]));
  }
  return value;
}
