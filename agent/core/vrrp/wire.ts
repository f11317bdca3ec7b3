/** @module Byte-level helpers of the VRRP codec: field checks, address and password octets, checksums. */
import { canonicalAddress, parseIpv4, parseIpv6 } from '../../../contract/ip.js';
import { internetChecksum, ipv4PseudoHeader, ipv6PseudoHeader } from './checksum.js';
import type { VrrpFamily, V3Ipv4ChecksumForm, VrrpDropReason, DecodeResult } from './types.js';
import { VRRP_AUTH_DATA_LENGTH } from './types.js';

export const V2_HEADER_LENGTH = 8;
export const V3_HEADER_LENGTH = 8;
export const V3_MAX_INTERVAL_CS = 0xfff;

export const utf8 = new TextEncoder();
export const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export function checkCommon(vrid: number, priority: number, count: number, version: 2 | 3): void {
  checkInt('vrid', vrid, 1, 255); // RFC 3768 §5.3.3, RFC 9568 §5.2.3
  checkInt('priority', priority, 0, 255); // RFC 3768 §5.3.4, RFC 9568 §5.2.4
  // 8-bit count; RFC 9568 §5.2.5 (erratum 8299): v3 at least one; RFC 3768 §5.3.5 sets no
  // minimum, and a notify-only instance (keepalived's, no VIPs) sends v2 Count 0.
  checkInt('address count', count, version === 3 ? 1 : 0, 255);
}

export function checkInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in ${min}-${max}, got ${value}`);
  }
}

export function passwordBytes(password: string): Uint8Array {
  const bytes = utf8.encode(password);
  if (bytes.length > VRRP_AUTH_DATA_LENGTH || bytes.includes(0)) {
    throw new RangeError('a VRRPv2 password is at most 8 octets of UTF-8 without NUL');
  }
  return bytes;
}

export function addressBytes(text: string, family: VrrpFamily): Uint8Array {
  if (family === 'ipv4') {
    const v4 = parseIpv4(text);
    if (!v4) throw new RangeError(`not an IPv4 address: ${text}`);
    return Uint8Array.from(v4);
  }
  const v6 = parseIpv6(text);
  if (!v6) throw new RangeError(`not an IPv6 address: ${text}`);
  const bytes = new Uint8Array(16);
  v6.forEach((group, i) => {
    bytes[2 * i] = group >>> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

export function writeChecksum(bytes: Uint8Array, checksum: number): void {
  bytes[6] = checksum >>> 8;
  bytes[7] = checksum & 0xff;
}

/** The v3 checksum of `message` (its checksum field zero, or filled in to verify: 0 = valid). */
export function v3Checksum(
  message: Uint8Array,
  family: VrrpFamily,
  form: V3Ipv4ChecksumForm,
  source: Uint8Array,
  destination: Uint8Array,
): number {
  if (family === 'ipv6') {
    return internetChecksum(ipv6PseudoHeader(source, destination, message.length), message);
  }
  if (form === 'no-pseudo-header') return internetChecksum(message);
  return internetChecksum(ipv4PseudoHeader(source, destination, message.length), message);
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

export function optionalAddressBytes(
  text: string | undefined,
  family: VrrpFamily,
): Uint8Array | undefined {
  if (text === undefined) return undefined;
  try {
    return addressBytes(text, family);
  } catch {
    return undefined;
  }
}

export function padded(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length > VRRP_AUTH_DATA_LENGTH) return undefined;
  const out = new Uint8Array(VRRP_AUTH_DATA_LENGTH);
  out.set(bytes);
  return out;
}

export function ipv4Text(bytes: Uint8Array, offset: number): string {
  return Array.from(bytes.subarray(offset, offset + 4)).join('.');
}

export function ipv6Text(bytes: Uint8Array, offset: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) {
    groups.push(((bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!).toString(16));
  }
  const text = groups.join(':');
  return canonicalAddress(text) ?? text;
}

export function drop(reason: VrrpDropReason): DecodeResult {
  return { ok: false, reason };
}

// ---------------------------------------------------------------------------------------------
// IPv4 envelope of a raw-socket read
// ---------------------------------------------------------------------------------------------
