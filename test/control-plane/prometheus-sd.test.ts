/**
 * Prometheus HTTP service discovery (`GET /v1/prometheus/targets`): one http_sd target group per
 * director with a metrics address, labelled with its site and name (the labels the alert rules
 * aggregate by) and `__meta_fleetlb_*` labels; directors without a metrics address are left
 * out; a viewer may read it, an agent or an anonymous caller may not; it is in the OpenAPI
 * document. The label-name mapping is checked on its own.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { labelName, targetGroups } from '../../control-plane/routes/prometheus-sd.js';
import { forEachDatabase } from '../support/control-plane.js';
import { SITE, seedSite } from '../support/fleet.js';

const PATH = '/v1/prometheus/targets';

forEachDatabase('prometheus service discovery', (get) => {
  let viewer = '';

  before(async () => {
    const cp = get();
    await seedSite(cp); // ams1: lb1 and lb2, both with a metrics address; site label region=eu
    const steps: [string, unknown][] = [
      [`/v1/sites/${SITE}/directors`, { name: 'lb3', address: '192.0.2.3' }],
      ['/v1/sites', { name: 'fra1' }],
      [
        '/v1/sites/fra1/directors',
        {
          name: 'lb1',
          address: '198.51.100.1',
          metricsAddress: '[2001:db8::1]:9500',
          labels: { rack: 'r12', 'topology.example.com/zone': 'a' },
        },
      ],
    ];
    for (const [path, body] of steps) {
      const res = await cp.request('POST', path, { body });
      assert.equal(res.status, 201, res.text);
    }
    viewer = await cp.token('viewer');
  });

  test('one target group per director with a metrics address, sorted by site', async () => {
    const res = await get().request('GET', PATH, { token: viewer });
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(res.body, [
      {
        targets: ['192.0.2.1:9500'],
        labels: {
          __meta_fleetlb_site_label_region: 'eu',
          __meta_fleetlb_director_address: '192.0.2.1',
          site: 'ams1',
          director: 'lb1',
        },
      },
      {
        targets: ['192.0.2.2:9500'],
        labels: {
          __meta_fleetlb_site_label_region: 'eu',
          __meta_fleetlb_director_address: '192.0.2.2',
          site: 'ams1',
          director: 'lb2',
        },
      },
      {
        targets: ['[2001:db8::1]:9500'],
        labels: {
          __meta_fleetlb_director_label_rack: 'r12',
          __meta_fleetlb_director_label_topology_example_com_zone: 'a',
          __meta_fleetlb_director_address: '198.51.100.1',
          site: 'fra1',
          director: 'lb1',
        },
      },
    ]);
  });

  test('?site= keeps one site; an unknown site is a 404', async () => {
    const cp = get();
    const res = await cp.request('GET', `${PATH}?site=fra1`, { token: viewer });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      res.body.map((g: { labels: Record<string, string> }) => g.labels.director),
      ['lb1'],
    );
    assert.equal((await cp.request('GET', `${PATH}?site=nowhere`, { token: viewer })).status, 404);
  });

  test('a director gains and loses its target with its metrics address', async () => {
    const cp = get();
    const lb3 = `/v1/sites/${SITE}/directors/lb3`;
    const patch = (metricsAddress: string | null) =>
      cp.request('PATCH', lb3, {
        body: { metricsAddress },
        headers: { 'content-type': 'application/merge-patch+json' },
      });
    const directorsOf = async () =>
      (await cp.request('GET', `${PATH}?site=${SITE}`, { token: viewer })).body.map(
        (g: { targets: string[] }) => g.targets[0],
      );
    assert.equal((await patch('192.0.2.3:9500')).status, 200);
    assert.deepEqual(await directorsOf(), ['192.0.2.1:9500', '192.0.2.2:9500', '192.0.2.3:9500']);
    assert.equal((await patch(null)).status, 200);
    assert.deepEqual(await directorsOf(), ['192.0.2.1:9500', '192.0.2.2:9500']);
  });

  test('viewers and admins may read it; agents and anonymous callers may not', async () => {
    const cp = get();
    assert.equal((await cp.request('GET', PATH)).status, 200);
    assert.equal((await cp.request('GET', PATH, { token: null })).status, 401);
    const agent = await cp.token('agent', SITE, 'lb1');
    assert.equal((await cp.request('GET', PATH, { token: agent })).status, 403);
  });

  test('the route is in the OpenAPI document', async () => {
    const res = await get().request('GET', '/openapi.json', { token: null });
    const operation = res.body.paths[PATH]?.get;
    assert.ok(operation, 'GET /v1/prometheus/targets is documented');
    assert.deepEqual(Object.keys(operation.responses).sort(), ['200', '400', '401', '403', '404']);
  });
});

test('label keys become Prometheus label names', () => {
  assert.equal(labelName('app.kubernetes.io/name'), 'app_kubernetes_io_name');
  assert.equal(labelName('rack-id'), 'rack_id');
  assert.equal(labelName('zone_1'), 'zone_1');
  const [group] = targetGroups([
    {
      site: 's',
      siteSpec: { name: 's', labels: {} },
      director: 'd',
      spec: { name: 'd', address: '192.0.2.9', metricsAddress: 'lb.example:9500' },
    },
  ]);
  assert.deepEqual(group, {
    targets: ['lb.example:9500'],
    labels: { __meta_fleetlb_director_address: '192.0.2.9', site: 's', director: 'd' },
  });
});
