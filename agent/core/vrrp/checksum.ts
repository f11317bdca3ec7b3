/**
 * @module The RFC 1071 internet checksum and the IPv4 / IPv6 pseudo-headers VRRP sums over.
 * Pure: no I/O, no Node built-ins (agent/core).
 */

/** IP protocol number of VRRP (IANA; RFC 3768 §5.2.4, RFC 9568 §5.1.1.4 / §5.1.2.4). */
export const IPPROTO_VRRP = 112;

/**
 * The 16-bit one's complement of the one's complement sum of the concatenated parts (RFC 1071).
 * Parts are summed as one byte string, so an odd-length part does not misalign the next one; a
 * trailing odd byte is padded with zero. Summing a message whose checksum field is already filled
 * in yields 0 exactly when the checksum is valid.
 */
export function internetChecksum(...parts: readonly Uint8Array[]): number {
  let sum = 0;
  let odd = false; // whether the previous byte was the high half of a 16-bit word
  let high = 0;
  for (const part of parts) {
    for (const byte of part) {
      if (odd) {
        sum += (high << 8) | byte;
        odd = false;
      } else {
        high = byte;
        odd = true;
      }
    }
  }
  if (odd) sum += high << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * The IPv4 pseudo-header (as for UDP/TCP): source 4, destination 4, zero 1, protocol 1, upper
 * layer length 2. VRRPv3 over IPv4 in its RFC 5798 reading (keepalived's and Wireshark's default).
 */
export function ipv4PseudoHeader(
  source: Uint8Array,
  destination: Uint8Array,
  length: number,
  protocol = IPPROTO_VRRP,
): Uint8Array {
  const header = new Uint8Array(12);
  header.set(source.subarray(0, 4), 0);
  header.set(destination.subarray(0, 4), 4);
  header[9] = protocol;
  header[10] = (length >>> 8) & 0xff;
  header[11] = length & 0xff;
  return header;
}

/**
 * The IPv6 pseudo-header of RFC 8200 §8.1: source 16, destination 16, upper-layer packet length
 * 32-bit, three zero bytes, next header 1 (VRRPv3 over IPv6, RFC 9568 §5.2.8).
 */
export function ipv6PseudoHeader(
  source: Uint8Array,
  destination: Uint8Array,
  length: number,
  nextHeader = IPPROTO_VRRP,
): Uint8Array {
  const header = new Uint8Array(40);
  header.set(source.subarray(0, 16), 0);
  header.set(destination.subarray(0, 16), 16);
  new DataView(header.buffer).setUint32(32, length >>> 0);
  header[39] = nextHeader;
  return header;
}
