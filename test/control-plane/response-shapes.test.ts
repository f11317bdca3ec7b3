/**
 * One source for the wire shapes: every JSON answer of the API is exactly what its contract/
 * schema says (a field the server sends that the contract does not name fails, as does a missing
 * or mistyped one), and the OpenAPI document describes each answer with the contract's named
 * schema.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { z } from 'zod';
import {
  ApplyResult,
  AuditPage,
  CreatedToken,
  DirectorResource,
  DirectorsStatusView,
  DrainResult,
  Liveness,
  PrometheusTargetGroup,
  ProblemDetails,
  Readiness,
  RealServerChangeResult,
  RealServerResource,
  RealServerStatusView,
  SiteResource,
  TokenList,
  VirtualServerResource,
  VrrpInstanceResource,
  VrrpStatusView,
  VrrpTransitionList,
  pageOf,
} from '../../contract/index.js';
import { forEachDatabase, type TestControlPlane } from '../support/control-plane.js';
import { seedSite } from '../support/fleet.js';

/**
 * The answer parses with `schema` and the parse gives it back unchanged: zod objects drop the
 * fields they do not name, so an undocumented field shows up as a difference.
 */
function assertConforms(schema: z.ZodType, res: { status: number; body: unknown; text: string }) {
  assert.ok(res.status < 600, res.text);
  const result = schema.safeParse(res.body);
  assert.ok(result.success, `${res.text}\n${result.success ? '' : result.error.message}`);
  assert.deepEqual(result.data, res.body, 'the answer has fields the contract does not name');
}

const SITE = 'shapes';
const STARTED = '2025-05-01T08:00:00.000Z';

async function seeded(cp: TestControlPlane) {
  await seedSite(cp, SITE);
  const revision = (await cp.request('GET', `/v1/sites/${SITE}`)).body.revision as number;
  const lb1 = await cp.token('agent', SITE, 'lb1');
  await cp.postStatus(lb1, {
    appliedRevision: revision,
    agent: { version: '0.1.0', startedAt: STARTED, ipvsAvailable: false },
    vrrp: [
      {
        instance: 'web',
        vrid: 51,
        state: 'master',
        priority: 150,
        since: STARTED,
        vipsOwned: ['192.0.2.100'],
      },
    ],
    transitions: [{ instance: 'web', from: 'backup', to: 'master', at: STARTED, reason: 'test' }],
    realServers: [
      {
        virtualServer: 'web-http',
        realServer: 'web1',
        health: 'up',
        weight: 10,
        activeConnections: 1,
        inactiveConnections: 0,
      },
    ],
    conditions: [
      {
        type: 'ipvs-unavailable',
        object: { kind: 'VirtualServer', name: 'web-http' },
        message: 'no IPVS',
        since: STARTED,
      },
    ],
  });
}

forEachDatabase('response shapes', (get) => {
  test('objects, fleet views, deploy results, apply, audit, tokens and probes answer their contract shape', async () => {
    const cp = get();
    await seeded(cp);
    const s = `/v1/sites/${SITE}`;
    const rs = `${s}/virtual-servers/web-http/real-servers`;
    const cases: [z.ZodType, string, string, unknown?][] = [
      [SiteResource, 'GET', s],
      [pageOf(SiteResource), 'GET', '/v1/sites'],
      [DirectorResource, 'GET', `${s}/directors/lb1`],
      [pageOf(DirectorResource), 'GET', `${s}/directors`],
      [VrrpInstanceResource, 'GET', `${s}/vrrp-instances/web`],
      [VirtualServerResource, 'GET', `${s}/virtual-servers/web-http`],
      [pageOf(RealServerResource), 'GET', rs],
      [RealServerResource, 'PATCH', `${rs}/web2`, { weight: 20 }],
      [VrrpStatusView, 'GET', `${s}/vrrp-status`],
      [VrrpTransitionList, 'GET', `${s}/vrrp-transitions`],
      [DirectorsStatusView, 'GET', `${s}/directors-status`],
      [RealServerStatusView, 'GET', `${s}/real-server-status`],
      [DrainResult, 'POST', `${rs}/web1/drain`],
      [RealServerChangeResult, 'POST', `${rs}/web1/restore`],
      [RealServerChangeResult, 'POST', `${s}/real-servers/weight?selector=app=web`, { weight: 5 }],
      [
        ApplyResult,
        'POST',
        `${s}/apply?dryRun=true`,
        { objects: [{ kind: 'Director', spec: { name: 'lb3', address: '192.0.2.3' } }] },
      ],
      [AuditPage, 'GET', `/v1/audit?site=${SITE}&limit=5`],
      [CreatedToken, 'POST', '/v1/tokens', { name: 'viewer', role: 'viewer' }],
      [TokenList, 'GET', '/v1/tokens'],
      [PrometheusTargetGroup.array(), 'GET', `/v1/prometheus/targets?site=${SITE}`],
      [Liveness, 'GET', '/healthz'],
      [Readiness, 'GET', '/readyz'],
      [ProblemDetails, 'GET', `${s}/directors/missing`],
      [ProblemDetails, 'POST', `${s}/directors`, { name: 'lb9', address: '192.0.2.9', wieght: 1 }],
    ];
    for (const [schema, method, path, body] of cases) {
      const res = await cp.request(method, path, body === undefined ? {} : { body });
      await test(`${method} ${path}`, () => assertConforms(schema, res));
    }
  });

  test('the OpenAPI document describes the answers with the contract’s named schemas', async () => {
    const cp = get();
    const doc = (await cp.request('GET', '/openapi.json', { token: null })).body;
    const schemas = Object.keys(doc.components.schemas);
    for (const id of [
      'Problem',
      'Site',
      'Director',
      'VrrpInstance',
      'VirtualServer',
      'RealServer',
      'VrrpStatusView',
      'DirectorsStatusView',
      'RealServerStatusView',
      'VrrpTransitionList',
      'DrainResult',
      'RealServerChangeResult',
      'ApplyResult',
      'AuditPage',
      'TokenList',
      'CreatedToken',
      'PrometheusTargetGroup',
      'Liveness',
      'Readiness',
    ])
      assert.ok(schemas.includes(id), `components.schemas.${id}`);
    const ref = (path: string, method: string, status: string) =>
      doc.paths[path][method].responses[status].content['application/json'].schema.$ref;
    assert.equal(
      ref('/v1/sites/{site}/directors-status', 'get', '200'),
      '#/components/schemas/DirectorsStatusView',
    );
    assert.equal(
      ref('/v1/sites/{site}/real-servers/drain', 'post', '202'),
      '#/components/schemas/DrainResult',
    );
    assert.equal(ref('/readyz', 'get', '503'), '#/components/schemas/Readiness');
    // Every reference resolves (a dangling $ref makes the document invalid).
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)];
    assert.ok(refs.length > 50);
    for (const [, id] of refs) assert.ok(schemas.includes(id!), `dangling $ref ${id}`);
    // Every answer with a body has a schema; every error is the one Problem (but /readyz's 503,
    // a probe's answer).
    for (const [path, methods] of Object.entries<Record<string, { responses: object }>>(doc.paths))
      for (const [method, op] of Object.entries(methods))
        for (const [status, response] of Object.entries<{ content?: object }>(
          op.responses as Record<string, { content?: object }>,
        )) {
          const where = `${method.toUpperCase()} ${path} ${status}`;
          if (status === '204' || status === '304') continue;
          assert.ok(response.content, `${where}: no content`);
          const problem = (response.content as Record<string, { schema: { $ref?: string } }>)[
            'application/problem+json'
          ];
          if (Number(status) >= 400 && path !== '/readyz')
            assert.equal(problem?.schema.$ref, '#/components/schemas/Problem', where);
        }
  });
});
