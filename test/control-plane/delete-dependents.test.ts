/**
 * Deletes never surprise, on PGlite and PostgreSQL: deleting what others depend on is a 409 that
 * names every dependent and changes nothing; with ?cascade=true the dependents are deleted (or
 * edited) too, each with its own audit event carrying its full before.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDatabase, type TestControlPlane } from '../support/control-plane.js';
import { seedSite } from '../support/fleet.js';

interface AuditEvent {
  action: string;
  resourceType: string;
  resource: string;
  revision: number | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const revisionOf = async (cp: TestControlPlane, site: string) =>
  (await cp.request('GET', `/v1/sites/${site}`)).body.revision as number;

/** The audit events of `site` newer than `revision`, oldest first. */
async function auditSince(cp: TestControlPlane, site: string, revision: number) {
  // Not ?site=: a deleted site cannot be named any more; its events keep their resource paths.
  const res = await cp.request('GET', '/v1/audit?limit=200');
  assert.equal(res.status, 200, res.text);
  return (res.body.items as AuditEvent[])
    .filter((e) => e.resource === site || e.resource.startsWith(`${site}/`))
    .filter((e) => e.revision === null || e.revision > revision)
    .reverse();
}

async function refusedNaming(cp: TestControlPlane, path: string, names: string[]) {
  const res = await cp.request('DELETE', path);
  assert.equal(res.status, 409, res.text);
  assert.match(res.body.detail, /pass cascade=true/);
  assert.deepEqual(
    (res.body.errors as { path: string }[]).map((e) => e.path).sort(),
    [...names].sort(),
  );
  return res;
}

forEachDatabase('delete with dependents', (get) => {
  test('a virtual server with real servers: 409 naming them; cascade audits each with its before', async () => {
    const cp = get();
    await seedSite(cp, 'd1');
    const revision = await revisionOf(cp, 'd1');
    const web1 = (
      await cp.request('GET', '/v1/sites/d1/virtual-servers/web-http/real-servers/web1')
    ).body;
    await refusedNaming(cp, '/v1/sites/d1/virtual-servers/web-http', [
      'd1/virtual-servers/web-http/real-servers/web1',
      'd1/virtual-servers/web-http/real-servers/web2',
    ]);
    assert.equal(await revisionOf(cp, 'd1'), revision, 'a refusal changes nothing');
    const rs = await cp.request('GET', '/v1/sites/d1/virtual-servers/web-http/real-servers');
    assert.equal(rs.body.items.length, 2);

    const res = await cp.request('DELETE', '/v1/sites/d1/virtual-servers/web-http?cascade=true');
    assert.equal(res.status, 204, res.text);
    assert.equal(await revisionOf(cp, 'd1'), revision + 1, 'one revision for the whole cascade');
    assert.equal((await cp.request('GET', '/v1/sites/d1/virtual-servers/web-http')).status, 404);
    const events = await auditSince(cp, 'd1', revision);
    assert.deepEqual(
      events.map((e) => [e.action, e.resource]),
      [
        ['delete', 'd1/virtual-servers/web-http/real-servers/web1'],
        ['delete', 'd1/virtual-servers/web-http/real-servers/web2'],
        ['delete', 'd1/virtual-servers/web-http'],
      ],
    );
    const before = events[0]!.before!;
    for (const field of ['name', 'address', 'port', 'weight', 'labels', 'checks', 'adminState'])
      assert.deepEqual(before[field], web1[field], `the audit keeps ${field}`);
    assert.equal(events[2]!.before!.scheduler, 'wrr');
  });

  test('a VRRP instance named by virtual servers: 409 naming them; cascade deletes them and their real servers', async () => {
    const cp = get();
    await seedSite(cp, 'd2');
    const revision = await revisionOf(cp, 'd2');
    await refusedNaming(cp, '/v1/sites/d2/vrrp-instances/web', [
      'd2/virtual-servers/web-http',
      'd2/virtual-servers/web-http/real-servers/web1',
      'd2/virtual-servers/web-http/real-servers/web2',
    ]);
    const res = await cp.request('DELETE', '/v1/sites/d2/vrrp-instances/web?cascade=true');
    assert.equal(res.status, 204, res.text);
    const events = await auditSince(cp, 'd2', revision);
    assert.deepEqual(
      events.map((e) => [e.action, e.resourceType, e.resource]),
      [
        ['delete', 'real-server', 'd2/virtual-servers/web-http/real-servers/web1'],
        ['delete', 'real-server', 'd2/virtual-servers/web-http/real-servers/web2'],
        ['delete', 'virtual-server', 'd2/virtual-servers/web-http'],
        ['delete', 'vrrp-instance', 'd2/vrrp-instances/web'],
      ],
    );
    assert.ok(events.every((e) => e.before !== null && e.after === null));
    assert.equal((await cp.request('GET', '/v1/sites/d2/virtual-servers')).body.items.length, 0);
  });

  test('a director that is a member: 409; cascade removes it from the members, audited before → after', async () => {
    const cp = get();
    await seedSite(cp, 'd3');
    const revision = await revisionOf(cp, 'd3');
    const refused = await refusedNaming(cp, '/v1/sites/d3/directors/lb2', [
      'd3/vrrp-instances/web',
    ]);
    assert.match(
      refused.body.errors[0].message,
      /would be changed: member: director lb2 is deleted/,
    );
    const res = await cp.request('DELETE', '/v1/sites/d3/directors/lb2?cascade=true');
    assert.equal(res.status, 204, res.text);
    const instance = (await cp.request('GET', '/v1/sites/d3/vrrp-instances/web')).body;
    assert.deepEqual(instance.members, [{ director: 'lb1', priority: 150 }]);
    const events = await auditSince(cp, 'd3', revision);
    assert.deepEqual(
      events.map((e) => [e.action, e.resource]),
      [
        ['update', 'd3/vrrp-instances/web'],
        ['delete', 'd3/directors/lb2'],
      ],
    );
    assert.equal((events[0]!.before!.members as unknown[]).length, 2);
    assert.equal((events[0]!.after!.members as unknown[]).length, 1);
    assert.equal(events[1]!.before!.address, '192.0.2.2');
  });

  test("an instance's only member: cascade deletes the instance with what it serves", async () => {
    const cp = get();
    await seedSite(cp, 'd4');
    assert.equal(
      (await cp.request('DELETE', '/v1/sites/d4/directors/lb2?cascade=true')).status,
      204,
    );
    const revision = await revisionOf(cp, 'd4');
    await refusedNaming(cp, '/v1/sites/d4/directors/lb1', [
      'd4/vrrp-instances/web',
      'd4/virtual-servers/web-http',
      'd4/virtual-servers/web-http/real-servers/web1',
      'd4/virtual-servers/web-http/real-servers/web2',
    ]);
    assert.equal(
      (await cp.request('DELETE', '/v1/sites/d4/directors/lb1?cascade=true')).status,
      204,
    );
    const events = await auditSince(cp, 'd4', revision);
    assert.deepEqual(
      events.map((e) => e.resourceType),
      ['real-server', 'real-server', 'virtual-server', 'vrrp-instance', 'director'],
    );
  });

  test("a virtual server tracked by an instance's check: cascade removes the check", async () => {
    const cp = get();
    await seedSite(cp, 'd5');
    const instance = (await cp.request('GET', '/v1/sites/d5/vrrp-instances/web')).body;
    const put = await cp.request('PATCH', '/v1/sites/d5/vrrp-instances/web', {
      body: {
        trackedChecks: [
          { type: 'virtual-server', name: 'web-up', virtualServer: 'web-http', weight: -20 },
          { type: 'interface', name: 'uplink', interface: 'eth1' },
        ],
      },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(instance.trackedChecks.length, 0);
    await refusedNaming(cp, '/v1/sites/d5/virtual-servers/web-http', [
      'd5/vrrp-instances/web',
      'd5/virtual-servers/web-http/real-servers/web1',
      'd5/virtual-servers/web-http/real-servers/web2',
    ]);
    assert.equal(
      (await cp.request('DELETE', '/v1/sites/d5/virtual-servers/web-http?cascade=true')).status,
      204,
    );
    const after = (await cp.request('GET', '/v1/sites/d5/vrrp-instances/web')).body;
    assert.deepEqual(
      after.trackedChecks.map((c: { name: string }) => c.name),
      ['uplink'],
    );
  });

  test('a real server has no dependents; cascade on it is a plain delete', async () => {
    const cp = get();
    await seedSite(cp, 'd6');
    const res = await cp.request(
      'DELETE',
      '/v1/sites/d6/virtual-servers/web-http/real-servers/web2?cascade=true',
    );
    assert.equal(res.status, 204);
  });

  test('a site deleted with cascade audits every object in it with its before', async () => {
    const cp = get();
    await seedSite(cp, 'd7');
    const revision = await revisionOf(cp, 'd7');
    assert.equal((await cp.request('DELETE', '/v1/sites/d7')).status, 409);
    assert.equal((await cp.request('DELETE', '/v1/sites/d7?cascade=true')).status, 204);
    const events = await auditSince(cp, 'd7', revision);
    assert.deepEqual(
      events.map((e) => e.resource),
      [
        'd7/virtual-servers/web-http/real-servers/web1',
        'd7/virtual-servers/web-http/real-servers/web2',
        'd7/virtual-servers/web-http',
        'd7/vrrp-instances/web',
        'd7/directors/lb1',
        'd7/directors/lb2',
        'd7',
      ],
    );
    assert.ok(events.every((e) => e.action === 'delete' && e.before !== null));
  });
});
