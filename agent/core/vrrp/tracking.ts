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

/** Where a tracked file's number × weight is clamped; its lowest value is FAULT. */
export interface FileStatusRange {
  fault: number;
  max: number;
}

/** The VRRP side's range (track_file.c `process_update_vrrp_track_file_status()`). */
const VRRP_FILE_RANGE: FileStatusRange = { fault: -254, max: 253 };
const FILE_FAULT = VRRP_FILE_RANGE.fault;

/**
 * A tracked file's status (track_file.c `update_track_file_status()`): number × weight (× -1
 * with reverse) clamped to `range`, where `range.fault` is FAULT; with weight 0, a non-zero number
 * (a zero one, reversed) is FAULT. The checker side (FILE_CHECK) uses its own range.
 */
export function fileStatus(
  value: number,
  weight: number,
  reverse: boolean,
  range: FileStatusRange = VRRP_FILE_RANGE,
): number {
  if (weight === 0) return (value !== 0) !== reverse ? range.fault : 0;
  return Math.min(range.max, Math.max(range.fault, value * weight * (reverse ? -1 : 1)));
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
