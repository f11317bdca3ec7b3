/**
 * @module The pure IPVS reconciliation planner: observed table + desired table → ordered ops.
 *
 * Level-triggered like kube-proxy: every round plans from the kernel's dump, not from the previous
 * document, so a failed or deferred op is simply planned again. Objects are matched by identity
 * (`serviceKey`, `destinationKey`) and only config fields are compared (config-diff.ts); a config
 * change is an in-place update (SET_SERVICE / SET_DEST), an identity change a delete plus an add.
 *
 * Op order (Seesaw `engine/vserver.go`: destinations after their service exists, before it goes):
 * 1. add/update services, 2. add/update destinations, 3. weight-0 drains, 4. delete destinations,
 * 5. delete services. Within a phase, ops are sorted by service key, then destination key.
 *
 * Ownership: IPVS entries carry no owner tag, so the caller passes the keys fleetlb installed
 * (`owned`). Observed services neither desired nor owned belong to another tool and are never
 * touched. A desired service that exists unowned is taken over with `adopt`, else left alone and
 * reported as a conflict (and not owned). Owned services no longer desired are deleted.
 *
 * Draining (plan-drain.ts): a removed destination goes to weight 0 first and is deleted when it has
 * no connections left or its grace period is over. A removed service drains all its destinations
 * and is deleted — the kernel takes the destinations with it — once every one of them is done.
 *
 * Blast radius (plan-limit.ts): delete-destination and delete-service count 1 each against
 * `maxDestructive`; weight-0 drains do not (they cut no connection and are undone by one update).
 */
import {
  destinationKey,
  serviceIdOf,
  serviceKey,
  type DesiredService,
  type IpvsDestination,
  type IpvsServiceId,
  type IpvsTable,
  type ObservedDestination,
  type ObservedService,
} from './model.js';
import { changedDestinationFields, changedServiceFields } from './config-diff.js';
import { compareOps, destinationIdOf, destinationOf, serviceOf } from './operations.js';
import { indexFirst, newDraft, sortedKeys, type Draft } from './plan-draft.js';
import { checkCap, limitDestructive } from './plan-limit.js';
import { removeDestination, removeService } from './plan-remove.js';
import type { IpvsPlan, PlanOptions } from './plan-types.js';

export type {
  ConflictReason,
  DrainOption,
  IpvsPlan,
  PlanConflict,
  PlanOptions,
} from './plan-types.js';

/**
 * Plans the ops that turn `observed` into `desired` (for the services fleetlb may manage).
 * @example
 * const { ops, owned } = plan(await client.list(), desired, {
 *   owned: previous.owned, adopt: false, drain: { graceMs: 30_000 }, now,
 *   drainingSince: previous.drainingSince, maxDestructive: 10,
 * });
 */
export function plan(
  observed: IpvsTable<ObservedService>,
  desired: IpvsTable<DesiredService>,
  options: PlanOptions,
): IpvsPlan {
  checkCap(options.maxDestructive);
  if (options.drain !== false && !(options.drain.graceMs >= 0)) {
    throw new RangeError(`drain.graceMs must be ≥ 0, got ${options.drain.graceMs}`);
  }
  const draft = newDraft();
  const wanted = indexFirst(desired.services, serviceKey, (s) =>
    draft.conflicts.push({ reason: 'duplicate-desired-service', service: serviceIdOf(s) }),
  );
  const seen = indexFirst(observed.services, serviceKey);
  for (const key of sortedKeys(wanted, seen)) {
    planService(key, seen.get(key), wanted.get(key), options, draft);
  }
  return finish(draft, options.maxDestructive);
}

function planService(
  key: string,
  have: ObservedService | undefined,
  want: DesiredService | undefined,
  options: PlanOptions,
  draft: Draft,
): void {
  if (want && !have) {
    draft.owned.add(key);
    draft.services.push({ type: 'add-service', service: serviceOf(want) });
    reconcileDestinations(want, [], options, draft);
  } else if (want && have) {
    if (!options.owned.has(key) && !options.adopt) {
      draft.conflicts.push({ reason: 'exists-not-owned', service: serviceIdOf(want) });
      return;
    }
    draft.owned.add(key);
    const changed = changedServiceFields(have, want);
    if (changed.length > 0) {
      draft.services.push({ type: 'update-service', service: serviceOf(want), changed });
    }
    reconcileDestinations(want, have.destinations, options, draft);
  } else if (have && options.owned.has(key)) {
    removeService(key, have, options, draft);
  }
}

/** Adds, updates and removes the destinations of a service that stays (or is being added). */
function reconcileDestinations(
  want: DesiredService,
  have: readonly ObservedDestination[],
  options: PlanOptions,
  draft: Draft,
): void {
  const id = serviceIdOf(want);
  const wanted = indexFirst(want.destinations, destinationKey, (d) =>
    draft.conflicts.push({
      reason: 'duplicate-desired-destination',
      service: id,
      destination: destinationIdOf(d),
    }),
  );
  const seen = indexFirst(have, destinationKey);
  for (const key of sortedKeys(wanted, seen)) {
    const w = wanted.get(key);
    const h = seen.get(key);
    if (w) upsertDestination(id, h, w, draft);
    else if (h) removeDestination(id, h, options, draft);
  }
}

function upsertDestination(
  service: IpvsServiceId,
  have: ObservedDestination | undefined,
  want: IpvsDestination,
  draft: Draft,
): void {
  const destination = destinationOf(want);
  if (!have) {
    draft.destinations.push({ type: 'add-destination', service, destination });
    return;
  }
  const changed = changedDestinationFields(have, want);
  if (changed.length > 0) {
    draft.destinations.push({ type: 'update-destination', service, destination, changed });
  }
}

/** Applies the cap and lays the phases out in order. */
function finish(draft: Draft, maxDestructive: number): IpvsPlan {
  const limited = limitDestructive(
    [...draft.destinationDeletes, ...draft.serviceDeletes],
    maxDestructive,
  );
  for (const [key, since] of limited.draining) draft.draining.set(key, since);
  for (const key of limited.stillOwned) draft.owned.add(key);
  const drains = [...draft.drains, ...limited.drains].sort(compareOps);
  return {
    ops: [...draft.services, ...draft.destinations, ...drains, ...limited.deletes],
    deferred: limited.deferred,
    conflicts: draft.conflicts,
    owned: draft.owned,
    drainingSince: draft.draining,
  };
}
