/**
 * agent/health stream probes against real servers started here on 127.0.0.1: HTTP (status,
 * digest, regex, Host, max body, timeout, refused, abort), HTTPS with a self-signed certificate
 * made by openssl at test time (verify on → tls failure, verify off → up) and TCP. UDP and DNS are
 * in health-probes-datagram.test.ts, scripts in health-probes-script.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { HealthCheck } from '../../contract/health-check.js';
import { runProbe } from '../../agent/health/probe.js';
import { assertFails, HOST, probe } from '../support/health-probe.js';
import { probeHttp } from '../../agent/health/http.js';
import { prerequisite } from '../support/tier.js';

const BODY = 'hello fleetlb\n';
const BODY_MD5 = createHash('md5').update(BODY).digest('hex');
const dir = mkdtempSync(join(tmpdir(), 'fleetlb-health-'));
const closers: (() => void)[] = [];

const portOf = (s: NetServer | HttpServer): number => (s.address() as AddressInfo).port;

async function listen<T extends NetServer>(server: T): Promise<number> {
  await new Promise<void>((r) => server.listen(0, HOST, r));
  closers.push(() => {
    server.close();
    (server as unknown as HttpServer).closeAllConnections?.();
  });
  return portOf(server);
}

/** A port with nothing listening: bind, note the port, close. */
async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, HOST, r));
  const port = portOf(s);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function handler(req: IncomingMessage, res: ServerResponse) {
  if (req.url === '/500') res.writeHead(500).end('no');
  else if (req.url === '/host') res.writeHead(200).end(String(req.headers['host']));
  else if (req.url === '/big') res.writeHead(200).end(Buffer.alloc(64 * 1024, 'x'));
  else res.writeHead(200).end(BODY);
}

let httpPort = 0;
let hangPort = 0;
let refusedPort = 0;
before(async () => {
  httpPort = await listen(createHttpServer(handler));
  const hung: Socket[] = [];
  const hang = createNetServer((s) => hung.push(s));
  hangPort = await listen(hang);
  closers.push(() => hung.forEach((s) => s.destroy()));
  refusedPort = await closedPort();
});
after(() => {
  closers.forEach((c) => c());
  rmSync(dir, { recursive: true, force: true });
});

describe('http probe', () => {
  test('up on 200 with the right digest and regex', async () => {
    const r = await probe(
      { type: 'http', path: '/', bodyDigest: BODY_MD5, bodyRegex: 'fleet' },
      httpPort,
    );
    assert.deepEqual(r, { ok: true });
  });
  test('wrong status → status', async () => {
    assertFails(await probe({ type: 'http', path: '/500' }, httpPort), 'status');
    assert.equal(
      (await probe({ type: 'http', path: '/500', expectStatus: [500] }, httpPort)).ok,
      true,
    );
  });
  test('wrong digest → digest; regex mismatch → body', async () => {
    assertFails(await probe({ type: 'http', bodyDigest: '0'.repeat(32) }, httpPort), 'digest');
    assertFails(await probe({ type: 'http', bodyRegex: '^nope' }, httpPort), 'body');
  });
  test('the Host header is sent', async () => {
    const spec = HealthCheck.parse({
      type: 'http',
      path: '/host',
      host: 'www.example',
      bodyRegex: '^www\\.example$',
    });
    assert.equal(
      (await runProbe(spec, { address: HOST, port: httpPort }, { timeoutMs: 500 })).ok,
      true,
    );
  });
  test('a body above maxBodyBytes fails with body', async () => {
    const spec = HealthCheck.parse({ type: 'http', path: '/big', bodyRegex: 'x' });
    if (spec.type !== 'http') throw new Error('unreachable');
    const r = await probeHttp(
      spec,
      { address: HOST, port: httpPort },
      { timeoutMs: 500, maxBodyBytes: 1024 },
    );
    assertFails(r, 'body');
  });
  test('nothing listening → refused; a server that never answers → timeout', async () => {
    assertFails(await probe({ type: 'http' }, refusedPort), 'refused');
    assertFails(await probe({ type: 'http' }, hangPort, 150), 'timeout');
  });
  test('an aborted probe resolves as error', async () => {
    const ac = new AbortController();
    const spec = HealthCheck.parse({ type: 'http' });
    const p = runProbe(
      spec,
      { address: HOST, port: hangPort },
      { timeoutMs: 5000, signal: ac.signal },
    );
    ac.abort();
    assertFails(await p, 'error');
  });
});

describe('https probe', () => {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const skip = prerequisite(made.status === 0, 'openssl could not make a self-signed certificate');
  let port = 0;
  before(async () => {
    if (skip === false)
      port = await listen(
        createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, handler),
      );
  });
  test('verify on: a self-signed certificate fails with tls', { skip }, async () => {
    assertFails(await probe({ type: 'https', host: 'localhost' }, port), 'tls');
  });
  test('verify off: up, with the digest checked over TLS', { skip }, async () => {
    const r = await probe({ type: 'https', tlsVerify: false, bodyDigest: BODY_MD5 }, port);
    assert.deepEqual(r, { ok: true });
  });
});

describe('tcp probe', () => {
  test('up when the connection is accepted, refused when nothing listens', async () => {
    assert.equal((await probe({ type: 'tcp' }, httpPort)).ok, true);
    assertFails(await probe({ type: 'tcp' }, refusedPort), 'refused');
  });
});
