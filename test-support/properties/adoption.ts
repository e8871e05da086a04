import { DeadlineError, UNSUBSCRIBED } from '../../lib';
import { carried, droppedByRxjs, Frame, violations, type World } from './world';

// The invariants of the neighbour world (issue 13), on top of the four of
// violations(): a cancel adopts exactly the subscriptions its own teardown
// reaches. Which work a canceller's teardown reaches is read from the case's
// structure (Frame): everything upstream of it, save what a 'detach' shield
// or a switchMap's drop lets go. Side chains and hidden subscriptions are
// never upstream of the main chain's cancellers.

function carriedBy(observed: unknown): Set<unknown> {
  const set = new Set<unknown>();
  carried(observed, set);
  return set;
}

/**
 * The timeoutCancel whose deadline a reason is (it carries the frame as its
 * meta). A DeadlineError is also the error a timeoutCancel reports, which
 * may in turn become the reason of whatever that error ends further down
 * (a fail-fast group's other children, say).
 */
function deadlineOf(reason: unknown): Frame | null {
  return reason instanceof DeadlineError && reason.info.meta instanceof Frame ? reason.info.meta : null;
}

/**
 * The canceller a cleanup's reason was made for, if it was made for one:
 * a reason made for one canceller (which never travels as an error), or a
 * deadline, seen upstream of its own timeoutCancel.
 */
function cancellerOf(world: World, reason: unknown, cleanup: Frame): Frame | null {
  const made = world.reasons.get(reason);
  if (made !== undefined) return made;
  // (Structurally upstream: a deadline that ended what it was upstream of
  // travels on as an error, and is the reason of whoever that error ends.)
  const deadline = deadlineOf(reason);
  return deadline !== null && deadline.structurallyHolds(cleanup) ? deadline : null;
}

/** The work a reason comes from: its canceller's, or where the errors it carries were raised. */
function sourcesOf(world: World, reason: unknown): Frame[] {
  const made = world.reasons.get(reason) ?? deadlineOf(reason);
  if (made != null) return [made];
  return [...carriedBy(reason)].flatMap((error) => world.origins.get(error)?.frame ?? []);
}

/** Invariant violations of a neighbour world after virtual time (and settleScope) ran; empty when all hold. */
export function neighbourViolations(world: World): string[] {
  const found = violations(world);
  const name = (frame: Frame): string => `${frame.kind} ${world.frames.indexOf(frame)} (${frame.chain})`;
  const settledData = new Set<unknown>();
  for (const data of world.settled) for (const each of carriedBy(data)) settledData.add(each);

  // 2'. Nothing reaches the main observer once its scope is closed.
  const scope = world.scope;
  if (scope !== null && scope.cancelSeq !== null && world.downstream.some((note) => note.seq > scope.cancelSeq!)) {
    found.push('a notification after the scope was closed');
  }

  // 3'. No shared subject is left with an observer.
  world.subjects.forEach((subject, index) => {
    if (subject.observed) found.push(`subject ${index}: still observed`);
  });

  /**
   * Has the work upstream of `over` ended by `seq`? Every cleanup settled,
   * and (unless `teardowns` is false) the teardown run of every source
   * subscribed while `over` was being subscribed (see Frame.openedDuring).
   * `inclusive`: seq may equal the settlement's.
   */
  const upstreamEnded = (over: Frame, seq: number, what: string, inclusive = false, teardowns = true): void => {
    const before = (at: number | null): boolean => at !== null && (inclusive ? at <= seq : at < seq);
    for (const frame of world.frames) {
      if (frame === over || !over.reaches(frame)) continue;
      if (frame.run !== null && !before(frame.run.settledSeq)) {
        found.push(`${what} before the cleanup of ${name(frame)} upstream had settled`);
      }
      if (teardowns && frame.recordsTeardown && frame.openedDuring.has(over) && !before(frame.teardownSeq)) {
        found.push(`${what} before the teardown of ${name(frame)} upstream had run`);
      }
    }
  };
  /** Is every error raised by the work upstream of `over` within (after, until] carried by `outcome`? */
  const failuresCarried = (over: Frame, after: number, until: number, outcome: unknown, what: string): void => {
    const reported = carriedBy(outcome);
    for (const [error, origin] of world.origins) {
      const { frame, seq } = origin;
      if (frame === null || seq <= after || seq > until || !(frame === over || over.reaches(frame))) continue;
      if (!reported.has(error) && !settledData.has(error) && !droppedByRxjs(world, error)) {
        found.push(`${what} without ${String(error)}, raised upstream by ${name(frame)}`);
      }
    }
  };

  for (const frame of world.frames) {
    // 5. Nested finally: a cleanup runs once everything upstream of it has
    // been torn down and has settled.
    const call = frame.run?.cleanupCalls[0];
    if (call !== undefined) upstreamEnded(frame, call, `${name(frame)}'s cleanup ran`);

    // 6. A canceller (and a group) reports once the work upstream of it has
    // settled, and its report carries every failure of that work.
    const { report } = frame;
    if (report !== null) {
      upstreamEnded(frame, report.seq, `${name(frame)} reported`);
      failuresCarried(frame, 0, report.seq, report.kind === 'E' ? report.value : undefined, `${name(frame)} reported`);
    }
  }

  // 6'. The same for close(): it settles once the cleanups of the run it
  // cancelled have, and rejects with their failures. (Not once the sources'
  // teardowns have run: a run is no link, and a source closed while still in
  // its subscribe function returns its teardown after close() has settled,
  // for RxJS to run; nothing can tell, as a promise settles in a later task.)
  if (scope !== null && scope.cancelSeq !== null && scope.runLive) {
    if (scope.settledAt === null) {
      found.push('close() never settled');
    } else {
      upstreamEnded(scope.frame, scope.settledAt, 'close() settled', true, false);
      const outcome = scope.outcome?.kind === 'rejected' ? scope.outcome.error : undefined;
      failuresCarried(scope.frame, scope.cancelSeq, scope.settledAt, outcome, 'close() settled');
    }
  }

  // 7. A cleanup sees UNSUBSCRIBED or a reason of its own chain; a canceller's
  // own reason only if the cleanup's work is upstream of that canceller, and
  // then that canceller waits for the cleanup and reports its failure.
  for (const run of world.stageRuns) {
    const frame = run.frame;
    if (frame === null || run.exit?.kind !== 'cancel' || run.exit.reason === UNSUBSCRIBED) continue;
    const { reason } = run.exit;
    const sources = sourcesOf(world, reason);
    // (An error the library made, such as a CleanupTimeoutError that ended a
    // group child, carries nothing raised: it cannot be traced, and need not be.)
    if (sources.length === 0 && !(reason instanceof Error)) {
      found.push(`${name(frame)}'s cleanup saw a reason from nowhere: ${String(reason)}`);
    }
    for (const source of sources) {
      if (source.chain !== frame.chain) found.push(`${name(frame)}'s cleanup saw a reason of ${name(source)}`);
    }
    const canceller = cancellerOf(world, reason, frame);
    if (canceller === null) continue;
    if (!canceller.holds(frame)) {
      found.push(`${name(frame)}'s cleanup saw the reason of ${name(canceller)}, which it is not upstream of`);
      continue;
    }
    const own = (outcome: unknown, until: number, what: string): void => {
      if (run.settledSeq === null || run.settledSeq > until)
        found.push(`${what} before ${name(frame)}, which it cancelled, had settled`);
      failuresCarried(frame, 0, until, outcome, what);
    };
    if (canceller.report !== null) {
      const { report } = canceller;
      own(report.kind === 'E' ? report.value : undefined, report.seq - 1, `${name(canceller)} reported`);
    }
    if (scope !== null && canceller === scope.frame && scope.settledAt !== null) {
      own(scope.outcome?.kind === 'rejected' ? scope.outcome.error : undefined, scope.settledAt, 'close() settled');
    }
  }

  // 8. An error is carried only by its own chain's channels: the main chain's
  // downstream and close() never carry a side chain's errors, nor a side's
  // observer the main chain's. (The unhandled path is everyone's.)
  const channels = [
    ...world.downstream.filter((note) => note.kind === 'E').map((note) => ({ chain: 'main', error: note.value })),
    ...world.channels,
  ];
  for (const channel of channels) {
    for (const error of carriedBy(channel.error)) {
      const origin = world.origins.get(error)?.frame;
      if (origin != null && origin.chain !== channel.chain) {
        found.push(`${String(error)} of ${name(origin)} reached the ${channel.chain} chain's observer`);
      }
    }
  }
  return found;
}
