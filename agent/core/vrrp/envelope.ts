/** @module The IPv4 envelope of a packet read from a raw socket (which delivers the IP header). */
import type { Ipv4EnvelopeResult } from './types.js';
import { VRRP_TTL } from './types.js';
import { ipv4Text } from './wire.js';

/**
 * Splits a packet read from an IPv4 raw socket (which includes the IPv4 header on receive,
 * raw(7)) into TTL, addresses and a copy of the payload. raw-socket hands out slices of one shared
 * receive buffer (its index.js `onRecvReady`), so the payload is always copied. Never throws.
 *
 * `checkTtl` (default true) drops TTL ≠ 255 as `ttl` (RFC 3768 §7.1, RFC 9568 §7.1). Pass false
 * only for unicast peers, as keepalived does (the TTL is no longer 255 after routing).
 */
export function parseIpv4Envelope(
  bytes: Uint8Array,
  options: { checkTtl?: boolean } = {},
): Ipv4EnvelopeResult {
  if (bytes.length < 20) return { ok: false, reason: 'length' };
  const first = bytes[0]!;
  const headerLength = (first & 0x0f) * 4; // IHL, RFC 791 §3.1
  if (first >>> 4 !== 4 || headerLength < 20 || bytes.length < headerLength) {
    return { ok: false, reason: 'length' };
  }
  // Total Length bounds the packet; Linux raw sockets keep it in network order. A buffer longer
  // than it (padding) is trimmed; a shorter one was truncated.
  const totalLength = (bytes[2]! << 8) | bytes[3]!;
  if (totalLength < headerLength || totalLength > bytes.length) {
    return { ok: false, reason: 'length' };
  }
  const ttl = bytes[8]!;
  if ((options.checkTtl ?? true) && ttl !== VRRP_TTL) return { ok: false, reason: 'ttl' };
  return {
    ok: true,
    ttl,
    source: ipv4Text(bytes, 12),
    destination: ipv4Text(bytes, 16),
    payload: new Uint8Array(bytes.subarray(headerLength, totalLength)),
  };
}
