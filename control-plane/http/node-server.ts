/**
 * @module The Node HTTP server the app is served on, with bounded timeouts and header sizes, and
 * Node's own refusals (malformed or oversized headers, a request that does not arrive in time)
 * answered as RFC 9457 problem details like every other error, instead of Node's bare
 * status lines. Those answers are written to the socket by hand because Node calls
 * `clientError` before any request object exists (Node's http docs, event 'clientError').
 */
import { serve, type ServerType } from '@hono/node-server';
import {
  createServer,
  type IncomingMessage,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import type { EarlyAnswer } from './early-throttle.js';
import { boundUnreadBody } from './unread-body.js';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface HttpServerOptions {
  hostname: string;
  port: number;
  /** Time for the request line and headers to arrive (Node's `headersTimeout`). */
  headersTimeoutMs: number;
  /** Time for the whole request to arrive, headers and body (Node's `requestTimeout`). */
  requestTimeoutMs: number;
  /** Largest request line plus headers (Node's `maxHeaderSize`). */
  maxHeaderSizeBytes: number;
  /** Body bytes discarded after an answer that did not read the body, before the connection is closed (unread-body.ts). */
  unreadBodyLimitBytes?: number;
}

export const DEFAULT_HTTP_SERVER_OPTIONS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxHeaderSizeBytes: 16 * 1024,
} as const;

const REASONS: Record<number, [string, string, string]> = {
  400: ['Bad Request', 'bad-request', 'the request could not be parsed as HTTP/1.1'],
  408: ['Request Timeout', 'request-timeout', 'the request did not arrive in time'],
  431: [
    'Request Header Fields Too Large',
    'header-fields-too-large',
    'the request line and headers are larger than this server accepts',
  ],
};

/** The status for an error Node's HTTP parser or its timers raised; undefined: just close. */
export function clientErrorStatus(code: string | undefined): 400 | 408 | 431 | undefined {
  if (code === 'ECONNRESET' || code === 'EPIPE') return undefined;
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'HPE_HEADERS_TIMEOUT') return 408;
  return 400;
}

/** The raw HTTP/1.1 response for a `clientError`: problem+json, then the connection closes. */
export function clientErrorResponse(status: 400 | 408 | 431): string {
  const [reason, slug, detail] = REASONS[status]!;
  const body = JSON.stringify({
    type: `urn:fleetlb:problem:${slug}`,
    title: reason,
    status,
    detail,
  });
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    'Content-Type: application/problem+json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const status = clientErrorStatus(err.code);
  if (status === undefined || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(clientErrorResponse(status));
}

/**
 * Serves `fetch` (the Hono app) on a Node HTTP server configured as above; `early`, if given,
 * may answer a request from its headers before the app sees it (early-throttle.ts); a body left
 * unread by the answer is discarded up to a bound, then the connection closed (unread-body.ts).
 */
export function serveHttp(
  fetch: (request: Request) => Response | Promise<Response>,
  options: HttpServerOptions,
  onListening: (info: { address: string; family: string; port: number }) => void,
  early?: EarlyAnswer,
): ServerType {
  const server = serve(
    {
      fetch,
      hostname: options.hostname,
      port: options.port,
      createServer: ((serverOptions: ServerOptions, listener: RequestListener) =>
        createServer(serverOptions, (req, res) => {
          boundUnreadBody(req, res, options.unreadBodyLimitBytes);
          if (!early?.(req, res)) void listener(req, res);
        })) as typeof createServer,
      serverOptions: {
        headersTimeout: options.headersTimeoutMs,
        requestTimeout: options.requestTimeoutMs,
        maxHeaderSize: options.maxHeaderSizeBytes,
        // How often Node checks the two timeouts above (default 30 s, longer than they are).
        connectionsCheckingInterval: 1000,
      },
    },
    onListening,
  );
  server.on('clientError', onClientError);
  return server;
}
