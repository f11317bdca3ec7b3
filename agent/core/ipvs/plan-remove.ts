/**
 * @module Removing what left the desired table: destinations of a service that stays, and whole
 * owned services, each either deleted now or drained first (plan-drain.ts).
 */
import {
  destinationKey,
  serviceIdOf,
  type IpvsServiceId,
  type ObservedDestination,
  type ObservedService,
} from './model.js';
import { compareStrings, destinationIdOf } from './operations.js';
import { drainCandidate, drainDone, drainOp } from './plan-drain.js';
import { indexFirst, type Draft } from './plan-draft.js';
import type { PlanOptions } from './plan-types.js';

/** A destination that left the desired table of a service that stays. */
export function removeDestination(
  service: IpvsServiceId,
  have: ObservedDestination,
  options: PlanOptions,
  draft: Draft,
): void {
  const op = { type: 'delete-destination', service, destination: destinationIdOf(have) } as const;
  if (options.drain === false) {
    draft.destinationDeletes.push({ op, drainIfDeferred: [] });
    return;
  }
  const candidate = drainCandidate(service, have, options.drainingSince, options.now);
  if (drainDone(candidate, options.drain, options.now)) {
    draft.destinationDeletes.push({ op, drainIfDeferred: [candidate] });
  } else {
    draft.drains.push(...drainOp(candidate));
    draft.draining.set(candidate.key, candidate.since);
  }
}

/**
 * An owned service that left the desired table. Without draining it is deleted. With draining,
 * all its destinations go to weight 0 and it stays (and stays owned) until every destination has
 * no connections left or has used up its grace; then one delete-service removes it and them.
 */
export function removeService(
  key: string,
  have: ObservedService,
  options: PlanOptions,
  draft: Draft,
): void {
  const service = serviceIdOf(have);
  const op = { type: 'delete-service', service } as const;
  if (options.drain === false) {
    draft.serviceDeletes.push({ op, drainIfDeferred: [] });
    return;
  }
  const { drain, now, drainingSince } = options;
  const candidates = [...indexFirst(have.destinations, destinationKey).entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([, d]) => drainCandidate(service, d, drainingSince, now));
  if (candidates.every((c) => drainDone(c, drain, now))) {
    draft.serviceDeletes.push({ op, drainIfDeferred: candidates });
    return;
  }
  draft.owned.add(key);
  for (const candidate of candidates) {
    draft.drains.push(...drainOp(candidate));
    draft.draining.set(candidate.key, candidate.since);
  }
}
