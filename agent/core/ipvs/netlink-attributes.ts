/** @module Netlink attributes (`struct nlattr` TLVs of `<linux/netlink.h>`): a pure writer and a bounds-checked reader. */

// Layout (`<linux/netlink.h>`): `u16 nla_len` (header + payload, without padding), `u16 nla_type`
// (low 14 bits = type, bit 15 `NLA_F_NESTED`, bit 14 `NLA_F_NET_BYTEORDER`), then the payload,
// then zero padding to the next 4-byte boundary (`NLA_ALIGNTO`). The header and the "host order"
// integers (u16/u32/u64) are little-endian: the byte order of every platform the agent supports
// (x86-64, arm64). The be16/be32 writers and readers are for the fields the kernel keeps in
// network byte order (ports, IPv4 masks). Both sides work on `Uint8Array`/`DataView`: no I/O.

/** `NLA_HDRLEN`: the 4-byte `struct nlattr` header. */
export const NLA_HDRLEN = 4;
/** `NLA_ALIGNTO`: every attribute starts on a 4-byte boundary. */
export const NLA_ALIGNTO = 4;
/** `NLA_F_NESTED`: the payload is itself a list of attributes. */
export const NLA_F_NESTED = 1 << 15;
/** `NLA_F_NET_BYTEORDER`: the payload is in network byte order (informational). */
export const NLA_F_NET_BYTEORDER = 1 << 14;
/** `NLA_TYPE_MASK`: the type bits without the two flags. */
export const NLA_TYPE_MASK = 0x3fff;

const LITTLE_ENDIAN = true;

/** `NLA_ALIGN`: rounds a length up to the next multiple of 4. */
export function nlaAlign(length: number): number {
  return (length + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1);
}

function checkUint(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be an integer in 0-${max}, got ${value}`);
  }
}

function attribute(type: number, payload: Uint8Array, flags = 0): Uint8Array {
  checkUint('attribute type', type, NLA_TYPE_MASK);
  const length = NLA_HDRLEN + payload.length;
  checkUint('attribute length', length, 0xffff);
  const out = new Uint8Array(nlaAlign(length)); // zero-filled: the padding is zeros
  const view = new DataView(out.buffer);
  view.setUint16(0, length, LITTLE_ENDIAN);
  view.setUint16(2, type | flags, LITTLE_ENDIAN);
  out.set(payload, NLA_HDRLEN);
  return out;
}

function scalar(size: number, write: (view: DataView) => void): Uint8Array {
  const payload = new Uint8Array(size);
  write(new DataView(payload.buffer));
  return payload;
}

/** A u8 attribute. Every writer returns the whole attribute, padded to 4 bytes. */
export function nlaU8(type: number, value: number): Uint8Array {
  checkUint('u8', value, 0xff);
  return attribute(type, Uint8Array.of(value));
}

/** A u16 attribute in host (little-endian) order. */
export function nlaU16(type: number, value: number): Uint8Array {
  checkUint('u16', value, 0xffff);
  return attribute(
    type,
    scalar(2, (v) => v.setUint16(0, value, LITTLE_ENDIAN)),
  );
}

/** A u32 attribute in host (little-endian) order. */
export function nlaU32(type: number, value: number): Uint8Array {
  checkUint('u32', value, 0xffff_ffff);
  return attribute(
    type,
    scalar(4, (v) => v.setUint32(0, value, LITTLE_ENDIAN)),
  );
}

/** A u64 attribute in host (little-endian) order. */
export function nlaU64(type: number, value: bigint): Uint8Array {
  if (value < 0n || value > 0xffff_ffff_ffff_ffffn)
    throw new RangeError(`u64 out of range: ${value}`);
  return attribute(
    type,
    scalar(8, (v) => v.setBigUint64(0, value, LITTLE_ENDIAN)),
  );
}

/** A be16 attribute (network byte order, e.g. a port). */
export function nlaBe16(type: number, value: number): Uint8Array {
  checkUint('be16', value, 0xffff);
  return attribute(
    type,
    scalar(2, (v) => v.setUint16(0, value, false)),
  );
}

/** A be32 attribute (network byte order, e.g. an IPv4 mask). */
export function nlaBe32(type: number, value: number): Uint8Array {
  checkUint('be32', value, 0xffff_ffff);
  return attribute(
    type,
    scalar(4, (v) => v.setUint32(0, value, false)),
  );
}

/** A NUL-terminated string attribute (`nla_put_string`); printable ASCII only. */
export function nlaString(type: number, text: string): Uint8Array {
  if (!/^[\x20-\x7e]*$/.test(text))
    throw new RangeError(`not printable ASCII: ${JSON.stringify(text)}`);
  const payload = new Uint8Array(text.length + 1); // the last byte stays 0: the terminator
  for (let i = 0; i < text.length; i++) payload[i] = text.charCodeAt(i);
  return attribute(type, payload);
}

/** A raw bytes attribute (`nla_put`), e.g. a 16-byte `nf_inet_addr` or a `struct ip_vs_flags`. */
export function nlaBytes(type: number, payload: Uint8Array): Uint8Array {
  return attribute(type, payload);
}

/** A nest with `NLA_F_NESTED` set, holding attributes made by these writers (already aligned). */
export function nlaNest(type: number, children: readonly Uint8Array[]): Uint8Array {
  return attribute(type, concatBytes(children), NLA_F_NESTED);
}

/** Concatenates byte arrays (attributes made here are padded, so the result stays aligned). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A malformed attribute stream or value: the only error the reader throws. */
export class NetlinkAttributeError extends Error {
  override readonly name = 'NetlinkAttributeError';
}

/** One attribute as read: its type without flags, the flags, and a view of its payload. */
export interface NetlinkAttribute {
  type: number;
  nested: boolean;
  netByteOrder: boolean;
  /** A view into the input (no copy), exactly `nla_len - 4` bytes, without padding. */
  payload: Uint8Array;
}

/**
 * Reads a stream of attributes (a message payload or a nest's payload). Throws
 * `NetlinkAttributeError` for a header cut short or a length below 4 or past the end, never reads
 * out of bounds. Like the kernel's `nla_for_each_attr`, the last attribute may lack its padding.
 */
export function readAttributes(bytes: Uint8Array): NetlinkAttribute[] {
  const out: NetlinkAttribute[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset < bytes.length) {
    const remaining = bytes.length - offset;
    if (remaining < NLA_HDRLEN) {
      throw new NetlinkAttributeError(
        `truncated attribute header: ${remaining} bytes at ${offset}`,
      );
    }
    const length = view.getUint16(offset, LITTLE_ENDIAN);
    const rawType = view.getUint16(offset + 2, LITTLE_ENDIAN);
    const type = rawType & NLA_TYPE_MASK;
    if (length < NLA_HDRLEN) {
      throw new NetlinkAttributeError(`attribute ${type} at ${offset}: nla_len ${length} < 4`);
    }
    if (length > remaining) {
      throw new NetlinkAttributeError(
        `attribute ${type} at ${offset}: nla_len ${length} overruns the ${remaining} bytes left`,
      );
    }
    out.push({
      type,
      nested: (rawType & NLA_F_NESTED) !== 0,
      netByteOrder: (rawType & NLA_F_NET_BYTEORDER) !== 0,
      payload: bytes.subarray(offset + NLA_HDRLEN, offset + length),
    });
    offset += nlaAlign(length);
  }
  return out;
}

/** Indexes attributes by type; a repeated type keeps the last one, as `nla_parse` does. */
export function attributeTable(
  attributes: readonly NetlinkAttribute[],
): Map<number, NetlinkAttribute> {
  return new Map(attributes.map((a) => [a.type, a]));
}

function sized(a: NetlinkAttribute, size: number, what: string): DataView {
  if (a.payload.length !== size) {
    throw new NetlinkAttributeError(`${what} needs ${size} bytes, got ${a.payload.length}`);
  }
  return new DataView(a.payload.buffer, a.payload.byteOffset, size);
}

/** The u8 payload; exactly 1 byte. */
export function readU8(a: NetlinkAttribute): number {
  return sized(a, 1, 'u8').getUint8(0);
}
/** The host-order (little-endian) u16 payload; exactly 2 bytes. */
export function readU16(a: NetlinkAttribute): number {
  return sized(a, 2, 'u16').getUint16(0, LITTLE_ENDIAN);
}
/** The host-order (little-endian) u32 payload; exactly 4 bytes. */
export function readU32(a: NetlinkAttribute): number {
  return sized(a, 4, 'u32').getUint32(0, LITTLE_ENDIAN);
}
/** The host-order (little-endian) u64 payload; exactly 8 bytes. */
export function readU64(a: NetlinkAttribute): bigint {
  return sized(a, 8, 'u64').getBigUint64(0, LITTLE_ENDIAN);
}
/** The network-order u16 payload; exactly 2 bytes. */
export function readBe16(a: NetlinkAttribute): number {
  return sized(a, 2, 'be16').getUint16(0, false);
}
/** The network-order u32 payload; exactly 4 bytes. */
export function readBe32(a: NetlinkAttribute): number {
  return sized(a, 4, 'be32').getUint32(0, false);
}

/** A string payload up to its NUL (tolerating a missing one); printable ASCII only. */
export function readString(a: NetlinkAttribute): string {
  const end = a.payload.indexOf(0);
  const bytes = end < 0 ? a.payload : a.payload.subarray(0, end);
  if (bytes.some((b) => b < 0x20 || b > 0x7e)) {
    throw new NetlinkAttributeError('string is not printable ASCII');
  }
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return text;
}
