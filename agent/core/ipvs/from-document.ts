/**
 * @module From a director's desired-state document to IPVS terms: a virtual server becomes a
 * service (identity and config), a real server a destination. Which real servers are installed,
 * and at which weight, is the health layer's decision (core/health/decide.ts); this module only
 * translates. Every virtual server of the document is installed on the director whatever its
 * VRRP state, as keepalived does: traffic reaches only the MASTER (it holds the VIP), and a
 * takeover then needs no IPVS change at all.
 */
import type { DirectorVirtualServer, RealServerSpec } from '../../../contract/virtual-server.js';
import { canonicalAddress } from '../../../contract/ip.js';
import type { IpvsDestination, IpvsService, IpvsServiceId } from './model.js';

/** The service identity of a virtual server (address/port/protocol, or fwmark). */
export function serviceIdOfVirtualServer(vs: DirectorVirtualServer): IpvsServiceId {
  if (vs.fwmark !== undefined) return { family: vs.family, fwmark: vs.fwmark };
  if (vs.address === undefined || vs.port === undefined || vs.protocol === undefined) {
    // validateDesiredState refuses such a document before it gets here.
    throw new RangeError(`virtual server ${vs.name}: neither fwmark nor address/port/protocol`);
  }
  return {
    family: vs.family,
    protocol: vs.protocol,
    address: canonicalAddress(vs.address) ?? vs.address,
    port: vs.port,
  };
}

/** The IPVS service of a virtual server. */
export function serviceOfVirtualServer(vs: DirectorVirtualServer): IpvsService {
  const fullMask = vs.family === 'ipv6' ? 128 : 32;
  return {
    ...serviceIdOfVirtualServer(vs),
    scheduler: vs.scheduler,
    schedulerFlags: [...vs.schedulerFlags],
    persistenceTimeoutS: vs.persistence?.timeoutS ?? 0,
    persistenceNetmaskBits: vs.persistence?.netmask ?? fullMask,
    onePacket: false,
  };
}

/** The IPVS destination of a real server at `weight` (its own forwarding, else the VS's). */
export function destinationOfRealServer(
  vs: Pick<DirectorVirtualServer, 'forwarding'>,
  rs: RealServerSpec,
  weight: number,
): IpvsDestination {
  return {
    address: canonicalAddress(rs.address) ?? rs.address,
    port: rs.port,
    forwarding: rs.forwarding ?? vs.forwarding,
    weight,
    upperThreshold: rs.upperThreshold,
    lowerThreshold: rs.lowerThreshold,
  };
}

/** The sorry server's destination (installed while the virtual server is below quorum). */
export function sorryDestination(
  vs: Pick<DirectorVirtualServer, 'forwarding' | 'sorryServer'>,
): IpvsDestination | undefined {
  const sorry = vs.sorryServer;
  if (sorry === undefined) return undefined;
  return {
    address: canonicalAddress(sorry.address) ?? sorry.address,
    port: sorry.port,
    forwarding: sorry.forwarding ?? vs.forwarding,
    weight: 1,
    upperThreshold: 0,
    lowerThreshold: 0,
  };
}
