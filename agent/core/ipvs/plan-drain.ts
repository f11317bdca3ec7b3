/**
 * @module Graceful removal, after kube-proxy `pkg/proxy/ipvs/graceful_termination.go`: a
 * destination leaving the desired table is set to weight 0 (no new connections) and deleted once
 * its active+inactive connections reach 0 or the grace period has passed. A whole removed service
 * drains all its destinations the same way and is deleted (with them) when every one is done.
 */
import {
  destinationKey,
  serviceKey,
  type IpvsServiceId,
  type ObservedDestination,
} from './model.js';
import { destinationOf, type UpdateDestinationOp } from './operations.js';
import type { DrainOption } from './plan-types.js';

/** A destination that would keep draining if its delete does not happen this round. */
export interface DrainCandidate {
  service: IpvsServiceId;
  destination: ObservedDestination;
  /** `drainingSince` key. */
  key: string;
  /** When its drain started. */
  since: number;
}

/** The `drainingSince` key of a destination: `serviceKey|destinationKey`. */
export function drainKey(service: IpvsServiceId, destination: ObservedDestination): string {
  return `${serviceKey(service)}|${destinationKey(destination)}`;
}

/** The drain bookkeeping of one removed destination: its start is kept, or starts `now`. */
export function drainCandidate(
  service: IpvsServiceId,
  destination: ObservedDestination,
  drainingSince: ReadonlyMap<string, number>,
  now: number,
): DrainCandidate {
  const key = drainKey(service, destination);
  return { service, destination, key, since: drainingSince.get(key) ?? now };
}

/** Whether a draining destination may go: no connections left, or its grace period is over. */
export function drainDone(candidate: DrainCandidate, drain: DrainOption, now: number): boolean {
  if (drain === false) return true;
  const { activeConnections, inactiveConnections } = candidate.destination;
  return activeConnections + inactiveConnections === 0 || now - candidate.since >= drain.graceMs;
}

/** The weight-0 update that starts (or keeps) a drain, or nothing when the weight is already 0. */
export function drainOp(candidate: DrainCandidate): UpdateDestinationOp[] {
  if (candidate.destination.weight === 0) return [];
  return [
    {
      type: 'update-destination',
      service: candidate.service,
      destination: { ...destinationOf(candidate.destination), weight: 0 },
      changed: ['weight'],
    },
  ];
}
