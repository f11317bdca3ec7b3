/**
 * A site's history and rollback on PGlite and PostgreSQL, and the dry run of single writes:
 * revisions listed with who and what, the whole site at a revision, a diff between two, a
 * rollback that restores the site (the compiled documents of revision N and of the new revision
 * are the same), keeps a drain unless asked, and is refused with its reasons when revision N no
 * longer validates; a dry run of any write changes nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'drizzle-orm';
import { compileDesiredState } from '../../control-plane/compile/desired-state.js';
import { forEachDatabase, type TestControlPlane } from '../support/control-plane.js';

const SITE = 'hist1';
const BASE = `/v1/sites/${SITE}`;
const RS = `${BASE}/virtual-servers/web-http/real-servers`;

const manifest = {
  objects: [
    { kind: 'Director', spec: { name: 'lb1', address: '192.0.2.1' } },
    { kind: 'Director', spec: { name: 'lb2', address: '192.0.2.2' } },
    {
      kind: 'VrrpInstance',
      spec: {
        name: 'web',
        vrid: 51,
        version: 2,
        interface: 'eth0',
        authPassword: 'secret1',
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
    {
      kind: 'RealServer',
      virtualServer: 'web-http',
      spec: { name: 'web1', address: '198.51.100.11', port: 80, weight: 10 },
    },
  ],
};

/** Revision, audit length and every object, to show that a dry run changed nothing. */
async function fingerprint(cp: TestControlPlane) {
  const revision = (await cp.request('GET', BASE)).body.revision as number;
  const audit = (await cp.request('GET', '/v1/audit?limit=1000')).body.items.length as number;
  const rows = await Promise.all(
    ['directors', 'vrrp-instances', 'virtual-servers', 'virtual-servers/web-http/real-servers'].map(
      async (p) => (await cp.request('GET', `${BASE}/${p}`)).body.items,
    ),
  );
  return { revision, audit, rows };
}

/** The compiled document of `director` at `revision`, from the site as the history keeps it. */
async function documentAt(cp: TestControlPlane, revision: number, director: string) {
  const res = await cp.request('GET', `${BASE}/revisions/${revision}`);
  assert.equal(res.status, 200, res.text);
  const doc = compileDesiredState(
    { site: { name: SITE, revision: 0 }, ...res.body.contents },
    director,
  );
  return doc;
}

forEachDatabase('history and rollback', (get) => {
  let applied = 0;

  test('setup: a site and one apply', async () => {
    const cp = get();
    assert.equal((await cp.request('POST', '/v1/sites', { body: { name: SITE } })).status, 201);
    const res = await cp.request('POST', `${BASE}/apply`, { body: manifest });
    assert.equal(res.status, 200, res.text);
    applied = res.body.revision;
  });

  test('a dry run of each single write answers its preview and changes nothing', async () => {
    const cp = get();
    const before = await fingerprint(cp);
    const put = await cp.request('PUT', `${BASE}/directors/lb1?dryRun=true`, {
      body: { address: '192.0.2.11' },
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.dryRun, true);
    assert.equal(put.body.revision, before.revision + 1);
    assert.deepEqual(
      put.body.changes.map((c: { resource: string }) => c.resource),
      [`${SITE}/directors/lb1`],
    );
    // Multicast VRRP: lb1's address is in its own document only.
    assert.deepEqual(
      put.body.directors.map((d: { director: string }) => d.director),
      ['lb1'],
    );

    const patch = await cp.request('PATCH', `${BASE}/vrrp-instances/web?dryRun=true`, {
      body: { vrid: 52 },
    });
    assert.equal(patch.status, 200, patch.text);
    assert.deepEqual(
      patch.body.directors.map(
        (d: { director: string; vrrpInstances: { recreate: unknown[] } }) => [
          d.director,
          d.vrrpInstances.recreate,
        ],
      ),
      [
        ['lb1', [{ name: 'web', fields: ['vrid'] }]],
        ['lb2', [{ name: 'web', fields: ['vrid'] }]],
      ],
    );
    assert.equal(patch.body.changes[0].after.authPassword, '********', 'secrets stay redacted');
    assert.match(patch.headers.get('warning') ?? '', /re-elects/);

    const post = await cp.request('POST', `${RS}?dryRun=true`, {
      body: { name: 'web9', address: '198.51.100.19', port: 80 },
    });
    assert.equal(post.status, 200, post.text);
    assert.deepEqual(
      post.body.directors.map(
        (d: { virtualServers: { changed: string[] } }) => d.virtualServers.changed,
      ),
      [['web-http'], ['web-http']],
    );

    const refused = await cp.request('POST', `${RS}?dryRun=true`, {
      body: { name: 'web8', address: '198.51.100.11', port: 80 },
    });
    assert.equal(refused.status, 422, 'a dry run validates like the write');

    const del = await cp.request(
      'DELETE',
      `${BASE}/virtual-servers/web-http?dryRun=true&cascade=true`,
    );
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(
      del.body.changes.map((c: { action: string }) => c.action),
      ['delete', 'delete'],
    );
    assert.equal(
      (await cp.request('DELETE', `${BASE}/virtual-servers/web-http?dryRun=true`)).status,
      409,
      'a dry run refuses like the write',
    );
    // The deploy verbs' writes too (no wait on a dry run).
    const drain = await cp.request('POST', `${RS}/web1/drain?dryRun=true&wait=30`);
    assert.equal(drain.status, 200, drain.text);
    assert.deepEqual(
      drain.body.changes.map((c: { action: string; after: { adminState: string } }) => [
        c.action,
        c.after.adminState,
      ]),
      [['drain', 'draining']],
    );
    assert.deepEqual(drain.body.directors[0].virtualServers.changed, ['web-http']);
    const weight = await cp.request(
      'POST',
      `${BASE}/real-servers/weight?selector=app!=x&dryRun=true`,
      {
        body: { weight: 3 },
      },
    );
    assert.equal(weight.status, 200, weight.text);
    assert.equal(weight.body.changes[0].action, 'weight');
    assert.deepEqual(await fingerprint(cp), before);
  });

  let drained = 0;
  test('revisions list who and what; a revision is the whole site; a diff names each object', async () => {
    const cp = get();
    assert.equal(
      (await cp.request('PATCH', `${BASE}/vrrp-instances/web`, { body: { vrid: 52 } })).status,
      200,
    );
    assert.equal(
      (await cp.request('PUT', `${RS}/web2`, { body: { address: '198.51.100.12', port: 80 } }))
        .status,
      201,
    );
    assert.equal(
      (await cp.request('PUT', `${BASE}/directors/lb3`, { body: { address: '192.0.2.3' } })).status,
      201,
    );
    const drain = await cp.request('POST', `${RS}/web1/drain`);
    assert.ok([200, 202].includes(drain.status), drain.text);
    drained = drain.body.revision;

    const list = await cp.request('GET', `${BASE}/revisions?limit=2`);
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.historyStart, 1);
    assert.deepEqual(
      list.body.items.map((i: { revision: number }) => i.revision),
      [drained, drained - 1],
    );
    assert.equal(list.body.items[0].changes[0].action, 'drain');
    assert.equal(list.body.nextBefore, drained - 1);
    const next = await cp.request(
      'GET',
      `${BASE}/revisions?before=${list.body.nextBefore}&limit=1000`,
    );
    assert.deepEqual(
      next.body.items.map((i: { revision: number }) => i.revision),
      Array.from({ length: drained - 2 }, (_, i) => drained - 2 - i),
    );

    const at = await cp.request('GET', `${BASE}/revisions/${applied}`);
    assert.equal(at.body.contents.vrrpInstances[0].vrid, 51);
    assert.equal(at.body.contents.vrrpInstances[0].authPassword, 'secret1', 'admins read secrets');
    assert.deepEqual(
      at.body.contents.virtualServers[0].realServers.map((r: { name: string }) => r.name),
      ['web1'],
    );
    assert.equal((await cp.request('GET', `${BASE}/revisions/${drained + 1}`)).status, 404);

    const diff = await cp.request('GET', `${BASE}/revisions/diff?from=${applied}&to=${drained}`);
    assert.equal(diff.status, 200, diff.text);
    assert.deepEqual(
      diff.body.objects.map((o: { resource: string; change: string; fields: string[] }) => [
        o.resource,
        o.change,
        o.fields,
      ]),
      [
        [`${SITE}/directors/lb3`, 'created', []],
        [`${SITE}/vrrp-instances/web`, 'updated', ['vrid']],
        [`${SITE}/virtual-servers/web-http/real-servers/web1`, 'updated', ['adminState']],
        [`${SITE}/virtual-servers/web-http/real-servers/web2`, 'created', []],
      ],
    );
  });

  test('a rollback dry run changes nothing; a rollback restores the site and keeps a drain', async () => {
    const cp = get();
    const before = await fingerprint(cp);
    const dry = await cp.request('POST', `${BASE}/rollback?dryRun=true`, {
      body: { toRevision: applied },
    });
    assert.equal(dry.status, 200, dry.text);
    assert.equal(dry.body.revision, drained + 1);
    assert.deepEqual(await fingerprint(cp), before);

    const res = await cp.request('POST', `${BASE}/rollback`, { body: { toRevision: applied } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.revision, drained + 1);
    assert.deepEqual(res.body.kept, [
      { resource: `${SITE}/virtual-servers/web-http/real-servers/web1`, fields: ['adminState'] },
    ]);
    assert.deepEqual(
      res.body.reelections.map((r: { director: string }) => r.director),
      ['lb1', 'lb2'],
      'vrid 52 → 51 re-elects on both members',
    );
    assert.deepEqual(
      res.body.directors.find((d: { director: string }) => d.director === 'lb3')?.document,
      'removed',
    );
    const web1 = (await cp.request('GET', `${RS}/web1`)).body;
    assert.equal(web1.adminState, 'draining', 'the drain owned by the deploy verbs is kept');
    assert.equal((await cp.request('GET', `${RS}/web2`)).status, 404);
    assert.equal((await cp.request('GET', `${BASE}/directors/lb3`)).status, 404);
    const audit = (await cp.request('GET', `/v1/audit?site=${SITE}&limit=1000`)).body.items.filter(
      (e: { revision: number }) => e.revision === drained + 1,
    );
    assert.deepEqual(
      audit.map((e: { action: string; resource: string }) => `${e.action} ${e.resource}`).sort(),
      [
        `rollback ${SITE}/directors/lb3`,
        `rollback ${SITE}/virtual-servers/web-http/real-servers/web2`,
        `rollback ${SITE}/vrrp-instances/web`,
      ],
    );

    // With the operational fields restored too, the documents are those of revision N.
    const full = await cp.request('POST', `${BASE}/rollback`, {
      body: { toRevision: applied, restoreOperationalFields: true },
    });
    assert.equal(full.status, 200, full.text);
    for (const director of ['lb1', 'lb2']) {
      const live = await cp.request('GET', `${BASE}/directors/${director}/document`);
      assert.equal(live.status, 200, live.text);
      assert.deepEqual(
        { ...live.body, revision: 0 },
        await documentAt(cp, applied, director),
        `${director}'s document at the new revision is that of revision ${applied}`,
      );
      assert.deepEqual(
        await documentAt(cp, full.body.revision, director),
        await documentAt(cp, applied, director),
      );
    }
    const again = await cp.request('POST', `${BASE}/rollback`, { body: { toRevision: applied } });
    assert.equal(again.body.changed, false, 'rolling back to what the site is makes no revision');
  });

  test('a rollback to a revision that no longer validates is refused with the reasons', async () => {
    const cp = get();
    // A revision stored before today's address rules: lb2 at a loopback address.
    assert.equal(
      (await cp.request('PUT', `${BASE}/directors/lb2`, { body: { address: '192.0.2.22' } }))
        .status,
      200,
    );
    const old = (await cp.request('GET', BASE)).body.revision as number;
    await cp.database.db.execute(
      sql`update object_history set spec = jsonb_set(spec, '{address}', '"127.0.0.1"') where resource_type = 'director' and name = 'lb2' and revision = ${old}`,
    );
    assert.equal(
      (await cp.request('PUT', `${BASE}/directors/lb2`, { body: { address: '192.0.2.2' } })).status,
      200,
    );
    const before = await fingerprint(cp);
    for (const q of ['', '?dryRun=true']) {
      const res = await cp.request('POST', `${BASE}/rollback${q}`, { body: { toRevision: old } });
      assert.equal(res.status, 422, res.text);
      assert.match(res.body.detail, new RegExp(`revision ${old} no longer validates`));
      assert.deepEqual(
        res.body.errors.map((e: { path: string }) => e.path),
        ['directors.lb2.address'],
      );
      assert.match(res.body.errors[0].message, /loopback/);
    }
    assert.deepEqual(await fingerprint(cp), before);
    const outside = await cp.request('POST', `${BASE}/rollback`, {
      body: { toRevision: before.revision + 5 },
    });
    assert.equal(outside.status, 422);
    assert.equal(outside.body.errors[0].path, 'toRevision');
  });

  test('viewers read the history without secrets and may not roll back', async () => {
    const cp = get();
    const viewer = await cp.token('viewer');
    const at = await cp.request('GET', `${BASE}/revisions/${applied}`, { token: viewer });
    assert.equal(at.body.contents.vrrpInstances[0].authPassword, '********');
    const res = await cp.request('POST', `${BASE}/rollback`, {
      token: viewer,
      body: { toRevision: applied },
    });
    assert.equal(res.status, 403);
  });
});
