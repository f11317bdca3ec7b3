/**
 * @module Retry delays for the config pull: exponential backoff with full jitter (AWS
 * architecture blog, "Exponential Backoff And Jitter"): attempt n waits a uniform random time
 * in [0, min(maxMs, baseMs × 2ⁿ)], so a fleet of agents cut off together does not come back in
 * lockstep. Pure: the random number is an argument.
 */

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

/** The delay before retry `attempt` (0 = the first retry); `random` is in [0, 1). */
export function backoffDelayMs(attempt: number, random: number, policy = DEFAULT_BACKOFF): number {
  const ceilingMs = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random * ceilingMs);
}
