/**
 * @module A minimal HTTP/1.1 client on node:http (keep-alive agents, a timeout on every request):
 * lighter than fetch when a thousand simulated agents share one process.
 */
import http from 'node:http';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  agent: http.Agent;
  timeoutMs: number;
  /** Called once the request has been written to the socket. */
  onSent?: () => void;
}

export function httpRequest(url: string, init: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    const req = http.request(
      url,
      { method: init.method ?? 'GET', headers, agent: init.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete)
            reject(new Error(`${init.method ?? 'GET'} ${url}: the response was cut off`));
        });
      },
    );
    req.setTimeout(init.timeoutMs, () =>
      req.destroy(
        new Error(`${init.method ?? 'GET'} ${url}: no answer within ${init.timeoutMs} ms`),
      ),
    );
    req.on('error', reject);
    if (init.onSent) req.on('finish', init.onSent);
    req.end(init.body);
  });
}

/** The API as the admin: JSON in, JSON out, and an error on any status but the expected ones. */
export class AdminClient {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    expect: number[] = [200, 201, 204],
  ): Promise<HttpResponse & { json: unknown }> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined)
      headers['content-type'] =
        method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
    const res = await httpRequest(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      agent: this.agent,
      timeoutMs: 30_000,
    });
    if (!expect.includes(res.status))
      throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return {
      ...res,
      json:
        /json/.test(res.headers['content-type'] ?? '') && res.text
          ? (JSON.parse(res.text) as unknown)
          : undefined,
    };
  }

  /** Creates an agent token for `site/director` and returns it. */
  async agentToken(site: string, director: string): Promise<string> {
    const res = await this.call('POST', '/v1/tokens', {
      name: `bench-${director}`,
      role: 'agent',
      site,
      director,
    });
    return (res.json as { token: string }).token;
  }

  close(): void {
    this.agent.destroy();
  }
}
