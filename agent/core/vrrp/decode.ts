/** @module Decoding VRRP adverts into adverts or counted drop reasons, never an exception. */
import { internetChecksum } from './checksum.js';
import type { VrrpV2Auth, ReceivedChecksumForm, DecodeContext, DecodeResult } from './types.js';
import { VRRP_TYPE_ADVERTISEMENT, VRRP_AUTH_DATA_LENGTH } from './types.js';
import {
  V2_HEADER_LENGTH,
  V3_HEADER_LENGTH,
  utf8,
  utf8Strict,
  v3Checksum,
  optionalAddressBytes,
  padded,
  ipv4Text,
  ipv6Text,
  drop,
} from './wire.js';

/**
 * Decodes and validates a received VRRP message (the IP payload). Never throws: anything that is
 * not a valid advertisement is a drop with a reason. The checks follow RFC 3768 §7.1 and RFC 9568
 * §7.1 in an order that reports corruption as `checksum` before judging field values. TTL is the
 * envelope's business (`parseIpv4Envelope`); VRID lookup and interval/address-list comparison with
 * the local configuration belong to the state machine. An unparseable context address cannot
 * verify a pseudo-header checksum (`checksum`); without a destination, IPv4 v3 accepts only the
 * message-only form. Trailing bytes after the address list (and
 * v2 auth data) are tolerated and covered by the checksum, as keepalived's auth_hmac trailer is.
 */
export function decodeVrrp(bytes: Uint8Array, context: DecodeContext): DecodeResult {
  // No catch-all: the property test (random bytes and contexts) is what proves this never throws.
  if (bytes.length < V3_HEADER_LENGTH) return drop('length');
  const version = bytes[0]! >>> 4;
  if (version !== 2 && version !== 3) return drop('version');
  if (context.expectVersion !== undefined && version !== context.expectVersion) {
    return drop('version');
  }
  if (version === 2 && context.family !== 'ipv4') return drop('version'); // v2 is IPv4 only
  if ((bytes[0]! & 0x0f) !== VRRP_TYPE_ADVERTISEMENT) return drop('type');
  const count = bytes[3]!;
  // RFC 9568 erratum 8299: a v3 advert carries at least one address. RFC 3768 sets no minimum
  // for v2, and keepalived sends Count 0 for an instance without VIPs (vrrp.c vrrp_build_vrrp()).
  if (count === 0 && version === 3) return drop('address_count');
  return version === 2 ? decodeV2(bytes, count, context) : decodeV3(bytes, count, context);
}

function decodeV2(bytes: Uint8Array, count: number, context: DecodeContext): DecodeResult {
  const authOffset = V2_HEADER_LENGTH + 4 * count;
  if (bytes.length < authOffset + VRRP_AUTH_DATA_LENGTH) return drop('length'); // §7.1
  if (internetChecksum(bytes) !== 0) return drop('checksum'); // §5.3.8, §7.1
  const advertIntervalS = bytes[5]!;
  if (advertIntervalS === 0) return drop('interval');
  const auth = decodeAuth(
    bytes[4]!,
    bytes.subarray(authOffset, authOffset + VRRP_AUTH_DATA_LENGTH),
  );
  if (!auth) return drop('auth');
  if (context.auth && !checkAuth(auth, context.auth)) return drop('auth');
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) {
    addresses.push(ipv4Text(bytes, V2_HEADER_LENGTH + 4 * i));
  }
  return {
    ok: true,
    advert: { version: 2, vrid: bytes[1]!, priority: bytes[2]!, advertIntervalS, auth, addresses },
    checksum: 'no-pseudo-header',
  };
}

function decodeV3(bytes: Uint8Array, count: number, context: DecodeContext): DecodeResult {
  const size = context.family === 'ipv4' ? 4 : 16;
  if (bytes.length < V3_HEADER_LENGTH + size * count) return drop('length'); // §7.1
  const checksum = verifyV3Checksum(bytes, context);
  if (!checksum) return drop('checksum');
  const maxAdvertIntervalCs = ((bytes[4]! & 0x0f) << 8) | bytes[5]!; // §5.2.6: rsvd ignored
  if (maxAdvertIntervalCs === 0) return drop('interval'); // erratum 8301
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) {
    const offset = V3_HEADER_LENGTH + size * i;
    addresses.push(size === 4 ? ipv4Text(bytes, offset) : ipv6Text(bytes, offset));
  }
  return {
    ok: true,
    advert: { version: 3, vrid: bytes[1]!, priority: bytes[2]!, maxAdvertIntervalCs, addresses },
    checksum,
  };
}

/** Which form verifies, or undefined. Over IPv4 both forms are accepted (module comment). */
function verifyV3Checksum(
  bytes: Uint8Array,
  context: DecodeContext,
): ReceivedChecksumForm | undefined {
  const source = optionalAddressBytes(context.source, context.family);
  if (context.family === 'ipv6' && context.destination === undefined) return 'unverified';
  const destination = optionalAddressBytes(context.destination, context.family);
  if (context.family === 'ipv4' && internetChecksum(bytes) === 0) {
    // Message-only verifies; the pseudo-header form can also verify by coincidence (when the
    // pseudo-header sums to zero), which is still a valid packet.
    return 'no-pseudo-header';
  }
  if (!source || !destination) return undefined;
  return v3Checksum(bytes, context.family, 'pseudo-header', source, destination) === 0
    ? 'pseudo-header'
    : undefined;
}

/** Auth Type + Authentication Data → auth, or undefined for anything fleetlb cannot accept. */
function decodeAuth(type: number, data: Uint8Array): VrrpV2Auth | undefined {
  // RFC 3768 §5.3.10: with type 0 the data "SHOULD be set to zero on transmission and ignored
  // on reception".
  if (type === 0) return { type: 'none' };
  if (type !== 1) return undefined;
  // Type 1: the password, NUL-padded. Only the canonical form (valid UTF-8, no NUL inside, zero
  // after) maps back to a password string one-to-one; anything else cannot match a configured one.
  const end = data.indexOf(0) === -1 ? data.length : data.indexOf(0);
  if (data.subarray(end).some((b) => b !== 0)) return undefined;
  try {
    return { type: 'simple', password: utf8Strict.decode(data.subarray(0, end)) };
  } catch {
    return undefined;
  }
}

/**
 * Whether received v2 authentication matches the expected one: same type and, for simple text,
 * the same 8 padded octets (compared without an early exit). keepalived rejects on mismatch
 * (keepalived/vrrp/vrrp.c `vrrp_check_packet()`); a mismatch on both sides makes both MASTER
 * (each discards the other's adverts, so both Master_Down_Timers fire: RFC 3768 §6.4.2).
 */
export function checkAuth(received: VrrpV2Auth, expected: VrrpV2Auth): boolean {
  if (received.type !== expected.type) return false;
  if (received.type === 'none' || expected.type === 'none') return true;
  const a = padded(utf8.encode(received.password));
  const b = padded(utf8.encode(expected.password));
  if (!a || !b) return false;
  let difference = 0;
  for (let i = 0; i < VRRP_AUTH_DATA_LENGTH; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
