/**
 * @module Runs IPVS ops against an in-memory table the way the kernel would, refusing what the
 * kernel refuses (EEXIST, ENOENT/ESRCH) with an `IpvsApplyError`. Backs the planner's property
 * tests and the agent's `--dry-run`, like kube-proxy's stateful `util/testing/fake.go`.
 */
import {
  destinationKey,
  serviceKey,
  type DesiredService,
  type IpvsDestination,
  type IpvsService,
  type IpvsTable,
} from './model.js';
import { destinationOf, opKey, serviceOf, type IpvsOp } from './operations.js';

/** Why the kernel would have refused an op. */
export type ApplyFailure =
  'service-exists' | 'service-missing' | 'destination-exists' | 'destination-missing';

/** An op that is impossible at its point in the sequence. */
export class IpvsApplyError extends Error {
  override readonly name = 'IpvsApplyError';

  constructor(
    readonly failure: ApplyFailure,
    readonly op: IpvsOp,
    /** The op's position in the list given to `applyOps`. */
    readonly index: number,
  ) {
    super(`op #${index} ${op.type} ${opKey(op)}: ${failure.replace('-', ' ')}`);
  }
}

/** A service being edited: its config, and its destinations by key (in insertion order). */
interface Entry {
  service: IpvsService;
  destinations: Map<string, IpvsDestination>;
}

/**
 * Applies `ops` in order to a copy of `table` and returns it. The result holds config only (an
 * observed table's counters are dropped); services and destinations keep their order and new ones
 * are appended — order carries no meaning in IPVS. Throws `IpvsApplyError` on the first op the
 * kernel would refuse: adding what exists, updating or deleting what does not, or any destination
 * op on a service that does not exist at that point.
 */
export function applyOps(
  table: IpvsTable<DesiredService>,
  ops: readonly IpvsOp[],
): IpvsTable<DesiredService> {
  const entries = new Map<string, Entry>();
  for (const s of table.services) {
    const destinations = new Map(s.destinations.map((d) => [destinationKey(d), destinationOf(d)]));
    entries.set(serviceKey(s), { service: serviceOf(s), destinations });
  }
  ops.forEach((op, index) => applyOp(entries, op, index));
  return {
    services: [...entries.values()].map((e) => ({
      ...e.service,
      destinations: [...e.destinations.values()],
    })),
  };
}

function applyOp(entries: Map<string, Entry>, op: IpvsOp, index: number): void {
  const fail = (failure: ApplyFailure) => new IpvsApplyError(failure, op, index);
  const key = serviceKey(op.service);
  const entry = entries.get(key);
  if (op.type === 'add-service') {
    if (entry) throw fail('service-exists');
    entries.set(key, { service: serviceOf(op.service), destinations: new Map() });
    return;
  }
  if (!entry) throw fail('service-missing');
  switch (op.type) {
    case 'update-service':
      entry.service = serviceOf(op.service);
      return;
    case 'delete-service':
      entries.delete(key);
      return;
    default:
      applyDestinationOp(entry.destinations, op, fail);
  }
}

function applyDestinationOp(
  destinations: Map<string, IpvsDestination>,
  op: Extract<IpvsOp, { destination: unknown }>,
  fail: (failure: ApplyFailure) => IpvsApplyError,
): void {
  const key = destinationKey(op.destination);
  const exists = destinations.has(key);
  switch (op.type) {
    case 'add-destination':
      if (exists) throw fail('destination-exists');
      destinations.set(key, destinationOf(op.destination));
      return;
    case 'update-destination':
      if (!exists) throw fail('destination-missing');
      destinations.set(key, destinationOf(op.destination));
      return;
    case 'delete-destination':
      if (!exists) throw fail('destination-missing');
      destinations.delete(key);
      return;
  }
}
