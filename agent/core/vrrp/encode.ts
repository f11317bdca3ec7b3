/** @module Encoding VRRPv2 (RFC 3768) and VRRPv3 (RFC 9568) adverts; see packet.ts for the layouts. */
import { internetChecksum } from './checksum.js';
import type { VrrpV2Advert, VrrpV3Advert, VrrpAdvert, VrrpV3Envelope } from './types.js';
import { VRRP_TYPE_ADVERTISEMENT, VRRP_AUTH_DATA_LENGTH } from './types.js';
import {
  V2_HEADER_LENGTH,
  V3_HEADER_LENGTH,
  V3_MAX_INTERVAL_CS,
  checkCommon,
  checkInt,
  passwordBytes,
  addressBytes,
  writeChecksum,
  v3Checksum,
} from './wire.js';

/**
 * Encodes an advertisement, checksum filled in. A v2 advert needs no envelope (its checksum covers
 * the message only); a v3 advert needs the source and destination its checksum covers.
 * Throws RangeError on an advert that is not valid to send (a caller bug, never wire input).
 */
export function encodeVrrp(advert: VrrpV2Advert): Uint8Array;
export function encodeVrrp(advert: VrrpV3Advert, envelope: VrrpV3Envelope): Uint8Array;
export function encodeVrrp(advert: VrrpAdvert, envelope?: VrrpV3Envelope): Uint8Array {
  if (advert.version === 2) return encodeV2(advert);
  if (!envelope) throw new RangeError('VRRPv3 needs the IP envelope for its checksum');
  return encodeV3(advert, envelope);
}

function encodeV2(advert: VrrpV2Advert): Uint8Array {
  checkCommon(advert.vrid, advert.priority, advert.addresses.length, 2);
  checkInt('advertIntervalS', advert.advertIntervalS, 1, 255); // RFC 3768 §5.3.7
  const addresses = advert.addresses.map((a) => addressBytes(a, 'ipv4'));
  const n = addresses.length;
  const bytes = new Uint8Array(V2_HEADER_LENGTH + 4 * n + VRRP_AUTH_DATA_LENGTH);
  bytes[0] = (2 << 4) | VRRP_TYPE_ADVERTISEMENT; // §5.3.1, §5.3.2
  bytes[1] = advert.vrid; // §5.3.3
  bytes[2] = advert.priority; // §5.3.4
  bytes[3] = n; // §5.3.5
  bytes[5] = advert.advertIntervalS; // §5.3.7
  addresses.forEach((a, i) => bytes.set(a, V2_HEADER_LENGTH + 4 * i)); // §5.3.9
  if (advert.auth.type === 'simple') {
    // RFC 2338 §5.3.6.1 / §5.3.10: up to 8 octets of password, zero-padded (keepalived PASS).
    bytes[4] = 1;
    bytes.set(passwordBytes(advert.auth.password), V2_HEADER_LENGTH + 4 * n);
  } // else Auth Type 0 and zero Authentication Data (RFC 3768 §5.3.6, §5.3.10).
  writeChecksum(bytes, internetChecksum(bytes)); // §5.3.8: the VRRP message only.
  return bytes;
}

function encodeV3(advert: VrrpV3Advert, envelope: VrrpV3Envelope): Uint8Array {
  checkCommon(advert.vrid, advert.priority, advert.addresses.length, 3);
  checkInt('maxAdvertIntervalCs', advert.maxAdvertIntervalCs, 1, V3_MAX_INTERVAL_CS);
  const size = envelope.family === 'ipv4' ? 4 : 16;
  const addresses = advert.addresses.map((a) => addressBytes(a, envelope.family));
  // RFC 9568 §5.2.9 (erratum 8300) wants the Virtual Router's link-local address first. The list
  // is sent as configured: keepalived (outside vrrp_strict) sends its virtual_ipaddress list as it
  // is and drops adverts whose list differs from its own, so adding one would break interop.
  const source = addressBytes(envelope.source, envelope.family);
  const destination = addressBytes(envelope.destination, envelope.family);
  const n = addresses.length;
  const bytes = new Uint8Array(V3_HEADER_LENGTH + size * n);
  bytes[0] = (3 << 4) | VRRP_TYPE_ADVERTISEMENT; // §5.2.1, §5.2.2
  bytes[1] = advert.vrid; // §5.2.3
  bytes[2] = advert.priority; // §5.2.4
  bytes[3] = n; // §5.2.5
  // §5.2.6 / §5.2.7: 4 reserved bits (zero) and the 12-bit interval.
  bytes[4] = (advert.maxAdvertIntervalCs >>> 8) & 0x0f;
  bytes[5] = advert.maxAdvertIntervalCs & 0xff;
  addresses.forEach((a, i) => bytes.set(a, V3_HEADER_LENGTH + size * i)); // §5.2.9
  const form = envelope.family === 'ipv6' ? 'pseudo-header' : envelope.checksum;
  writeChecksum(bytes, v3Checksum(bytes, envelope.family, form, source, destination)); // §5.2.8
  return bytes;
}
