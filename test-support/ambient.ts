// The package's ambient slot (lib/core/waiter.ts), as a test looks at it: the
// stacks of what is tearing down and ending right now, and the owner slot of
// the subscribe call running now. Between tasks, all three are empty.

export interface AmbientSlot {
  readonly waiters: readonly unknown[];
  readonly endings: readonly unknown[];
  readonly owning: unknown;
}

export function ambientSlot(): AmbientSlot {
  return (globalThis as unknown as Record<symbol, AmbientSlot>)[Symbol.for('rxjs-cancel.ambient.v3')];
}
