/** @module The numbers of `<linux/ip_vs.h>` (and the few socket constants) the IPVS generic-netlink codec uses. */

/** `IPVS_GENL_NAME`: the generic-netlink family to resolve with CTRL_CMD_GETFAMILY. */
export const IPVS_GENL_NAME = 'IPVS';
/** `IPVS_GENL_VERSION`: the genlmsghdr version byte of every request. */
export const IPVS_GENL_VERSION = 1;

/** `enum { IPVS_CMD_* }`: generic-netlink commands (the genlmsghdr `cmd`). */
export const IpvsCmd = {
  NEW_SERVICE: 1,
  SET_SERVICE: 2,
  DEL_SERVICE: 3,
  GET_SERVICE: 4,
  NEW_DEST: 5,
  SET_DEST: 6,
  DEL_DEST: 7,
  GET_DEST: 8,
  NEW_DAEMON: 9,
  DEL_DAEMON: 10,
  GET_DAEMON: 11,
  SET_CONFIG: 12,
  GET_CONFIG: 13,
  /** Only the command of a GET_INFO reply. */
  SET_INFO: 14,
  GET_INFO: 15,
  ZERO: 16,
  FLUSH: 17,
} as const;

/** `enum { IPVS_CMD_ATTR_* }`: first-level attributes of a message. */
export const IpvsCmdAttr = {
  SERVICE: 1,
  DEST: 2,
  DAEMON: 3,
  TIMEOUT_TCP: 4,
  TIMEOUT_TCP_FIN: 5,
  TIMEOUT_UDP: 6,
} as const;

/** `enum { IPVS_SVC_ATTR_* }`: inside the `IPVS_CMD_ATTR_SERVICE` nest. */
export const IpvsSvcAttr = {
  AF: 1,
  PROTOCOL: 2,
  ADDR: 3,
  PORT: 4,
  FWMARK: 5,
  SCHED_NAME: 6,
  FLAGS: 7,
  TIMEOUT: 8,
  NETMASK: 9,
  STATS: 10,
  PE_NAME: 11,
  STATS64: 12,
} as const;

/** `enum { IPVS_DEST_ATTR_* }`: inside the `IPVS_CMD_ATTR_DEST` nest. */
export const IpvsDestAttr = {
  ADDR: 1,
  PORT: 2,
  FWD_METHOD: 3,
  WEIGHT: 4,
  U_THRESH: 5,
  L_THRESH: 6,
  ACTIVE_CONNS: 7,
  INACT_CONNS: 8,
  PERSIST_CONNS: 9,
  STATS: 10,
  ADDR_FAMILY: 11,
  STATS64: 12,
  TUN_TYPE: 13,
  TUN_PORT: 14,
  TUN_FLAGS: 15,
} as const;

/** `enum { IPVS_STATS_ATTR_* }`: inside the STATS / STATS64 nests. PAD is alignment filler. */
export const IpvsStatsAttr = {
  CONNS: 1,
  INPKTS: 2,
  OUTPKTS: 3,
  INBYTES: 4,
  OUTBYTES: 5,
  CPS: 6,
  INPPS: 7,
  OUTPPS: 8,
  INBPS: 9,
  OUTBPS: 10,
  PAD: 11,
} as const;

/** `enum { IPVS_INFO_ATTR_* }`: first-level attributes of the GET_INFO reply. */
export const IpvsInfoAttr = { VERSION: 1, CONN_TAB_SIZE: 2 } as const;

/** `IP_VS_SVC_F_*`: virtual service flags (`struct ip_vs_flags`). */
export const IpvsSvcFlag = {
  PERSISTENT: 0x0001,
  /** Kernel-internal: set on every hashed service, comes back in dumps, never sent. */
  HASHED: 0x0002,
  ONEPACKET: 0x0004,
  /** `IP_VS_SVC_F_SCHED_SH_FALLBACK`, and `IP_VS_SVC_F_SCHED_MH_FALLBACK` (ip_vs_mh.c). */
  SCHED1: 0x0008,
  /** `IP_VS_SVC_F_SCHED_SH_PORT`, and `IP_VS_SVC_F_SCHED_MH_PORT` (ip_vs_mh.c). */
  SCHED2: 0x0010,
  /** Unused by every in-tree scheduler. */
  SCHED3: 0x0020,
} as const;

/** `IP_VS_CONN_F_FWD_MASK` and its values: the forwarding method of a destination. */
export const IP_VS_CONN_F_FWD_MASK = 0x0007;
export const IpvsFwd = { MASQ: 0, LOCALNODE: 1, TUNNEL: 2, DROUTE: 3, BYPASS: 4 } as const;

/** `IP_VS_CONN_F_TUNNEL_TYPE_*`: encapsulation of a TUNNEL destination. */
export const IpvsTunnelType = { IPIP: 0, GUE: 1, GRE: 2 } as const;

/** `IP_VS_SCHEDNAME_MAXLEN` (16, with the NUL): the policy allows 15 characters of name. */
export const IP_VS_SCHEDNAME_MAXLEN = 16;
/** `IP_VS_VERSION_CODE` of current kernels (1.2.1), as GET_INFO reports it. */
export const IP_VS_VERSION_CODE = 0x010201;

/** `AF_INET` / `AF_INET6` from `<linux/socket.h>`: IPVS_SVC_ATTR_AF, IPVS_DEST_ATTR_ADDR_FAMILY. */
export const AF_INET = 2;
export const AF_INET6 = 10;
/** `IPPROTO_*` from `<linux/in.h>`: IPVS_SVC_ATTR_PROTOCOL. */
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

/** `sizeof(union nf_inet_addr)`: every IPVS address attribute, IPv4 in the first 4 bytes. */
export const NF_INET_ADDR_LENGTH = 16;

/** `enum { IPVS_DAEMON_ATTR_* }`: inside the `IPVS_CMD_ATTR_DAEMON` nest (the sync daemons). */
export const IpvsDaemonAttr = {
  /** u32: `IP_VS_STATE_MASTER` or `IP_VS_STATE_BACKUP`. */
  STATE: 1,
  /** NUL-terminated interface name, at most `IP_VS_IFNAME_MAXLEN - 1` bytes. */
  MCAST_IFN: 2,
  /** u32 (the kernel keeps a u8: 0-255). */
  SYNC_ID: 3,
  /** u16 host order: the UDP payload size of sync messages. */
  SYNC_MAXLEN: 4,
  /** be32: an IPv4 multicast group (`nla_get_in_addr`). */
  MCAST_GROUP: 5,
  /** 16 bytes: an IPv6 multicast group (`nla_get_in6_addr`). */
  MCAST_GROUP6: 6,
  /** u16 host order: the base UDP port (one port per sync thread from it). */
  MCAST_PORT: 7,
  /** u8. */
  MCAST_TTL: 8,
} as const;

/** `IP_VS_STATE_*`: which sync daemon (`ipvs->sync_state` is a bit set of both). */
export const IpvsDaemonState = { NONE: 0, MASTER: 1, BACKUP: 2 } as const;

/** `IP_VS_IFNAME_MAXLEN` (16, with the NUL). */
export const IP_VS_IFNAME_MAXLEN = 16;

/** The kernel's defaults when a NEW_DAEMON leaves them out (ip_vs_sync.c `start_sync_thread`). */
export const IP_VS_SYNC_DEFAULTS = {
  /** `IP_VS_SYNC_GROUP` 0xe0000051. */
  group: '224.0.0.81',
  /** `IP_VS_SYNC_PORT`. */
  port: 8848,
  ttl: 1,
} as const;
