/**
 * agent/runtime/http-client.ts against real node:http(s) servers on 127.0.0.1: answers and
 * bodies, one kept-alive connection for successive requests, the deadline, abort, an answer cut
 * short, a kept-alive connection closed under a request (sent again once, on a new one), the
 * errors for non-2xx answers (problem+json shown by title, detail and fields) and for redirects
 * (not followed), HTTPS with a CA given (a self-signed certificate made by openssl at test time),
 * and under V8's lite mode (no WebAssembly) without loading undici.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  HttpError,
  NodeHttpClient,
  statusError,
  type HttpRequest,
} from '../../agent/runtime/http-client.js';
import { prerequisite } from '../support/tier.js';

const run = promisify(execFile);

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
after(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

/** `handler` on 127.0.0.1, counting connections and requests; `scheme` is the server's. */
async function listen(
  handler: Handler,
  server: Server = createServer(),
  scheme = 'http',
): Promise<{ url: string; seen: { connections: number; requests: number } }> {
  const seen = { connections: 0, requests: 0 };
  server.on('connection', () => seen.connections++);
  server.on('secureConnection', () => seen.connections++);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    seen.requests++;
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `${scheme}://127.0.0.1:${port}`, seen };
}

const get = (url: string, path = '/x', more: Partial<HttpRequest> = {}): HttpRequest => ({
  ...{ method: 'GET', url: new URL(path, url), timeoutMs: 10_000 },
  ...more,
});

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof HttpError, String(error));
  return error;
}

describe('NodeHttpClient', () => {
  const http = new NodeHttpClient();
  after(() => http.close());

  test('returns the status, headers and body; sends the body with its length', async () => {
    let received = '';
    const { url } = await listen((req, res) => {
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (received += chunk));
      req.on('end', () => {
        res.writeHead(201, { etag: '"7"', 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${req.method} ${req.headers['content-length']} é`);
      });
    });
    const response = await http.request({
      ...get(url),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"é":1}',
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers.etag, '"7"');
    assert.equal(response.text, 'POST 8 é'); // bytes, not characters
    assert.equal(received, '{"é":1}');
  });

  test('successive requests share one kept-alive connection', async () => {
    const { url, seen } = await listen((_req, res) => res.end('ok'));
    for (let i = 0; i < 3; i++) assert.equal((await http.request(get(url))).text, 'ok');
    assert.deepEqual(seen, { connections: 1, requests: 3 });
  });

  test('no answer within the deadline: a timeout error, and the connection is closed', async () => {
    let closed = false;
    const { url } = await listen((req) => req.socket.on('close', () => (closed = true)));
    const error = await rejection(http.request(get(url, '/slow', { timeoutMs: 100 })));
    assert.equal(error.failure, 'timeout');
    assert.equal(error.message, 'GET /slow: no answer within 100 ms');
    await until(() => closed);
  });

  test('abort ends a request in flight (the long-poll at shutdown); an aborted signal sends none', async () => {
    let closed = false;
    const { url, seen } = await listen((req) => req.socket.on('close', () => (closed = true)));
    const abort = new AbortController();
    const pending = http.request(get(url, '/wait', { signal: abort.signal }));
    await until(() => seen.requests === 1);
    abort.abort();
    const error = await rejection(pending);
    assert.equal(error.failure, 'aborted');
    await until(() => closed);
    const again = await rejection(http.request(get(url, '/wait', { signal: abort.signal })));
    assert.equal(again.failure, 'aborted');
    assert.equal(seen.requests, 1);
  });

  test('an answer cut short is a network error', async () => {
    const { url } = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setImmediate(() => res.socket?.destroy());
    });
    const error = await rejection(http.request(get(url)));
    assert.equal(error.failure, 'network');
    assert.match(error.message, /^GET \/x: /);
  });

  test('nothing listening: a network error naming the system error', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((r) => server.close(r));
    const error = await rejection(http.request(get(url)));
    assert.equal(error.failure, 'network');
    assert.match(error.message, /^GET \/x: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  test('a kept-alive connection closed under a request: sent once more, on a new connection', async () => {
    const served = new WeakMap<object, number>();
    const { url, seen } = await listen((req, res) => {
      // The second request on a connection finds it closed, as when the server's keep-alive
      // timeout ends just as the client reuses the connection.
      const count = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, count);
      if (count === 2) req.socket.destroy();
      else res.end(req.url);
    });
    const client = new NodeHttpClient();
    try {
      assert.equal((await client.request(get(url, '/first'))).text, '/first');
      assert.equal((await client.request(get(url, '/second'))).text, '/second');
      assert.deepEqual(seen, { connections: 2, requests: 3 });
    } finally {
      client.close();
    }
  });

  test('a fresh connection that fails is not sent again', async () => {
    const { url, seen } = await listen((req) => req.socket.destroy());
    const client = new NodeHttpClient();
    try {
      assert.equal((await rejection(client.request(get(url)))).failure, 'network');
      assert.deepEqual(seen, { connections: 1, requests: 1 });
    } finally {
      client.close();
    }
  });

  test('redirects are not followed; the error says where they point', async () => {
    const { url, seen } = await listen((_req, res) => {
      res.writeHead(302, { location: 'https://elsewhere.example/v1/agent/config' });
      res.end();
    });
    const request = get(url, '/v1/agent/config');
    const response = await http.request(request);
    assert.equal(response.status, 302);
    assert.equal(seen.requests, 1);
    assert.equal(
      statusError(request, response).message,
      "GET /v1/agent/config: HTTP 302 to https://elsewhere.example/v1/agent/config (redirects are not followed: give the control plane's URL)",
    );
  });
});

describe('statusError', () => {
  const request = get('http://127.0.0.1:1', '/v1/agent/status', { method: 'POST' });
  const response = (status: number, contentType: string, text: string) => ({
    ...{ status, text },
    headers: { 'content-type': contentType },
  });

  test('a problem+json answer: its title, detail and field errors', () => {
    const problem = {
      ...{ type: 'urn:fleetlb:problem:validation-failed', title: 'Validation failed' },
      ...{ status: 422, detail: 'the report is invalid', instance: '/v1/agent/status' },
      errors: [
        { path: 'body.vrrp[0].vrid', message: 'must be 1-255' },
        { path: '', message: 'too large' },
      ],
    };
    const error = statusError(
      request,
      response(422, 'application/problem+json', JSON.stringify(problem)),
    );
    assert.equal(error.status, 422);
    assert.equal(error.failure, 'status');
    assert.equal(
      error.message,
      'POST /v1/agent/status: HTTP 422 Validation failed: the report is invalid (body.vrrp[0].vrid: must be 1-255; (body): too large)',
    );
  });

  test('any other body: its first 200 characters', () => {
    const text = `busy ${'x'.repeat(300)}`;
    const error = statusError(request, response(503, 'text/plain', text));
    assert.equal(error.message, `POST /v1/agent/status: HTTP 503 ${text.slice(0, 200)}`);
    const notProblem = statusError(request, response(500, 'application/problem+json', '{oops'));
    assert.equal(notProblem.message, 'POST /v1/agent/status: HTTP 500 {oops');
  });
});

describe('NodeHttpClient over HTTPS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetlb-http-client-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  const made = spawnSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
      ...['-days', '1', '-subj', '/CN=fleetlb-test', '-addext', 'subjectAltName=IP:127.0.0.1'],
      ...['-keyout', key, '-out', cert],
    ],
    { stdio: 'ignore' },
  );
  const skip = prerequisite(made.status === 0, 'openssl could not make a self-signed certificate');

  test('with the CA given the certificate is trusted; without it, refused', { skip }, async () => {
    const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) });
    const { url } = await listen((_req, res) => res.end('secret'), server, 'https');
    const trusting = new NodeHttpClient({ ca: readFileSync(cert) });
    const other = new NodeHttpClient();
    try {
      assert.equal((await trusting.request(get(url))).text, 'secret');
      const error = await rejection(other.request(get(url)));
      assert.equal(error.failure, 'network');
      assert.match(error.message, /^GET \/x: self[- ]signed certificate/);
    } finally {
      trusting.close();
      other.close();
    }
  });
});

describe('under lite mode (the agent’s V8 flags for small directors)', () => {
  test('the control-plane client works without WebAssembly and loads no undici', async () => {
    const document = readFileSync(
      new URL('../../contract/fixtures/compiled/ams1-lb1.json', import.meta.url),
      'utf8',
    );
    const { url } = await listen((_req, res) => {
      res.writeHead(200, { etag: '"1"', 'content-type': 'application/json' });
      res.end(document);
    });
    const clientModule = fileURLToPath(
      new URL('../../agent/runtime/config-client.ts', import.meta.url),
    );
    const script = [
      `const { fetchConfigOnce } = await import(${JSON.stringify(clientModule)});`,
      `const check = await fetchConfigOnce({ url: ${JSON.stringify(url)}, token: 't' });`,
      'const undici = process.moduleLoadList.filter((m) => /undici/.test(m));',
      'console.log(JSON.stringify({ ok: check.ok, wasm: typeof WebAssembly, undici }));',
    ].join('\n');
    // Asynchronously: this process serves the document meanwhile.
    const { stdout } = await run(
      process.execPath,
      ['--lite-mode', '--no-expose-wasm', '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8', cwd: fileURLToPath(new URL('../../', import.meta.url)) },
    );
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').at(-1)!), {
      ok: true,
      wasm: 'undefined',
      undici: [],
    });
  });
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail('timed out');
}
