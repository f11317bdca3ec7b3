/** @module The outcome of one health probe, with a closed set of failure reasons (metric labels). */

/** Why a probe failed: a closed set, safe to use as a Prometheus label value. */
export const FAILURE_REASONS = [
  'timeout',
  'refused',
  'status',
  'digest',
  'body',
  'tls',
  'dns',
  'exit',
  'file',
  'error',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/**
 * One probe's outcome. A passing script check with keepalived `misc_dynamic` semantics carries
 * `weight` (exit code − 2); every other pass leaves the configured weight alone.
 */
export type ProbeResult =
  { ok: true; weight?: number } | { ok: false; reason: FailureReason; detail: string };

export const PASS: ProbeResult = Object.freeze({ ok: true });

/** A failed result; `detail` is free text for logs, never a label. */
export function fail(reason: FailureReason, detail: string): ProbeResult {
  return { ok: false, reason, detail };
}
