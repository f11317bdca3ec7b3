/**
 * @module The agent's HTTP to the control plane, on `node:http` and `node:https`: Node's native
 * llhttp parser, so it runs under V8's lite mode (jitless, no WebAssembly), which `fetch`
 * (undici: llhttp compiled to WebAssembly) does not. One keep-alive agent per client, so a
 * long-poll or a report reuses the connection of the one before. Each request has a deadline for
 * the whole exchange (headers and body) and may be aborted; the body is read whole, as text.
 *
 * Failures are `HttpError`s whose message starts with the method and path: `HTTP 503 …` for an
 * answer that is not the expected one (an `application/problem+json` body, RFC 9457, is shown by
 * its title, detail and field errors), the system error otherwise (`connect ECONNREFUSED …`).
 * A request that fails on a kept-alive connection before any answer is sent once more on a new
 * one: the server may close an idle connection just as it is reused (Node's documentation of
 * `request.reusedSocket`). Redirects are not followed: the control plane sends none, so one means
 * a wrong URL, and the error names where it points (`fetch` followed them, without the token
 * once they left the origin).
 */
import http from 'node:http';
import https from 'node:https';
import { ProblemDetails } from '../../contract/problem.js';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  /** Deadline for the whole exchange, from sending to the last byte of the answer. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** The port: what the agent's control-plane clients need of HTTP. */
export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}

export type HttpFailure = 'status' | 'network' | 'timeout' | 'aborted';

export class HttpError extends Error {
  constructor(
    message: string,
    readonly failure: HttpFailure,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HttpError';
  }
}

export interface NodeHttpClientOptions {
  /** Trusted CA certificates (PEM) for https, instead of Node's (which NODE_EXTRA_CA_CERTS extends). */
  ca?: string | Buffer | Array<string | Buffer>;
}

export class NodeHttpClient implements HttpClient {
  private readonly http = new http.Agent({ keepAlive: true });
  private readonly https: https.Agent;

  constructor(options: NodeHttpClientOptions = {}) {
    this.https = new https.Agent({
      keepAlive: true,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.once(request);
    } catch (error) {
      if (!(error instanceof ReusedConnectionClosed)) throw error;
      return this.once(request, true);
    }
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.http.destroy();
    this.https.destroy();
  }

  private once(request: HttpRequest, fresh = false): Promise<HttpResponse> {
    const what = `${request.method} ${request.url.pathname}`;
    return new Promise((resolve, reject) => {
      if (request.signal?.aborted) return reject(new HttpError(`${what}: aborted`, 'aborted'));
      const tls = request.url.protocol === 'https:';
      const agent = tls ? this.https : this.http;
      const options: http.RequestOptions = {
        method: request.method,
        headers: {
          ...request.headers,
          ...(request.body === undefined
            ? {}
            : { 'content-length': Buffer.byteLength(request.body) }),
        },
        // A retry must not take another idle connection that may be as stale as the first.
        agent: fresh ? false : agent,
      };
      const req = (tls ? https : http).request(request.url, options);
      let settled = false;
      const settle = (error: Error | undefined, response?: HttpResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        if (error) {
          req.destroy();
          reject(error);
        } else resolve(response!);
      };
      const timer = setTimeout(
        () => settle(new HttpError(`${what}: no answer within ${request.timeoutMs} ms`, 'timeout')),
        request.timeoutMs,
      );
      const onAbort = () => settle(new HttpError(`${what}: aborted`, 'aborted'));
      request.signal?.addEventListener('abort', onAbort, { once: true });
      let answered = false;
      req.on('error', (error) => {
        const retry = req.reusedSocket && !answered && !fresh;
        settle(
          retry
            ? new ReusedConnectionClosed(error)
            : new HttpError(`${what}: ${error.message}`, 'network', undefined, { cause: error }),
        );
      });
      req.on('response', (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          settle(undefined, {
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: new TextDecoder().decode(Buffer.concat(chunks)),
          }),
        );
        res.on('error', (error) =>
          settle(
            new HttpError(`${what}: ${error.message}`, 'network', undefined, { cause: error }),
          ),
        );
        res.on('close', () => {
          if (!res.complete)
            settle(new HttpError(`${what}: connection closed mid-answer`, 'network'));
        });
      });
      req.end(request.body);
    });
  }
}

/** A request failed on a kept-alive connection before any answer: it is sent again. */
class ReusedConnectionClosed extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
  }
}

/**
 * The error for an answer that is not the one expected: `GET /v1/agent/config: HTTP 401
 * Unauthorized: detail (path: message; …)` from a problem+json body, the start of the body
 * otherwise, and for a redirect where it points.
 */
export function statusError(request: HttpRequest, response: HttpResponse): HttpError {
  const what = `${request.method} ${request.url.pathname}: HTTP ${response.status}`;
  const location = response.headers.location;
  if (response.status >= 300 && response.status < 400 && location !== undefined) {
    return new HttpError(
      `${what} to ${location} (redirects are not followed: give the control plane's URL)`,
      'status',
      response.status,
    );
  }
  const problem = problemOf(response);
  if (problem === undefined) {
    return new HttpError(`${what} ${response.text.slice(0, 200)}`, 'status', response.status);
  }
  const detail = problem.detail ? `: ${problem.detail}` : '';
  const fields = (problem.errors ?? [])
    .map((e) => `${e.path || '(body)'}: ${e.message}`)
    .join('; ');
  const message = `${what} ${problem.title}${detail}${fields ? ` (${fields})` : ''}`;
  return new HttpError(message.slice(0, 1000), 'status', response.status);
}

/** The RFC 9457 problem in `response`, if it carries one. */
function problemOf(response: HttpResponse): ProblemDetails | undefined {
  if (!/^application\/problem\+json\b/i.test(response.headers['content-type'] ?? '')) return;
  try {
    const parsed = ProblemDetails.safeParse(JSON.parse(response.text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // not JSON: shown as text
  }
}
