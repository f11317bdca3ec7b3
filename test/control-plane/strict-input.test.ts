/**
 * Strict input through the API, on PGlite and PostgreSQL: an unknown field anywhere in any object
 * kind is a 422 naming the field's path (with a "did you mean"), for POST, PUT and PATCH alike,
 * and nothing is written.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDatabase, type TestControlPlane } from '../support/control-plane.js';
import { SITE, seedSite } from '../support/fleet.js';

const S = `/v1/sites/${SITE}`;
const RS = `${S}/virtual-servers/web-http/real-servers`;

const instance = {
  name: 'api',
  vrid: 52,
  interface: 'eth0',
  vips: [{ address: '192.0.2.101' }],
  members: [{ director: 'lb1', priority: 100 }],
};
const virtualServer = { name: 'api-http', address: '192.0.2.101', port: 80, protocol: 'tcp' };
const realServer = { name: 'api1', address: '198.51.100.21', port: 8080 };

/** A request with one unknown field, and the path and suggestion the 422 must carry. */
interface Case {
  what: string;
  path: string;
  body: Record<string, unknown>;
  field: string;
  suggestion?: string;
}

const CASES: Case[] = [
  {
    what: 'site',
    path: '/v1/sites',
    body: { name: 'x1', lables: {} },
    field: 'body.lables',
    suggestion: 'labels',
  },
  {
    what: 'director',
    path: `${S}/directors`,
    body: { name: 'lb9', address: '192.0.2.9', adress: 'x' },
    field: 'body.adress',
    suggestion: 'address',
  },
  {
    what: 'VRRP instance',
    path: `${S}/vrrp-instances`,
    body: { ...instance, preemt: false },
    field: 'body.preemt',
    suggestion: 'preempt',
  },
  {
    what: 'VIP',
    path: `${S}/vrrp-instances`,
    body: { ...instance, vips: [{ address: '192.0.2.101', prefixLen: 24 }] },
    field: 'body.vips.0.prefixLen',
  },
  {
    what: 'member',
    path: `${S}/vrrp-instances`,
    body: { ...instance, members: [{ director: 'lb1', priority: 100, prio: 1 }] },
    field: 'body.members.0.prio',
  },
  {
    what: 'tracked check',
    path: `${S}/vrrp-instances`,
    body: {
      ...instance,
      trackedChecks: [{ type: 'interface', name: 't', interface: 'eth1', wieght: -10 }],
    },
    field: 'body.trackedChecks.0.wieght',
    suggestion: 'weight',
  },
  {
    what: 'garp settings',
    path: `${S}/vrrp-instances`,
    body: { ...instance, garp: { masterDelay: 1 } },
    field: 'body.garp.masterDelay',
    suggestion: 'masterDelayS',
  },
  {
    what: 'notify hooks',
    path: `${S}/vrrp-instances`,
    body: { ...instance, notify: { mastr: '/bin/true' } },
    field: 'body.notify.mastr',
    suggestion: 'master',
  },
  {
    what: 'virtual server',
    path: `${S}/virtual-servers`,
    body: { ...virtualServer, sheduler: 'rr' },
    field: 'body.sheduler',
    suggestion: 'scheduler',
  },
  {
    what: 'persistence',
    path: `${S}/virtual-servers`,
    body: { ...virtualServer, persistence: { timeoutS: 60, persistance_timeout: 60 } },
    field: 'body.persistence.persistance_timeout',
  },
  {
    what: 'sorry server',
    path: `${S}/virtual-servers`,
    body: { ...virtualServer, sorryServer: { address: '198.51.100.99', port: 80, prot: 1 } },
    field: 'body.sorryServer.prot',
    suggestion: 'port',
  },
  {
    what: 'check defaults',
    path: `${S}/virtual-servers`,
    body: { ...virtualServer, checkDefaults: { interval: 1000 } },
    field: 'body.checkDefaults.interval',
  },
  {
    what: 'real server',
    path: RS,
    body: { ...realServer, wieght: 10 },
    field: 'body.wieght',
    suggestion: 'weight',
  },
  {
    what: 'health check',
    path: RS,
    body: { ...realServer, checks: [{ type: 'http', pth: '/' }] },
    field: 'body.checks.0.pth',
    suggestion: 'path',
  },
];

async function assertUnknownField(cp: TestControlPlane, method: string, path: string, c: Case) {
  const res = await cp.request(method, path, { body: c.body });
  assert.equal(res.status, 422, `${c.what}: ${res.text}`);
  const error = (res.body.errors as { path: string; message: string }[]).find(
    (e) => e.path === c.field,
  );
  assert.ok(error, `${c.what}: ${c.field} in ${res.text}`);
  const name = c.field.split('.').at(-1)!;
  assert.match(error.message, new RegExp(`unknown field "${name}"`));
  if (c.suggestion) assert.match(error.message, new RegExp(`did you mean "${c.suggestion}"`));
}

forEachDatabase('strict input', (get) => {
  test('seed', async () => {
    await seedSite(get());
  });

  for (const c of CASES) {
    test(`an unknown field in a ${c.what} is a 422 at its path`, async () => {
      const cp = get();
      const revision = (await cp.request('GET', S)).body.revision as number;
      await assertUnknownField(cp, 'POST', c.path, c);
      if (c.what !== 'site') {
        const name = c.body.name as string;
        await assertUnknownField(cp, 'PUT', `${c.path}/${name}`, c);
        assert.equal((await cp.request('GET', `${c.path}/${name}`)).status, 404, 'not created');
      }
      assert.equal((await cp.request('GET', S)).body.revision, revision, 'no revision');
    });
  }

  test('a merge patch that adds an unknown field is a 422 at its path', async () => {
    const cp = get();
    const res = await cp.request('PATCH', `${RS}/web1`, { body: { wieght: 20 } });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.errors, [
      { path: 'body.wieght', message: 'unknown field "wieght" (did you mean "weight"?)' },
    ]);
    assert.equal((await cp.request('GET', `${RS}/web1`)).body.weight, 10);
  });

  test('the other bodies an operator writes are strict too: tokens and weight changes', async () => {
    const cp = get();
    const token = await cp.request('POST', '/v1/tokens', {
      body: { name: 'x', role: 'viewer', expiresIn: 60 },
    });
    assert.equal(token.status, 422);
    assert.deepEqual(token.body.errors, [
      { path: 'body.expiresIn', message: 'unknown field "expiresIn" (did you mean "expiresInS"?)' },
    ]);
    const weight = await cp.request('POST', `${S}/real-servers/weight?selector=app=web`, {
      body: { wieght: 5 },
    });
    assert.equal(weight.status, 422);
    assert.ok(
      (weight.body.errors as { path: string; message: string }[]).some(
        (e) => e.path === 'body.wieght' && /did you mean "weight"/.test(e.message),
      ),
      weight.text,
    );
  });

  test('several unknown fields are each named', async () => {
    const cp = get();
    const res = await cp.request('POST', RS, {
      body: { ...realServer, wieght: 1, lables: {}, zzz: 1 },
    });
    assert.equal(res.status, 422);
    assert.deepEqual((res.body.errors as { path: string }[]).map((e) => e.path).sort(), [
      'body.lables',
      'body.wieght',
      'body.zzz',
    ]);
  });

  test('addresses that can never work are a 422 saying why, at their path', async () => {
    const cp = get();
    const revision = (await cp.request('GET', S)).body.revision as number;
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      [`${S}/directors`, { name: 'bad1', address: '224.0.0.18' }, 'body.address', /multicast/],
      [`${S}/directors`, { name: 'bad2', address: '127.0.0.1' }, 'body.address', /loopback/],
      [RS, { ...realServer, address: '255.255.255.255' }, 'body.address', /broadcast/],
      [RS, { ...realServer, address: '0.0.0.0' }, 'body.address', /0\.0\.0\.0\/8/],
      [RS, { ...realServer, address: '::' }, 'body.address', /unspecified/],
      [RS, { ...realServer, address: '169.254.0.1' }, 'body.address', /link-local/],
      [RS, { ...realServer, address: 'ff02::12' }, 'body.address', /multicast/],
      [RS, { ...realServer, address: 'fe80::12' }, 'body.address', /link-local/],
      [
        `${S}/vrrp-instances`,
        { ...instance, vips: [{ address: '192.0.2.101' }, { address: '224.0.0.18' }] },
        'body.vips[1].address',
        /multicast/,
      ],
      [
        `${S}/virtual-servers`,
        { ...virtualServer, sorryServer: { address: '::1', port: 80 } },
        'body.sorryServer.address',
        /loopback/,
      ],
    ];
    for (const [path, body, field, why] of cases) {
      const res = await cp.request('POST', path, { body });
      assert.equal(res.status, 422, `${JSON.stringify(body)}: ${res.text}`);
      const error = (res.body.errors as { path: string; message: string }[]).find(
        (e) => e.path === field,
      );
      assert.ok(error, `${field} in ${res.text}`);
      assert.match(error.message, why);
    }
    assert.equal((await cp.request('GET', S)).body.revision, revision, 'nothing written');
    const linkLocalDirector = await cp.request('POST', `${S}/directors`, {
      body: { name: 'lb6', address: 'fe80::6' },
    });
    assert.equal(linkLocalDirector.status, 201, 'VRRPv3 over IPv6 elects by link-local address');
    assert.equal((await cp.request('DELETE', `${S}/directors/lb6`)).status, 204);
  });
});
