/**
 * The unauthenticated surface: health, readiness, metrics (route templates as labels, never raw
 * paths), the OpenAPI document and the docs page served without a CDN.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDatabase } from '../support/control-plane.js';
import { SITE, seedSite } from '../support/fleet.js';

forEachDatabase('HTTP surface', (get) => {
  test('healthz and readyz answer without a token', async () => {
    const cp = get();
    assert.equal((await cp.request('GET', '/healthz', { token: null })).status, 200);
    const ready = await cp.request('GET', '/readyz', { token: null });
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, 'ready');
  });

  test('metrics: RED per route template, build info, latest revision per site', async () => {
    const cp = get();
    await seedSite(cp);
    await cp.request('GET', `/v1/sites/${SITE}/directors/lb1`);
    await cp.request('GET', `/v1/sites/${SITE}/directors/missing`);
    const res = await cp.request('GET', '/metrics', { token: null });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(
      res.text,
      /fleetlb_controlplane_http_requests_total\{method="GET",route="\/v1\/sites\/:site\/directors\/:name",status="200",ok="true"\} 1/,
    );
    assert.match(res.text, /route="\/v1\/sites\/:site\/directors\/:name",status="404",ok="false"/);
    assert.ok(!res.text.includes('/directors/lb1'), 'raw paths never become label values');
    assert.match(res.text, /fleetlb_controlplane_http_request_duration_seconds_bucket\{le="0.005"/);
    assert.match(res.text, /fleetlb_controlplane_build_info\{version="\d+\.\d+\.\d+"\} 1/);
    const revision = (await cp.request('GET', `/v1/sites/${SITE}`)).body.revision;
    assert.match(
      res.text,
      new RegExp(`fleetlb_controlplane_config_latest_revision\\{site="${SITE}"\\} ${revision}`),
    );
    assert.match(
      res.text,
      /^process_cpu_seconds_total /m,
      'default process metrics keep their standard names',
    );
  });

  test('openapi.json describes every route with its problems', async () => {
    const cp = get();
    const res = await cp.request('GET', '/openapi.json', { token: null });
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    const paths = Object.keys(res.body.paths);
    for (const path of [
      '/v1/sites',
      '/v1/sites/{site}',
      '/v1/sites/{site}/directors/{name}',
      '/v1/sites/{site}/vrrp-instances',
      '/v1/sites/{site}/virtual-servers/{virtualServer}/real-servers/{name}',
      '/v1/agent/config',
      '/v1/agent/status',
      '/v1/tokens',
      '/v1/audit',
    ]) {
      assert.ok(paths.includes(path), `missing ${path}`);
    }
    const patch =
      res.body.paths['/v1/sites/{site}/virtual-servers/{virtualServer}/real-servers/{name}'].patch;
    assert.ok(patch.responses['412'] && patch.responses['422']);
    assert.ok(res.body.components.schemas.DesiredState, 'the agent document is a named schema');
    assert.deepEqual(res.body.security, [{ bearer: [] }]);
  });

  test('docs page and its assets are served locally', async () => {
    const cp = get();
    const page = await cp.request('GET', '/docs', { token: null });
    assert.equal(page.status, 200);
    assert.match(page.text, /SwaggerUIBundle/);
    assert.ok(!/https?:\/\//.test(page.text.replace(/<!doctype[^>]*>/i, '')), 'no CDN');
    const bundle = await cp.request('GET', '/docs/swagger-ui-bundle.js', { token: null });
    assert.equal(bundle.status, 200);
    assert.ok(bundle.text.length > 100_000);
    assert.equal((await cp.request('GET', '/docs/..%2Fpackage.json', { token: null })).status, 404);
  });
});
