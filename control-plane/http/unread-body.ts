/**
 * @module A bound on the body the server reads after it has answered without reading it (a 401
 * before the body, a 413 on its declared size, an early 429). Node then discards the rest of the
 * body so the connection can carry the next request (Node's http docs: a response that finishes
 * before its request's body was read dumps the body), for as long as the client sends: an
 * unauthenticated chunked upload that never ends would keep the server reading forever.
 *
 * Past `limitBytes` more bytes on the connection, or `lingerMs` after the answer, the connection
 * is closed instead, as nginx's lingering close gives up (`lingering_time`,
 * ngx_http_core_module) and RFC 9112 §9.6 allows. Not at once: a close with unread data resets
 * the connection, and the reset can discard the answer before the client has read it. Node does
 * not emit the discarded body (no 'data' events), so the socket's public `bytesRead` is sampled.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

export const UNREAD_BODY_LIMIT_BYTES = 1 << 20;
export const UNREAD_BODY_LINGER_MS = 5000;
const SAMPLE_EVERY_MS = 100;

/** Call for every request before the app sees it. */
export function boundUnreadBody(
  req: IncomingMessage,
  res: ServerResponse,
  limitBytes: number = UNREAD_BODY_LIMIT_BYTES,
  lingerMs: number = UNREAD_BODY_LINGER_MS,
): void {
  res.once('finish', () => {
    if (req.complete) return;
    const socket = req.socket;
    const fromBytes = socket.bytesRead;
    const fromMs = performance.now();
    const sample = setInterval(() => {
      if (req.complete || socket.destroyed) return void clearInterval(sample);
      const over =
        socket.bytesRead - fromBytes > limitBytes || performance.now() - fromMs > lingerMs;
      if (!over) return;
      clearInterval(sample);
      socket.destroy();
    }, SAMPLE_EVERY_MS);
    sample.unref();
  });
}
