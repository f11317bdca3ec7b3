/** @module A one-pass netlink attribute writer: every attribute of a request into one growable buffer, nests patched in place. */

// The layout is that of netlink-attributes.ts (`u16 nla_len`, `u16 nla_type`, payload, zero
// padding to 4 bytes; header and host-order integers little-endian). The writer appends each
// attribute where it belongs, so a request costs one copy (`finish`) instead of one array per
// attribute and per nest level.

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

/** `NLA_ALIGN`: rounds a length up to the next multiple of 4. */
export function nlaAlign(length: number): number {
  return (length + NLA_ALIGNTO - 1) & ~(NLA_ALIGNTO - 1);
}

/** Throws a `RangeError` unless `value` is an integer in 0-`max`. */
export function checkUint(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be an integer in 0-${max}, got ${value}`);
  }
}

/** Appends attributes to one buffer; the `RangeError`s are those of the `nla*` writers. */
export class AttributeWriter {
  private buf: Uint8Array;
  private view: DataView;
  private end = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** The buffer written into (valid until the next write: it may grow). */
  get buffer(): Uint8Array {
    return this.buf;
  }

  /** Forgets everything written: the next attribute starts a new stream. */
  reset(): this {
    this.end = 0;
    return this;
  }

  /** A copy of exactly the bytes written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.end);
  }

  private ensure(size: number): void {
    if (size <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(size, 2 * this.buf.length));
    grown.set(this.buf.subarray(0, this.end));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  /** Appends a header for `size` payload bytes; returns the payload offset. Padding is zeroed. */
  private open(type: number, size: number, flags = 0): number {
    checkUint('attribute type', type, NLA_TYPE_MASK);
    const length = NLA_HDRLEN + size;
    checkUint('attribute length', length, 0xffff);
    const start = this.end;
    const next = start + nlaAlign(length);
    this.ensure(next);
    this.view.setUint32(next - 4, 0); // the padding (if any) lies in the last word
    this.view.setUint16(start, length, true);
    this.view.setUint16(start + 2, type | flags, true);
    this.end = next;
    return start + NLA_HDRLEN;
  }

  /** An attribute of `size` zero bytes; returns the payload offset, for the caller to fill in `buffer`. */
  reserve(type: number, size: number): number {
    const at = this.open(type, size);
    this.buf.fill(0, at, at + size);
    return at;
  }

  u8(type: number, value: number): void {
    checkUint('u8', value, 0xff);
    this.buf[this.open(type, 1)] = value;
  }
  u16(type: number, value: number): void {
    checkUint('u16', value, 0xffff);
    this.view.setUint16(this.open(type, 2), value, true);
  }
  u32(type: number, value: number): void {
    checkUint('u32', value, 0xffff_ffff);
    this.view.setUint32(this.open(type, 4), value, true);
  }
  u64(type: number, value: bigint): void {
    if (value < 0n || value > 0xffff_ffff_ffff_ffffn)
      throw new RangeError(`u64 out of range: ${value}`);
    this.view.setBigUint64(this.open(type, 8), value, true);
  }
  be16(type: number, value: number): void {
    checkUint('be16', value, 0xffff);
    this.view.setUint16(this.open(type, 2), value, false);
  }
  be32(type: number, value: number): void {
    checkUint('be32', value, 0xffff_ffff);
    this.view.setUint32(this.open(type, 4), value, false);
  }

  /** A raw bytes attribute (`nla_put`). */
  bytes(type: number, payload: Uint8Array): void {
    const at = this.open(type, payload.length); // first: open may grow (replace) the buffer
    this.buf.set(payload, at);
  }

  /** A NUL-terminated string attribute (`nla_put_string`); printable ASCII only. */
  string(type: number, text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c > 0x7e)
        throw new RangeError(`not printable ASCII: ${JSON.stringify(text)}`);
    }
    const at = this.open(type, text.length + 1);
    for (let i = 0; i < text.length; i++) this.buf[at + i] = text.charCodeAt(i);
    this.buf[at + text.length] = 0; // the terminator
  }

  /** Appends bytes as they are (e.g. attributes made elsewhere). */
  raw(bytes: Uint8Array): void {
    this.ensure(this.end + bytes.length);
    this.buf.set(bytes, this.end);
    this.end += bytes.length;
  }

  /** Starts a nest with `NLA_F_NESTED`; pass the returned mark to `endNest`. */
  beginNest(type: number): number {
    checkUint('attribute type', type, NLA_TYPE_MASK);
    const start = this.end;
    this.ensure(start + NLA_HDRLEN);
    this.view.setUint16(start + 2, type | NLA_F_NESTED, true);
    this.end = start + NLA_HDRLEN;
    return start;
  }

  /** Ends the nest begun at `mark`: patches its length and pads it to 4 bytes. */
  endNest(mark: number): void {
    const length = this.end - mark;
    checkUint('attribute length', length, 0xffff);
    this.view.setUint16(mark, length, true);
    const next = mark + nlaAlign(length);
    this.ensure(next);
    this.buf.fill(0, this.end, next);
    this.end = next;
  }
}

const shared = new AttributeWriter(512);
let busy = false;

/** The attribute stream `write` produces, written into a shared buffer and copied out once. */
export function writeAttributes(write: (w: AttributeWriter) => void): Uint8Array {
  if (busy) {
    const w = new AttributeWriter();
    write(w);
    return w.finish();
  }
  busy = true;
  try {
    write(shared.reset());
    return shared.finish();
  } finally {
    busy = false;
  }
}
