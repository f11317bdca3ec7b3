/** @module The planner's inputs and result (plan.ts), kept apart so the helpers can share them. */
import type { IpvsOp } from './operations.js';
import type { IpvsDestinationId, IpvsServiceId } from './model.js';

/** Graceful removal of destinations (kube-proxy `graceful_termination.go`), or `false` for none. */
export type DrainOption = { graceMs: number } | false;

/** How `plan` treats ownership, draining and the blast-radius cap. */
export interface PlanOptions {
  /**
   * Service keys (`serviceKey`) fleetlb installed in earlier rounds: IPVS entries carry no owner
   * tag, so the runtime persists this set (it is `IpvsPlan.owned` of the previous round).
   */
  owned: ReadonlySet<string>;
  /** Take over desired services that already exist but are not owned (else: a conflict). */
  adopt: boolean;
  drain: DrainOption;
  /** Monotonic time of this round in ms; the planner reads no clock. */
  now: number;
  /** When each draining destination started draining, keyed `serviceKey|destinationKey`. */
  drainingSince: ReadonlyMap<string, number>;
  /**
   * At most this many delete-service + delete-destination ops per round (Seesaw `rateLimitVS`);
   * `Infinity` for no cap. The rest are returned as `deferred` and planned again next round.
   */
  maxDestructive: number;
}

/** Why a desired service or destination was left alone (usable as a metric label). */
export type ConflictReason =
  /** The service exists in the kernel, fleetlb does not own it and `adopt` is off. */
  | 'exists-not-owned'
  /** The desired table lists the service identity twice; the first entry is used. */
  | 'duplicate-desired-service'
  /** A desired service lists the destination identity twice; the first entry is used. */
  | 'duplicate-desired-destination';

/** A desired entry the planner did not act on (or acted on only in part). */
export interface PlanConflict {
  reason: ConflictReason;
  service: IpvsServiceId;
  destination?: IpvsDestinationId;
}

/** The outcome of one planning round. */
export interface IpvsPlan {
  /** Run these in order: they never reference a service that does not exist at that point. */
  ops: IpvsOp[];
  /** Destructive ops held back by `maxDestructive`; not to be applied, planned again next round. */
  deferred: IpvsOp[];
  conflicts: PlanConflict[];
  /** The owned set to persist for the next round. */
  owned: ReadonlySet<string>;
  /** The draining map to keep for the next round. */
  drainingSince: ReadonlyMap<string, number>;
}
