/**
 * @module The kernel's IPVS connection-sync daemons as the codec and the planner see them
 * (net/netfilter/ipvs/ip_vs_sync.c). A network namespace runs at most one master daemon (it
 * multicasts the connection table) and one backup daemon (it receives and installs it); both
 * may run at once.
 */

export type SyncDaemonRole = 'master' | 'backup';

/** What NEW_DAEMON asks for: a field left out takes the kernel's default. */
export interface SyncDaemonConfig {
  role: SyncDaemonRole;
  /** `mcast_ifn`: the interface the daemon sends or listens on. */
  interface: string;
  /** 0-255: a backup keeps only the messages of its own sync id. */
  syncId: number;
  /** UDP payload size (the kernel clamps it to the link's MTU; default: MTU minus headers). */
  maxLengthBytes?: number | undefined;
  /** Multicast group, IPv4 or IPv6 (default 224.0.0.81, `IP_VS_SYNC_GROUP`). */
  group?: string | undefined;
  /** Base UDP port (default 8848, `IP_VS_SYNC_PORT`). */
  port?: number | undefined;
  /** Multicast TTL (default 1). */
  ttl?: number | undefined;
}

/** A running daemon as GET_DAEMON reports it: the kernel fills in every default. */
export interface ObservedSyncDaemon {
  role: SyncDaemonRole;
  interface: string;
  syncId: number;
  maxLengthBytes: number;
  group: string;
  port: number;
  ttl: number;
}
