import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentStatusInput } from '../../contract/index.js';
import {
  forEachDatabase,
  type RequestOptions,
  type TestControlPlane,
} from '../support/control-plane.js';
import { seedSite } from '../support/fleet.js';

/** A POST without a body (the API's media-type check wants Content-Length: 0 then). */
const NO_BODY: RequestOptions = { headers: { 'content-length': '0' } };

/** A realistic agent report with web-http/web1's active connections. */
function report(appliedRevision: number, web1Active: number): AgentStatusInput {
  return {
    appliedRevision,
    agent: { version: '0.1.0', startedAt: '2025-05-01T08:00:00.000Z', ipvsAvailable: true },
    realServers: [
      {
        virtualServer: 'web-http',
        realServer: 'web1',
        health: 'up',
        weight: 0,
        activeConnections: web1Active,
        inactiveConnections: 3,
      },
      {
        virtualServer: 'web-http',
        realServer: 'web2',
        health: 'up',
        weight: 10,
        activeConnections: 7,
        inactiveConnections: 1,
      },
    ],
  };
}

async function siteRevision(cp: TestControlPlane, site: string): Promise<number> {
  return (await cp.request('GET', `/v1/sites/${site}`)).body.revision as number;
}

async function realServer(cp: TestControlPlane, site: string, vs: string, name: string) {
  return (await cp.request('GET', `/v1/sites/${site}/virtual-servers/${vs}/real-servers/${name}`))
    .body;
}

/** Resolves when this replica hears that some site reached `revision` (i.e. the write committed). */
function committed(cp: TestControlPlane, revision: number): Promise<void> {
  return new Promise((resolve) => {
    const off = cp.controlPlane.deps.bus.on('revision', (event) => {
      if (event?.revision === revision) {
        off();
        resolve();
      }
    });
  });
}

forEachDatabase('deploy operations', (get) => {
  test('drain without wait answers 202 at once; draining again changes nothing; restore enables', async () => {
    const cp = get();
    await seedSite(cp, 'd1');
    // lb3 is in no VRRP instance, so it does not carry web-http and the drain does not wait for it.
    assert.equal(
      (
        await cp.request('POST', '/v1/sites/d1/directors', {
          body: { name: 'lb3', address: '192.0.2.3' },
        })
      ).status,
      201,
    );
    const before = await siteRevision(cp, 'd1');
    const res = await cp.request(
      'POST',
      '/v1/sites/d1/virtual-servers/web-http/real-servers/web1/drain',
      NO_BODY,
    );
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(
      [res.body.drained, res.body.revision, res.body.changed],
      [false, before + 1, true],
    );
    assert.deepEqual(res.body.realServers, [
      {
        virtualServer: 'web-http',
        name: 'web1',
        adminState: 'draining',
        weight: 10,
        changed: true,
      },
    ]);
    assert.deepEqual(
      res.body.remaining.map((r: { director: string; reason: string }) => [r.director, r.reason]),
      [
        ['lb1', 'no-report'],
        ['lb2', 'no-report'],
      ],
    );
    const web1 = await realServer(cp, 'd1', 'web-http', 'web1');
    assert.deepEqual([web1.adminState, web1.weight], ['draining', 10]);
    const config = await cp.request('GET', '/v1/agent/config', {
      token: await cp.token('agent', 'd1', 'lb1'),
    });
    assert.equal(config.body.virtualServers[0].realServers[0].adminState, 'draining');

    const again = await cp.request(
      'POST',
      '/v1/sites/d1/virtual-servers/web-http/real-servers/web1/drain?wait=0',
      NO_BODY,
    );
    assert.deepEqual(
      [again.status, again.body.revision, again.body.changed],
      [202, before + 1, false],
    );

    const restored = await cp.request(
      'POST',
      '/v1/sites/d1/virtual-servers/web-http/real-servers/web1/restore',
      NO_BODY,
    );
    assert.equal(restored.status, 200, restored.text);
    assert.deepEqual(
      [restored.body.revision, restored.body.realServers[0].adminState],
      [before + 2, 'enabled'],
    );
    const audit = await cp.request('GET', '/v1/audit?site=d1&resourceType=real-server&limit=2');
    assert.deepEqual(
      audit.body.items.map((e: { action: string; revision: number }) => [e.action, e.revision]),
      [
        ['restore', before + 2],
        ['drain', before + 1],
      ],
    );
    assert.equal(
      (
        await cp.request(
          'POST',
          '/v1/sites/d1/virtual-servers/web-http/real-servers/web9/drain',
          NO_BODY,
        )
      ).status,
      404,
    );
  });

  test('drain-and-wait answers 200 only once both directors applied it with no active connection', async () => {
    const cp = get();
    await seedSite(cp, 'd2');
    const lb1 = await cp.token('agent', 'd2', 'lb1');
    const lb2 = await cp.token('agent', 'd2', 'lb2');
    const before = await siteRevision(cp, 'd2');
    await cp.postStatus(lb1, report(before, 9));
    await cp.postStatus(lb2, report(before, 0));

    const drainRevision = before + 1;
    const written = committed(cp, drainRevision);
    const order: string[] = [];
    const drain = cp
      .request(
        'POST',
        '/v1/sites/d2/virtual-servers/web-http/real-servers/web1/drain?wait=3',
        NO_BODY,
      )
      .then((res) => {
        order.push('drained');
        return res;
      });
    await written;
    // Noted before it is sent: the answer may legitimately come before this post's own reply.
    const step = async (name: string, token: string, body: AgentStatusInput) => {
      order.push(name);
      await cp.postStatus(token, body);
      await sleep(100); // room for a premature answer to show up in `order`
    };
    await step('lb1 applied, 4 connections', lb1, report(drainRevision, 4));
    await step('lb2 applied, idle', lb2, report(drainRevision, 0));
    assert.deepEqual(order, ['lb1 applied, 4 connections', 'lb2 applied, idle']);
    await step('lb1 idle', lb1, report(drainRevision, 0));
    const res = await drain;
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      [res.body.drained, res.body.revision, res.body.remaining],
      [true, drainRevision, []],
    );
    assert.equal(order.at(-1), 'drained');
    assert.equal(order.indexOf('drained'), 3);
  });

  test('drain-and-wait that runs out answers 202 with who holds it up and why', async () => {
    const cp = get();
    await seedSite(cp, 'd3');
    const lb1 = await cp.token('agent', 'd3', 'lb1');
    const drainRevision = (await siteRevision(cp, 'd3')) + 1;
    const written = committed(cp, drainRevision);
    const drain = cp.request(
      'POST',
      '/v1/sites/d3/virtual-servers/web-http/real-servers/web1/drain?wait=1',
      NO_BODY,
    );
    await written;
    await cp.postStatus(lb1, report(drainRevision, 4));
    const res = await drain;
    assert.equal(res.status, 202, res.text);
    assert.equal(res.body.drained, false);
    assert.deepEqual(res.body.remaining, [
      {
        director: 'lb1',
        virtualServer: 'web-http',
        realServer: 'web1',
        reason: 'connections',
        appliedRevision: drainRevision,
        activeConnections: 4,
      },
      {
        director: 'lb2',
        virtualServer: 'web-http',
        realServer: 'web1',
        reason: 'no-report',
        appliedRevision: null,
        activeConnections: null,
      },
    ]);
  });

  test('drain-and-wait stops waiting when the client goes away', async () => {
    const cp = get();
    await seedSite(cp, 'd7');
    const client = new AbortController();
    const drain = cp.request(
      'POST',
      '/v1/sites/d7/virtual-servers/web-http/real-servers/web1/drain?wait=30',
      { ...NO_BODY, signal: client.signal },
    );
    await sleep(100);
    client.abort();
    const guard = new AbortController(); // cancels the fallback timer so it does not hold the process
    const fallback = sleep(10_000, 'still waiting' as const, { signal: guard.signal }).catch(
      () => 'cancelled' as const,
    );
    const first = await Promise.race([drain.then(() => 'answered' as const), fallback]);
    guard.abort();
    assert.equal(first, 'answered');
  });

  test('a selector drain is one revision over every matching real server and nothing else', async () => {
    const cp = get();
    await seedSite(cp, 'd4');
    for (const [path, body] of [
      [
        '/v1/sites/d4/virtual-servers',
        {
          name: 'web-https',
          vrrpInstance: 'web',
          address: '192.0.2.100',
          port: 443,
          protocol: 'tcp',
        },
      ],
      [
        '/v1/sites/d4/virtual-servers/web-https/real-servers',
        {
          name: 'web3',
          address: '198.51.100.13',
          port: 8443,
          weight: 20,
          labels: { app: 'web', version: 'v1' },
        },
      ],
    ] as const) {
      assert.equal((await cp.request('POST', path, { body })).status, 201);
    }
    const before = await siteRevision(cp, 'd4');
    const res = await cp.request(
      'POST',
      '/v1/sites/d4/real-servers/drain?selector=app=web,version=v1',
      NO_BODY,
    );
    assert.equal(res.status, 202, res.text);
    assert.equal(await siteRevision(cp, 'd4'), before + 1);
    assert.deepEqual(
      res.body.realServers.map((r: { virtualServer: string; name: string; adminState: string }) => [
        r.virtualServer,
        r.name,
        r.adminState,
      ]),
      [
        ['web-http', 'web1', 'draining'],
        ['web-https', 'web3', 'draining'],
      ],
    );
    assert.equal((await realServer(cp, 'd4', 'web-http', 'web2')).adminState, 'enabled');
    const audit = await cp.request('GET', '/v1/audit?site=d4&resourceType=real-server&limit=10');
    const drains = audit.body.items.filter((e: { action: string }) => e.action === 'drain');
    assert.deepEqual(
      drains.map((e: { revision: number }) => e.revision),
      [before + 1, before + 1],
    );

    const restored = await cp.request(
      'POST',
      '/v1/sites/d4/real-servers/restore?selector=app=web',
      NO_BODY,
    );
    assert.equal(restored.status, 200, restored.text);
    assert.deepEqual(
      restored.body.realServers.map((r: { name: string; changed: boolean }) => [r.name, r.changed]),
      [
        ['web1', true],
        ['web2', false],
        ['web3', true],
      ],
    );
    assert.equal(await siteRevision(cp, 'd4'), before + 2);

    const weighted = await cp.request(
      'POST',
      '/v1/sites/d4/real-servers/weight?selector=version=v1',
      { body: { weight: 5 } },
    );
    assert.equal(weighted.status, 200, weighted.text);
    assert.equal(await siteRevision(cp, 'd4'), before + 3);
    assert.deepEqual(
      [
        (await realServer(cp, 'd4', 'web-https', 'web3')).weight,
        (await realServer(cp, 'd4', 'web-http', 'web2')).weight,
      ],
      [5, 10],
    );

    const none = await cp.request(
      'POST',
      '/v1/sites/d4/real-servers/drain?selector=app=db',
      NO_BODY,
    );
    assert.equal(none.status, 404);
    assert.equal(none.headers.get('content-type'), 'application/problem+json');
    assert.equal(await siteRevision(cp, 'd4'), before + 3);
  });

  test('operators may drain; viewers and agents may not', async () => {
    const cp = get();
    await seedSite(cp, 'd5');
    const path = '/v1/sites/d5/virtual-servers/web-http/real-servers/web2/drain';
    const operator = await cp.request('POST', path, {
      ...NO_BODY,
      token: await cp.token('operator'),
    });
    assert.equal(operator.status, 202, operator.text);
    const audit = await cp.request('GET', '/v1/audit?site=d5&resourceType=real-server&limit=1');
    assert.equal(audit.body.items[0].actor, 'operator:operator-test');
    assert.equal(
      (await cp.request('POST', path, { ...NO_BODY, token: await cp.token('viewer') })).status,
      403,
    );
    assert.equal(
      (await cp.request('POST', path, { ...NO_BODY, token: await cp.token('agent', 'd5', 'lb1') }))
        .status,
      403,
    );
    const viewerWeight = await cp.request(
      'POST',
      '/v1/sites/d5/real-servers/weight?selector=app=web',
      { body: { weight: 1 }, token: await cp.token('viewer') },
    );
    assert.equal(viewerWeight.status, 403);
  });

  test('whole-site operations refuse a missing, empty or malformed selector', async () => {
    const cp = get();
    await seedSite(cp, 'd6');
    const before = await siteRevision(cp, 'd6');
    for (const query of ['', '?selector=', '?selector=%20', '?selector=app%3D%3D%3Dweb']) {
      const res = await cp.request('POST', `/v1/sites/d6/real-servers/drain${query}`, NO_BODY);
      assert.equal(res.status, 400, `${query}: ${res.text}`);
      assert.equal(res.body.status, 400);
    }
    assert.equal(
      (await cp.request('POST', '/v1/sites/d6/real-servers/restore', NO_BODY)).status,
      400,
    );
    assert.equal(
      (await cp.request('POST', '/v1/sites/d6/real-servers/weight', { body: { weight: 1 } }))
        .status,
      400,
    );
    assert.equal(
      (
        await cp.request('POST', '/v1/sites/d6/real-servers/weight?selector=app=web', {
          body: { weight: -1 },
        })
      ).status,
      422,
    );
    assert.equal(await siteRevision(cp, 'd6'), before);
  });
});
