/**
 * `GET /v1/sites/{site}/directors/{name}/document`: the document the director's agent pulls, for
 * readers (ETag = the site's revision); VRRP passwords only for callers who may read secrets;
 * 404 for an unknown site or director; agents use their own route.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { forEachDatabase } from '../support/control-plane.js';
import { SITE, seedSite } from '../support/fleet.js';

forEachDatabase('a director document for operators', (get) => {
  let viewer = '';
  let agent = '';

  before(async () => {
    const cp = get();
    await seedSite(cp);
    const res = await cp.request('PATCH', `/v1/sites/${SITE}/vrrp-instances/web`, {
      body: { version: 2, authPassword: 'secret12' },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    assert.equal(res.status, 200, res.text);
    viewer = await cp.token('viewer');
    agent = await cp.token('agent', SITE, 'lb1');
  });

  test('is what the agent pulls, with the revision as ETag; the VRRP version reads back', async () => {
    const cp = get();
    const mine = await cp.request('GET', `/v1/sites/${SITE}/directors/lb1/document`);
    const pulled = await cp.request('GET', '/v1/agent/config', { token: agent });
    assert.equal(mine.status, 200, mine.text);
    assert.deepEqual(mine.body, pulled.body);
    assert.equal(mine.headers.get('etag'), `"${mine.body.revision}"`);
    const web = await cp.request('GET', `/v1/sites/${SITE}/vrrp-instances/web`);
    assert.equal(web.body.version, 2, 'the protocol version is not shadowed by the object version');
    assert.equal(typeof web.body.resourceVersion, 'number');
  });

  test('a viewer sees the password redacted', async () => {
    const res = await get().request('GET', `/v1/sites/${SITE}/directors/lb1/document`, {
      token: viewer,
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.vrrpInstances[0].authPassword, '********');
  });

  test('unknown site or director: 404; an agent token: 403', async () => {
    const cp = get();
    assert.equal(
      (await cp.request('GET', `/v1/sites/${SITE}/directors/nope/document`)).status,
      404,
    );
    assert.equal((await cp.request('GET', '/v1/sites/nope/directors/lb1/document')).status, 404);
    const res = await cp.request('GET', `/v1/sites/${SITE}/directors/lb1/document`, {
      token: agent,
    });
    assert.equal(res.status, 403);
  });
});
