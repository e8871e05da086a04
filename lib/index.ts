/**
 * RxJS operators with asyncio's cancellation discipline: cancels that say
 * why, cleanups that are awaited, deadlines, shields, groups and scopes.
 *
 * @module rxjs-cancel
 */
// The public API. Each operator sits in a file of its own, with the errors
// that belong to it; lib/core/ holds what they share (docs/cancellation-core.md).
export { cancellable, type CancellableOptions } from './cancellable';
export {
  cancelScope,
  SCOPE_CLOSED,
  type CancelScope,
  type CancelScopeOptions,
  type DestroyNotifier,
} from './cancelScope';
export { CleanupTimeoutError, type Exit, type NotAString } from './core';
export { CancelledError, CleanupError, UNSUBSCRIBED } from './errors';
export { finalizeCleanup, type Cleanup, type FinalizeCleanupOptions } from './finalizeCleanup';
export { fromAbortable } from './fromAbortable';
export {
  groupCancel,
  GroupError,
  type GroupCancelOptions,
  type GroupInputs,
  type GroupMerged,
  type GroupSettled,
  type GroupShape,
  type GroupValues,
  type GroupSources,
  type SettledResult,
} from './groupCancel';
export { raceCancel, RACE_LOST } from './raceCancel';
export { shieldUntil, ShieldReleased, type ShieldUntilOptions } from './shieldUntil';
export { switchMapCancel, SUPERSEDED, type SwitchMapCancelOptions } from './switchMapCancel';
export { firstValueFromCancel, lastValueFromCancel, type ValueFromCancelOptions } from './valueFrom';
export {
  DeadlineError,
  timeoutCancel,
  type Deadline,
  type TimeoutCancelConfig,
  type TimeoutCancelDeadline,
  type TimeoutCancelInfo,
} from './timeoutCancel';
