/**
 * @module Typed rtnetlink errors. The `netlink` package rejects with plain `Error`s whose only
 * information is the text (`Request rejected: EEXIST`, `Timeout has been reached`), so the errno
 * is parsed out of the message and paired with what was being done to which object.
 */

export type NetlinkOperation =
  'addLease' | 'removeAddress' | 'listAddresses' | 'listLinks' | 'open' | 'decode';

/** What an operation was about: an address on an interface, or an interface. */
export interface NetlinkObject {
  interfaceIndex?: number;
  address?: string;
  prefixLength?: number;
}

export class NetlinkError extends Error {
  override readonly name = 'NetlinkError';

  constructor(
    /** Symbolic errno (`EEXIST`, `EPERM`, `ENODEV`, `EADDRNOTAVAIL`, `EINVAL`, `ETIMEDOUT`, …), or `EUNKNOWN`. */
    readonly errno: string,
    readonly operation: NetlinkOperation,
    readonly object: NetlinkObject,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation} ${describe(object)}: ${errno} (${detail})`, options);
  }
}

function describe(object: NetlinkObject): string {
  const where = object.interfaceIndex === undefined ? '' : `ifindex ${object.interfaceIndex}`;
  if (object.address === undefined) return where || 'all';
  const prefix = object.prefixLength === undefined ? '' : `/${object.prefixLength}`;
  return `${object.address}${prefix}${where ? ` on ${where}` : ''}`;
}

/** The symbolic errno in a library error message, e.g. `EEXIST` from `Request rejected: EEXIST`. */
export function errnoFromMessage(message: string): string {
  if (/timeout/i.test(message)) return 'ETIMEDOUT';
  const named = /\b(E[A-Z0-9]{2,})\b/.exec(message);
  if (named?.[1]) return named[1];
  // An errno the library could not name is printed as a number (possibly negative).
  const numbered = /rejected: -?(\d+)/.exec(message);
  return numbered?.[1] ? `ERRNO${numbered[1]}` : 'EUNKNOWN';
}

/** Wraps anything a netlink call threw into a NetlinkError (kept as is when it already is one). */
export function toNetlinkError(
  error: unknown,
  operation: NetlinkOperation,
  object: NetlinkObject,
): NetlinkError {
  if (error instanceof NetlinkError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const errno =
    typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : errnoFromMessage(message);
  return new NetlinkError(errno, operation, object, message, { cause: error });
}
