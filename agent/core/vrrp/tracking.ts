/**
 * @module Effective priority from tracked checks, with keepalived's semantics
 * (keepalived/vrrp/vrrp_track.c `process_script_update_priority`, `vrrp_set_effective_priority`):
 * - weight 0: a failing check puts the instance in FAULT;
 * - weight > 0: added while the check passes; weight < 0: added while it fails;
 * - the sum is clamped to 1–254, so trackers can neither resign (0) nor claim ownership (255);
 * - a base of 255 (address owner) is never adjusted, though a failing weight-0 check still faults it;
 * - a tracked file (trackers/track_file.c `update_track_file_status()`,
 *   `process_update_vrrp_track_file_status()`) adds number × weight (× -1 with `reverse`), clamped
 *   to -254..253, and -254 is FAULT; with weight 0 a non-zero number (a zero one, reversed) is FAULT.
 */

/** One tracked check's current result, as the agent's check runner reports it. */
export type TrackedCheckResult =
  | { weight: number; passing: boolean }
  | { file: { value: number; weight: number; reverse: boolean } };

/** The priority the instance advertises, or `fault: true` when a weight-0 check is failing. */
export interface EffectivePriority {
  priority: number;
  fault: boolean;
}

export const OWNER_PRIORITY = 255;
const MIN_TRACKED_PRIORITY = 1;
const MAX_TRACKED_PRIORITY = 254;

const FILE_FAULT = -254;
const FILE_MAX = 253;

/** A tracked file's status: its priority change, or FILE_FAULT (track_file.c, see above). */
export function fileStatus(value: number, weight: number, reverse: boolean): number {
  if (weight === 0) return (value !== 0) !== reverse ? FILE_FAULT : 0;
  return Math.min(FILE_MAX, Math.max(FILE_FAULT, value * weight * (reverse ? -1 : 1)));
}

/** The contribution of one check to the priority (keepalived weight semantics). */
function contribution(check: TrackedCheckResult): number {
  if ('file' in check) return faultless(check.file);
  if (check.weight > 0) return check.passing ? check.weight : 0;
  if (check.weight < 0) return check.passing ? 0 : check.weight;
  return 0;
}

function faultless(f: { value: number; weight: number; reverse: boolean }): number {
  const status = fileStatus(f.value, f.weight, f.reverse);
  return status === FILE_FAULT ? 0 : status;
}

function faults(check: TrackedCheckResult): boolean {
  if ('file' in check)
    return fileStatus(check.file.value, check.file.weight, check.file.reverse) === FILE_FAULT;
  return check.weight === 0 && !check.passing;
}

/** Effective priority = clamp(base + Σ contributions, 1, 254); 255 stays 255. */
export function effectivePriority(
  base: number,
  checks: readonly TrackedCheckResult[],
): EffectivePriority {
  const fault = checks.some(faults);
  if (base === OWNER_PRIORITY) return { priority: base, fault };
  const sum = checks.reduce((total, c) => total + contribution(c), base);
  const priority = Math.min(MAX_TRACKED_PRIORITY, Math.max(MIN_TRACKED_PRIORITY, sum));
  return { priority, fault };
}
