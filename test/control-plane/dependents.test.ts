/** The plan of a delete over a site's rows (pure): who depends on what, and in which order a cascade applies. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planDelete, planSiteDelete, type SiteRows } from '../../control-plane/store/dependents.js';
import type { ObjectRow } from '../../control-plane/store/objects.js';

const at = new Date(0);
const row = (
  id: string,
  spec: Record<string, unknown>,
  parentId: string | null = null,
): ObjectRow => ({
  id,
  siteId: 's',
  parentId,
  name: spec.name as string,
  spec,
  version: 1,
  createdAt: at,
  updatedAt: at,
});

/** lb1 and lb2; instance `web` (both), `solo` (lb1 only, tracking vs `web-http`); vs `web-http` on web, `api` on solo. */
const rows: SiteRows = {
  director: [row('d1', { name: 'lb1' }), row('d2', { name: 'lb2' })],
  'vrrp-instance': [
    row('i1', {
      name: 'web',
      members: [{ director: 'lb1' }, { director: 'lb2' }],
      trackedChecks: [{ type: 'virtual-server', name: 't', virtualServer: 'api' }],
    }),
    row('i2', { name: 'solo', members: [{ director: 'lb1' }], trackedChecks: [] }),
  ],
  'virtual-server': [
    row('v1', { name: 'web-http', vrrpInstance: 'web' }),
    row('v2', { name: 'api', vrrpInstance: 'solo' }),
  ],
  'real-server': [row('r1', { name: 'web1' }, 'v1'), row('r2', { name: 'api1' }, 'v2')],
};

const summary = (changes: ReturnType<typeof planDelete>['dependents']) =>
  changes.map((c) => `${c.after ? 'update' : 'delete'} ${c.resource}`);

test('a director: edited out of shared instances, its solo instance deleted with what it serves', () => {
  const { root, dependents } = planDelete('ams1', rows, 'director', rows.director[0]!);
  assert.equal(root.resource, 'ams1/directors/lb1');
  assert.deepEqual(summary(dependents), [
    'update ams1/vrrp-instances/web',
    'delete ams1/virtual-servers/api/real-servers/api1',
    'delete ams1/virtual-servers/api',
    'delete ams1/vrrp-instances/solo',
  ]);
  const web = dependents[0]!.after!;
  assert.deepEqual(web.members, [{ director: 'lb2' }], 'lb1 removed');
  assert.deepEqual(
    web.trackedChecks,
    [],
    'and the check tracking the deleted vs api: one update, both edits',
  );
  assert.deepEqual(
    rows['vrrp-instance'][0]!.spec,
    {
      name: 'web',
      members: [{ director: 'lb1' }, { director: 'lb2' }],
      trackedChecks: [{ type: 'virtual-server', name: 't', virtualServer: 'api' }],
    },
    'the rows are not mutated',
  );
});

test('a real server and an unreferenced director have no dependents', () => {
  assert.deepEqual(planDelete('ams1', rows, 'real-server', rows['real-server'][0]!).dependents, []);
  const lone: SiteRows = { ...rows, director: [...rows.director, row('d3', { name: 'lb3' })] };
  assert.deepEqual(planDelete('ams1', lone, 'director', lone.director[2]!).dependents, []);
});

test('a whole site, children first', () => {
  assert.deepEqual(
    planSiteDelete('ams1', rows).map((c) => c.resource),
    [
      'ams1/virtual-servers/web-http/real-servers/web1',
      'ams1/virtual-servers/api/real-servers/api1',
      'ams1/virtual-servers/web-http',
      'ams1/virtual-servers/api',
      'ams1/vrrp-instances/web',
      'ams1/vrrp-instances/solo',
      'ams1/directors/lb1',
      'ams1/directors/lb2',
    ],
  );
});
