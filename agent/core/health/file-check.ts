/**
 * @module What a real server's file check (keepalived FILE_CHECK) says for the number in its file,
 * as keepalived 2.2 decides it: trackers/track_file.c `update_track_file_status()` computes
 * number × weight (× -1 with `reverse`) clamped to the 32-bit int range (`weight_range()`), and
 * `process_update_checker_track_file_status()` takes the real server down when that is INT_MIN
 * (IPVS_WEIGHT_FAULT), else adds it to the server's effective weight; with weight 0 a non-zero
 * number (a zero one, reversed) takes it down. The sum of the server's weight and its files'
 * changes is clamped by decide.ts (keepalived check_data.h `real_weight()`).
 */
import type { FileCheck } from '../../../contract/health-check.js';
import { fileStatus, type FileStatusRange } from '../vrrp/tracking.js';
import type { CheckState } from './hysteresis.js';

/** keepalived ip_vs.h IPVS_WEIGHT_FAULT (-INT32_MAX - 1) and the int range weight_range() keeps. */
const CHECKER_FILE_RANGE: FileStatusRange = { fault: -(2 ** 31), max: 2 ** 31 - 1 };

export interface FileCheckVerdict {
  up: boolean;
  /** Added to the real server's weight while up; 0 when down. */
  weightDelta: number;
}

export function fileCheckVerdict(
  value: number,
  check: Pick<FileCheck, 'weight' | 'reverse'>,
): FileCheckVerdict {
  const status = fileStatus(value, check.weight, check.reverse, CHECKER_FILE_RANGE);
  if (status === CHECKER_FILE_RANGE.fault) return { up: false, weightDelta: 0 };
  return { up: true, weightDelta: status };
}

/**
 * The check's state for a number: no rise/fall (keepalived applies a file's number at once). A
 * file check that cannot run (its directory is missing: keepalived removes the track_file) is
 * `neutral`: up and adding nothing.
 */
export function fileCheckState(
  value: number | 'neutral',
  check: Pick<FileCheck, 'weight' | 'reverse'>,
): CheckState {
  const v = value === 'neutral' ? { up: true, weightDelta: 0 } : fileCheckVerdict(value, check);
  return {
    up: v.up,
    successes: 0,
    failures: 0,
    lastReason: v.up ? undefined : 'file',
    dynamicWeight: undefined,
    weightDelta: v.weightDelta,
    ...(value === 'neutral' ? {} : { fileValue: value }),
  };
}
