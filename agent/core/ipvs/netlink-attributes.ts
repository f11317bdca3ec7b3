/** @module Netlink attributes (`struct nlattr` TLVs of `<linux/netlink.h>`): a pure writer and a bounds-checked reader. */

// Layout (`<linux/netlink.h>`): `u16 nla_len` (header + payload, without padding), `u16 nla_type`
// (low 14 bits = type, bit 15 `NLA_F_NESTED`, bit 14 `NLA_F_NET_BYTEORDER`), then the payload,
// then zero padding to the next 4-byte boundary (`NLA_ALIGNTO`). The header and the "host order"
// integers (u16/u32/u64) are little-endian: the byte order of every platform the agent supports
// (x86-64, arm64). The be16/be32 writers and readers are for the fields the kernel keeps in
// network byte order (ports, IPv4 masks). Both sides work on `Uint8Array`/`DataView`: no I/O.

import {
  AttributeWriter,
  NLA_F_NESTED,
  NLA_F_NET_BYTEORDER,
  NLA_HDRLEN,
  NLA_TYPE_MASK,
  nlaAlign,
} from './netlink-attributes-writer.js';

export {
  AttributeWriter,
  NLA_ALIGNTO,
  NLA_F_NESTED,
  NLA_F_NET_BYTEORDER,
  NLA_HDRLEN,
  NLA_TYPE_MASK,
  nlaAlign,
  writeAttributes,
} from './netlink-attributes-writer.js';

// The single-attribute writers below are kept for callers that build attributes piecemeal; the
// request encoders write whole requests with `AttributeWriter`, which makes the same bytes.
function one(write: (w: AttributeWriter) => void): Uint8Array {
  const w = new AttributeWriter(16);
  write(w);
  return w.finish();
}

/** A u8 attribute. Every writer returns the whole attribute, padded to 4 bytes. */
export function nlaU8(type: number, value: number): Uint8Array {
  return one((w) => w.u8(type, value));
}
/** A u16 attribute in host (little-endian) order. */
export function nlaU16(type: number, value: number): Uint8Array {
  return one((w) => w.u16(type, value));
}
/** A u32 attribute in host (little-endian) order. */
export function nlaU32(type: number, value: number): Uint8Array {
  return one((w) => w.u32(type, value));
}
/** A u64 attribute in host (little-endian) order. */
export function nlaU64(type: number, value: bigint): Uint8Array {
  return one((w) => w.u64(type, value));
}
/** A be16 attribute (network byte order, e.g. a port). */
export function nlaBe16(type: number, value: number): Uint8Array {
  return one((w) => w.be16(type, value));
}
/** A be32 attribute (network byte order, e.g. an IPv4 mask). */
export function nlaBe32(type: number, value: number): Uint8Array {
  return one((w) => w.be32(type, value));
}
/** A NUL-terminated string attribute (`nla_put_string`); printable ASCII only. */
export function nlaString(type: number, text: string): Uint8Array {
  return one((w) => w.string(type, text));
}
/** A raw bytes attribute (`nla_put`), e.g. a 16-byte `nf_inet_addr` or a `struct ip_vs_flags`. */
export function nlaBytes(type: number, payload: Uint8Array): Uint8Array {
  return one((w) => w.bytes(type, payload));
}
/** A nest with `NLA_F_NESTED` set, holding attributes made by these writers (already aligned). */
export function nlaNest(type: number, children: readonly Uint8Array[]): Uint8Array {
  return one((w) => {
    const mark = w.beginNest(type);
    for (const child of children) w.raw(child);
    w.endNest(mark);
  });
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
 * The `nla_len` of the attribute at `offset` of a stream that ends at `end`, checked: throws
 * `NetlinkAttributeError` for a header cut short or a length below 4 or past the end. `base` is
 * where the stream starts (messages give offsets from there).
 */
export function checkedLength(
  bytes: Uint8Array,
  base: number,
  offset: number,
  end: number,
): number {
  const remaining = end - offset;
  if (remaining < NLA_HDRLEN) {
    throw new NetlinkAttributeError(
      `truncated attribute header: ${remaining} bytes at ${offset - base}`,
    );
  }
  const length = bytes[offset]! | (bytes[offset + 1]! << 8);
  if (length < NLA_HDRLEN || length > remaining) {
    const type = (bytes[offset + 2]! | (bytes[offset + 3]! << 8)) & NLA_TYPE_MASK;
    throw new NetlinkAttributeError(
      length < NLA_HDRLEN
        ? `attribute ${type} at ${offset - base}: nla_len ${length} < 4`
        : `attribute ${type} at ${offset - base}: nla_len ${length} overruns the ${remaining} bytes left`,
    );
  }
  return length;
}

/**
 * Checks the stream `bytes[start, end)` and indexes it by type: `index[type]` becomes the offset
 * of the last attribute of that type plus 1 (0: absent; `index` must be zeroed). Types beyond
 * `index` are checked but not indexed. Throws like `readAttributes`.
 */
export function indexAttributes(
  bytes: Uint8Array,
  start: number,
  end: number,
  index: number[],
): void {
  let offset = start;
  while (offset < end) {
    const length = checkedLength(bytes, start, offset, end);
    const type = (bytes[offset + 2]! | (bytes[offset + 3]! << 8)) & NLA_TYPE_MASK;
    if (type < index.length) index[type] = offset + 1;
    offset += nlaAlign(length);
  }
}

/**
 * Reads a stream of attributes (a message payload or a nest's payload). Throws
 * `NetlinkAttributeError` for a header cut short or a length below 4 or past the end, never reads
 * out of bounds. Like the kernel's `nla_for_each_attr`, the last attribute may lack its padding.
 */
export function readAttributes(bytes: Uint8Array): NetlinkAttribute[] {
  const out: NetlinkAttribute[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const length = checkedLength(bytes, 0, offset, bytes.length);
    const rawType = bytes[offset + 2]! | (bytes[offset + 3]! << 8);
    out.push({
      type: rawType & NLA_TYPE_MASK,
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

function sized(a: NetlinkAttribute, size: number, what: string): Uint8Array {
  if (a.payload.length !== size) {
    throw new NetlinkAttributeError(`${what} needs ${size} bytes, got ${a.payload.length}`);
  }
  return a.payload;
}

/** The u8 payload; exactly 1 byte. */
export function readU8(a: NetlinkAttribute): number {
  return sized(a, 1, 'u8')[0]!;
}
/** The host-order (little-endian) u16 payload; exactly 2 bytes. */
export function readU16(a: NetlinkAttribute): number {
  const p = sized(a, 2, 'u16');
  return p[0]! | (p[1]! << 8);
}
/** The host-order (little-endian) u32 payload; exactly 4 bytes. */
export function readU32(a: NetlinkAttribute): number {
  const p = sized(a, 4, 'u32');
  return (p[0]! | (p[1]! << 8) | (p[2]! << 16) | (p[3]! << 24)) >>> 0;
}
/** The host-order (little-endian) u64 payload; exactly 8 bytes. */
export function readU64(a: NetlinkAttribute): bigint {
  const p = sized(a, 8, 'u64');
  return new DataView(p.buffer, p.byteOffset, 8).getBigUint64(0, true);
}
/** The network-order u16 payload; exactly 2 bytes. */
export function readBe16(a: NetlinkAttribute): number {
  const p = sized(a, 2, 'be16');
  return (p[0]! << 8) | p[1]!;
}
/** The network-order u32 payload; exactly 4 bytes. */
export function readBe32(a: NetlinkAttribute): number {
  const p = sized(a, 4, 'be32');
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

/** A string payload up to its NUL (tolerating a missing one); printable ASCII only. */
export function readString(a: NetlinkAttribute): string {
  const end = a.payload.indexOf(0);
  const bytes = end < 0 ? a.payload : a.payload.subarray(0, end);
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e) throw new NetlinkAttributeError('string is not printable ASCII');
    text += String.fromCharCode(b);
  }
  return text;
}
