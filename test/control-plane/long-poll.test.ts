/**
 * The agent protocol's long-poll: a waiting agent is woken by a commit (on this replica or on
 * another one sharing the database), answers 304 when its wait runs out, and a client that goes
 * away leaves no waiter behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startControlPlane } from '../../control-plane/server.js';
import {
  forEachDatabase,
  silentLogger,
  startTestControlPlane,
  TestControlPlane,
} from '../support/control-plane.js';
import { postgresTier } from '../support/databases.js';
import { SITE, seedSite } from '../support/fleet.js';

const RS = `/v1/sites/${SITE}/virtual-servers/web-http/real-servers`;

forEachDatabase('long-poll', (get) => {
  let token = '';
  test('GET without If-None-Match returns the document at once, ETag = revision', async () => {
    const cp = get();
    await seedSite(cp);
    token = await cp.token('agent', SITE, 'lb1');
    const res = await cp.request('GET', '/v1/agent/config?wait=30', { token });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('etag'), `"${res.body.revision}"`);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('an unchanged site answers 304 when the wait runs out', async () => {
    const cp = get();
    const etag = (await cp.request('GET', '/v1/agent/config', { token })).headers.get('etag')!;
    const res = await cp.request('GET', '/v1/agent/config?wait=1', {
      token,
      headers: { 'if-none-match': etag },
    });
    assert.equal(res.status, 304);
    assert.equal(res.headers.get('etag'), etag);
    const immediate = await cp.request('GET', '/v1/agent/config', {
      token,
      headers: { 'if-none-match': `W/${etag}` },
    });
    assert.equal(immediate.status, 304, 'weak comparison for If-None-Match (RFC 9110 §13.1.2)');
  });

  test('a commit wakes the waiter with the new document before its wait runs out', async () => {
    const cp = get();
    const first = await cp.request('GET', '/v1/agent/config', { token });
    const started = Date.now();
    const waiting = cp.request('GET', '/v1/agent/config?wait=30', {
      token,
      headers: { 'if-none-match': first.headers.get('etag')! },
    });
    await new Promise((r) => setTimeout(r, 200));
    const patched = await cp.request('PATCH', `${RS}/web1`, { body: { weight: 42 } });
    assert.equal(patched.status, 200);
    const res = await waiting;
    assert.equal(res.status, 200);
    assert.equal(res.body.revision, first.body.revision + 1);
    assert.equal(
      res.body.virtualServers[0].realServers.find((r: { name: string }) => r.name === 'web1')
        .weight,
      42,
    );
    assert.ok(Date.now() - started < 25_000, 'woken by the commit, not by the wait running out');
  });

  test('a change to another site does not wake the waiter', async () => {
    const cp = get();
    await cp.request('POST', '/v1/sites', { body: { name: 'other' } });
    const etag = (await cp.request('GET', '/v1/agent/config', { token })).headers.get('etag')!;
    const waiting = cp.request('GET', '/v1/agent/config?wait=2', {
      token,
      headers: { 'if-none-match': etag },
    });
    await cp.request('POST', '/v1/sites/other/directors', {
      body: { name: 'x1', address: '203.0.113.1' },
    });
    assert.equal((await waiting).status, 304);
  });

  test('a client that disconnects leaves no waiter behind', async () => {
    const cp = get();
    const etag = (await cp.request('GET', '/v1/agent/config', { token })).headers.get('etag')!;
    const controller = new AbortController();
    const waiting = cp.request('GET', '/v1/agent/config?wait=30', {
      token,
      headers: { 'if-none-match': etag },
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(cp.controlPlane.deps.bus.pendingWaits(), 1);
    const abortedAt = Date.now();
    controller.abort();
    await waiting.catch(() => undefined); // app.request may resolve or reject on abort
    assert.ok(Date.now() - abortedAt < 5000, 'the handler stopped waiting when the client left');
    assert.equal(cp.controlPlane.deps.bus.pendingWaits(), 0);
  });
});

/** Two replicas (two apps) on one database: a write on A wakes a long-poll on B. */
for (const kind of ['pglite', 'postgres'] as const) {
  describe(`long-poll across replicas [${kind}]`, async () => {
    const skip = kind === 'postgres' ? await postgresTier() : false;
    if (skip) return void describe('PostgreSQL tier', { skip }, () => {});
    let a: Awaited<ReturnType<typeof startTestControlPlane>>;
    let b: TestControlPlane;
    let closeB = async () => {};
    before(async () => {
      a = await startTestControlPlane(kind);
      // Replica B: its own app, bus, caches and (on PostgreSQL) its own connections and LISTEN.
      const location = kind === 'postgres' ? { url: a.url! } : { database: a.cp.database };
      const replica = await startControlPlane({ location, logger: silentLogger });
      b = new TestControlPlane(replica, a.cp.adminToken);
      closeB = () => replica.close();
    });
    after(async () => {
      await closeB();
      await a.stop();
    });

    test('a write on replica A wakes an agent waiting on replica B', async () => {
      await seedSite(a.cp);
      const token = await a.cp.token('agent', SITE, 'lb2');
      const first = await b.request('GET', '/v1/agent/config', { token });
      assert.equal(first.status, 200);
      const started = Date.now();
      const waiting = b.request('GET', '/v1/agent/config?wait=30', {
        token,
        headers: { 'if-none-match': first.headers.get('etag')! },
      });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(
        (await a.cp.request('PATCH', `${RS}/web2`, { body: { adminState: 'draining' } })).status,
        200,
      );
      const res = await waiting;
      assert.equal(res.status, 200);
      assert.equal(res.body.revision, first.body.revision + 1);
      assert.equal(
        res.body.virtualServers[0].realServers.find((r: { name: string }) => r.name === 'web2')
          .adminState,
        'draining',
      );
      assert.ok(Date.now() - started < 25_000, 'woken by NOTIFY, not by the wait running out');
    });

    test('a token revoked on replica A stops working on replica B at once', async () => {
      const created = await a.cp.request('POST', '/v1/tokens', {
        body: { name: 'short-lived', role: 'viewer' },
      });
      assert.equal(
        (await b.request('GET', '/v1/sites', { token: created.body.token })).status,
        200,
      );
      assert.equal((await a.cp.request('DELETE', `/v1/tokens/${created.body.id}`)).status, 204);
      await new Promise((r) => setTimeout(r, 200)); // the NOTIFY's trip to B's listener
      assert.equal(
        (await b.request('GET', '/v1/sites', { token: created.body.token })).status,
        401,
      );
    });
  });
}
