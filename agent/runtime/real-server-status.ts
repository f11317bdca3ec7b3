/**
 * @module The real-server part of a status report: for each real server of the document in
 * force, the health the checks decided, the weight in force in the kernel and its connection
 * counters, joined by the real server's IPVS identity (core/ipvs/from-document.ts). A drain waits
 * on `activeConnections` reaching 0 on every director that carries the server.
 */
import type { RealServerStatus } from '../../contract/agent-status.js';
import type { DesiredState } from '../../contract/desired-state.js';
import type { RealServerHealth } from '../core/health/decide.js';
import { destinationOfRealServer, serviceIdOfVirtualServer } from '../core/ipvs/from-document.js';
import { destinationKey, serviceKey, type ObservedService } from '../core/ipvs/model.js';

/** No checks: always up; checks without a result yet: unknown. */
function reportedHealth(
  checks: number,
  h: RealServerHealth | undefined,
): RealServerStatus['health'] {
  if (checks === 0) return 'up';
  if (h === undefined) return 'unknown';
  return h.up ? 'up' : 'down';
}

/** Counters are bigint in the model; the report carries numbers (exact below 2^53). */
const toNumber = (value: bigint): number => Number(value);

export function realServerStatus(
  document: DesiredState,
  healthOf: (virtualServer: string) => ReadonlyMap<string, RealServerHealth>,
  observed: readonly ObservedService[],
): RealServerStatus[] {
  const services = new Map(observed.map((s) => [serviceKey(s), s]));
  return document.virtualServers.flatMap((vs) => {
    const service = services.get(serviceKey(serviceIdOfVirtualServer(vs)));
    const destinations = new Map((service?.destinations ?? []).map((d) => [destinationKey(d), d]));
    const health = healthOf(vs.name);
    return vs.realServers.map((rs) => {
      const dest = destinations.get(destinationKey(destinationOfRealServer(vs, rs, 0)));
      return {
        virtualServer: vs.name,
        realServer: rs.name,
        health: reportedHealth(rs.checks.length, health.get(rs.name)),
        weight: dest?.weight ?? 0,
        activeConnections: dest?.activeConnections ?? 0,
        inactiveConnections: dest?.inactiveConnections ?? 0,
        connectionsTotal: toNumber(dest?.stats.connections ?? 0n),
      } satisfies RealServerStatus;
    });
  });
}
