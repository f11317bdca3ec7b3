/** @module Shared machinery of the IPVS decoders: attribute scopes that name what they read, and their failures. */
import type { IpvsDecodeFailure, IpvsDecodeResult } from './codec-types.js';
import {
  NetlinkAttributeError,
  attributeTable,
  readAttributes,
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

/**
 * The attributes of one level (the message payload or a nest), indexed by type, with the path of
 * ip_vs.h names that leads to them. Unknown attribute types are simply never asked for, which is
 * how newer kernels' additions are ignored.
 */
export class AttributeScope {
  private constructor(
    readonly path: string,
    private readonly table: ReadonlyMap<number, NetlinkAttribute>,
  ) {}

  /** Reads one level of attributes; a broken stream is a `malformed` failure at `path`. */
  static parse(path: string, bytes: Uint8Array): AttributeScope {
    try {
      return new AttributeScope(path, attributeTable(readAttributes(bytes)));
    } catch (error) {
      throw wrap(error, path || '(message)');
    }
  }

  /** The path of an attribute of this level, e.g. `IPVS_CMD_ATTR_SERVICE/IPVS_SVC_ATTR_AF`. */
  pathOf(name: string): string {
    return this.path ? `${this.path}/${name}` : name;
  }

  /** Reads an attribute if present; a reader's `NetlinkAttributeError` becomes `malformed`. */
  optional<T>(type: number, name: string, read: (a: NetlinkAttribute) => T): T | undefined {
    const a = this.table.get(type);
    if (!a) return undefined;
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

  /** The scope of a nested attribute, if present. */
  nest(type: number, name: string): AttributeScope | undefined {
    const a = this.table.get(type);
    return a ? AttributeScope.parse(this.pathOf(name), a.payload) : undefined;
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
