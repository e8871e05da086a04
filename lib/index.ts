export { cancellable, type CancellableOptions } from './cancellable';
export {
  CancelledError,
  CleanupError,
  CleanupTimeoutError,
  DeadlineError,
  GroupError,
  SCOPE_CLOSED,
  ShieldReleased,
  UNSUBSCRIBED,
  type Deadline,
  type TimeoutCancelInfo,
} from './errors';
export type { Exit } from './core/exit';
export { finalizeCleanup, type Cleanup, type FinalizeCleanupOptions } from './finalizeCleanup';
export { fromAbortable } from './fromAbortable';
export { timeoutCancel, type TimeoutCancelConfig } from './timeoutCancel';
export { shieldUntil, type ShieldUntilOptions } from './shieldUntil';
export { groupCancel, type GroupCancelOptions, type GroupSources, type SettledResult } from './groupCancel';
export { cancelScope, type CancelScope, type CancelScopeOptions, type DestroyNotifier } from './cancelScope';
