export { cancellable, type CancellableOptions } from './cancellable';
export { CancelledError, CleanupError, CleanupTimeoutError, UNSUBSCRIBED } from './errors';
export type { Exit } from './core/exit';
export { finalizeCleanup, type Cleanup, type FinalizeCleanupOptions } from './finalizeCleanup';
export { fromAbortable } from './fromAbortable';
