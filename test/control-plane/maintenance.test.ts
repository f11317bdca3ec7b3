/**
 * Director maintenance over the API (control-plane/routes/maintenance.ts) on PGlite and
 * PostgreSQL: refused with 409 naming the instances that no other healthy member could carry
 * (fresh reports only), forced, a new revision and an audit event each way, idempotent, carried
 * in the director's document, kept by a manifest apply, shown in the fleet views, and the role
 * rules (operators may, viewers may not).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentStatusInput, VrrpState } from '../../contract/index.js';
import { forEachDatabase, type TestControlPlane } from '../support/control-plane.js';
import { seedSite } from '../support/fleet.js';

const report = (revision: number, state: VrrpState, priority: number): AgentStatusInput => ({
  appliedRevision: revision,
  agent: { version: '0.1.0', startedAt: '2025-05-01T08:00:00.000Z', ipvsAvailable: true },
  vrrp: [
    {
      instance: 'web',
      vrid: 51,
      state,
      priority,
      since: '2025-05-01T08:00:05.000Z',
      vipsOwned: state === 'master' ? ['192.0.2.100'] : [],
    },
  ],
});

async function seeded(cp: TestControlPlane, site: string) {
  await seedSite(cp, site);
  const lb1 = await cp.token('agent', site, 'lb1');
  const lb2 = await cp.token('agent', site, 'lb2');
  const revision = (await cp.request('GET', `/v1/sites/${site}`)).body.revision as number;
  return { lb1, lb2, revision };
}

const path = (site: string, director = 'lb1') =>
  `/v1/sites/${site}/directors/${director}/maintenance`;

async function auditOf(cp: TestControlPlane, site: string) {
  const res = await cp.request('GET', '/v1/audit?limit=100&resourceType=director-maintenance');
  return (
    res.body.items as { action: string; resource: string; revision: number; actor: string }[]
  ).filter((e) => e.resource.startsWith(`${site}/directors/`));
}

forEachDatabase('director maintenance', (get) => {
  test('refused (409, naming the instance) while the only other member has no fresh report; forced, it goes through', async () => {
    const cp = get();
    const { lb1, revision } = await seeded(cp, 'm1');
    await cp.postStatus(lb1, report(revision, 'master', 150));
    const refused = await cp.request('PUT', path('m1'));
    assert.equal(refused.status, 409, refused.text);
    assert.match(refused.body.type, /maintenance-refused/);
    assert.match(refused.body.detail, /VRRP instance web with no healthy backup/);
    assert.deepEqual(refused.body.errors, [
      {
        path: 'instances.web',
        message: 'lb1 is its master and no other member is a healthy backup',
      },
    ]);
    assert.equal(
      (await cp.request('GET', '/v1/sites/m1')).body.revision,
      revision,
      'nothing changed',
    );

    const forced = await cp.request('PUT', `${path('m1')}?force=true`, {
      body: { reason: 'kernel upgrade' },
    });
    assert.equal(forced.status, 200, forced.text);
    assert.equal(forced.body.changed, true);
    assert.equal(forced.body.revision, revision + 1);
    assert.equal(forced.body.maintenance.reason, 'kernel upgrade');
    assert.deepEqual(forced.body.instances, [
      { instance: 'web', master: 'lb1', handsOver: true, healthyMembers: [] },
    ]);
    const [event] = await auditOf(cp, 'm1');
    assert.equal(event?.action, 'maintenance');
    assert.equal(event?.resource, 'm1/directors/lb1/maintenance');
    assert.equal(event?.revision, revision + 1);
  });

  test('with a fresh backup: 200, one revision, in the document, in the views; again: unchanged; resume', async () => {
    const cp = get();
    const { lb1, lb2, revision } = await seeded(cp, 'm2');
    await cp.postStatus(lb1, report(revision, 'master', 150));
    await cp.postStatus(lb2, report(revision, 'backup', 100));
    const res = await cp.request('PUT', path('m2'));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      [res.body.director, res.body.changed, res.body.revision, res.body.maintenance.reason],
      ['lb1', true, revision + 1, null],
    );
    assert.deepEqual(res.body.instances, [
      { instance: 'web', master: 'lb1', handsOver: true, healthyMembers: ['lb2'] },
    ]);

    const doc1 = await cp.request('GET', '/v1/agent/config', { token: lb1 });
    assert.equal(doc1.body.revision, revision + 1);
    assert.equal(doc1.body.director.maintenance, true);
    const doc2 = await cp.request('GET', '/v1/agent/config', { token: lb2 });
    assert.equal(doc2.body.director.maintenance, undefined, 'only lb1 is in maintenance');

    const directors = (await cp.request('GET', '/v1/sites/m2/directors-status')).body.directors;
    assert.equal(directors[0].name, 'lb1');
    assert.equal(directors[0].maintenance.actor.length > 0, true);
    assert.equal(directors[1].maintenance, null);
    const vrrp = (await cp.request('GET', '/v1/sites/m2/vrrp-status')).body.instances[0];
    assert.deepEqual(
      vrrp.members.map((m: { director: string; maintenance: boolean }) => [
        m.director,
        m.maintenance,
      ]),
      [
        ['lb1', true],
        ['lb2', false],
      ],
    );

    const again = await cp.request('PUT', path('m2'));
    assert.deepEqual(
      [again.status, again.body.changed, again.body.revision],
      [200, false, revision + 1],
    );

    // A manifest re-applied without any notion of maintenance does not end it.
    const applied = await cp.request('POST', '/v1/sites/m2/apply', {
      body: {
        objects: [
          { kind: 'Director', spec: { name: 'lb1', address: '192.0.2.1', labels: { rack: 'a' } } },
        ],
      },
    });
    assert.equal(applied.status, 200, applied.text);
    const doc3 = await cp.request('GET', '/v1/agent/config', { token: lb1 });
    assert.equal(doc3.body.director.maintenance, true);

    const resumed = await cp.request('DELETE', path('m2'));
    assert.equal(resumed.status, 200, resumed.text);
    assert.deepEqual([resumed.body.changed, resumed.body.maintenance], [true, null]);
    const doc4 = await cp.request('GET', '/v1/agent/config', { token: lb1 });
    assert.equal(doc4.body.director.maintenance, undefined);
    assert.equal(doc4.body.revision, resumed.body.revision);
    const resumedAgain = await cp.request('DELETE', path('m2'));
    assert.deepEqual([resumedAgain.status, resumedAgain.body.changed], [200, false]);

    const actions = (await auditOf(cp, 'm2')).map((e) => `${e.action} ${e.resource}`);
    assert.deepEqual(
      actions.filter((a) => a.includes('/maintenance')),
      ['resume m2/directors/lb1/maintenance', 'maintenance m2/directors/lb1/maintenance'],
    );
  });

  test('a backup may go into maintenance while a fresh master carries the instance; two at once is refused', async () => {
    const cp = get();
    const { lb1, lb2, revision } = await seeded(cp, 'm3');
    await cp.postStatus(lb1, report(revision, 'master', 150));
    await cp.postStatus(lb2, report(revision, 'backup', 100));
    const lb2In = await cp.request('PUT', path('m3', 'lb2'));
    assert.equal(lb2In.status, 200, lb2In.text);
    assert.deepEqual(lb2In.body.instances, [
      { instance: 'web', master: 'lb1', handsOver: false, healthyMembers: ['lb1'] },
    ]);
    // lb2 is in maintenance: it does not count as lb1's healthy backup.
    const lb1In = await cp.request('PUT', path('m3', 'lb1'));
    assert.equal(lb1In.status, 409, lb1In.text);
    assert.deepEqual(
      lb1In.body.errors.map((e: { path: string }) => e.path),
      ['instances.web'],
    );
  });

  test('a stale backup is not a healthy backup', async () => {
    const cp = get();
    const { lb1, lb2, revision } = await seeded(cp, 'm4');
    await cp.postStatus(lb1, report(revision, 'master', 150));
    // A report that declares a 100 ms interval is stale 2.2 s later.
    await cp.postStatus(lb2, {
      ...report(revision, 'backup', 100),
      agent: {
        version: '0.1.0',
        startedAt: '2025-05-01T08:00:00.000Z',
        ipvsAvailable: true,
        reportIntervalMs: 100,
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await cp.postStatus(lb1, report(revision, 'master', 150));
    const res = await cp.request('PUT', path('m4'));
    assert.equal(res.status, 409, res.text);
  });

  test('404 for an unknown director; operators may, viewers may not', async () => {
    const cp = get();
    await seeded(cp, 'm5');
    assert.equal((await cp.request('PUT', path('m5', 'nope'))).status, 404);
    const viewer = await cp.token('viewer');
    assert.equal((await cp.request('PUT', path('m5'), { token: viewer })).status, 403);
    const operator = await cp.token('operator');
    const res = await cp.request('PUT', `${path('m5')}?force=true`, { token: operator });
    assert.equal(res.status, 200, res.text);
    assert.equal((await cp.request('DELETE', path('m5'), { token: operator })).status, 200);
  });

  test('deleting the director deletes its maintenance', async () => {
    const cp = get();
    await seeded(cp, 'm6');
    assert.equal((await cp.request('PUT', `${path('m6')}?force=true`)).status, 200);
    const del = await cp.request('DELETE', '/v1/sites/m6/directors/lb1?cascade=true');
    assert.equal(del.status, 204, del.text);
    const directors = (await cp.request('GET', '/v1/sites/m6/directors-status')).body.directors;
    assert.deepEqual(
      directors.map((d: { name: string }) => d.name),
      ['lb2'],
    );
  });
});
