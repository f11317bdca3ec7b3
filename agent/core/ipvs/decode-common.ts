/** @module Shared machinery of the IPVS decoders: attribute scopes that name what they read, and their failures. */
import type { IpvsDecodeFailure, IpvsDecodeResult } from './codec-types.js';
import { addressTextAt } from './ipvs-values.js';
import type { IpvsFamily } from './model.js';
import {
  NLA_F_NESTED,
  NLA_F_NET_BYTEORDER,
  NLA_HDRLEN,
  NLA_TYPE_MASK,
  NetlinkAttributeError,
  indexAttributes,
  nlaAlign,
  type NetlinkAttribute,
} from './netlink-attributes.js';

/** Raised inside a decoder and turned into an `IpvsDecodeFailure` at its boundary: never escapes. */
export class IpvsDecodeError extends Error {
  override readonly name = 'IpvsDecodeError';
  constructor(
    readonly kind: IpvsDecodeFailure<never>['kind'],
    /** ip_vs.h attribute names from the message root, joined by `/`. */
    readonly attribute: string,
    message: string,
  ) {
    super(message);
  }
}

function wrap(error: unknown, attribute: string): unknown {
  return error instanceof NetlinkAttributeError
    ? new IpvsDecodeError('malformed', attribute, error.message)
    : error;
}

/** Types below this are found through an array; higher ones (never asked for by IPVS) by a scan. */
const INDEXED_TYPES = 32;
type Kind = 'u8' | 'u16' | 'u32' | 'be16' | 'be32';
const SIZES: Readonly<Record<Kind, number>> = { u8: 1, u16: 2, u32: 4, be16: 2, be32: 4 };

/**
 * The attributes of one level (the message payload or a nest), indexed by type, with the path of
 * ip_vs.h names that leads to them. Unknown attribute types are simply never asked for, which is
 * how newer kernels' additions are ignored. Nests share the message's bytes (offsets are into
 * them); the path is only spelled out for a failure.
 */
export class AttributeScope {
  // A plain array: small typed arrays get an off-heap backing store, which costs far more here.
  private readonly index: number[] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  ];
  private view: DataView | undefined;

  private constructor(
    private readonly bytes: Uint8Array,
    private readonly start: number,
    private readonly end: number,
    private readonly parent: AttributeScope | undefined,
    private readonly name: string,
  ) {}

  /** Reads one level of attributes; a broken stream is a `malformed` failure at `path`. */
  static parse(path: string, bytes: Uint8Array): AttributeScope {
    return AttributeScope.level(bytes, 0, bytes.length, undefined, path);
  }

  private static level(
    bytes: Uint8Array,
    start: number,
    end: number,
    parent: AttributeScope | undefined,
    name: string,
  ): AttributeScope {
    const scope = new AttributeScope(bytes, start, end, parent, name);
    try {
      indexAttributes(bytes, start, end, scope.index);
    } catch (error) {
      throw wrap(error, scope.path || '(message)');
    }
    return scope;
  }

  /** The ip_vs.h names from the message root to this level, joined by `/`. */
  get path(): string {
    return this.parent ? this.parent.pathOf(this.name) : this.name;
  }

  /** The path of an attribute of this level, e.g. `IPVS_CMD_ATTR_SERVICE/IPVS_SVC_ATTR_AF`. */
  pathOf(name: string): string {
    const path = this.path;
    return path ? `${path}/${name}` : name;
  }

  /** The offset of the last attribute of a type (its header), or -1. */
  private find(type: number): number {
    if (type < INDEXED_TYPES) return this.index[type]! - 1;
    let found = -1;
    for (let at = this.start; at < this.end;) {
      const length = this.bytes[at]! | (this.bytes[at + 1]! << 8);
      if (((this.bytes[at + 2]! | (this.bytes[at + 3]! << 8)) & NLA_TYPE_MASK) === type) found = at;
      at += nlaAlign(length);
    }
    return found;
  }

  private payloadLength(at: number): number {
    return (this.bytes[at]! | (this.bytes[at + 1]! << 8)) - NLA_HDRLEN;
  }

  /** Reads an attribute if present; a reader's `NetlinkAttributeError` becomes `malformed`. */
  optional<T>(type: number, name: string, read: (a: NetlinkAttribute) => T): T | undefined {
    const at = this.find(type);
    if (at < 0) return undefined;
    const rawType = this.bytes[at + 2]! | (this.bytes[at + 3]! << 8);
    const a: NetlinkAttribute = {
      type,
      nested: (rawType & NLA_F_NESTED) !== 0,
      netByteOrder: (rawType & NLA_F_NET_BYTEORDER) !== 0,
      payload: this.bytes.subarray(at + NLA_HDRLEN, at + NLA_HDRLEN + this.payloadLength(at)),
    };
    try {
      return read(a);
    } catch (error) {
      throw wrap(error, this.pathOf(name));
    }
  }

  /** Reads an attribute the kernel always sends; missing is `malformed`. */
  required<T>(type: number, name: string, read: (a: NetlinkAttribute) => T): T {
    const value = this.optional(type, name, read);
    if (value === undefined) throw this.malformed(name, 'missing');
    return value;
  }

  /** An integer attribute if present (`readU8` … `readBe32` without the attribute object). */
  number(type: number, name: string, kind: Kind): number | undefined {
    const at = this.find(type);
    if (at < 0) return undefined;
    const size = this.payloadLength(at);
    if (size !== SIZES[kind])
      throw this.malformed(name, `${kind} needs ${SIZES[kind]} bytes, got ${size}`);
    const b = this.bytes;
    const p = at + NLA_HDRLEN;
    if (kind === 'u32')
      return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
    if (kind === 'u16') return b[p]! | (b[p + 1]! << 8);
    if (kind === 'be16') return (b[p]! << 8) | b[p + 1]!;
    if (kind === 'be32')
      return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
    return b[p]!;
  }

  /** An integer attribute the kernel always sends; missing is `malformed`. */
  requiredNumber(type: number, name: string, kind: Kind): number {
    const value = this.number(type, name, kind);
    if (value === undefined) throw this.malformed(name, 'missing');
    return value;
  }

  /** A u32 or u64 counter (0n when absent); another size is `malformed`. */
  counter(type: number, name: string): bigint {
    const at = this.find(type);
    if (at < 0) return 0n;
    const size = this.payloadLength(at);
    if (size === 4) return BigInt(this.number(type, name, 'u32')!);
    if (size !== 8) throw this.malformed(name, `a counter needs 4 or 8 bytes, got ${size}`);
    this.view ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return this.view.getBigUint64(at + NLA_HDRLEN, true);
  }

  /** An `nf_inet_addr` attribute the kernel always sends, as canonical text. */
  requiredAddress(type: number, name: string, family: IpvsFamily): string {
    const at = this.find(type);
    if (at < 0) throw this.malformed(name, 'missing');
    const size = this.payloadLength(at);
    const text = addressTextAt(this.bytes, at + NLA_HDRLEN, size, family);
    if (text === undefined) throw this.malformed(name, `${size}-byte ${family} address`);
    return text;
  }

  /** The scope of a nested attribute, if present. */
  nest(type: number, name: string): AttributeScope | undefined {
    const at = this.find(type);
    if (at < 0) return undefined;
    const start = at + NLA_HDRLEN;
    return AttributeScope.level(this.bytes, start, start + this.payloadLength(at), this, name);
  }

  /** The scope of a nested attribute the kernel always sends. */
  requiredNest(type: number, name: string): AttributeScope {
    const scope = this.nest(type, name);
    if (!scope) throw this.malformed(name, 'missing');
    return scope;
  }

  /** A `malformed` failure about one attribute of this level. */
  malformed(name: string, message: string): IpvsDecodeError {
    return new IpvsDecodeError('malformed', this.pathOf(name), message);
  }

  /** An `unsupported` failure about one attribute of this level. */
  unsupported(name: string, message: string): IpvsDecodeError {
    return new IpvsDecodeError('unsupported', this.pathOf(name), message);
  }
}

/**
 * Runs a decoder and returns its value or its failure. The decoder reports the entry's identity
 * through `identify` as soon as it has it, so a later failure can carry it. Only
 * `IpvsDecodeError` is caught: anything else is a bug, and the property tests (random and
 * truncated input) are what show there is none, as for the VRRP codec.
 */
export function runDecoder<T, I>(decode: (identify: (id: I) => void) => T): IpvsDecodeResult<T, I> {
  let id: { value: I } | undefined;
  try {
    return { ok: true, value: decode((value) => (id = { value })) };
  } catch (error) {
    if (!(error instanceof IpvsDecodeError)) throw error;
    const failure: IpvsDecodeFailure<I> = {
      ok: false,
      kind: error.kind,
      attribute: error.attribute,
      error: error.message,
    };
    if (id) failure.id = id.value;
    return failure;
  }
}
