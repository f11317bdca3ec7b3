import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentStatusInput, VrrpState } from '../../contract/index.js';
import { forEachDatabase, type TestControlPlane } from '../support/control-plane.js';
import { seedSite } from '../support/fleet.js';
import {
  DEFAULT_REPORT_INTERVAL_MS,
  STALE_MARGIN_MS,
} from '../../control-plane/store/report-evidence.js';

const STARTED = '2025-05-01T08:00:00.000Z';

/** A realistic agent report; `extra` replaces whole sections. */
function report(
  appliedRevision: number | null,
  extra: Partial<AgentStatusInput> = {},
): AgentStatusInput {
  return {
    appliedRevision,
    agent: { version: '0.1.0', startedAt: STARTED, ipvsAvailable: true },
    ...extra,
  };
}

const vrrpEntry = (state: VrrpState, priority: number, vipsOwned: string[] = []) => ({
  instance: 'web',
  vrid: 51,
  state,
  priority,
  since: '2025-05-01T08:00:05.000Z',
  vipsOwned,
});

/** Seeds `site` (lb1, lb2, instance web, web-http with web1/web2) and returns agent tokens and its revision. */
async function seeded(cp: TestControlPlane, site: string) {
  await seedSite(cp, site);
  const lb1 = await cp.token('agent', site, 'lb1');
  const lb2 = await cp.token('agent', site, 'lb2');
  const revision = (await cp.request('GET', `/v1/sites/${site}`)).body.revision as number;
  return { lb1, lb2, revision };
}

forEachDatabase('fleet views', (get) => {
  test('two fresh masters of one instance are a split brain', async () => {
    const cp = get();
    const { lb1, lb2, revision } = await seeded(cp, 'split1');
    await cp.postStatus(
      lb1,
      report(revision, { vrrp: [vrrpEntry('master', 150, ['192.0.2.100'])] }),
    );
    await cp.postStatus(
      lb2,
      report(revision, { vrrp: [vrrpEntry('master', 100, ['192.0.2.100'])] }),
    );
    const res = await cp.request('GET', '/v1/sites/split1/vrrp-status');
    assert.equal(res.status, 200, res.text);
    const [web] = res.body.instances;
    assert.equal(web.name, 'web');
    assert.deepEqual(web.masters, ['lb1', 'lb2']);
    assert.equal(web.splitBrain, true);
    assert.equal(web.noMaster, false);
    assert.deepEqual(
      web.members.map(
        (m: { director: string; state: string; priority: number; stale: boolean }) => [
          m.director,
          m.state,
          m.priority,
          m.stale,
        ],
      ),
      [
        ['lb1', 'master', 150, false],
        ['lb2', 'master', 100, false],
      ],
    );
    assert.deepEqual(web.members[0].vipsOwned, ['192.0.2.100']);
  });

  test('no master when every member is backup or has not mentioned the instance', async () => {
    const cp = get();
    const { lb1, lb2, revision } = await seeded(cp, 'nomaster1');
    await cp.postStatus(lb1, report(revision, { vrrp: [vrrpEntry('backup', 150)] }));
    await cp.postStatus(lb2, report(revision)); // reports, but nothing about instance web
    const [web] = (await cp.request('GET', '/v1/sites/nomaster1/vrrp-status')).body.instances;
    assert.deepEqual(web.masters, []);
    assert.equal(web.noMaster, true);
    assert.equal(web.splitBrain, false);
    assert.equal(web.members[0].state, 'backup');
    assert.equal(web.members[1].state, 'unknown');
    assert.equal(web.members[1].priority, null);
    assert.equal(web.members[1].stale, false);
  });

  test('a director silent for longer than its freshness is stale and its MASTER claim does not count', async () => {
    const cp = get();
    const { lb1, lb2, revision } = await seeded(cp, 'stale1');
    await cp.postStatus(lb1, report(revision, { vrrp: [vrrpEntry('master', 150)] }));
    const deps = cp.controlPlane.deps;
    const realClock = deps.clock;
    deps.clock = {
      // A report without a declared interval counts 15 s: stale after 2 × 15 s + the margin.
      now: () =>
        new Date(
          realClock.now().getTime() + 2 * DEFAULT_REPORT_INTERVAL_MS + STALE_MARGIN_MS + 30_000,
        ),
    };
    try {
      await cp.postStatus(lb2, report(revision, { vrrp: [vrrpEntry('backup', 100)] }));
      const [web] = (await cp.request('GET', '/v1/sites/stale1/vrrp-status')).body.instances;
      assert.equal(web.members[0].state, 'unknown');
      assert.equal(web.members[0].reportedState, 'master');
      assert.equal(web.members[0].stale, true);
      assert.equal(web.members[1].stale, false);
      assert.deepEqual(web.masters, []);
      assert.equal(web.noMaster, true);
      const directors = (await cp.request('GET', '/v1/sites/stale1/directors-status')).body
        .directors;
      assert.deepEqual(
        directors.map((d: { name: string; stale: boolean }) => [d.name, d.stale]),
        [
          ['lb1', true],
          ['lb2', false],
        ],
      );
    } finally {
      deps.clock = realClock;
    }
  });

  test('a director that never reported is stale with state unknown', async () => {
    const cp = get();
    const { lb1, revision } = await seeded(cp, 'silent1');
    await cp.postStatus(lb1, report(revision, { vrrp: [vrrpEntry('master', 150)] }));
    const [web] = (await cp.request('GET', '/v1/sites/silent1/vrrp-status')).body.instances;
    assert.deepEqual(web.masters, ['lb1']);
    assert.deepEqual([web.splitBrain, web.noMaster], [false, false]);
    assert.equal(web.members[1].state, 'unknown');
    assert.equal(web.members[1].reportedAt, null);
    assert.equal(web.members[1].stale, true);
  });

  test('transitions are listed newest first, by director and limited', async () => {
    const cp = get();
    const { lb1, lb2, revision } = await seeded(cp, 'trans1');
    const transition = (from: VrrpState, to: VrrpState, at: string, reason: string) => ({
      instance: 'web',
      from,
      to,
      at,
      reason,
    });
    await cp.postStatus(
      lb2,
      report(revision, {
        vrrp: [vrrpEntry('backup', 100)],
        transitions: [
          transition('init', 'master', '2025-05-01T08:00:01.000Z', 'master-down-timer'),
          transition('master', 'backup', '2025-05-01T08:00:04.000Z', 'higher-priority-advert'),
        ],
      }),
    );
    await cp.postStatus(
      lb1,
      report(revision, {
        vrrp: [vrrpEntry('master', 150)],
        transitions: [transition('backup', 'master', '2025-05-01T08:00:03.000Z', 'preempt')],
      }),
    );
    const all = await cp.request('GET', '/v1/sites/trans1/vrrp-transitions');
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(
      all.body.items.map((t: { director: string; from: string; to: string; reason: string }) => [
        t.director,
        t.from,
        t.to,
        t.reason,
      ]),
      [
        ['lb2', 'master', 'backup', 'higher-priority-advert'],
        ['lb1', 'backup', 'master', 'preempt'],
        ['lb2', 'init', 'master', 'master-down-timer'],
      ],
    );
    const lb2Only = await cp.request(
      'GET',
      '/v1/sites/trans1/vrrp-transitions?director=lb2&limit=1',
    );
    assert.deepEqual(
      lb2Only.body.items.map((t: { director: string; at: string }) => [t.director, t.at]),
      [['lb2', '2025-05-01T08:00:04.000Z']],
    );
    assert.equal(
      (await cp.request('GET', '/v1/sites/trans1/vrrp-transitions?director=lb9')).status,
      404,
    );
  });

  test('directors-status shows applied revision, behind, rejections and errors', async () => {
    const cp = get();
    const { lb1, lb2, revision } = await seeded(cp, 'dirs1');
    await cp.postStatus(lb1, report(revision));
    await cp.postStatus(
      lb2,
      report(revision - 1, {
        rejected: {
          revision,
          reasons: [{ path: 'virtualServers[0].scheduler', message: 'ip_vs_wrr is not loaded' }],
        },
        errors: [{ stage: 'ipvs', message: 'modprobe ip_vs_wrr failed' }],
      }),
    );
    const viewer = await cp.token('viewer');
    const res = await cp.request('GET', '/v1/sites/dirs1/directors-status', { token: viewer });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.revision, revision);
    const [d1, d2] = res.body.directors;
    assert.deepEqual(
      [d1.name, d1.appliedRevision, d1.behind, d1.rejected, d1.stale],
      ['lb1', revision, false, null, false],
    );
    assert.equal(d1.agent.version, '0.1.0');
    assert.deepEqual([d2.name, d2.appliedRevision, d2.behind], ['lb2', revision - 1, true]);
    assert.equal(d2.rejected.revision, revision);
    assert.equal(d2.errors[0].stage, 'ipvs');
    const agentView = await cp.request('GET', '/v1/sites/dirs1/directors-status', { token: lb1 });
    assert.equal(agentView.status, 403);
  });

  test('real-server-status joins configuration with each director and totals fresh connections', async () => {
    const cp = get();
    const { lb1, lb2, revision } = await seeded(cp, 'rs1');
    const rsEntry = (
      realServer: string,
      activeConnections: number,
      inactiveConnections: number,
    ) => ({
      virtualServer: 'web-http',
      realServer,
      health: 'up' as const,
      weight: 10,
      activeConnections,
      inactiveConnections,
    });
    await cp.postStatus(
      lb1,
      report(revision, { realServers: [rsEntry('web1', 5, 2), rsEntry('web2', 1, 0)] }),
    );
    await cp.postStatus(lb2, report(revision, { realServers: [rsEntry('web1', 0, 3)] }));
    const res = await cp.request('GET', '/v1/sites/rs1/real-server-status');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.totals, { activeConnections: 6, inactiveConnections: 5 });
    const [web1, web2] = res.body.realServers;
    assert.deepEqual(
      [web1.name, web1.weight, web1.adminState, web1.activeConnections, web1.inactiveConnections],
      ['web1', 10, 'enabled', 5, 5],
    );
    assert.deepEqual(web1.labels, { app: 'web', version: 'v1' });
    assert.deepEqual(
      web1.directors.map((d: { director: string; health: string; activeConnections: number }) => [
        d.director,
        d.health,
        d.activeConnections,
      ]),
      [
        ['lb1', 'up', 5],
        ['lb2', 'up', 0],
      ],
    );
    assert.deepEqual(
      web2.directors.map((d: { director: string; health: string; weight: number | null }) => [
        d.director,
        d.health,
        d.weight,
      ]),
      [
        ['lb1', 'up', 10],
        ['lb2', 'unknown', null],
      ],
    );

    const v2 = await cp.request(
      'GET',
      '/v1/sites/rs1/real-server-status?virtualServer=web-http&selector=version%3Dv2',
    );
    assert.deepEqual(
      v2.body.realServers.map((r: { name: string }) => r.name),
      ['web2'],
    );
    assert.deepEqual(v2.body.totals, { activeConnections: 1, inactiveConnections: 0 });
    assert.equal(
      (await cp.request('GET', '/v1/sites/rs1/real-server-status?virtualServer=nope')).status,
      404,
    );
    assert.equal(
      (await cp.request('GET', '/v1/sites/rs1/real-server-status?selector=version%3D%3D%3D'))
        .status,
      400,
    );
    assert.equal((await cp.request('GET', '/v1/sites/nowhere/real-server-status')).status, 404);
  });
});
