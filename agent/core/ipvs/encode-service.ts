/** @module Request payloads that name or configure an IPVS service (IPVS_CMD_*_SERVICE). */
import type { IpvsRequest } from './codec-types.js';
import {
  IP_VS_SCHEDNAME_MAXLEN,
  IpvsCmd,
  IpvsCmdAttr,
  IpvsSvcAttr,
  IpvsSvcFlag,
  NF_INET_ADDR_LENGTH,
} from './ip-vs-h.js';
import { afOf, ipv4Mask, protocolNumber, schedulerFlagBits, writeInetAddr } from './ipvs-values.js';
import type { IpvsService, IpvsServiceId } from './model.js';
import { type AttributeWriter, writeAttributes } from './netlink-attributes-writer.js';

// Encoders throw a `RangeError` for input the kernel would reject or misread (as the VRRP codec
// does): the desired state is validated upstream, so this is a programming error, not a runtime
// condition. Decoders, by contrast, never throw (see decode-service.ts).

/**
 * The largest persistence timeout: `ip_vs_add_service`/`ip_vs_edit_service` store
 * `u->timeout * HZ` in an `unsigned int`, which wraps above 2^32 / HZ seconds; this bound is
 * safe for every HZ up to 1000 (49.7 days).
 */
export const MAX_PERSISTENCE_TIMEOUT_S = Math.floor(0xffff_ffff / 1000);

/**
 * Writes the attributes that identify a service (what `ip_vs_genl_parse_service` needs when
 * `full_entry` is false): `IPVS_SVC_ATTR_AF` u16, then `FWMARK` u32, or `PROTOCOL` u16 +
 * `ADDR` (16-byte `nf_inet_addr`) + `PORT` be16.
 */
export function writeServiceId(w: AttributeWriter, id: IpvsServiceId): void {
  const family = id.family;
  if (family !== 'ipv4' && family !== 'ipv6')
    throw new RangeError(`unknown family: ${String(family)}`);
  if ('fwmark' in id) {
    if (!Number.isInteger(id.fwmark) || id.fwmark < 1 || id.fwmark > 0xffff_ffff) {
      // The kernel looks a service up by address when FWMARK is 0.
      throw new RangeError(`fwmark must be an integer in 1-4294967295, got ${id.fwmark}`);
    }
    w.u16(IpvsSvcAttr.AF, afOf(family));
    w.u32(IpvsSvcAttr.FWMARK, id.fwmark);
    return;
  }
  const protocol = protocolNumber(id.protocol);
  w.u16(IpvsSvcAttr.AF, afOf(family));
  w.u16(IpvsSvcAttr.PROTOCOL, protocol);
  const at = w.reserve(IpvsSvcAttr.ADDR, NF_INET_ADDR_LENGTH);
  if (writeInetAddr(w.buffer, at, id.address) !== family) {
    throw new RangeError(`not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address: ${id.address}`);
  }
  w.be16(IpvsSvcAttr.PORT, id.port);
}

/** Writes `IPVS_CMD_ATTR_SERVICE` with the identity only (DEL/GET_SERVICE and the DEST commands). */
export function writeServiceIdNest(w: AttributeWriter, id: IpvsServiceId): void {
  const mark = w.beginNest(IpvsCmdAttr.SERVICE);
  writeServiceId(w, id);
  w.endNest(mark);
}

function writeNetmask(w: AttributeWriter, s: IpvsService): void {
  const bits = s.persistenceNetmaskBits;
  if (s.family === 'ipv4') {
    if (!Number.isInteger(bits) || bits < 0 || bits > 32) {
      throw new RangeError(`IPv4 persistence netmask must be 0-32 bits, got ${bits}`);
    }
    w.be32(IpvsSvcAttr.NETMASK, ipv4Mask(bits)); // a __be32 mask
    return;
  }
  if (!Number.isInteger(bits) || bits < 1 || bits > 128) {
    // ip_vs_add_service/ip_vs_edit_service: IPv6 `plen < 1 || plen > 128` is EINVAL.
    throw new RangeError(`IPv6 persistence netmask must be 1-128 bits, got ${bits}`);
  }
  // The kernel reads the IPv6 prefix length as `(__force __u32) u->netmask`: host order.
  w.u32(IpvsSvcAttr.NETMASK, bits);
}

const SCHEDULER_NAME = /^[A-Za-z0-9_-]+$/;

/** Writes `IPVS_CMD_ATTR_SERVICE` with identity and every field NEW/SET_SERVICE require (`full_entry`). */
export function writeServiceNest(w: AttributeWriter, s: IpvsService): void {
  const { scheduler, persistenceTimeoutS: timeoutS } = s;
  if (!SCHEDULER_NAME.test(scheduler) || scheduler.length > IP_VS_SCHEDNAME_MAXLEN - 1) {
    throw new RangeError(
      `scheduler must be 1-15 of [A-Za-z0-9_-], got ${JSON.stringify(scheduler)}`,
    );
  }
  if (!Number.isInteger(timeoutS) || timeoutS < 0 || timeoutS > MAX_PERSISTENCE_TIMEOUT_S) {
    throw new RangeError(
      `persistenceTimeoutS must be 0-${MAX_PERSISTENCE_TIMEOUT_S}, got ${timeoutS}`,
    );
  }
  const flags =
    (timeoutS > 0 ? IpvsSvcFlag.PERSISTENT : 0) |
    (s.onePacket ? IpvsSvcFlag.ONEPACKET : 0) |
    schedulerFlagBits(scheduler, s.schedulerFlags);
  const mark = w.beginNest(IpvsCmdAttr.SERVICE);
  writeServiceId(w, s);
  w.string(IpvsSvcAttr.SCHED_NAME, scheduler);
  // struct ip_vs_flags {u32 flags; u32 mask}: the mask ~0 (as ipvsadm sends) makes these flags
  // replace the service's; the kernel re-adds IP_VS_SVC_F_HASHED itself.
  const at = w.reserve(IpvsSvcAttr.FLAGS, 8);
  const out = w.buffer;
  for (let i = 0; i < 4; i++) {
    out[at + i] = (flags >>> (8 * i)) & 0xff;
    out[at + 4 + i] = 0xff;
  }
  w.u32(IpvsSvcAttr.TIMEOUT, timeoutS);
  writeNetmask(w, s);
  w.endNest(mark);
}

/** `IPVS_CMD_ATTR_SERVICE` with the identity only, as a payload of its own. */
export function serviceIdNest(id: IpvsServiceId): Uint8Array {
  return writeAttributes((w) => writeServiceIdNest(w, id));
}

/** IPVS_CMD_NEW_SERVICE (ipvsadm -A). */
export function encodeNewService(s: IpvsService): IpvsRequest {
  return {
    command: IpvsCmd.NEW_SERVICE,
    payload: writeAttributes((w) => writeServiceNest(w, s)),
    dump: false,
  };
}

/** IPVS_CMD_SET_SERVICE (ipvsadm -E): replaces scheduler, flags, timeout and netmask in place. */
export function encodeSetService(s: IpvsService): IpvsRequest {
  return {
    command: IpvsCmd.SET_SERVICE,
    payload: writeAttributes((w) => writeServiceNest(w, s)),
    dump: false,
  };
}

/** IPVS_CMD_DEL_SERVICE (ipvsadm -D). */
export function encodeDelService(id: IpvsServiceId): IpvsRequest {
  return { command: IpvsCmd.DEL_SERVICE, payload: serviceIdNest(id), dump: false };
}

/** IPVS_CMD_GET_SERVICE for one service: the reply is one message like a dump entry. */
export function encodeGetService(id: IpvsServiceId): IpvsRequest {
  return { command: IpvsCmd.GET_SERVICE, payload: serviceIdNest(id), dump: false };
}

/** IPVS_CMD_GET_SERVICE as a dump of every service: no attributes. */
export function encodeGetServices(): IpvsRequest {
  return { command: IpvsCmd.GET_SERVICE, payload: new Uint8Array(0), dump: true };
}
