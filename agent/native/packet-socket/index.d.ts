/**
 * A minimal AF_PACKET socket (Linux): send whole Ethernet frames on one interface.
 * Needs CAP_NET_RAW. Errors are thrown as `Error` with `code` set to the errno name
 * (`'ENETDOWN'`, `'ENODEV'`, `'EPERM'`, …); bad arguments throw TypeError / RangeError.
 */

/** An error from a failed system call: `code` is the errno name, e.g. `'ENETDOWN'`. */
export interface PacketSocketError extends Error {
  code: string;
}

/**
 * Opens `socket(AF_PACKET, SOCK_RAW, 0)` bound to `interfaceIndex` and returns its fd.
 * Protocol 0: the socket receives nothing, so nothing is ever queued to it.
 */
export function open(interfaceIndex: number): number;

/** Sends one complete Ethernet frame (header included) now, without blocking. */
export function send(fd: number, frame: Uint8Array): void;

/** Closes an fd returned by `open`. */
export function close(fd: number): void;
