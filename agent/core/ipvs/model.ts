/**
 * @module The IPVS table as the agent sees it: services (virtual servers) and their
 * destinations (real servers), their identities and keys, and the counters the kernel keeps.
 * Shared by the generic-netlink codec, the planner and the adapter. Field meanings follow
 * `<linux/ip_vs.h>` (`IPVS_SVC_ATTR_*`, `IPVS_DEST_ATTR_*`, `IPVS_STATS_ATTR_*`).
 */

export type IpvsFamily = 'ipv4' | 'ipv6';
export type IpvsProtocol = 'tcp' | 'udp' | 'sctp';
/**
 * Forwarding method (`IP_VS_CONN_F_FWD_MASK` values): `nat` = MASQ (0), `tun` = TUNNEL (2),
 * `dr` = ROUTE/DROUTE (3). LOCALNODE (1) and BYPASS (4) are kernel-internal and read as `other`.
 */
export type IpvsForwarding = 'nat' | 'dr' | 'tun';

/** How a service is identified in the kernel: address/port/protocol, or a firewall mark. */
export type IpvsServiceId =
  | {
      family: IpvsFamily;
      protocol: IpvsProtocol;
      /** Canonical text (contract/ip.ts `canonicalAddress`). */
      address: string;
      port: number;
    }
  | { family: IpvsFamily; fwmark: number };

/** Scheduler flags (`IP_VS_SVC_F_SCHED1..3`): named as ipvsadm `-b` names them. */
export type IpvsSchedulerFlag = 'sh-fallback' | 'sh-port' | 'mh-fallback' | 'mh-port';

/** What can be changed in place on a service (IPVS_CMD_SET_SERVICE). */
export interface IpvsServiceConfig {
  /** Kernel scheduler module name without the `ip_vs_` prefix: `wlc`, `rr`, `mh` … */
  scheduler: string;
  schedulerFlags: readonly IpvsSchedulerFlag[];
  /** Persistence timeout in seconds (`IP_VS_SVC_F_PERSISTENT`); 0 = not persistent. */
  persistenceTimeoutS: number;
  /** Client prefix length grouped for persistence: 0-32 (IPv4) or 0-128 (IPv6). */
  persistenceNetmaskBits: number;
  /** `IP_VS_SVC_F_ONEPACKET` (ipvsadm `-o`, UDP only). */
  onePacket: boolean;
}

export type IpvsService = IpvsServiceId & IpvsServiceConfig;

export interface IpvsDestinationId {
  /** Canonical text. Its family may differ from the service's (IPVS_DEST_ATTR_ADDR_FAMILY). */
  address: string;
  port: number;
}

/** What can be changed in place on a destination (IPVS_CMD_SET_DEST). */
export interface IpvsDestinationConfig {
  forwarding: IpvsForwarding;
  /** 0-65535 here (the kernel takes an int ≥ 0); 0 drains: no new connections. */
  weight: number;
  /** 0 = no limit. */
  upperThreshold: number;
  lowerThreshold: number;
}

export type IpvsDestination = IpvsDestinationId & IpvsDestinationConfig;

/** `IPVS_STATS_ATTR_*` of STATS64: totals since creation plus the kernel's estimated rates. */
export interface IpvsStats {
  connections: bigint;
  inPackets: bigint;
  outPackets: bigint;
  inBytes: bigint;
  outBytes: bigint;
  connectionsPerSecond: bigint;
  inPacketsPerSecond: bigint;
  outPacketsPerSecond: bigint;
  inBytesPerSecond: bigint;
  outBytesPerSecond: bigint;
}

/** A destination as dumped from the kernel: config plus live counters. */
export interface ObservedDestination extends IpvsDestination {
  activeConnections: number;
  inactiveConnections: number;
  persistentConnections: number;
  stats: IpvsStats;
}

/** A service as wanted: config plus the destinations it must have. */
export type DesiredService = IpvsService & { destinations: readonly IpvsDestination[] };

/** A service as dumped from the kernel. */
export type ObservedService = IpvsService & {
  destinations: readonly ObservedDestination[];
  stats: IpvsStats;
};

export interface IpvsTable<S extends IpvsService = DesiredService> {
  services: readonly S[];
}

/** `svc:tcp:192.0.2.1:80`, `svc:fwmark:ipv6:7`: a stable map key for a service identity. */
export function serviceKey(id: IpvsServiceId): string {
  return 'fwmark' in id
    ? `svc:fwmark:${id.family}:${id.fwmark}`
    : `svc:${id.protocol}:${id.family === 'ipv6' ? `[${id.address}]` : id.address}:${id.port}`;
}

/** `[2001:db8::1]:80`, `192.0.2.1:80`: a destination's key within its service. */
export function destinationKey(id: IpvsDestinationId): string {
  return id.address.includes(':') ? `[${id.address}]:${id.port}` : `${id.address}:${id.port}`;
}

/** The identity part of a service, without its config. */
export function serviceIdOf(s: IpvsServiceId): IpvsServiceId {
  return 'fwmark' in s
    ? { family: s.family, fwmark: s.fwmark }
    : { family: s.family, protocol: s.protocol, address: s.address, port: s.port };
}

export const ZERO_STATS: IpvsStats = Object.freeze({
  connections: 0n,
  inPackets: 0n,
  outPackets: 0n,
  inBytes: 0n,
  outBytes: 0n,
  connectionsPerSecond: 0n,
  inPacketsPerSecond: 0n,
  outPacketsPerSecond: 0n,
  inBytesPerSecond: 0n,
  outBytesPerSecond: 0n,
});
