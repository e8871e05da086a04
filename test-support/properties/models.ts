import { CancelledError, CleanupError, DeadlineError, GroupError, type Deadline } from '../../lib';
import type { SourceSpec } from './chain';

// Reference interpreters: each reads an operator's documented rules over a
// generated timeline and writes down what the subscriber must see, frame by
// frame. They are written from the rules, not from the implementation.
//
// Generated cases never make two things race in one frame: a source's own
// events and cleanup durations fall on even frames, every external event
// (cancel, trigger, deadline, release) on an odd one, and each child of a
// group has frames of its own. So the models never guess an ordering.

export type Note = readonly [frame: number, kind: 'N' | 'E' | 'C', value: unknown];
export type Report = readonly [frame: number, error: unknown];
export interface Prediction {
  readonly notifications: Note[];
  readonly unhandled: Report[];
}

export interface CleanupPlan {
  /** Frames the asynchronous cleanup takes (even). */
  readonly duration: number;
  readonly fails: boolean;
}

export const sourceError = (): Error => new Error('source');
export const cleanupError = (): Error => new Error('cleanup');

const letter = (index: number): string => String.fromCharCode(97 + index);
const endFrame = (source: SourceSpec): number => (source.end.kind === 'never' ? Infinity : source.end.frame);

/** The source's values before `frame`, as notifications. */
function valuesBefore(source: SourceSpec, frame: number): Note[] {
  return source.values.flatMap((at, index) => (at < frame ? [[at, 'N', letter(index)] as const] : []));
}

/**
 * finalizeCleanup, with an optional canceller at an odd frame: a plain
 * unsubscribe, or a cancellable whose trigger emits 'x'.
 */
export function finalizeCleanupModel(
  source: SourceSpec,
  cleanup: CleanupPlan,
  canceller: { readonly kind: 'none' } | { readonly kind: 'unsubscribe' | 'cancellable'; readonly frame: number },
): Prediction {
  const end = endFrame(source);
  const cancelAt = canceller.kind === 'none' ? Infinity : canceller.frame;
  const notifications: Note[] = [];
  const unhandled: Report[] = [];

  // Whether the source or the canceller ends the subscription, the cleanup
  // starts then and runs its full duration (a running cleanup is shielded).
  const endsFirst = cancelAt < end ? 'canceller' : 'source';
  const cleanupStart = endsFirst === 'canceller' ? cancelAt : end;
  const settled = cleanupStart + cleanup.duration;
  notifications.push(...valuesBefore(source, Math.min(end, cancelAt)));
  if (settled === Infinity) return { notifications, unhandled };

  const sourceFailed = endsFirst === 'source' && source.end.kind === 'error';
  const failures = [...(sourceFailed ? [sourceError()] : []), ...(cleanup.fails ? [cleanupError()] : [])];
  // The canceller acts before the outcome: it ended the subscription, or
  // came while the cleanup of the source's own end was running.
  const cancelledBeforeSettled = endsFirst === 'canceller' || cancelAt < settled;

  if (!cancelledBeforeSettled) {
    // The downstream is still there when the cleanup settles: try/finally.
    if (source.end.kind === 'error') {
      notifications.push([
        settled,
        'E',
        cleanup.fails ? new CleanupError([cleanupError()], sourceError()) : sourceError(),
      ]);
    } else if (cleanup.fails) {
      notifications.push([settled, 'E', new CleanupError([cleanupError()])]);
    } else {
      notifications.push([settled, 'C', undefined]);
    }
  } else if (canceller.kind === 'cancellable') {
    // The canceller waits for the cleanup, then reports, carrying any failure.
    const cancelled = new CancelledError('x');
    notifications.push([settled, 'E', failures.length > 0 ? new CleanupError(failures, cancelled) : cancelled]);
  } else {
    // A plain unsubscribe: nobody is left; failures are reported as unhandled.
    unhandled.push(...failures.map((failure) => [settled, failure] as const));
  }
  return { notifications, unhandled };
}

export interface TimeoutPlan {
  readonly total?: number;
  readonly first?: number;
  readonly each?: number;
  readonly outcome: 'error' | 'complete' | 'fallback';
}

/**
 * source → finalizeCleanup(cleanup) → timeoutCancel(plan); the fallback is
 * cold('f|'). Deadlines: total from subscription; before the first value,
 * `first` (or else `each` from subscription); after a value, `each` from it.
 * The earliest passes; `total` wins a tie.
 */
export function timeoutCancelModel(source: SourceSpec, cleanup: CleanupPlan, plan: TimeoutPlan): Prediction {
  const notifications: Note[] = [];
  const end = endFrame(source);
  let seen = 0;
  let lastValue: string | null = null;
  let lastAt = 0;

  const deadline = (): [number, Deadline] => {
    let due = plan.total ?? Infinity;
    let which: Deadline = 'total';
    const other =
      seen === 0 ? (plan.first ?? plan.each ?? Infinity) : plan.each === undefined ? Infinity : lastAt + plan.each;
    if (other < due) {
      due = other;
      which = seen === 0 && plan.first !== undefined ? 'first' : 'each';
    }
    return [due, which];
  };

  const timeOut = (at: number, which: Deadline): Prediction => {
    // The source is cancelled at the deadline; if it had already ended, its
    // cleanup is running and is waited for. Then the outcome.
    const settled = (at < end ? at : end) + cleanup.duration;
    const failures = [
      ...(at > end && source.end.kind === 'error' ? [sourceError()] : []),
      ...(cleanup.fails ? [cleanupError()] : []),
    ];
    const error = new DeadlineError({ deadline: which, seen, lastValue, meta: undefined });
    if (failures.length > 0) notifications.push([settled, 'E', new CleanupError(failures, error)]);
    else if (plan.outcome === 'error') notifications.push([settled, 'E', error]);
    else if (plan.outcome === 'complete') notifications.push([settled, 'C', undefined]);
    else notifications.push([settled, 'N', 'f'], [settled + 1, 'C', undefined]);
    return { notifications, unhandled: [] };
  };

  for (const [index, at] of source.values.entries()) {
    const [due, which] = deadline();
    if (due < at) return timeOut(due, which);
    notifications.push([at, 'N', letter(index)]);
    seen++;
    lastValue = letter(index);
    lastAt = at;
  }
  // The downstream sees the end only once the upstream cleanup has settled.
  const visibleEnd = end + cleanup.duration;
  const [due, which] = deadline();
  if (due < visibleEnd) return timeOut(due, which);
  if (source.end.kind === 'error') {
    notifications.push([
      visibleEnd,
      'E',
      cleanup.fails ? new CleanupError([cleanupError()], sourceError()) : sourceError(),
    ]);
  } else if (source.end.kind === 'complete') {
    notifications.push(
      cleanup.fails ? [visibleEnd, 'E', new CleanupError([cleanupError()])] : [visibleEnd, 'C', undefined],
    );
  }
  return { notifications, unhandled: [] };
}

export interface GroupChild {
  readonly source: SourceSpec;
  readonly cleanup: CleanupPlan;
}

/** A child's error as the group receives it, after its cleanup settled. */
const childError = (index: number, cleanup: CleanupPlan): unknown =>
  cleanup.fails ? new CleanupError([cleanupError()], childSourceError(index)) : childSourceError(index);
export const childSourceError = (index: number): Error => new Error(`child ${index}`);

/**
 * groupCancel(children.map(child => child.source → finalizeCleanup)), with an
 * optional cancellable downstream whose trigger emits 'x' at an odd frame.
 */
export function groupCancelModel(
  children: readonly GroupChild[],
  options: { readonly settle: boolean; readonly merge: boolean; readonly cancelAt: number | null },
): Prediction {
  const notifications: Note[] = [];
  const cancelAt = options.cancelAt ?? Infinity;
  const size = children.length;
  if (size === 0) return { notifications: [[0, 'C', undefined]], unhandled: [] };

  // What the group sees of each child: its values, then its end once the
  // child's own cleanup has settled (end + duration).
  type Event = { at: number; child: number; kind: 'value'; value: string } | { at: number; child: number; kind: 'end' };
  const events: Event[] = children
    .flatMap((child, index): Event[] => [
      ...child.source.values.map((at, k): Event => ({ at, child: index, kind: 'value', value: letter(k) })),
      ...(child.source.end.kind === 'never'
        ? []
        : [{ at: child.source.end.frame + child.cleanup.duration, child: index, kind: 'end' as const }]),
    ])
    .sort((a, b) => a.at - b.at);

  const last: unknown[] = new Array(size).fill(undefined);
  const results: unknown[] = new Array(size);
  const rejections: unknown[] = [];
  const ended = new Set<number>();

  // The group ends, or is cancelled, at `at`: every child not ended yet is
  // cancelled then (its cleanup starts then, or if its source had already
  // ended, its running cleanup is waited for). Returns when the last settles
  // and the failures collected on the way, in the order they settle.
  const stopAt = (at: number): { settled: number; failures: unknown[] } => {
    const settling = children
      .map((child, index) => ({ child, index }))
      .filter(({ index }) => !ended.has(index))
      .map(({ child, index }) => {
        const sourceEnd = endFrame(child.source);
        const ranOut = sourceEnd < at; // its source ended, its cleanup is running
        const settled = (ranOut ? sourceEnd : at) + child.cleanup.duration;
        const failures = [
          ...(ranOut && child.source.end.kind === 'error' ? [childSourceError(index)] : []),
          ...(child.cleanup.fails ? [cleanupError()] : []),
        ];
        return { index, settled, failures };
      })
      .sort((a, b) => a.settled - b.settled || a.index - b.index);
    return {
      settled: Math.max(at, ...settling.map((each) => each.settled)),
      failures: settling.flatMap((each) => each.failures),
    };
  };

  const cancelled = (): Prediction => {
    const { settled, failures } = stopAt(cancelAt);
    const all = [...rejections, ...failures];
    const reason = new CancelledError('x');
    notifications.push([settled, 'E', all.length > 0 ? new CleanupError(all, reason) : reason]);
    return { notifications, unhandled: [] };
  };

  for (const event of events) {
    if (cancelAt < event.at) return cancelled();
    if (event.kind === 'value') {
      if (options.merge) notifications.push([event.at, 'N', event.value]);
      last[event.child] = event.value;
      continue;
    }
    ended.add(event.child);
    const child = children[event.child];
    const failed = child.source.end.kind === 'error' || child.cleanup.fails;
    if (failed) {
      const error =
        child.source.end.kind === 'error' ? childError(event.child, child.cleanup) : new CleanupError([cleanupError()]);
      if (!options.settle) {
        // Fail fast: the others are cancelled with this error, and waited for.
        const { settled, failures } = stopAt(event.at);
        if (cancelAt < settled) {
          // The canceller came while the group waited: the failure travels with it.
          notifications.push([settled, 'E', new CleanupError([error, ...failures], new CancelledError('x'))]);
        } else {
          notifications.push([settled, 'E', new GroupError([error, ...failures])]);
        }
        return { notifications, unhandled: [] };
      }
      rejections.push(error);
      results[event.child] = { status: 'rejected', reason: error };
    } else {
      results[event.child] = { status: 'fulfilled', value: last[event.child] };
    }
    if (ended.size === size) {
      if (options.merge) {
        notifications.push(
          rejections.length > 0 ? [event.at, 'E', new GroupError(rejections)] : [event.at, 'C', undefined],
        );
      } else {
        notifications.push([event.at, 'N', options.settle ? results : last], [event.at, 'C', undefined]);
      }
      return { notifications, unhandled: [] };
    }
  }
  if (cancelAt !== Infinity) return cancelled();
  return { notifications, unhandled: [] };
}

/**
 * source → shieldUntil(releaseAfter ms, { mode }) → then either a plain
 * unsubscribe at an odd frame, or timeoutCancel(total) with total odd.
 * The release counts from the moment the work is detached.
 */
export function shieldUntilModel(
  source: SourceSpec,
  releaseAfter: number,
  downstream:
    | { readonly kind: 'unsubscribe'; readonly at: number }
    | { readonly kind: 'timeout'; readonly total: number; readonly defer: boolean },
): Prediction {
  const notifications: Note[] = [];
  const unhandled: Report[] = [];
  const end = endFrame(source);
  const leaveAt = downstream.kind === 'unsubscribe' ? downstream.at : downstream.total;
  notifications.push(...valuesBefore(source, Math.min(end, leaveAt)));
  if (end < leaveAt) {
    notifications.push(source.end.kind === 'error' ? [end, 'E', sourceError()] : [end, 'C', undefined]);
    return { notifications, unhandled };
  }
  const releasedAt = leaveAt + releaseAfter;
  const workEnd = Math.min(end, releasedAt);
  const workFailed = end < releasedAt && source.end.kind === 'error';
  if (downstream.kind === 'unsubscribe') {
    if (workFailed) unhandled.push([end, sourceError()]);
    return { notifications, unhandled };
  }
  const seen = source.values.filter((at) => at < leaveAt).length;
  const error = new DeadlineError({
    deadline: 'total',
    seen,
    lastValue: seen === 0 ? null : letter(seen - 1),
    meta: undefined,
  });
  if (!downstream.defer) {
    // Detach: the canceller reports at once; the work's failure is unhandled.
    notifications.push([leaveAt, 'E', error]);
    if (workFailed) unhandled.push([end, sourceError()]);
  } else {
    // Defer: the canceller waits for the work and reports its failure.
    notifications.push([workEnd, 'E', workFailed ? new CleanupError([sourceError()], error) : error]);
  }
  return { notifications, unhandled };
}
