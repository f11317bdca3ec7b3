/** @module The planner's working state for one round (plan.ts) and its small indexing helpers. */
import type { IpvsOp, UpdateDestinationOp } from './operations.js';
import { compareStrings } from './operations.js';
import type { PendingDelete } from './plan-limit.js';
import type { PlanConflict } from './plan-types.js';

/** The ops of one round, by phase, plus the bookkeeping carried to the next round. */
export interface Draft {
  services: IpvsOp[];
  destinations: IpvsOp[];
  drains: UpdateDestinationOp[];
  destinationDeletes: PendingDelete[];
  serviceDeletes: PendingDelete[];
  conflicts: PlanConflict[];
  owned: Set<string>;
  draining: Map<string, number>;
}

/** An empty draft. */
export function newDraft(): Draft {
  return {
    ...{ services: [], destinations: [], drains: [], destinationDeletes: [], serviceDeletes: [] },
    ...{ conflicts: [], owned: new Set<string>(), draining: new Map<string, number>() },
  };
}

/** Items by key; on a repeated key the first wins and `onDuplicate` hears of the others. */
export function indexFirst<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  onDuplicate: (item: T) => void = () => {},
): Map<string, T> {
  const index = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    if (index.has(key)) onDuplicate(item);
    else index.set(key, item);
  }
  return index;
}

/** The union of both maps' keys, sorted. */
export function sortedKeys(
  a: ReadonlyMap<string, unknown>,
  b: ReadonlyMap<string, unknown>,
): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].sort(compareStrings);
}
