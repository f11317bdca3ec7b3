/**
 * The fleet API's CRUD through app.request, on PGlite and PostgreSQL: create/read/replace/patch/
 * delete of every kind, ETags, pagination and selectors, validation (422 with field paths),
 * references (409), revisions and the audit log.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDatabase, type TestControlPlane } from '../support/control-plane.js';
import { SITE, seedSite } from '../support/fleet.js';

const siteRevision = async (cp: TestControlPlane) =>
  (await cp.request('GET', `/v1/sites/${SITE}`)).body.revision as number;
const RS = `/v1/sites/${SITE}/virtual-servers/web-http/real-servers`;

forEachDatabase('CRUD', (get) => {
  test('create, read, list and delete every kind', async () => {
    const cp = get();
    await seedSite(cp);
    const director = await cp.request('GET', `/v1/sites/${SITE}/directors/lb1`);
    assert.equal(director.status, 200);
    assert.equal(director.body.address, '192.0.2.1');
    assert.equal(director.headers.get('etag'), `"${director.body.resourceVersion}"`);
    const instance = await cp.request('GET', `/v1/sites/${SITE}/vrrp-instances/web`);
    assert.deepEqual(
      instance.body.members.map((m: { director: string }) => m.director),
      ['lb1', 'lb2'],
    );
    assert.equal(instance.body.advertIntervalCs, 100, 'defaults are applied and stored');
    const rs = await cp.request('GET', `${RS}/web1`);
    assert.equal(rs.body.virtualServer, 'web-http');
    assert.equal(rs.body.checks[0].type, 'http');
    const deleted = await cp.request('DELETE', `${RS}/web2`);
    assert.equal(deleted.status, 204);
    assert.equal((await cp.request('GET', `${RS}/web2`)).status, 404);
  });

  test('a duplicate name is 409; an unknown parent is 404', async () => {
    const cp = get();
    const dup = await cp.request('POST', `/v1/sites/${SITE}/directors`, {
      body: { name: 'lb1', address: '192.0.2.9' },
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.type, 'urn:fleetlb:problem:conflict');
    const orphan = await cp.request('POST', `/v1/sites/${SITE}/virtual-servers/nope/real-servers`, {
      body: { name: 'x', address: '198.51.100.1', port: 80 },
    });
    assert.equal(orphan.status, 404);
    assert.equal((await cp.request('GET', '/v1/sites/nowhere/directors')).status, 404);
  });

  test('PUT creates (201), replaces (200), and an identical PUT changes nothing', async () => {
    const cp = get();
    const body = { address: '192.0.2.3', labels: { rack: 'r1' } };
    const created = await cp.request('PUT', `/v1/sites/${SITE}/directors/lb3`, { body });
    assert.equal(created.status, 201);
    const before = await siteRevision(cp);
    const same = await cp.request('PUT', `/v1/sites/${SITE}/directors/lb3`, { body });
    assert.equal(same.status, 200);
    assert.equal(same.body.resourceVersion, created.body.resourceVersion);
    assert.equal(await siteRevision(cp), before, 'no change, no revision');
    const replaced = await cp.request('PUT', `/v1/sites/${SITE}/directors/lb3`, {
      body: { ...body, address: '192.0.2.4' },
    });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.resourceVersion, created.body.resourceVersion + 1);
    assert.equal(await siteRevision(cp), before + 1);
    const createOnly = await cp.request('PUT', `/v1/sites/${SITE}/directors/lb3`, {
      body,
      headers: { 'if-none-match': '*' },
    });
    assert.equal(createOnly.status, 412);
    const renamed = await cp.request('PUT', `/v1/sites/${SITE}/directors/lb3`, {
      body: { ...body, name: 'other' },
    });
    assert.equal(renamed.status, 422);
  });

  test('PATCH merges (RFC 7396), keeps names immutable, and honours If-Match', async () => {
    const cp = get();
    const current = await cp.request('GET', `${RS}/web1`);
    const patched = await cp.request('PATCH', `${RS}/web1`, {
      body: { weight: 5, labels: { version: 'v3' } },
      headers: {
        'content-type': 'application/merge-patch+json',
        'if-match': current.headers.get('etag')!,
      },
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.weight, 5);
    assert.deepEqual(patched.body.labels, { app: 'web', version: 'v3' });
    const stale = await cp.request('PATCH', `${RS}/web1`, {
      body: { weight: 6 },
      headers: { 'if-match': current.headers.get('etag')! },
    });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.type, 'urn:fleetlb:problem:precondition-failed');
    const removeLabel = await cp.request('PATCH', `${RS}/web1`, {
      body: { labels: { version: null } },
    });
    assert.deepEqual(removeLabel.body.labels, { app: 'web' });
    assert.equal(
      (await cp.request('PATCH', `${RS}/web1`, { body: { name: 'renamed' } })).status,
      422,
    );
    const badWeight = await cp.request('PATCH', `${RS}/web1`, { body: { weight: 70000 } });
    assert.equal(badWeight.status, 422);
    assert.deepEqual(
      badWeight.body.errors.map((e: { path: string }) => e.path),
      ['body.weight'],
    );
  });

  test('pagination walks every object once, in name order; selectors filter', async () => {
    const cp = get();
    for (const n of [1, 2, 3, 4, 5]) {
      const res = await cp.request('POST', RS, {
        body: {
          name: `page${n}`,
          address: `198.51.100.${50 + n}`,
          port: 8080,
          labels: { app: 'web', tier: n % 2 ? 'odd' : 'even' },
        },
      });
      assert.equal(res.status, 201, res.text);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await cp.request('GET', `${RS}${query}`);
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 2);
      seen.push(...page.body.items.map((i: { name: string }) => i.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [...seen].sort());
    assert.equal(new Set(seen).size, seen.length);
    assert.ok(['page1', 'page5', 'web1'].every((n) => seen.includes(n)));
    const odd = await cp.request('GET', `${RS}?selector=${encodeURIComponent('tier=odd')}`);
    assert.deepEqual(
      odd.body.items.map((i: { name: string }) => i.name),
      ['page1', 'page3', 'page5'],
    );
    const notIn = await cp.request(
      'GET',
      `${RS}?selector=${encodeURIComponent('tier notin (odd),tier')}`,
    );
    assert.deepEqual(
      notIn.body.items.map((i: { name: string }) => i.name),
      ['page2', 'page4'],
    );
    assert.equal(
      (await cp.request('GET', `${RS}?selector=${encodeURIComponent('tier in (')}`)).status,
      400,
    );
  });
});

forEachDatabase('validation', (get) => {
  test('schema violations are 422 with body field paths', async () => {
    const cp = get();
    await seedSite(cp);
    const res = await cp.request('POST', `/v1/sites/${SITE}/vrrp-instances`, {
      body: {
        name: 'bad',
        vrid: 300,
        interface: 'eth0',
        // No VIPs is legal in the schema (keepalived's notify-only VRRPv2 instances); VRRPv3
        // without one is refused by the semantic rules, which run once the schema holds.
        vips: [],
        members: [{ director: 'lb1', priority: 0 }],
      },
    });
    assert.equal(res.status, 422);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
    assert.deepEqual(paths, ['body.members.0.priority', 'body.vrid']);
  });

  test('semantic rules across objects: VRID per interface, one instance per VIP, VS address is a VIP', async () => {
    const cp = get();
    const base = { interface: 'eth0', members: [{ director: 'lb1', priority: 100 }] };
    const vrid = await cp.request('POST', `/v1/sites/${SITE}/vrrp-instances`, {
      body: { ...base, name: 'dup-vrid', vrid: 51, vips: [{ address: '192.0.2.101' }] },
    });
    assert.equal(vrid.status, 422);
    assert.match(vrid.body.errors[0].message, /VRID 51 is already used on eth0 by instance web/);
    assert.equal(vrid.body.errors[0].path, 'body.vrid');
    const vip = await cp.request('POST', `/v1/sites/${SITE}/vrrp-instances`, {
      body: { ...base, name: 'dup-vip', vrid: 52, vips: [{ address: '192.0.2.100' }] },
    });
    assert.equal(vip.status, 422);
    assert.match(vip.body.errors[0].message, /already in VRRP instance web/);
    const vs = await cp.request('POST', `/v1/sites/${SITE}/virtual-servers`, {
      body: {
        name: 'stray',
        vrrpInstance: 'web',
        address: '203.0.113.5',
        port: 443,
        protocol: 'tcp',
      },
    });
    assert.equal(vs.status, 422);
    assert.equal(vs.body.errors[0].path, 'body.address');
    const rs = await cp.request('POST', RS, {
      body: { name: 'twin', address: '198.51.100.11', port: 8080 },
    });
    assert.equal(rs.status, 422);
    assert.match(rs.body.errors[0].message, /duplicate real server/);
  });

  test('a change that breaks another object is rejected naming that object', async () => {
    const cp = get();
    const res = await cp.request('PATCH', `/v1/sites/${SITE}/virtual-servers/web-http`, {
      body: { forwarding: 'dr' },
    });
    assert.equal(res.status, 422);
    assert.ok(
      res.body.errors.some(
        (e: { path: string; message: string }) =>
          e.path.startsWith('body.realServers.web1') && /cannot change the port/.test(e.message),
      ),
      res.text,
    );
  });

  test('deleting what others reference is 409 with the references', async () => {
    const cp = get();
    const director = await cp.request('DELETE', `/v1/sites/${SITE}/directors/lb2`);
    assert.equal(director.status, 409);
    assert.equal(director.body.errors[0].path, `${SITE}/vrrp-instances/web`);
    assert.match(director.body.errors[0].message, /member: director lb2 is deleted/);
    const instance = await cp.request('DELETE', `/v1/sites/${SITE}/vrrp-instances/web`);
    assert.equal(instance.status, 409);
    const site = await cp.request('DELETE', `/v1/sites/${SITE}`);
    assert.equal(site.status, 409);
    assert.equal((await cp.request('DELETE', `/v1/sites/${SITE}?cascade=true`)).status, 204);
    assert.equal((await cp.request('GET', `/v1/sites/${SITE}`)).status, 404);
  });

  test('malformed bodies: 400 bad JSON, 415 wrong type, 413 too large; unknown routes 404 problem', async () => {
    const cp = get();
    const badJson = await cp.request('POST', '/v1/sites', { body: '{"name": ' });
    assert.equal(badJson.status, 400);
    assert.equal(badJson.headers.get('content-type'), 'application/problem+json');
    const wrongType = await cp.request('POST', '/v1/sites', {
      body: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(wrongType.status, 415);
    const huge = await cp.request('POST', '/v1/sites', {
      body: { name: 'big', description: 'x'.repeat(2 << 20) },
    });
    assert.equal(huge.status, 413);
    const unknown = await cp.request('GET', '/v1/nothing-here');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.status, 404);
  });
});

forEachDatabase('revisions and audit', (get) => {
  test('every change bumps the site revision once and is audited before → after', async () => {
    const cp = get();
    await seedSite(cp);
    const start = await siteRevision(cp);
    await cp.request('PATCH', `${RS}/web1`, { body: { weight: 3 } });
    assert.equal(await siteRevision(cp), start + 1);
    const audit = await cp.request('GET', `/v1/audit?site=${SITE}&limit=1`);
    assert.equal(audit.status, 200);
    const [event] = audit.body.items;
    assert.equal(event.action, 'update');
    assert.equal(event.resourceType, 'real-server');
    assert.equal(event.resource, `${SITE}/virtual-servers/web-http/real-servers/web1`);
    assert.equal(event.actor, 'admin:bootstrap-admin');
    assert.equal(event.revision, start + 1);
    assert.equal(event.before.weight, 10);
    assert.equal(event.after.weight, 3);
    const all = await cp.request('GET', `/v1/audit?site=${SITE}&limit=100`);
    assert.ok(all.body.items.length >= 8, 'the seeding is audited too');
    const next = await cp.request('GET', `/v1/audit?site=${SITE}&limit=2`);
    const older = await cp.request(
      'GET',
      `/v1/audit?site=${SITE}&limit=2&before=${next.body.nextBefore}`,
    );
    assert.ok(older.body.items.every((e: { id: number }) => e.id < next.body.nextBefore));
  });

  test('audit never stores VRRP passwords', async () => {
    const cp = get();
    const res = await cp.request('POST', `/v1/sites/${SITE}/vrrp-instances`, {
      body: {
        name: 'v2',
        vrid: 60,
        version: 2,
        interface: 'eth1',
        authPassword: 'hunter2',
        vips: [{ address: '192.0.2.200' }],
        members: [{ director: 'lb1', priority: 100 }],
      },
    });
    assert.equal(res.status, 201, res.text);
    const audit = await cp.request(
      'GET',
      `/v1/audit?site=${SITE}&resourceType=vrrp-instance&limit=1`,
    );
    assert.equal(audit.body.items[0].after.authPassword, '********');
    assert.ok(!audit.text.includes('hunter2'));
  });
});
