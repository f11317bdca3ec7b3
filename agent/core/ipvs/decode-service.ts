/** @module Decoding one IPVS_CMD_GET_SERVICE reply (a dump entry) into an observed service. */
import type { IpvsDecodeOptions, IpvsDecodeResult } from './codec-types.js';
import { AttributeScope, runDecoder } from './decode-common.js';
import { decodeStats } from './decode-stats.js';
import { IpvsCmdAttr, IpvsSvcAttr, IpvsSvcFlag } from './ip-vs-h.js';
import {
  SCHED_FLAG_MASK,
  familyOfAf,
  ipv4MaskBits,
  protocolOfNumber,
  schedulerFlagsOf,
} from './ipvs-values.js';
import type { IpvsFamily, IpvsServiceConfig, IpvsServiceId, ObservedService } from './model.js';
import { NetlinkAttributeError, readString, type NetlinkAttribute } from './netlink-attributes.js';

const STATS64 = [IpvsSvcAttr.STATS64, 'IPVS_SVC_ATTR_STATS64'] as const;
const STATS32 = [IpvsSvcAttr.STATS, 'IPVS_SVC_ATTR_STATS'] as const;
const KNOWN_FLAGS = IpvsSvcFlag.PERSISTENT | IpvsSvcFlag.ONEPACKET | SCHED_FLAG_MASK;

function serviceId(svc: AttributeScope): IpvsServiceId {
  const af = svc.requiredNumber(IpvsSvcAttr.AF, 'IPVS_SVC_ATTR_AF', 'u16');
  const family = familyOfAf(af);
  if (!family) throw svc.unsupported('IPVS_SVC_ATTR_AF', `address family ${af}`);
  // ip_vs_genl_fill_service sends FWMARK for a fwmark service, else PROTOCOL + ADDR + PORT.
  const fwmark = svc.number(IpvsSvcAttr.FWMARK, 'IPVS_SVC_ATTR_FWMARK', 'u32');
  if (fwmark !== undefined) {
    if (fwmark === 0) throw svc.malformed('IPVS_SVC_ATTR_FWMARK', 'fwmark 0');
    return { family, fwmark };
  }
  const number = svc.requiredNumber(IpvsSvcAttr.PROTOCOL, 'IPVS_SVC_ATTR_PROTOCOL', 'u16');
  const protocol = protocolOfNumber(number);
  if (!protocol) throw svc.unsupported('IPVS_SVC_ATTR_PROTOCOL', `IP protocol ${number}`);
  const address = svc.requiredAddress(IpvsSvcAttr.ADDR, 'IPVS_SVC_ATTR_ADDR', family);
  const port = svc.requiredNumber(IpvsSvcAttr.PORT, 'IPVS_SVC_ATTR_PORT', 'be16');
  return { family, protocol, address, port };
}

/** `struct ip_vs_flags`: the `flags` word (host order); the kernel always sends `mask` = ~0. */
function readFlags(a: NetlinkAttribute): number {
  if (a.payload.length !== 8)
    throw new NetlinkAttributeError(`ip_vs_flags needs 8 bytes, got ${a.payload.length}`);
  const p = a.payload;
  return (p[0]! | (p[1]! << 8) | (p[2]! << 16) | (p[3]! << 24)) >>> 0;
}

/** NETMASK: a `__be32` mask for IPv4, a host-order prefix length for IPv6 (ip_vs_ctl.c). */
function netmaskBits(svc: AttributeScope, family: IpvsFamily): number {
  const name = 'IPVS_SVC_ATTR_NETMASK';
  if (family === 'ipv4') {
    const mask = svc.requiredNumber(IpvsSvcAttr.NETMASK, name, 'be32');
    const bits = ipv4MaskBits(mask);
    if (bits === undefined)
      throw svc.unsupported(name, `non-contiguous mask 0x${mask.toString(16)}`);
    return bits;
  }
  const bits = svc.requiredNumber(IpvsSvcAttr.NETMASK, name, 'u32');
  if (bits > 128) throw svc.malformed(name, `IPv6 prefix length ${bits}`);
  return bits;
}

function serviceConfig(svc: AttributeScope, family: IpvsFamily): IpvsServiceConfig {
  const scheduler = svc.required(IpvsSvcAttr.SCHED_NAME, 'IPVS_SVC_ATTR_SCHED_NAME', readString);
  if (scheduler === '') throw svc.malformed('IPVS_SVC_ATTR_SCHED_NAME', 'empty scheduler name');
  const pe = svc.optional(IpvsSvcAttr.PE_NAME, 'IPVS_SVC_ATTR_PE_NAME', readString);
  if (pe) throw svc.unsupported('IPVS_SVC_ATTR_PE_NAME', `persistence engine ${pe}`);
  // IP_VS_SVC_F_HASHED is kernel bookkeeping, set on every live service: ignored.
  const flags =
    svc.required(IpvsSvcAttr.FLAGS, 'IPVS_SVC_ATTR_FLAGS', readFlags) & ~IpvsSvcFlag.HASHED;
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    throw svc.unsupported(
      'IPVS_SVC_ATTR_FLAGS',
      `unknown flags 0x${(flags & ~KNOWN_FLAGS).toString(16)}`,
    );
  }
  const schedulerFlags = schedulerFlagsOf(scheduler, flags);
  if (!schedulerFlags) {
    const bits = `0x${(flags & SCHED_FLAG_MASK).toString(16)}`;
    throw svc.unsupported(
      'IPVS_SVC_ATTR_FLAGS',
      `scheduler flags ${bits} mean nothing to ${scheduler}`,
    );
  }
  const timeoutS = svc.requiredNumber(IpvsSvcAttr.TIMEOUT, 'IPVS_SVC_ATTR_TIMEOUT', 'u32');
  const persistent = (flags & IpvsSvcFlag.PERSISTENT) !== 0;
  if (persistent && timeoutS === 0) {
    throw svc.unsupported('IPVS_SVC_ATTR_TIMEOUT', 'persistent with a 0 s timeout');
  }
  return {
    scheduler,
    schedulerFlags,
    // Without IP_VS_SVC_F_PERSISTENT the kernel never consults the timeout.
    persistenceTimeoutS: persistent ? timeoutS : 0,
    persistenceNetmaskBits: netmaskBits(svc, family),
    onePacket: (flags & IpvsSvcFlag.ONEPACKET) !== 0,
  };
}

/**
 * Decodes the payload of one IPVS_CMD_NEW_SERVICE message (a GET_SERVICE dump entry or reply):
 * an `IPVS_CMD_ATTR_SERVICE` nest. The result has no destinations (dump them with GET_DEST).
 * Never throws; a failure after the identity decoded carries it in `id`. Scheduler flags come
 * back in the order fallback, port. `{ stats: false }` skips the counters (`stats` is then
 * `ZERO_STATS`).
 */
export function decodeService(
  payload: Uint8Array,
  options?: IpvsDecodeOptions,
): IpvsDecodeResult<ObservedService, IpvsServiceId> {
  return runDecoder<ObservedService, IpvsServiceId>((identify) => {
    const root = AttributeScope.parse('', payload);
    const svc = root.requiredNest(IpvsCmdAttr.SERVICE, 'IPVS_CMD_ATTR_SERVICE');
    const id = serviceId(svc);
    identify(id);
    const config = serviceConfig(svc, id.family);
    const stats = decodeStats(svc, STATS64, STATS32, options);
    return { ...id, ...config, destinations: [], stats };
  });
}
