export { cancellable, type CancellableOptions } from './cancellable';
export { CancelledError, CleanupError, CleanupTimeoutError, UNSUBSCRIBED } from './errors';
export { finalizeCleanup, type Cleanup, type Exit, type FinalizeCleanupOptions } from './finalizeCleanup';
export { fromAbortable } from './fromAbortable';
