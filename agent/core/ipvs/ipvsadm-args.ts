/**
 * @module The pieces of an ipvsadm command line, spelled as ipvsadm 1.31 spells them
 * (ipvsadm.c `print_service_entry` with FMT_RULE|FMT_NUMERIC, `print_sched_flags`,
 * `fwd_switch`, `addrport_to_anyname`, `parse_options`).
 */
import { parseIpv6 } from '../../../contract/ip.js';
import type {
  IpvsDestination,
  IpvsForwarding,
  IpvsSchedulerFlag,
  IpvsService,
  IpvsServiceId,
} from './model.js';

/** `IP_VS_SVC_F_SCHED1..3` (ip_vs.h): sh-fallback and mh-fallback share a bit, as do the ports. */
const FLAG_BIT: Record<IpvsSchedulerFlag, 1 | 2> = {
  'sh-fallback': 1,
  'mh-fallback': 1,
  'sh-port': 2,
  'mh-port': 2,
};

/** ipvsadm `fwd_switch`: MASQ `-m`, TUNNEL `-i`, DROUTE `-g`. */
export const FORWARDING_SWITCH: Record<IpvsForwarding, string> = { nat: '-m', tun: '-i', dr: '-g' };

/**
 * An address as glibc `inet_ntop` prints it: the model's RFC 5952 text, except that IPv6 with 96
 * leading zero bits (`::1.2.3.4`, not `::1` or `::`) or an IPv4-mapped prefix (`::ffff:1.2.3.4`)
 * keeps a dotted IPv4 tail (glibc resolv/inet_ntop.c `inet_ntop6_format`).
 */
export function ntopText(address: string): string {
  const groups = address.includes(':') ? parseIpv6(address) : undefined;
  if (!groups) return address;
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  const zeros5 = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  const tail = `${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`;
  if (zeros5 && g5 === 0 && g6 !== 0) return `::${tail}`;
  if (zeros5 && g5 === 0xffff) return `::ffff:${tail}`;
  return address;
}

/** `192.0.2.1:80` or `[2001:db8::1]:80` (ipvsadm `addrport_to_anyname` with `-n`). */
export function addressPort(address: string, port: number): string {
  const text = ntopText(address);
  return address.includes(':') ? `[${text}]:${port}` : `${text}:${port}`;
}

/** `-t 192.0.2.1:80`, `-u …`, `--sctp-service …`, `-f 7`, `-f 7 -6`. */
export function serviceSpec(id: IpvsServiceId): string {
  if ('fwmark' in id) return id.family === 'ipv6' ? `-f ${id.fwmark} -6` : `-f ${id.fwmark}`;
  const option = { tcp: '-t', udp: '-u', sctp: '--sctp-service' }[id.protocol];
  return `${option} ${addressPort(id.address, id.port)}`;
}

/**
 * ipvsadm `print_sched_flags`: the flag bits named after the scheduler that defines them (`sh`,
 * `mh`), `flag-1`/`flag-2` for any other scheduler; fallback before port; '' when none.
 */
export function schedulerFlagsText(service: IpvsService): string {
  const bits = new Set(service.schedulerFlags.map((f) => FLAG_BIT[f]));
  const names =
    service.scheduler === 'sh' || service.scheduler === 'mh'
      ? [`${service.scheduler}-fallback`, `${service.scheduler}-port`]
      : ['flag-1', 'flag-2'];
  return names.filter((_, i) => bits.has(i === 0 ? 1 : 2)).join(',');
}

/** ipvsadm's `-M` text: a dotted mask for IPv4 (`255.255.255.0`), a prefix length for IPv6. */
export function netmaskText(family: IpvsService['family'], bits: number): string {
  if (family === 'ipv6') return String(bits);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (mask >>> shift) & 0xff).join('.');
}

/** The full-length prefix: what ipvsadm omits (`-M` absent) and what it defaults to. */
export function fullNetmaskBits(family: IpvsService['family']): number {
  return family === 'ipv6' ? 128 : 32;
}

/**
 * `-s wlc -p 300 -M 255.255.255.0 -o -b sh-port`, in `print_service_entry`'s order. `-M` goes with
 * `-p` only when `persistentMaskOnly` (what `-S` prints); otherwise whenever it is not full-length,
 * since `-E` resets every omitted field to its default.
 */
export function serviceOptions(service: IpvsService, persistentMaskOnly: boolean): string {
  const parts = [`-s ${service.scheduler}`];
  const persistent = service.persistenceTimeoutS > 0;
  if (persistent) parts.push(`-p ${service.persistenceTimeoutS}`);
  const fullMask = service.persistenceNetmaskBits === fullNetmaskBits(service.family);
  if (!fullMask && (persistent || !persistentMaskOnly)) {
    parts.push(`-M ${netmaskText(service.family, service.persistenceNetmaskBits)}`);
  }
  if (service.onePacket) parts.push('-o');
  const flags = schedulerFlagsText(service);
  if (flags) parts.push(`-b ${flags}`);
  return parts.join(' ');
}

/** `-r 198.51.100.11:80 -m -w 10`, plus `-x`/`-y` when `thresholds` and they are set. */
export function destinationOptions(destination: IpvsDestination, thresholds: boolean): string {
  const parts = [
    `-r ${addressPort(destination.address, destination.port)}`,
    FORWARDING_SWITCH[destination.forwarding],
    `-w ${destination.weight}`,
  ];
  if (thresholds && destination.upperThreshold > 0) parts.push(`-x ${destination.upperThreshold}`);
  if (thresholds && destination.lowerThreshold > 0) parts.push(`-y ${destination.lowerThreshold}`);
  return parts.join(' ');
}
