/**
 * @module Virtual-server quorum with hysteresis, as keepalived's `update_quorum_state()`
 * (keepalived/check/ipwrapper.c; the sum is its `weigh_live_realservers()`).
 *
 * keepalived counts WEIGHT, not servers: the sum of the weights of the alive real servers. With the
 * default weight 1 the two coincide. Quorum is lost when the sum drops below `quorum − hysteresis`
 * or to 0, and regained when the sum reaches `quorum + hysteresis` (and is above 0): between the two
 * thresholds the previous state holds. keepalived's parser wants quorum ≥ 1; the contract allows 0,
 * which here means "sorry server only while no healthy weight is left" (the `or 0` rule).
 */

export interface QuorumInput {
  quorum: number;
  hysteresis: number;
  /** Σ weight of the enabled, healthy real servers (effective weight: dynamic weight included). */
  healthyWeight: number;
  /** The previous decision; keepalived starts a virtual server with quorum up. */
  wasUp: boolean;
}

export function quorumUp(q: QuorumInput): boolean {
  if (q.wasUp) return q.healthyWeight > 0 && q.healthyWeight >= q.quorum - q.hysteresis;
  return q.healthyWeight > 0 && q.healthyWeight >= q.quorum + q.hysteresis;
}
