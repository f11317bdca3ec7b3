/**
 * @module An unknown-token flood, refused before the framework sees it. Past its allowance of
 * token lookups (auth/token-cache.ts) a source's unknown tokens are answered 429 anyway; doing
 * that in the Node request listener, from the headers alone, skips building a Request, routing,
 * the middleware chain and a Response: most of what a refused request used to cost (the same
 * problem+json is sent, and `fleetlb_controlplane_http_requests_total` counts it).
 *
 * The answer is also held for the Retry-After it announces: a client that waits for its answers
 * (as HTTP/1.1 clients must on a connection) then sends at most one request per connection and
 * second, so a flood from a few connections cannot keep the event loop busy. The same tactic as
 * nginx's `limit_req` delaying excess requests. A held request costs a timer and the socket;
 * its body, if any, is not read (backpressure pauses the socket) and the connection closes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenCache } from '../auth/token-cache.js';
import { bearerToken, throttled } from './auth.js';
import { renderProblem } from './problem.js';

/** Answers `req` itself and returns true, or returns false to let the app answer it. */
export type EarlyAnswer = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface EarlyThrottleOptions {
  /** How long a refusal is held before it is sent (the announced Retry-After). */
  holdMs: number;
  /** Counts one refusal (for the request metrics). */
  count?: (method: string) => void;
  nowMs?: () => number;
}

export function earlyThrottle(tokens: TokenCache, options: EarlyThrottleOptions): EarlyAnswer {
  const problem = throttled();
  const nowMs = options.nowMs ?? Date.now;
  return (req, res) => {
    const url = req.url ?? '';
    if (!url.startsWith('/v1/')) return false;
    const token = bearerToken(req.headers.authorization);
    const source = req.socket.remoteAddress;
    if (!token || !source || !tokens.wouldThrottle(token, nowMs(), source)) return false;
    options.count?.(req.method ?? 'GET');
    const { body, headers } = renderProblem(problem, url.split('?')[0]!);
    const hasBody =
      (req.headers['content-length'] ?? '0') !== '0' ||
      req.headers['transfer-encoding'] !== undefined;
    const timer = setTimeout(() => {
      if (res.destroyed) return;
      res.writeHead(429, {
        ...headers,
        'content-length': String(Buffer.byteLength(body)),
        ...(hasBody ? { connection: 'close' } : {}),
      });
      res.end(body);
    }, options.holdMs);
    res.once('close', () => clearTimeout(timer));
    return true;
  };
}
