/**
 * The TCP connect health check without a net.Socket (keepalived TCP_CHECK): a non-blocking
 * connect(2) watched on Node's own libuv loop. Linux.
 */

/** A probe in flight (an opaque native handle). */
export type TcpProbe = object & { readonly __tcpProbe: unique symbol };

/**
 * Connects to `address` (an IPv4 or IPv6 literal) and `port`. `callback` runs once: with no code
 * when the handshake completed, else with the errno name (`'ECONNREFUSED'`, `'ETIMEDOUT'`, …);
 * the socket is shut down (a FIN) before. A connect(2) that fails at once returns its errno name
 * instead of a probe, and the callback never runs. Throws TypeError on a bad address or port.
 */
export function start(
  address: string,
  port: number,
  callback: (code: string | undefined) => void,
): TcpProbe | string;

/** Stops and closes a probe whose callback has not run; the callback then never runs. */
export function cancel(probe: TcpProbe): void;
