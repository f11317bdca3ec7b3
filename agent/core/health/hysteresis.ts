/**
 * @module Per-check rise/fall hysteresis and the up/down state of a real server from its checks.
 *
 * Initial state: a check starts in the state its caller chooses (`initialUp`). keepalived starts a
 * checker UP unless `alpha` is set; fleetlb's runner defaults to the same (`up`), so an agent
 * restart does not empty an IPVS table that is already serving while `rise` probes accumulate.
 * A check goes down after `fall` consecutive failures and comes up after `rise` consecutive
 * successes (HAProxy-style `rise`; keepalived itself brings a DOWN checker up on the first success,
 * which is `rise: 1`).
 */
import type { FailureReason, ProbeResult } from './result.js';

export interface CheckState {
  up: boolean;
  /** Consecutive successes while down (reset on failure). */
  successes: number;
  /** Consecutive failures while up (reset on success). */
  failures: number;
  /** Reason of the latest failed probe; undefined after a pass. */
  lastReason: FailureReason | undefined;
  /** keepalived `misc_dynamic` weight from the latest passing script probe, if any. */
  dynamicWeight: number | undefined;
  /** A file check's change to the server's weight (file-check.ts); 0 for every other check. */
  weightDelta: number;
  /** A file check's number, once read. */
  fileValue?: number;
}

export interface RiseFall {
  rise: number;
  fall: number;
}

export function initialCheckState(initialUp: boolean): CheckState {
  return {
    up: initialUp,
    successes: 0,
    failures: 0,
    lastReason: undefined,
    dynamicWeight: undefined,
    weightDelta: 0,
  };
}

export interface CheckStep {
  state: CheckState;
  /** True when `up` flipped on this result. */
  changed: boolean;
}

/** Feeds one probe result into a check's counters. */
export function applyResult(prev: CheckState, result: ProbeResult, timing: RiseFall): CheckStep {
  if (result.ok) {
    const successes = prev.up ? 0 : prev.successes + 1;
    const up = prev.up || successes >= timing.rise;
    const state: CheckState = {
      up,
      successes: up ? 0 : successes,
      failures: 0,
      lastReason: undefined,
      // Each check has its own state: only a dynamic script check ever reports a weight, and its
      // exit 0 (no weight) restores the configured weight.
      dynamicWeight: result.weight,
      weightDelta: 0,
    };
    return { state, changed: up !== prev.up };
  }
  const failures = prev.up ? prev.failures + 1 : 0;
  const up = prev.up && failures < timing.fall;
  const state: CheckState = {
    up,
    successes: 0,
    failures: up ? failures : 0,
    lastReason: result.reason,
    dynamicWeight: prev.dynamicWeight,
    weightDelta: 0,
  };
  return { state, changed: up !== prev.up };
}

export interface ServerHealth {
  up: boolean;
  /**
   * keepalived `misc_dynamic` weight override. keepalived lets the last dynamic checker to report
   * win; fleetlb takes the minimum over a server's dynamic checks so the result is deterministic.
   */
  weightOverride: number | undefined;
  /**
   * Σ of the file checks' changes, added to the (overridden) weight as keepalived adds each
   * checker's `cur_weight` to the server's `effective_weight` (check_daemon.c
   * `set_effective_weights()`).
   */
  weightDelta: number;
  /** Reasons of the checks that are down (for logs and metrics). */
  downReasons: readonly FailureReason[];
}

/** A real server is up when ALL its checks are up; with no checks it is always up. */
export function serverHealth(checks: readonly CheckState[]): ServerHealth {
  let weightOverride: number | undefined;
  let weightDelta = 0;
  const downReasons: FailureReason[] = [];
  for (const c of checks) {
    if (!c.up) downReasons.push(c.lastReason ?? 'error');
    weightDelta += c.weightDelta;
    if (c.dynamicWeight !== undefined) {
      weightOverride =
        weightOverride === undefined ? c.dynamicWeight : Math.min(weightOverride, c.dynamicWeight);
    }
  }
  return { up: downReasons.length === 0, weightOverride, weightDelta, downReasons };
}
