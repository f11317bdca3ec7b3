/**
 * @module Decoding the GET_DAEMON dump: one message (command IPVS_CMD_NEW_DAEMON) per running
 * sync daemon, each an `IPVS_CMD_ATTR_DAEMON` nest written by `ip_vs_genl_fill_daemon`
 * (net/netfilter/ipvs/ip_vs_ctl.c): STATE, MCAST_IFN, SYNC_ID, SYNC_MAXLEN, MCAST_PORT,
 * MCAST_TTL and MCAST_GROUP or MCAST_GROUP6. Kernels before 4.7 send only the first three; the
 * rest then read as the defaults those kernels used.
 */
import type { IpvsDecodeResult } from './codec-types.js';
import type { ObservedSyncDaemon } from './daemon-model.js';
import { AttributeScope, runDecoder } from './decode-common.js';
import { IP_VS_SYNC_DEFAULTS, IpvsCmdAttr, IpvsDaemonAttr, IpvsDaemonState } from './ip-vs-h.js';
import { addressTextAt } from './ipvs-values.js';
import { NetlinkAttributeError, readString, type NetlinkAttribute } from './netlink-attributes.js';

/** The payload of one GET_DAEMON reply message. Never throws. */
export function decodeDaemon(payload: Uint8Array): IpvsDecodeResult<ObservedSyncDaemon> {
  return runDecoder<ObservedSyncDaemon, never>(() => {
    const root = AttributeScope.parse('', payload);
    const nest = root.requiredNest(IpvsCmdAttr.DAEMON, 'IPVS_CMD_ATTR_DAEMON');
    const state = nest.requiredNumber(IpvsDaemonAttr.STATE, 'IPVS_DAEMON_ATTR_STATE', 'u32');
    if (state !== IpvsDaemonState.MASTER && state !== IpvsDaemonState.BACKUP)
      throw nest.unsupported('IPVS_DAEMON_ATTR_STATE', `unknown daemon state ${state}`);
    const name = nest.required(IpvsDaemonAttr.MCAST_IFN, 'IPVS_DAEMON_ATTR_MCAST_IFN', readString);
    if (name === '') throw nest.malformed('IPVS_DAEMON_ATTR_MCAST_IFN', 'empty interface name');
    const syncId = nest.requiredNumber(IpvsDaemonAttr.SYNC_ID, 'IPVS_DAEMON_ATTR_SYNC_ID', 'u32');
    const maxLength = nest.number(
      IpvsDaemonAttr.SYNC_MAXLEN,
      'IPVS_DAEMON_ATTR_SYNC_MAXLEN',
      'u16',
    );
    const port = nest.number(IpvsDaemonAttr.MCAST_PORT, 'IPVS_DAEMON_ATTR_MCAST_PORT', 'u16');
    const ttl = nest.number(IpvsDaemonAttr.MCAST_TTL, 'IPVS_DAEMON_ATTR_MCAST_TTL', 'u8');
    const group =
      nest.optional(IpvsDaemonAttr.MCAST_GROUP, 'IPVS_DAEMON_ATTR_MCAST_GROUP', (a) =>
        groupText(a, 'ipv4'),
      ) ??
      nest.optional(IpvsDaemonAttr.MCAST_GROUP6, 'IPVS_DAEMON_ATTR_MCAST_GROUP6', (a) =>
        groupText(a, 'ipv6'),
      );
    return {
      role: state === IpvsDaemonState.MASTER ? 'master' : 'backup',
      interface: name,
      syncId,
      // 0: a kernel that does not report it (before 4.7); the planner never compares it then.
      maxLengthBytes: maxLength ?? 0,
      group: group ?? IP_VS_SYNC_DEFAULTS.group,
      port: port ?? IP_VS_SYNC_DEFAULTS.port,
      ttl: ttl ?? IP_VS_SYNC_DEFAULTS.ttl,
    };
  });
}

/** A group address: exactly 4 bytes (`nla_put_in_addr`) or 16 (`nla_put_in6_addr`). */
function groupText(a: NetlinkAttribute, family: 'ipv4' | 'ipv6'): string {
  const size = family === 'ipv4' ? 4 : 16;
  const text = a.payload.length === size ? addressTextAt(a.payload, 0, size, family) : undefined;
  if (text === undefined)
    throw new NetlinkAttributeError(
      `a ${family} group needs ${size} bytes, got ${a.payload.length}`,
    );
  return text;
}
