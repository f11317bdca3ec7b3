/**
 * @module The IPv4 header fleetlb writes in front of each VRRP advert (IP_HDRINCL), so that the
 * source address is the one the v3 pseudo-header checksum covers and the one peers compare in the
 * tie-break, whatever the kernel's source selection would pick (keepalived `vrrp_build_ip4` does
 * the same). The kernel fills in the header checksum and, when zero, the identification.
 */
import { VRRP_TTL } from './types.js';
import { addressBytes } from './wire.js';

/** IP protocol number of VRRP (RFC 3768 §5.2.4, RFC 9568 §5.1.1.3). */
export const VRRP_PROTOCOL = 112;
const IPV4_HEADER_LENGTH = 20;
/** Precedence "Internetwork Control" (RFC 791 §3.1), as keepalived sends (IPTOS_PREC_INTERNETCONTROL). */
const TOS_INTERNETWORK_CONTROL = 0xc0;

/** An IPv4 packet: 20-byte header (no options) + `payload`, TTL 255 (RFC 9568 §5.1.1.3). */
export function ipv4Packet(source: string, destination: string, payload: Uint8Array): Uint8Array {
  const totalLength = IPV4_HEADER_LENGTH + payload.length;
  const bytes = new Uint8Array(totalLength);
  bytes[0] = (4 << 4) | (IPV4_HEADER_LENGTH / 4); // version 4, IHL 5
  bytes[1] = TOS_INTERNETWORK_CONTROL;
  bytes[2] = totalLength >>> 8;
  bytes[3] = totalLength & 0xff;
  // Identification 0 (kernel fills it), flags/fragment offset 0.
  bytes[8] = VRRP_TTL;
  bytes[9] = VRRP_PROTOCOL;
  // Header checksum 0: the kernel always computes it for IP_HDRINCL sockets (raw(7)).
  bytes.set(addressBytes(source, 'ipv4'), 12);
  bytes.set(addressBytes(destination, 'ipv4'), 16);
  bytes.set(payload, IPV4_HEADER_LENGTH);
  return bytes;
}
