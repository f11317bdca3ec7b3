/**
 * @module Effective priority from tracked checks, with keepalived's semantics
 * (keepalived/vrrp/vrrp_track.c `process_script_update_priority`, `vrrp_set_effective_priority`):
 * - weight 0: a failing check puts the instance in FAULT;
 * - weight > 0: added while the check passes; weight < 0: added while it fails;
 * - the sum is clamped to 1–254, so trackers can neither resign (0) nor claim ownership (255);
 * - a base of 255 (address owner) is never adjusted, though a failing weight-0 check still faults it.
 */

/** One tracked check's current result, as the agent's check runner reports it. */
export interface TrackedCheckResult {
  weight: number;
  passing: boolean;
}

/** The priority the instance advertises, or `fault: true` when a weight-0 check is failing. */
export interface EffectivePriority {
  priority: number;
  fault: boolean;
}

export const OWNER_PRIORITY = 255;
const MIN_TRACKED_PRIORITY = 1;
const MAX_TRACKED_PRIORITY = 254;

/** The contribution of one check to the priority (keepalived weight semantics). */
function contribution(check: TrackedCheckResult): number {
  if (check.weight > 0) return check.passing ? check.weight : 0;
  if (check.weight < 0) return check.passing ? 0 : check.weight;
  return 0;
}

/** Effective priority = clamp(base + Σ contributions, 1, 254); 255 stays 255. */
export function effectivePriority(
  base: number,
  checks: readonly TrackedCheckResult[],
): EffectivePriority {
  const fault = checks.some((c) => c.weight === 0 && !c.passing);
  if (base === OWNER_PRIORITY) return { priority: base, fault };
  const sum = checks.reduce((total, c) => total + contribution(c), base);
  const priority = Math.min(MAX_TRACKED_PRIORITY, Math.max(MIN_TRACKED_PRIORITY, sum));
  return { priority, fault };
}
