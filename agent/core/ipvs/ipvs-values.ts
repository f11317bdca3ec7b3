/** @module Model values ↔ `<linux/ip_vs.h>` values: families, protocols, addresses, masks, flags, forwarding. */
import { canonicalAddress, parseIpv6 } from '../../../contract/ip.js';
import {
  AF_INET,
  AF_INET6,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IpvsFwd,
  IpvsSvcFlag,
  NF_INET_ADDR_LENGTH,
} from './ip-vs-h.js';
import type { IpvsFamily, IpvsForwarding, IpvsProtocol, IpvsSchedulerFlag } from './model.js';

/** `AF_INET` / `AF_INET6` of a family. */
export function afOf(family: IpvsFamily): number {
  return family === 'ipv4' ? AF_INET : AF_INET6;
}

/** The family of an `AF_*` number, or undefined for anything else. */
export function familyOfAf(af: number): IpvsFamily | undefined {
  return af === AF_INET ? 'ipv4' : af === AF_INET6 ? 'ipv6' : undefined;
}

const PROTOCOLS: Readonly<Record<IpvsProtocol, number>> = {
  tcp: IPPROTO_TCP,
  udp: IPPROTO_UDP,
  sctp: IPPROTO_SCTP,
};

/** `IPPROTO_*` of a protocol name. */
export function protocolNumber(protocol: IpvsProtocol): number {
  const n = PROTOCOLS[protocol] as number | undefined;
  if (n === undefined) throw new RangeError(`unknown protocol: ${String(protocol)}`);
  return n;
}

/** The protocol name of an `IPPROTO_*` number IPVS supports, or undefined. */
export function protocolOfNumber(n: number): IpvsProtocol | undefined {
  return n === IPPROTO_TCP
    ? 'tcp'
    : n === IPPROTO_UDP
      ? 'udp'
      : n === IPPROTO_SCTP
        ? 'sctp'
        : undefined;
}

/**
 * The IPv4 address of a dotted-quad text as a u32, or -1: exactly `parseIpv4`'s grammar (four
 * decimal octets 0-255, no leading zeros, nothing else), without its regex and arrays.
 */
function ipv4Value(text: string): number {
  const n = text.length;
  if (n < 7 || n > 15) return -1;
  let value = 0;
  let i = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0 && text.charCodeAt(i++) !== 0x2e) return -1;
    const first = i;
    let octet = 0;
    while (i < n && i - first < 4) {
      const digit = text.charCodeAt(i) - 0x30;
      if (digit < 0 || digit > 9) break;
      octet = octet * 10 + digit;
      i++;
    }
    const digits = i - first;
    if (digits === 0 || digits > 3 || octet > 255) return -1;
    if (digits > 1 && text.charCodeAt(first) === 0x30) return -1;
    value = value * 256 + octet;
  }
  return i === n ? value : -1;
}

/**
 * Parses an address once and writes its 16-byte `union nf_inet_addr` at `out[offset]` (IPv4 in
 * the first 4 bytes; the other 12 must already be zero). Returns its family, or undefined (and
 * writes nothing) when the text is not an address.
 */
export function writeInetAddr(
  out: Uint8Array,
  offset: number,
  text: string,
): IpvsFamily | undefined {
  const v4 = ipv4Value(text);
  if (v4 >= 0) {
    out[offset] = v4 >>> 24;
    out[offset + 1] = (v4 >>> 16) & 0xff;
    out[offset + 2] = (v4 >>> 8) & 0xff;
    out[offset + 3] = v4 & 0xff;
    return 'ipv4';
  }
  const v6 = parseIpv6(text);
  if (!v6) return undefined;
  for (let i = 0; i < 8; i++) {
    out[offset + 2 * i] = v6[i]! >>> 8;
    out[offset + 2 * i + 1] = v6[i]! & 0xff;
  }
  return 'ipv6';
}

/** The family an address text belongs to, or undefined when it is not an address. */
export function familyOfAddress(text: string): IpvsFamily | undefined {
  return ipv4Value(text) >= 0 ? 'ipv4' : parseIpv6(text) ? 'ipv6' : undefined;
}

/** The 16-byte `union nf_inet_addr` of an address (IPv4 in the first 4 bytes, rest zero). */
export function addressBytes(text: string, family: IpvsFamily): Uint8Array {
  const out = new Uint8Array(NF_INET_ADDR_LENGTH);
  if (writeInetAddr(out, 0, text) !== family) {
    throw new RangeError(`not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address: ${text}`);
  }
  return out;
}

/** Canonical text of an `nf_inet_addr` payload: IPv4 needs ≥ 4 bytes, IPv6 16; else undefined. */
export function addressText(bytes: Uint8Array, family: IpvsFamily): string | undefined {
  return addressTextAt(bytes, 0, bytes.length, family);
}

/** `addressText` of the `length` bytes at `bytes[start]`, without a subarray. */
export function addressTextAt(
  bytes: Uint8Array,
  start: number,
  length: number,
  family: IpvsFamily,
): string | undefined {
  if (length > NF_INET_ADDR_LENGTH) return undefined;
  if (family === 'ipv4') {
    if (length < 4) return undefined;
    return `${bytes[start]!}.${bytes[start + 1]!}.${bytes[start + 2]!}.${bytes[start + 3]!}`;
  }
  if (length !== NF_INET_ADDR_LENGTH) return undefined;
  const groups: string[] = [];
  for (let i = start; i < start + 16; i += 2) {
    groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  }
  return canonicalAddress(groups.join(':'));
}

/** The IPv4 mask (host value, to be written big-endian) of a prefix length 0-32. */
export function ipv4Mask(bits: number): number {
  return bits === 0 ? 0 : (0xffff_ffff << (32 - bits)) >>> 0;
}

/** The prefix length of a contiguous IPv4 mask, or undefined (e.g. 255.0.255.0). */
export function ipv4MaskBits(mask: number): number | undefined {
  const bits = Math.clz32(~mask); // the leading ones
  return ipv4Mask(bits) === mask >>> 0 ? bits : undefined;
}

const SCHEDULER_FLAG_BITS: Readonly<Record<IpvsSchedulerFlag, readonly [string, number]>> = {
  'sh-fallback': ['sh', IpvsSvcFlag.SCHED1], // IP_VS_SVC_F_SCHED_SH_FALLBACK
  'sh-port': ['sh', IpvsSvcFlag.SCHED2], // IP_VS_SVC_F_SCHED_SH_PORT
  'mh-fallback': ['mh', IpvsSvcFlag.SCHED1], // IP_VS_SVC_F_SCHED_MH_FALLBACK (ip_vs_mh.c)
  'mh-port': ['mh', IpvsSvcFlag.SCHED2], // IP_VS_SVC_F_SCHED_MH_PORT (ip_vs_mh.c)
};
/** Canonical order of decoded scheduler flags: fallback, then port. */
const FLAG_ORDER: readonly IpvsSchedulerFlag[] = [
  'sh-fallback',
  'sh-port',
  'mh-fallback',
  'mh-port',
];
/** `IP_VS_SVC_F_SCHED1 | SCHED2 | SCHED3`. */
export const SCHED_FLAG_MASK = IpvsSvcFlag.SCHED1 | IpvsSvcFlag.SCHED2 | IpvsSvcFlag.SCHED3;

/** The `IP_VS_SVC_F_SCHED*` bits of scheduler flags; a flag of another scheduler is a RangeError. */
export function schedulerFlagBits(scheduler: string, flags: readonly IpvsSchedulerFlag[]): number {
  let bits = 0;
  for (const flag of flags) {
    const entry = SCHEDULER_FLAG_BITS[flag] as readonly [string, number] | undefined;
    if (!entry) throw new RangeError(`unknown scheduler flag: ${String(flag)}`);
    if (entry[0] !== scheduler) {
      throw new RangeError(`scheduler flag ${flag} does not apply to scheduler ${scheduler}`);
    }
    bits |= entry[1];
  }
  return bits;
}

/** The flags of `IP_VS_SVC_F_SCHED*` bits under a scheduler, or undefined when it defines none of them. */
export function schedulerFlagsOf(scheduler: string, bits: number): IpvsSchedulerFlag[] | undefined {
  if ((bits & SCHED_FLAG_MASK) === 0) return []; // the common case, without the search
  const flags = FLAG_ORDER.filter((f) => {
    const [owner, bit] = SCHEDULER_FLAG_BITS[f];
    return owner === scheduler && (bits & bit) !== 0;
  });
  return schedulerFlagBits(scheduler, flags) === (bits & SCHED_FLAG_MASK) ? flags : undefined;
}

const FORWARDING: Readonly<Record<IpvsForwarding, number>> = {
  nat: IpvsFwd.MASQ,
  tun: IpvsFwd.TUNNEL,
  dr: IpvsFwd.DROUTE,
};

/** `IPVS_DEST_ATTR_FWD_METHOD` of a forwarding method (`IP_VS_CONN_F_MASQ/TUNNEL/DROUTE`). */
export function fwdMethodOf(forwarding: IpvsForwarding): number {
  const n = FORWARDING[forwarding] as number | undefined;
  if (n === undefined) throw new RangeError(`unknown forwarding: ${String(forwarding)}`);
  return n;
}

/** The forwarding method of an `IP_VS_CONN_F_*` value, or undefined (LOCALNODE, BYPASS, 5-7). */
export function forwardingOf(fwd: number): IpvsForwarding | undefined {
  return fwd === IpvsFwd.MASQ
    ? 'nat'
    : fwd === IpvsFwd.DROUTE
      ? 'dr'
      : fwd === IpvsFwd.TUNNEL
        ? 'tun'
        : undefined;
}

/** `IP_VS_CONN_F_*` name of a forwarding value, for messages. */
export function fwdName(fwd: number): string {
  const entry = Object.entries(IpvsFwd).find(([, v]) => v === fwd);
  return entry ? `IP_VS_CONN_F_${entry[0]} (${fwd})` : `unknown (${fwd})`;
}
