/** @module Request payloads for an IPVS service's destinations (IPVS_CMD_*_DEST). */
import type { IpvsRequest } from './codec-types.js';
import { serviceIdNest, writeServiceIdNest } from './encode-service.js';
import { IpvsCmd, IpvsCmdAttr, IpvsDestAttr, NF_INET_ADDR_LENGTH } from './ip-vs-h.js';
import { afOf, fwdMethodOf, writeInetAddr } from './ipvs-values.js';
import type { IpvsDestination, IpvsDestinationId, IpvsFamily, IpvsServiceId } from './model.js';
import { type AttributeWriter, writeAttributes } from './netlink-attributes-writer.js';

// Like the service encoders, these throw a `RangeError` for input the kernel would reject.
// `IPVS_DEST_ATTR_ADDR_FAMILY` is always sent: without it the kernel assumes the service's
// family, which is wrong for an IPv4 destination of an IPv6 service (or the reverse).

/** Writes ADDR (16-byte `nf_inet_addr`) and PORT, parsing the address once; returns its family. */
function writeIdentity(w: AttributeWriter, id: IpvsDestinationId): IpvsFamily {
  const at = w.reserve(IpvsDestAttr.ADDR, NF_INET_ADDR_LENGTH);
  const family = writeInetAddr(w.buffer, at, id.address);
  if (!family) throw new RangeError(`not an IP address: ${id.address}`);
  w.be16(IpvsDestAttr.PORT, id.port);
  return family;
}

function checkU32(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new RangeError(`${name} must be an integer in 0-4294967295, got ${value}`);
  }
}

function checkDestination(service: IpvsServiceId, d: IpvsDestination, family: IpvsFamily): void {
  if (family !== service.family && d.forwarding !== 'tun') {
    // ip_vs_genl_set_cmd: a destination of the other family is EINVAL unless tunnelled.
    throw new RangeError(
      `an ${family} destination of an ${service.family} service needs tun forwarding`,
    );
  }
  if (!Number.isInteger(d.weight) || d.weight < 0 || d.weight > 65535) {
    throw new RangeError(`weight must be an integer in 0-65535, got ${d.weight}`);
  }
  checkU32('upperThreshold', d.upperThreshold);
  checkU32('lowerThreshold', d.lowerThreshold);
  if (d.lowerThreshold > d.upperThreshold) {
    // ip_vs_add_dest/ip_vs_edit_dest: ERANGE, even when the upper threshold is 0 (no limit).
    throw new RangeError(
      `lowerThreshold ${d.lowerThreshold} exceeds upperThreshold ${d.upperThreshold}`,
    );
  }
}

/**
 * Writes `IPVS_CMD_ATTR_DEST` with every field NEW/SET_DEST require (`ip_vs_genl_parse_dest` with
 * `full_entry`): ADDR, PORT, FWD_METHOD, WEIGHT, U_THRESH, L_THRESH (all u32), ADDR_FAMILY u16.
 * TUN_TYPE/TUN_PORT/TUN_FLAGS are left out: the kernel then uses an IPIP tunnel.
 */
export function writeDestinationNest(
  w: AttributeWriter,
  service: IpvsServiceId,
  d: IpvsDestination,
): void {
  const mark = w.beginNest(IpvsCmdAttr.DEST);
  const family = writeIdentity(w, d);
  const fwd = fwdMethodOf(d.forwarding);
  checkDestination(service, d, family);
  w.u32(IpvsDestAttr.FWD_METHOD, fwd);
  w.u32(IpvsDestAttr.WEIGHT, d.weight);
  w.u32(IpvsDestAttr.U_THRESH, d.upperThreshold);
  w.u32(IpvsDestAttr.L_THRESH, d.lowerThreshold);
  w.u16(IpvsDestAttr.ADDR_FAMILY, afOf(family));
  w.endNest(mark);
}

/** Writes `IPVS_CMD_ATTR_DEST` naming a destination only (DEL_DEST): ADDR, PORT, ADDR_FAMILY. */
export function writeDestinationIdNest(w: AttributeWriter, id: IpvsDestinationId): void {
  const mark = w.beginNest(IpvsCmdAttr.DEST);
  const family = writeIdentity(w, id);
  w.u16(IpvsDestAttr.ADDR_FAMILY, afOf(family));
  w.endNest(mark);
}

function serviceAndDestination(service: IpvsServiceId, d: IpvsDestination): Uint8Array {
  return writeAttributes((w) => {
    writeServiceIdNest(w, service);
    writeDestinationNest(w, service, d);
  });
}

/** IPVS_CMD_NEW_DEST (ipvsadm -a): the service's identity nest, then the destination nest. */
export function encodeNewDestination(service: IpvsServiceId, d: IpvsDestination): IpvsRequest {
  const payload = serviceAndDestination(service, d);
  return { command: IpvsCmd.NEW_DEST, payload, dump: false };
}

/** IPVS_CMD_SET_DEST (ipvsadm -e): forwarding, weight and thresholds in place. */
export function encodeSetDestination(service: IpvsServiceId, d: IpvsDestination): IpvsRequest {
  const payload = serviceAndDestination(service, d);
  return { command: IpvsCmd.SET_DEST, payload, dump: false };
}

/** IPVS_CMD_DEL_DEST (ipvsadm -d). */
export function encodeDelDestination(service: IpvsServiceId, id: IpvsDestinationId): IpvsRequest {
  const payload = writeAttributes((w) => {
    writeServiceIdNest(w, service);
    writeDestinationIdNest(w, id);
  });
  return { command: IpvsCmd.DEL_DEST, payload, dump: false };
}

/** IPVS_CMD_GET_DEST as a dump of one service's destinations: the service's identity nest. */
export function encodeGetDestinations(service: IpvsServiceId): IpvsRequest {
  return { command: IpvsCmd.GET_DEST, payload: serviceIdNest(service), dump: true };
}
