/**
 * Concurrent writers: If-Match makes a stale write fail (412) instead of overwriting, and
 * unconditional patches to one object serialise on the site lock, so no update is lost.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDatabase } from '../support/control-plane.js';
import { SITE, seedSite } from '../support/fleet.js';

const RS = `/v1/sites/${SITE}/virtual-servers/web-http/real-servers`;

forEachDatabase('concurrency', (get) => {
  test('two writers with the same ETag: one wins, the other gets 412, nothing is lost', async () => {
    const cp = get();
    await seedSite(cp);
    const read = await cp.request('GET', `${RS}/web1`);
    const etag = read.headers.get('etag')!;
    const [a, b] = await Promise.all([
      cp.request('PATCH', `${RS}/web1`, { body: { weight: 20 }, headers: { 'if-match': etag } }),
      cp.request('PATCH', `${RS}/web1`, {
        body: { labels: { app: 'web', version: 'v9' } },
        headers: { 'if-match': etag },
      }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 412]);
    const winner = a.status === 200 ? 'weight' : 'labels';
    const final = await cp.request('GET', `${RS}/web1`);
    assert.equal(final.body.resourceVersion, read.body.resourceVersion + 1);
    if (winner === 'weight')
      assert.deepEqual([final.body.weight, final.body.labels.version], [20, 'v1']);
    else assert.deepEqual([final.body.weight, final.body.labels.version], [10, 'v9']);
  });

  test('unconditional patches of different fields all apply (the site lock serialises them)', async () => {
    const cp = get();
    const patches = [
      { weight: 33 },
      { description: 'canary' },
      { upperThreshold: 500 },
      { labels: { team: 'edge' } },
    ];
    const results = await Promise.all(
      patches.map((body) => cp.request('PATCH', `${RS}/web2`, { body })),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      [200, 200, 200, 200],
    );
    const final = await cp.request('GET', `${RS}/web2`);
    assert.equal(final.body.weight, 33);
    assert.equal(final.body.description, 'canary');
    assert.equal(final.body.upperThreshold, 500);
    assert.equal(final.body.labels.team, 'edge');
  });

  test('concurrent creates of conflicting VIPs: exactly one succeeds', async () => {
    const cp = get();
    const make = (name: string, vrid: number) =>
      cp.request('POST', `/v1/sites/${SITE}/vrrp-instances`, {
        body: {
          name,
          vrid,
          interface: 'eth2',
          vips: [{ address: '203.0.113.7' }],
          members: [{ director: 'lb1', priority: 100 }],
        },
      });
    const results = await Promise.all([make('race-a', 70), make('race-b', 71), make('race-c', 72)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 422, 422]);
  });
});
