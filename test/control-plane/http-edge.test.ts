/**
 * The HTTP edge over a real listener: nothing is read from a caller who has not authenticated
 * (and what Node discards after the answer is bounded),
 * a body must arrive within its bound (shortened here) and within the in-flight byte budgets,
 * and the errors Node's own HTTP server raises are problem+json like every other error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerType } from '@hono/node-server';
import { serveHttp, DEFAULT_HTTP_SERVER_OPTIONS } from '../../control-plane/http/node-server.js';
import { UNREAD_BODY_LIMIT_BYTES } from '../../control-plane/http/unread-body.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { SITE, seedSite } from '../support/fleet.js';
import { post, RawClient } from '../support/raw-http.js';

// Long enough that a second request always starts while the first body is still held, however
// loaded the machine (the 429 test below races them).
const BODY_TIMEOUT_MS = 3000;
const PER_TOKEN_BYTES = 256 * 1024;

describe('HTTP edge', () => {
  let running: Awaited<ReturnType<typeof startTestControlPlane>>;
  let cp: TestControlPlane;
  let server: ServerType;
  let port = 0;
  let agent = '';

  before(async () => {
    running = await startTestControlPlane('pglite', {
      bodyTimeoutMs: BODY_TIMEOUT_MS,
      bodyBytesPerToken: PER_TOKEN_BYTES,
    });
    cp = running.cp;
    await seedSite(cp);
    agent = await cp.token('agent', SITE, 'lb1');
    await new Promise<void>((resolve) => {
      server = serveHttp(
        cp.controlPlane.app.fetch,
        { ...DEFAULT_HTTP_SERVER_OPTIONS, hostname: '127.0.0.1', port: 0 },
        (info) => {
          port = info.port;
          resolve();
        },
      );
    });
  });

  after(async () => {
    (server as unknown as { closeAllConnections(): void }).closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await running.stop();
  });

  test('40 unauthenticated chunked uploads are answered 401 at once, and the rest of the body is not read past a bound', async () => {
    const chunk = Buffer.alloc(1 << 20, 0x20);
    const clients = Array.from(
      { length: 40 },
      () =>
        new RawClient(
          port,
          post('/v1/agent/status', {
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          }),
        ),
    );
    const sent = await Promise.all(clients.map((c) => c.upload(31 << 20, chunk)));
    await Promise.all(clients.map((c) => c.answered));
    for (const [i, c] of clients.entries()) {
      assert.equal(c.status(), 401, c.response.slice(0, 200));
      assert.equal(c.problem().type, 'urn:fleetlb:problem:unauthorized');
      assert.ok(sent[i]! < 31 << 20, 'answered while the upload was still going');
    }
    // The upload goes on after the answer: the server discards at most UNREAD_BODY_LIMIT_BYTES
    // of it (plus what the sockets' buffers hold), then closes the connection; it would
    // otherwise read for as long as the client sends.
    const more = await Promise.all(clients.map((c) => c.uploadUntilClosed(31 << 20, chunk)));
    await Promise.all(clients.map((c) => c.closed));
    for (const bytes of more) {
      assert.ok(
        bytes < 31 << 20,
        `the server closed the connection (${bytes} bytes after the answer)`,
      );
    }
    assert.ok(UNREAD_BODY_LIMIT_BYTES < 31 << 20);
  });

  test('a declared Content-Length over the limit is 413 before anything else, token or not', async () => {
    const c = new RawClient(
      port,
      post('/v1/sites', { 'content-type': 'application/json', 'content-length': String(2 << 20) }),
    );
    await c.answered;
    assert.equal(c.status(), 413);
    assert.equal(c.problem().type, 'urn:fleetlb:problem:payload-too-large');
    c.socket.destroy();
  });

  test('a body that does not arrive within the bound is cut with 408 problem+json', async () => {
    const c = new RawClient(
      port,
      post('/v1/agent/status', {
        authorization: `Bearer ${agent}`,
        'content-type': 'application/json',
        'content-length': '1000',
      }),
    );
    c.socket.write('{"appliedRevision":');
    await c.answered;
    assert.equal(c.status(), 408, c.response.slice(0, 300));
    assert.equal(c.problem().type, 'urn:fleetlb:problem:request-timeout');
    assert.equal(c.header('connection'), 'close');
    await c.closed; // the server does not keep the connection
  });

  test('one token may not hold more than its share of in-flight body bytes: 429 with Retry-After', async () => {
    const slow = new RawClient(
      port,
      post('/v1/agent/status', {
        authorization: `Bearer ${agent}`,
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      }),
    );
    const part = Buffer.alloc(PER_TOKEN_BYTES - 1024, 0x20);
    slow.socket.write(`${part.length.toString(16)}\r\n`);
    slow.socket.write(part);
    slow.socket.write('\r\n');
    const budget = cp.controlPlane.deps.bodyBudget;
    while (budget.inFlightBytes() < part.length) await new Promise((r) => setTimeout(r, 10));
    const second = await fetch(`http://127.0.0.1:${port}/v1/agent/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(4096) }),
    });
    assert.equal(second.status, 429);
    assert.equal(second.headers.get('retry-after'), '1');
    assert.equal(
      ((await second.json()) as { type: string }).type,
      'urn:fleetlb:problem:too-many-requests',
    );
    await slow.answered; // the slow one is cut at its bound and gives its share back
    assert.equal(slow.status(), 408);
    assert.equal(cp.controlPlane.deps.bodyBudget.inFlightBytes(), 0);
  });

  test("Node's own refusals are problem+json: 431 for huge headers, 400 for a malformed request", async () => {
    const huge = new RawClient(
      port,
      `GET /healthz HTTP/1.1\r\nHost: test\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
    );
    await huge.answered;
    assert.equal(huge.status(), 431);
    assert.equal(huge.header('content-type'), 'application/problem+json');
    assert.equal(huge.problem().status, 431);

    const malformed = new RawClient(port, 'GET /healthz HTTP/1.1\r\nHost test\r\n\r\n');
    await malformed.answered;
    assert.equal(malformed.status(), 400);
    assert.equal(malformed.problem().type, 'urn:fleetlb:problem:bad-request');
  });

  test('a legal request still works through all of it', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/sites`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cp.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'edge' }),
    });
    assert.equal(res.status, 201, await res.text());
  });
});
