// The cancellation core, as the operators see it: the one entry they import
// from (docs/cancellation-core.md, "Writing an operator"). What is not here
// (the ambient stacks, the adopter's walk, the ending stack) is the core's
// own business, used only inside lib/core/.

// A subscription that waits for its upstream's cleanups before it reports,
// with the hooks an operator fills in.
export { Link, hooks, PLAIN, COMPLETE, ERROR, CANCEL, type Downstream, type EndKind, type Hooks } from './link';
export type { Exit } from './exit';
export { UNHANDLED, type Waiter } from './waiter';

// What an operator watches besides its source: a trigger that fires once,
// or every value of an ObservableInput.
export { toTrigger, watchTrigger, watchValues, type NotAString, type Trigger, type TriggerOwner } from './trigger';

// An asynchronous cleanup, awaited with an optional bound.
export { awaitCleanup, CleanupTimeoutError } from './awaitCleanup';

// The errors an operator makes when it cancels: with the stack of its creation site.
export { madeAt, siteOf, type Site } from './site';

// Where an error that nobody can receive goes: RxJS's own unhandled-error path.
export { reportUnhandledError } from './report';

// Work an operator starts that is not its source, owned by it so a cancel
// that reaches the operator reaches that work too.
export { subscribeOwned } from './waiter';

// Arguments: the checks, and the one way a bad one is reported.
export {
  checkChoice,
  checkDate,
  checkDuration,
  checkOptions,
  invalid,
  isAbortSignal,
  isAwaitable,
  isObservableInput,
  isScheduler,
  scheduledState,
} from './inputs';

// For what is not an operator but takes part in cancels as one (cancelScope's
// runs, fromAbortable's signal, shieldUntil's detached work): the ambient
// waiter's lower-level entry points.
export { adoptedReason, adopter, belongsTo, enterOwner, leaveOwner, subscribingOwner, teardownFor } from './waiter';
