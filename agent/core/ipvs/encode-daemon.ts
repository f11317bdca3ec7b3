/**
 * @module Request payloads for the IPVS sync daemons: IPVS_CMD_NEW_DAEMON, DEL_DAEMON and the
 * GET_DAEMON dump (ipvsadm --start-daemon / --stop-daemon / -L --daemon). Everything sits in one
 * `IPVS_CMD_ATTR_DAEMON` nest (net/netfilter/ipvs/ip_vs_ctl.c `ip_vs_genl_set_daemon`).
 */
import { parseIpv4, parseIpv6 } from '../../../contract/ip.js';
import type { IpvsRequest } from './codec-types.js';
import type { SyncDaemonConfig, SyncDaemonRole } from './daemon-model.js';
import {
  IP_VS_IFNAME_MAXLEN,
  IpvsCmd,
  IpvsCmdAttr,
  IpvsDaemonAttr,
  IpvsDaemonState,
} from './ip-vs-h.js';
import { checkUint, writeAttributes } from './netlink-attributes-writer.js';

/** `IP_VS_STATE_MASTER` / `IP_VS_STATE_BACKUP` of a role. */
export function daemonState(role: SyncDaemonRole): number {
  return role === 'master' ? IpvsDaemonState.MASTER : IpvsDaemonState.BACKUP;
}

/**
 * IPVS_CMD_NEW_DAEMON: STATE, MCAST_IFN and SYNC_ID are required by the kernel; maxlen, group,
 * port and TTL only when given (the kernel's defaults otherwise). Throws a `RangeError` for what
 * the kernel would refuse: an interface name over 15 bytes, a sync id over 255, a group that is
 * not multicast (`ip_vs_genl_new_daemon` answers EINVAL), a zero port or TTL (the kernel reads 0
 * as "default", so it is refused here to keep "default" explicit).
 */
export function encodeNewDaemon(config: SyncDaemonConfig): IpvsRequest {
  checkInterface(config.interface);
  checkUint('syncId', config.syncId, 255);
  const group = config.group === undefined ? undefined : multicastGroup(config.group);
  if (config.maxLengthBytes !== undefined)
    checkPositive('maxLengthBytes', config.maxLengthBytes, 0xffff);
  if (config.port !== undefined) checkPositive('port', config.port, 0xffff);
  if (config.ttl !== undefined) checkPositive('ttl', config.ttl, 0xff);
  const payload = writeAttributes((w) => {
    const nest = w.beginNest(IpvsCmdAttr.DAEMON);
    w.u32(IpvsDaemonAttr.STATE, daemonState(config.role));
    w.string(IpvsDaemonAttr.MCAST_IFN, config.interface);
    w.u32(IpvsDaemonAttr.SYNC_ID, config.syncId);
    if (config.maxLengthBytes !== undefined)
      w.u16(IpvsDaemonAttr.SYNC_MAXLEN, config.maxLengthBytes);
    if (group?.family === 'ipv4') w.bytes(IpvsDaemonAttr.MCAST_GROUP, group.bytes);
    if (group?.family === 'ipv6') w.bytes(IpvsDaemonAttr.MCAST_GROUP6, group.bytes);
    if (config.port !== undefined) w.u16(IpvsDaemonAttr.MCAST_PORT, config.port);
    if (config.ttl !== undefined) w.u8(IpvsDaemonAttr.MCAST_TTL, config.ttl);
    w.endNest(nest);
  });
  return { command: IpvsCmd.NEW_DAEMON, payload, dump: false };
}

/**
 * IPVS_CMD_DEL_DAEMON: only STATE is read (`ip_vs_genl_del_daemon`); the kernel answers ESRCH
 * when that daemon does not run.
 */
export function encodeDelDaemon(role: SyncDaemonRole): IpvsRequest {
  const payload = writeAttributes((w) => {
    const nest = w.beginNest(IpvsCmdAttr.DAEMON);
    w.u32(IpvsDaemonAttr.STATE, daemonState(role));
    w.endNest(nest);
  });
  return { command: IpvsCmd.DEL_DAEMON, payload, dump: false };
}

/** IPVS_CMD_GET_DAEMON: a dump (the kernel has no doit for it), one message per running daemon. */
export function encodeGetDaemons(): IpvsRequest {
  return { command: IpvsCmd.GET_DAEMON, payload: new Uint8Array(0), dump: true };
}

function checkInterface(name: string): void {
  const bytes = new TextEncoder().encode(name).length;
  if (bytes === 0 || bytes > IP_VS_IFNAME_MAXLEN - 1)
    throw new RangeError(
      `interface must be 1-${IP_VS_IFNAME_MAXLEN - 1} bytes, got ${JSON.stringify(name)}`,
    );
}

function checkPositive(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new RangeError(`${name} must be an integer in 1-${max}, got ${value}`);
}

/** The group's bytes in network order, refusing a non-multicast address. */
function multicastGroup(text: string): { family: 'ipv4' | 'ipv6'; bytes: Uint8Array } {
  const v4 = parseIpv4(text);
  if (v4) {
    if (v4[0]! < 224 || v4[0]! > 239) throw new RangeError(`not an IPv4 multicast group: ${text}`);
    return { family: 'ipv4', bytes: Uint8Array.from(v4) };
  }
  const v6 = parseIpv6(text);
  if (!v6) throw new RangeError(`not an address: ${text}`);
  if (v6[0]! >> 8 !== 0xff) throw new RangeError(`not an IPv6 multicast group: ${text}`);
  const bytes = new Uint8Array(16);
  v6.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return { family: 'ipv6', bytes };
}
