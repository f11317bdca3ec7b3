/**
 * Status reports: a large director's report fits (one entry per real server), a report claiming a
 * revision the site never reached is refused, and the transition history stays bounded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentStatus, vrrpTransitions } from '../../control-plane/db/schema.js';
import { findSite } from '../../control-plane/store/sites.js';
import { forEachDatabase } from '../support/control-plane.js';
import { SITE, seedSite } from '../support/fleet.js';

const agentInfo = { version: '0.1.0', startedAt: '2026-11-21T00:00:00.000Z', ipvsAvailable: true };

forEachDatabase('agent status', (get, kind) => {
  let token = '';

  test('a report with 10,000 real servers (1,000 × 10, ~1.7 MB) is stored', async () => {
    const cp = get();
    await seedSite(cp);
    token = await cp.token('agent', SITE, 'lb1');
    const revision = (await cp.request('GET', `/v1/sites/${SITE}`)).body.revision;
    const realServers = Array.from({ length: 10_000 }, (_, i) => ({
      virtualServer: `vs-${Math.floor(i / 10)}`,
      realServer: `rs-${i % 10}`,
      health: 'up',
      weight: 100,
      activeConnections: i,
      inactiveConnections: 0,
      connectionsTotal: 12_345_678,
    }));
    const body = { appliedRevision: revision, agent: agentInfo, realServers };
    assert.ok(JSON.stringify(body).length > 1 << 20, 'larger than the general body limit');
    const res = await cp.request('POST', '/v1/agent/status', { token, body });
    assert.equal(res.status, 204, res.text);
    const other = await cp.request('POST', '/v1/sites', {
      body: { name: 'big', description: 'x'.repeat(2 << 20) },
    });
    assert.equal(other.status, 413, 'other routes keep the 1 MiB limit');
  });

  test('an applied revision the site never reached is refused (it would end a drain wait early)', async () => {
    const cp = get();
    const revision = (await cp.request('GET', `/v1/sites/${SITE}`)).body.revision;
    const res = await cp.request('POST', '/v1/agent/status', {
      token,
      body: { appliedRevision: revision + 1, agent: agentInfo },
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.errors[0].path, 'body.appliedRevision');
  });

  test('transitions accumulate across reports and the history stays bounded', async () => {
    const cp = get();
    const transitions = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        instance: 'web',
        from: i % 2 ? 'master' : 'backup',
        to: i % 2 ? 'backup' : 'master',
        at: new Date(Date.UTC(2026, 10, 21, 0, 0, i % 60)).toISOString(),
        reason: 'test',
      }));
    for (let round = 0; round < 3; round++) {
      const res = await cp.request('POST', '/v1/agent/status', {
        token,
        body: { appliedRevision: null, agent: agentInfo, transitions: transitions(400) },
      });
      assert.equal(res.status, 204, res.text);
    }
    const count = await cp.database.db.$count(vrrpTransitions);
    assert.equal(count, 1000, 'the newest 1,000 transitions of the director are kept');
  });

  test('the latest report is kept in agent_status on PostgreSQL (every replica reads it), in the process on PGlite', async () => {
    const cp = get();
    const revision = (await cp.request('GET', `/v1/sites/${SITE}`)).body.revision;
    for (const activeConnections of [5, 7]) {
      await cp.postStatus(token, {
        appliedRevision: revision,
        agent: agentInfo,
        realServers: [
          {
            virtualServer: 'vs-0',
            realServer: 'rs-0',
            health: 'up',
            weight: 100,
            activeConnections,
            inactiveConnections: 0,
            connectionsTotal: 1,
          },
        ],
      });
    }
    const rows = await cp.database.db.$count(agentStatus);
    assert.equal(rows, kind === 'postgres' ? 1 : 0);
    const site = await findSite(cp.database.db, SITE);
    const director = [...(await cp.controlPlane.deps.reportStore.latest(site.id)).values()];
    assert.equal(director.length, 1, 'one report per director: the second replaced the first');
    assert.equal(director[0]!.appliedRevision, revision);
    assert.equal(director[0]!.report.realServers[0]!.activeConnections, 7);
  });
});
