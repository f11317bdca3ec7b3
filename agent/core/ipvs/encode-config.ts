/** @module Request payloads for IPVS-wide commands: info, timeouts (config), flush and zero. */
import type { IpvsRequest, IpvsTimeouts } from './codec-types.js';
import { serviceIdNest } from './encode-service.js';
import { IpvsCmd, IpvsCmdAttr } from './ip-vs-h.js';
import type { IpvsServiceId } from './model.js';
import { writeAttributes } from './netlink-attributes-writer.js';

/**
 * The largest connection timeout `ip_vs_set_timeout` accepts for every HZ up to 1000: it rejects
 * values above `INT_MAX / HZ` seconds.
 */
export const MAX_CONNECTION_TIMEOUT_S = Math.floor(0x7fff_ffff / 1000);

/** IPVS_CMD_GET_INFO: no attributes; the reply (IPVS_CMD_SET_INFO) carries `IPVS_INFO_ATTR_*`. */
export function encodeGetInfo(): IpvsRequest {
  return { command: IpvsCmd.GET_INFO, payload: new Uint8Array(0), dump: false };
}

/** IPVS_CMD_GET_CONFIG: no attributes; the reply (IPVS_CMD_SET_CONFIG) carries the timeouts. */
export function encodeGetConfig(): IpvsRequest {
  return { command: IpvsCmd.GET_CONFIG, payload: new Uint8Array(0), dump: false };
}

const TIMEOUT_ATTRIBUTES: readonly (readonly [keyof IpvsTimeouts, number])[] = [
  ['tcpTimeoutS', IpvsCmdAttr.TIMEOUT_TCP],
  ['tcpFinTimeoutS', IpvsCmdAttr.TIMEOUT_TCP_FIN],
  ['udpTimeoutS', IpvsCmdAttr.TIMEOUT_UDP],
];

/**
 * IPVS_CMD_SET_CONFIG (ipvsadm --set): `IPVS_CMD_ATTR_TIMEOUT_TCP/TCP_FIN/UDP` u32 seconds. A
 * field left out keeps its current value (`ip_vs_genl_set_config` starts from the current ones);
 * 0 would mean the same to the kernel, so it is refused here to keep "unchanged" explicit.
 * Throws a `RangeError` for a value outside 1-`MAX_CONNECTION_TIMEOUT_S` or an empty request.
 */
export function encodeSetTimeouts(timeouts: Partial<IpvsTimeouts>): IpvsRequest {
  const given = TIMEOUT_ATTRIBUTES.filter(([field]) => timeouts[field] !== undefined);
  for (const [field] of given) {
    const value = timeouts[field]!;
    if (!Number.isInteger(value) || value < 1 || value > MAX_CONNECTION_TIMEOUT_S) {
      throw new RangeError(
        `${field} must be an integer in 1-${MAX_CONNECTION_TIMEOUT_S}, got ${value}`,
      );
    }
  }
  if (given.length === 0) throw new RangeError('encodeSetTimeouts needs at least one timeout');
  const payload = writeAttributes((w) => {
    for (const [field, type] of given) w.u32(type, timeouts[field]!);
  });
  return { command: IpvsCmd.SET_CONFIG, payload, dump: false };
}

/** IPVS_CMD_FLUSH (ipvsadm -C): deletes every service. No attributes. */
export function encodeFlush(): IpvsRequest {
  return { command: IpvsCmd.FLUSH, payload: new Uint8Array(0), dump: false };
}

/** IPVS_CMD_ZERO (ipvsadm -Z): zeroes one service's counters, or every counter without one. */
export function encodeZero(service?: IpvsServiceId): IpvsRequest {
  const payload = service ? serviceIdNest(service) : new Uint8Array(0);
  return { command: IpvsCmd.ZERO, payload, dump: false };
}
