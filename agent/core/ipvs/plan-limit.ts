/**
 * @module The blast-radius cap, after Seesaw `engine/config/notifier.go` `rateLimitVS`: at most
 * `maxDestructive` deletes go through per round; the rest are deferred and, being level-triggered,
 * planned again next round. A deferred delete must not leave a removed destination taking new
 * connections, so when draining is on its destinations are set to weight 0 meanwhile.
 */
import { serviceKey } from './model.js';
import type {
  DeleteDestinationOp,
  DeleteServiceOp,
  IpvsOp,
  UpdateDestinationOp,
} from './operations.js';
import { drainOp, type DrainCandidate } from './plan-drain.js';

/** A delete the planner wants, with what to keep draining should the cap defer it. */
export interface PendingDelete {
  op: DeleteDestinationOp | DeleteServiceOp;
  /** The destinations to hold at weight 0 if deferred; empty when draining is off. */
  drainIfDeferred: readonly DrainCandidate[];
}

/** What the cap lets through, and what deferral adds to the round's drains and bookkeeping. */
export interface LimitResult {
  deletes: (DeleteDestinationOp | DeleteServiceOp)[];
  deferred: IpvsOp[];
  /** Weight-0 updates for destinations whose delete was deferred. */
  drains: UpdateDestinationOp[];
  /** `drainingSince` entries for destinations whose delete was deferred. */
  draining: [string, number][];
  /** Services whose delete was deferred: still owned. */
  stillOwned: string[];
}

/** Lets the first `maxDestructive` deletes (in the given order) through and defers the rest. */
export function limitDestructive(
  pending: readonly PendingDelete[],
  maxDestructive: number,
): LimitResult {
  const cut = Math.min(pending.length, maxDestructive);
  const result: LimitResult = {
    deletes: pending.slice(0, cut).map((p) => p.op),
    deferred: [],
    drains: [],
    draining: [],
    stillOwned: [],
  };
  for (const { op, drainIfDeferred } of pending.slice(cut)) {
    result.deferred.push(op);
    if (op.type === 'delete-service') result.stillOwned.push(serviceKey(op.service));
    for (const candidate of drainIfDeferred) {
      result.drains.push(...drainOp(candidate));
      result.draining.push([candidate.key, candidate.since]);
    }
  }
  return result;
}

/** Rejects caps that would make no sense rather than guessing (NaN, negative). */
export function checkCap(maxDestructive: number): void {
  if (Number.isNaN(maxDestructive) || maxDestructive < 0) {
    throw new RangeError(`maxDestructive must be ≥ 0 or Infinity, got ${maxDestructive}`);
  }
}
