import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDatabase } from '../support/control-plane.js';
import { seedSite } from '../support/fleet.js';

forEachDatabase('smoke', (get) => {
  test('seeded site compiles a document for lb1', async () => {
    const cp = get();
    await seedSite(cp);
    const token = await cp.token('agent', 'ams1', 'lb1');
    const res = await cp.request('GET', '/v1/agent/config', { token });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.director.name, 'lb1');
    assert.equal(res.body.vrrpInstances[0].priority, 150);
    assert.equal(res.headers.get('etag'), `"${res.body.revision}"`);
  });
});
