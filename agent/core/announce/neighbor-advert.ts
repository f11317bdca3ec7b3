/**
 * @module Unsolicited IPv6 Neighbor Advertisement: the frame a new VRRP master multicasts for each
 * IPv6 virtual address (RFC 9568 §8.2.2) so that neighbours update their caches at once
 * (RFC 4861 §7.2.6). The layout is keepalived's (vrrp_ndisc.c): source address = the VIP itself,
 * destination all-nodes ff02::1, Override set, Solicited clear, Router as configured.
 * Pure: no I/O, no Node built-ins (agent/core).
 *
 * Frame, 86 bytes:
 *   0  Ethernet: destination 33:33:00:00:00:01 (RFC 2464 §7 mapping of ff02::1), source = MAC,
 *                ethertype 0x86dd
 *  14  IPv6 (RFC 8200 §3): version 6, class 0, flow 0, payload length 32, next header 58
 *                (ICMPv6), hop limit 255 (RFC 4861 §7.1.2), source = VIP, destination ff02::1
 *  54  ICMPv6 NA (RFC 4861 §4.4): type 136, code 0, checksum, R|S|O flags + 29 reserved bits,
 *                target address = VIP
 *  78  option (RFC 4861 §4.6.1): type 2 Target Link-Layer Address, length 1 (8 bytes), MAC
 */
import { parseIpv6 } from '../../../contract/ip.js';
import { internetChecksum, ipv6PseudoHeader } from '../vrrp/checksum.js';
import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV6, parseMac, writeEthernetHeader } from './mac.js';

const IPPROTO_ICMPV6 = 58;
const ICMPV6_NEIGHBOR_ADVERTISEMENT = 136;
const ND_HOP_LIMIT = 255; // RFC 4861 §7.1.2: receivers drop NAs with any other hop limit
const ND_OPT_TARGET_LINK_LAYER_ADDRESS = 2;
const NA_FLAG_ROUTER = 0x80;
const NA_FLAG_OVERRIDE = 0x20; // Solicited (0x40) stays clear: RFC 4861 §7.2.6

const IPV6_HEADER_BYTES = 40;
const NA_BYTES = 24; // type, code, checksum, flags/reserved, target
const TLLA_OPTION_BYTES = 8;
const ICMPV6_BYTES = NA_BYTES + TLLA_OPTION_BYTES;
const ICMPV6_OFFSET = ETHERNET_HEADER_BYTES + IPV6_HEADER_BYTES;
/** Length of the frame `unsolicitedNaFrame` returns (over the 60-byte Ethernet minimum). */
export const NA_FRAME_BYTES = ICMPV6_OFFSET + ICMPV6_BYTES;

const ALL_NODES_MAC = Uint8Array.of(0x33, 0x33, 0, 0, 0, 1);
const ALL_NODES_IPV6 = Uint8Array.of(0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

/**
 * The unsolicited NA frame announcing `ipv6` at `mac`, ICMPv6 checksum filled in (RFC 4443 §2.3,
 * over the RFC 8200 §8.1 pseudo-header). `router` sets the R flag (RFC 4861 §4.4): true when the
 * director forwards for the address (keepalived follows the interface's `forwarding` sysctl).
 * Throws RangeError on a malformed MAC or address, or on the unspecified or a multicast address
 * (RFC 4861 §4.4: the target MUST NOT be multicast).
 */
export function unsolicitedNaFrame(
  mac: string,
  ipv6: string,
  options: { router: boolean },
): Uint8Array {
  const source = parseMac(mac);
  const groups = parseIpv6(ipv6);
  if (!groups) throw new RangeError(`not an IPv6 address: ${JSON.stringify(ipv6)}`);
  const address = new Uint8Array(16);
  groups.forEach((group, i) => {
    address[2 * i] = group >>> 8;
    address[2 * i + 1] = group & 0xff;
  });
  if (address[0] === 0xff || groups.every((g) => g === 0)) {
    throw new RangeError(`not a unicast IPv6 address to announce: ${ipv6}`);
  }

  const frame = new Uint8Array(NA_FRAME_BYTES);
  writeEthernetHeader(frame, ALL_NODES_MAC, source, ETHERTYPE_IPV6);
  const ip = new DataView(frame.buffer, ETHERNET_HEADER_BYTES, IPV6_HEADER_BYTES);
  ip.setUint32(0, 6 << 28); // version 6, traffic class 0, flow label 0
  ip.setUint16(4, ICMPV6_BYTES); // payload length
  ip.setUint8(6, IPPROTO_ICMPV6); // next header
  ip.setUint8(7, ND_HOP_LIMIT);
  frame.set(address, ETHERNET_HEADER_BYTES + 8); // source = VIP (as keepalived)
  frame.set(ALL_NODES_IPV6, ETHERNET_HEADER_BYTES + 24); // destination

  const icmp = frame.subarray(ICMPV6_OFFSET);
  icmp[0] = ICMPV6_NEIGHBOR_ADVERTISEMENT; // code (icmp[1]) and checksum stay 0 for now
  icmp[4] = (options.router ? NA_FLAG_ROUTER : 0) | NA_FLAG_OVERRIDE;
  icmp.set(address, 8); // target address
  icmp[NA_BYTES] = ND_OPT_TARGET_LINK_LAYER_ADDRESS;
  icmp[NA_BYTES + 1] = 1; // option length in units of 8 bytes
  icmp.set(source, NA_BYTES + 2);

  const pseudo = ipv6PseudoHeader(address, ALL_NODES_IPV6, ICMPV6_BYTES, IPPROTO_ICMPV6);
  const checksum = internetChecksum(pseudo, icmp);
  icmp[2] = checksum >>> 8;
  icmp[3] = checksum & 0xff;
  return frame;
}
