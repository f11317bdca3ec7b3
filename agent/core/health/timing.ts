/**
 * @module A check's effective timing: its own overrides, then the virtual server's `checkDefaults`,
 * then the contract's built-in defaults (contract/health-check.ts CheckTiming).
 */
import type { CheckTiming, CheckTimingOverrides } from '../../../contract/health-check.js';

export const DEFAULT_TIMING: CheckTiming = Object.freeze({
  intervalMs: 5000,
  timeoutMs: 3000,
  rise: 2,
  fall: 3,
});

export function resolveTiming(
  check: CheckTimingOverrides,
  vsDefaults: CheckTimingOverrides,
): CheckTiming {
  const intervalMs = check.intervalMs ?? vsDefaults.intervalMs ?? DEFAULT_TIMING.intervalMs;
  return {
    intervalMs,
    retryIntervalMs: check.retryIntervalMs ?? vsDefaults.retryIntervalMs ?? intervalMs,
    timeoutMs: check.timeoutMs ?? vsDefaults.timeoutMs ?? DEFAULT_TIMING.timeoutMs,
    rise: check.rise ?? vsDefaults.rise ?? DEFAULT_TIMING.rise,
    fall: check.fall ?? vsDefaults.fall ?? DEFAULT_TIMING.fall,
  };
}
