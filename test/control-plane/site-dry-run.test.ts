/**
 * `?dryRun=true` on the site writes too (create, replace, delete): the preview says what would
 * change, and nothing does (revision, audit log and rows unchanged).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDatabase } from '../support/control-plane.js';
import { SITE, seedSite } from '../support/fleet.js';

forEachDatabase('site dry runs', (get) => {
  test('create, replace and delete a site with dryRun=true change nothing', async () => {
    const cp = get();
    await seedSite(cp);
    const site = async () => (await cp.request('GET', `/v1/sites/${SITE}`)).body;
    const auditCount = async () =>
      (await cp.request('GET', '/v1/audit?limit=1000')).body.items.length as number;
    const before = { site: await site(), audit: await auditCount() };

    const created = await cp.request('POST', '/v1/sites?dryRun=true', {
      body: { name: 'ghost', description: 'never made' },
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.dryRun, true);
    assert.deepEqual(
      created.body.changes.map((c: { action: string; resource: string }) => [c.action, c.resource]),
      [['create', 'ghost']],
    );
    assert.equal((await cp.request('GET', '/v1/sites/ghost')).status, 404);
    const taken = await cp.request('POST', '/v1/sites?dryRun=true', { body: { name: SITE } });
    assert.equal(taken.status, 409, 'the dry run refuses what the write would refuse');

    const replaced = await cp.request('PUT', `/v1/sites/${SITE}?dryRun=true`, {
      body: { description: 'changed' },
    });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.body.dryRun, true);
    assert.equal(replaced.body.revision, before.site.revision + 1);
    assert.equal(replaced.body.changes[0].action, 'update');

    const refused = await cp.request('DELETE', `/v1/sites/${SITE}?dryRun=true`);
    assert.equal(refused.status, 409, 'not empty, no cascade');
    const deleted = await cp.request('DELETE', `/v1/sites/${SITE}?dryRun=true&cascade=true`);
    assert.equal(deleted.status, 200, deleted.text);
    const resources = deleted.body.changes.map((c: { resourceType: string }) => c.resourceType);
    assert.ok(resources.includes('director') && resources.at(-1) === 'site', String(resources));

    assert.deepEqual(await site(), before.site, 'the site is as it was');
    assert.equal(await auditCount(), before.audit, 'nothing audited');
  });
});
