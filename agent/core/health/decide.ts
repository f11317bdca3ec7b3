/**
 * @module From real-server health, admin state and weights to the IPVS destinations of one virtual
 * server, as keepalived does it (keepalived/check/ipwrapper.c `perform_svr_state()` and
 * `update_quorum_state()`; weight 0 instead of removal in check/ipvswrapper.c `ipvs_cmd()`; the
 * `misc_dynamic` weight in check/check_misc.c `misc_check_child_thread()`):
 *
 * - enabled & up → configured weight (or the `misc_dynamic` weight of its script checks), plus
 *   its file checks' changes (file-check.ts), clamped to 0-65535 (keepalived check_data.h
 *   `real_weight()` clamps to 0..INT32_MAX; 65535 is fleetlb's IPVS weight limit);
 * - draining → kept at weight 0 whatever its health (existing connections finish);
 * - disabled → absent;
 * - enabled & down → weight 0 with `inhibitOnFailure`, else absent;
 * - below quorum (see quorum.ts) with a sorry server → keepalived removes the alive real servers
 *   and adds the sorry server; fleetlb does the same, except that real servers which would be kept
 *   at weight 0 anyway (draining, inhibited) stay at weight 0 so their connections finish. Without a
 *   sorry server nothing changes below quorum (there is nowhere better to send traffic).
 */
import type { DirectorVirtualServer, RealServerSpec } from '../../../contract/virtual-server.js';
import type { IpvsDestination } from '../ipvs/model.js';
import { destinationKey } from '../ipvs/model.js';
import { destinationOfRealServer, sorryDestination } from '../ipvs/from-document.js';
import { quorumUp } from './quorum.js';

/** What the health layer knows about one real server, keyed by real-server name. */
export interface RealServerHealth {
  up: boolean;
  /** keepalived `misc_dynamic` weight, replacing the configured weight while up. */
  weightOverride?: number | undefined;
  /** Σ of its file checks' changes (keepalived FILE_CHECK), added to the weight while up. */
  weightDelta?: number | undefined;
}

/** fleetlb's largest IPVS weight (core/ipvs/encode-destination.ts). */
const MAX_WEIGHT = 65535;

export type DecideVirtualServer = Pick<
  DirectorVirtualServer,
  'forwarding' | 'quorum' | 'hysteresis' | 'sorryServer' | 'inhibitOnFailure'
> & { realServers: readonly RealServerSpec[] };

export interface Decision {
  destinations: IpvsDestination[];
  quorumUp: boolean;
  /** Σ effective weight of enabled, healthy real servers (what quorum is measured against). */
  healthyWeight: number;
  /** Number of enabled, healthy real servers (for metrics). */
  healthyServers: number;
}

/** A server's weight when it is enabled and healthy. */
function effectiveWeight(rs: RealServerSpec, health: RealServerHealth | undefined): number {
  const base = health?.weightOverride ?? rs.weight;
  return Math.min(MAX_WEIGHT, Math.max(0, base + (health?.weightDelta ?? 0)));
}

/** The weight to install for one real server, or undefined to leave it out. */
function normalWeight(
  rs: RealServerSpec,
  health: RealServerHealth | undefined,
  inhibitOnFailure: boolean,
): number | undefined {
  if (rs.adminState === 'disabled') return undefined;
  if (rs.adminState === 'draining') return 0;
  if (health?.up ?? true) return effectiveWeight(rs, health);
  return inhibitOnFailure ? 0 : undefined;
}

export function decideVirtualServer(
  vs: DecideVirtualServer,
  health: ReadonlyMap<string, RealServerHealth>,
  wasQuorumUp: boolean,
): Decision {
  let healthyWeight = 0;
  let healthyServers = 0;
  const normal: IpvsDestination[] = [];
  for (const rs of vs.realServers) {
    const h = health.get(rs.name);
    if (rs.adminState === 'enabled' && (h?.up ?? true)) {
      healthyWeight += effectiveWeight(rs, h);
      healthyServers += 1;
    }
    const weight = normalWeight(rs, h, vs.inhibitOnFailure);
    if (weight !== undefined) normal.push(destinationOfRealServer(vs, rs, weight));
  }
  const up = quorumUp({
    quorum: vs.quorum,
    hysteresis: vs.hysteresis,
    healthyWeight,
    wasUp: wasQuorumUp,
  });
  const destinations = up || vs.sorryServer === undefined ? normal : sorryMode(vs, normal);
  return { destinations, quorumUp: up, healthyWeight, healthyServers };
}

/** Below quorum: the sorry server plus the real servers that were at weight 0 anyway. */
function sorryMode(vs: DecideVirtualServer, normal: readonly IpvsDestination[]): IpvsDestination[] {
  const sorryDest = sorryDestination(vs);
  if (sorryDest === undefined) return [...normal];
  const sorryKey = destinationKey(sorryDest);
  const kept = normal.filter((d) => d.weight === 0 && destinationKey(d) !== sorryKey);
  return [...kept, sorryDest];
}
