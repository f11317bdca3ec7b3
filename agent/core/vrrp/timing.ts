/**
 * @module VRRP timer arithmetic (RFC 3768 §6.1, RFC 9568 §6.1), pure and unit-bearing: intervals
 * come in centiseconds (the v3 wire unit) and leave in milliseconds, the unit of the monotonic
 * deadlines the state machine stores. Values are exact (fractional ms allowed), as keepalived's
 * microsecond arithmetic is (`VRRP_TIMER_SKEW_CALC` in keepalived/include/vrrp.h).
 */

export type VrrpVersion = 2 | 3;

/** keepalived `down_timer_adverts` default; RFC 9568 §6.1 fixes it at 3. */
export const MASTER_DOWN_ADVERTS = 3;

/** Centiseconds to milliseconds. */
export function csToMs(cs: number): number {
  return cs * 10;
}

/**
 * Skew_Time in centiseconds.
 * - v3 (RFC 9568 §6.1): ((256 − Priority) × Master_Adver_Interval) / 256, interval in cs.
 * - v2 (RFC 3768 §6.1): (256 − Priority) / 256 seconds, independent of the advert interval.
 */
export function skewTimeCs(
  version: VrrpVersion,
  priority: number,
  masterAdverIntervalCs: number,
): number {
  const share = (256 - priority) / 256;
  return version === 3 ? share * masterAdverIntervalCs : share * 100;
}

/**
 * Master_Down_Interval in centiseconds: 3 × Master_Adver_Interval + Skew_Time (RFC 9568 §6.1);
 * v2: 3 × Advertisement_Interval + Skew_Time (RFC 3768 §6.1), where the interval is our own.
 */
export function masterDownIntervalCs(
  version: VrrpVersion,
  priority: number,
  masterAdverIntervalCs: number,
): number {
  return (
    MASTER_DOWN_ADVERTS * masterAdverIntervalCs +
    skewTimeCs(version, priority, masterAdverIntervalCs)
  );
}

/** Skew_Time in milliseconds (see {@link skewTimeCs}). */
export function skewTimeMs(
  version: VrrpVersion,
  priority: number,
  masterAdverIntervalCs: number,
): number {
  return csToMs(skewTimeCs(version, priority, masterAdverIntervalCs));
}

/** Master_Down_Interval in milliseconds (see {@link masterDownIntervalCs}). */
export function masterDownIntervalMs(
  version: VrrpVersion,
  priority: number,
  masterAdverIntervalCs: number,
): number {
  return csToMs(masterDownIntervalCs(version, priority, masterAdverIntervalCs));
}
