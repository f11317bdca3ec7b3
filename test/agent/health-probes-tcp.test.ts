/**
 * agent/health/tcp.ts through the native connect (@fleetlb/packet-socket/tcp-probe): up on IPv4
 * and IPv6, refused with node:net's code and message, aborted in flight (the sockets released,
 * no callback after), and a host name through node:net.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HealthCheck } from '../../contract/health-check.js';
import { describeError } from '../../agent/health/probe-types.js';
import { probeTcp } from '../../agent/health/tcp.js';
import type { CheckOf } from '../../agent/health/probe-types.js';

const tcp = HealthCheck.parse({ type: 'tcp' }) as CheckOf<'tcp'>;
const server = createServer((socket) => {
  socket.on('error', () => undefined);
  socket.destroy();
});
let port = 0;
let closedPort = 0;
before(async () => {
  await new Promise<void>((r) => server.listen(0, '::', r));
  port = (server.address() as AddressInfo).port;
  const spare = createServer().listen(0, '127.0.0.1');
  await once(spare, 'listening');
  closedPort = (spare.address() as AddressInfo).port;
  await new Promise((r) => spare.close(r));
});
after(() => server.close());

test('up on IPv4 and IPv6 once the handshake completes', async () => {
  assert.deepEqual(await probeTcp(tcp, { address: '127.0.0.1', port }, { timeoutMs: 2000 }), {
    ok: true,
  });
  assert.deepEqual(await probeTcp(tcp, { address: '::1', port }, { timeoutMs: 2000 }), {
    ok: true,
  });
});

test('refused: the reason and detail node:net gives', async () => {
  const target = { address: '127.0.0.1', port: closedPort };
  const viaNet = connect(target.port, target.address);
  const [err] = (await once(viaNet, 'error').catch((e: unknown) => [e])) as [unknown];
  const r = await probeTcp(tcp, target, { timeoutMs: 2000 });
  assert.deepEqual(r, { ok: false, reason: 'refused', detail: describeError(err) });
});

test('aborted in flight: every probe settles aborted, and nothing calls back later', async () => {
  const ac = new AbortController();
  const pending = Array.from({ length: 50 }, () =>
    probeTcp(tcp, { address: '127.0.0.1', port }, { timeoutMs: 2000, signal: ac.signal }),
  );
  ac.abort();
  const results = await Promise.all(pending);
  assert.ok(results.every((r) => !r.ok && r.reason === 'error' && r.detail === 'aborted'));
  await sleep(50); // a callback of a cancelled probe would run (and throw) here
  assert.deepEqual(await probeTcp(tcp, { address: '127.0.0.1', port }, { timeoutMs: 2000 }), {
    ok: true,
  });
});

test('a host name goes through node:net', async () => {
  assert.deepEqual(await probeTcp(tcp, { address: 'localhost', port }, { timeoutMs: 2000 }), {
    ok: true,
  });
});
