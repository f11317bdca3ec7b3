/**
 * The bulk apply, `POST /v1/sites/{site}/apply`, on PGlite and PostgreSQL: a manifest's objects
 * in one transaction and one revision, all or nothing; a dry run that changes nothing and says
 * what would change and what would re-elect; operational fields owned by the deploy verbs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDatabase, type TestControlPlane } from '../support/control-plane.js';

const SITE = 'par1';
const APPLY = `/v1/sites/${SITE}/apply`;
const RS = `/v1/sites/${SITE}/virtual-servers/web-http/real-servers`;

const manifest = (over: { weight?: number; vrid?: number; badLast?: boolean } = {}) => ({
  objects: [
    // Out of order on purpose: the server applies parents first.
    {
      kind: 'RealServer',
      virtualServer: 'web-http',
      spec: {
        name: 'web1',
        address: '198.51.100.11',
        port: 80,
        labels: { app: 'web' },
        ...(over.weight === undefined ? {} : { weight: over.weight }),
      },
    },
    { kind: 'Director', spec: { name: 'lb1', address: '192.0.2.1' } },
    { kind: 'Director', spec: { name: 'lb2', address: '192.0.2.2' } },
    {
      kind: 'VrrpInstance',
      spec: {
        name: 'web',
        vrid: over.vrid ?? 51,
        interface: 'eth0',
        vips: [{ address: '192.0.2.100', prefixLength: 24 }],
        members: [
          { director: 'lb1', priority: 150 },
          { director: 'lb2', priority: 100 },
        ],
      },
    },
    {
      kind: 'VirtualServer',
      spec: {
        name: 'web-http',
        vrrpInstance: 'web',
        address: '192.0.2.100',
        port: 80,
        protocol: 'tcp',
      },
    },
    ...(over.badLast
      ? [
          {
            kind: 'RealServer',
            virtualServer: 'web-http',
            spec: { name: 'web2', address: '198.51.100.11', port: 80 }, // duplicate of web1
          },
        ]
      : []),
  ],
});

const revision = async (cp: TestControlPlane) =>
  (await cp.request('GET', `/v1/sites/${SITE}`)).body.revision as number;
const auditCount = async (cp: TestControlPlane) =>
  ((await cp.request('GET', '/v1/audit?limit=1000')).body.items as unknown[]).length;

forEachDatabase('bulk apply', (get) => {
  test('a failing last object leaves nothing behind, and names the object', async () => {
    const cp = get();
    assert.equal((await cp.request('POST', '/v1/sites', { body: { name: SITE } })).status, 201);
    const before = [await revision(cp), await auditCount(cp)];
    const res = await cp.request('POST', APPLY, { body: manifest({ badLast: true }) });
    assert.equal(res.status, 422, res.text);
    assert.match(res.body.detail, /RealServer web2 \(objects\.5\)/);
    assert.ok(res.body.errors.every((e: { path: string }) => e.path.startsWith('objects.5')));
    assert.deepEqual([await revision(cp), await auditCount(cp)], before);
    assert.equal((await cp.request('GET', `/v1/sites/${SITE}/directors/lb1`)).status, 404);
  });

  test('a dry run says what would change and changes nothing', async () => {
    const cp = get();
    const before = [await revision(cp), await auditCount(cp)];
    const res = await cp.request('POST', `${APPLY}?dryRun=true`, {
      body: manifest({ weight: 10 }),
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.dryRun, true);
    assert.equal(res.body.revision, before[0]! + 1);
    assert.deepEqual(
      res.body.objects.map((o: { kind: string; action: string }) => `${o.kind}:${o.action}`),
      [
        'Director:created',
        'Director:created',
        'VrrpInstance:created',
        'VirtualServer:created',
        'RealServer:created',
      ],
    );
    assert.deepEqual([await revision(cp), await auditCount(cp)], before);
    assert.equal((await cp.request('GET', `/v1/sites/${SITE}/directors/lb1`)).status, 404);
  });

  test('the whole manifest in one revision, one audit group', async () => {
    const cp = get();
    const before = await revision(cp);
    const res = await cp.request('POST', APPLY, { body: manifest({ weight: 10 }) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.revision, before + 1);
    assert.equal(await revision(cp), before + 1);
    const audit = (await cp.request('GET', '/v1/audit?limit=1000')).body.items;
    const group = audit.filter((e: { revision: number }) => e.revision === before + 1);
    assert.equal(group.length, 5);
    const again = await cp.request('POST', APPLY, { body: manifest({ weight: 10 }) });
    assert.equal(again.body.changed, false);
    assert.equal(await revision(cp), before + 1, 'an identical apply makes no revision');
  });

  test('re-applying a manifest without adminState keeps a drain', async () => {
    const cp = get();
    const drained = await cp.request('POST', `${RS}/web1/drain`);
    assert.ok([200, 202].includes(drained.status), drained.text);
    const res = await cp.request('POST', APPLY, { body: manifest() });
    assert.equal(res.status, 200, res.text);
    const web1 = (await cp.request('GET', `${RS}/web1`)).body;
    assert.equal(web1.adminState, 'draining');
    assert.equal(web1.weight, 10, 'the weight the manifest leaves out is kept too');
  });

  test('a manifest changing a weight set by `weight` is refused with 409, unless forced', async () => {
    const cp = get();
    const set = await cp.request('POST', `/v1/sites/${SITE}/real-servers/weight?selector=app=web`, {
      body: { weight: 20 },
    });
    assert.equal(set.status, 200, set.text);
    const refused = await cp.request('POST', APPLY, { body: manifest({ weight: 10 }) });
    assert.equal(refused.status, 409, refused.text);
    assert.match(refused.body.detail, /weight \(set by weight, /);
    assert.equal((await cp.request('GET', `${RS}/web1`)).body.weight, 20);
    const same = await cp.request('POST', APPLY, { body: manifest({ weight: 20 }) });
    assert.equal(same.status, 200, 'agreeing with the deploy verbs is fine');
    const forced = await cp.request('POST', `${APPLY}?force=true`, {
      body: manifest({ weight: 10 }),
    });
    assert.equal(forced.status, 200, forced.text);
    assert.equal((await cp.request('GET', `${RS}/web1`)).body.weight, 10);
    const owned = await cp.request('POST', APPLY, { body: manifest({ weight: 12 }) });
    assert.equal(owned.status, 200, 'after a forced apply the manifest owns the weight');
  });

  test('a dry run names the VRRP instances that would re-elect', async () => {
    const cp = get();
    const res = await cp.request('POST', `${APPLY}?dryRun=true`, { body: manifest({ vrid: 61 }) });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.reelections, [
      { instance: 'web', director: 'lb1', fields: ['vrid'] },
      { instance: 'web', director: 'lb2', fields: ['vrid'] },
    ]);
  });

  test('unknown fields of the request are refused', async () => {
    const cp = get();
    const res = await cp.request('POST', APPLY, { body: { ...manifest(), objecs: [] } });
    assert.equal(res.status, 422);
  });
});
