/**
 * The fleet views weigh each report as evidence with an age (control-plane/store/report-evidence.ts):
 * freshness from the agent's declared report interval, a clean stop's final report, a takeover
 * superseding an older mastership claim (also across skewed agent clocks), and a real split
 * brain once both masters have reported after both takeovers. The control plane's clock is
 * steered, so nothing here depends on how fast the machine is.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentStatusInput, VrrpState } from '../../contract/index.js';
import { STALE_MARGIN_MS } from '../../control-plane/store/report-evidence.js';
import { forEachDatabase, type TestControlPlane } from '../support/control-plane.js';
import { seedSite } from '../support/fleet.js';

const INTERVAL_MS = 5_000;
const T0 = Date.parse('2026-03-01T10:00:00.000Z');

/** A report as the agent sends it, `sentAt` on an agent clock `skewMs` away from the control plane's. */
function report(
  revision: number,
  state: VrrpState,
  sinceMs: number,
  sentAtMs: number,
  options: { skewMs?: number; stopped?: boolean } = {},
): AgentStatusInput {
  const skew = options.skewMs ?? 0;
  return {
    appliedRevision: revision,
    sentAt: new Date(sentAtMs + skew).toISOString(),
    agent: {
      version: '0.1.0',
      startedAt: new Date(T0 + skew).toISOString(),
      ipvsAvailable: true,
      reportIntervalMs: INTERVAL_MS,
      state: options.stopped ? 'stopped' : 'running',
    },
    vrrp: [
      {
        instance: 'web',
        vrid: 51,
        state,
        priority: 100,
        since: new Date(sinceMs + skew).toISOString(),
        vipsOwned: state === 'master' ? ['192.0.2.100'] : [],
      },
    ],
  };
}

interface Member {
  director: string;
  state: string;
  reportedState: string | null;
  superseded: boolean;
  vipsOwned: string[];
  stale: boolean;
  stopped: boolean;
  staleAt: string | null;
}

/** Seeds a site and steers the control plane's clock from T0 for `body`. */
async function withSite(
  cp: TestControlPlane,
  site: string,
  body: (ctx: {
    lb1: string;
    lb2: string;
    revision: number;
    at: (ms: number) => void;
    web: () => Promise<{
      members: Member[];
      masters: string[];
      splitBrain: boolean;
      noMaster: boolean;
    }>;
    directors: () => Promise<{ name: string; stale: boolean; stopped: boolean }[]>;
  }) => Promise<void>,
): Promise<void> {
  await seedSite(cp, site);
  const lb1 = await cp.token('agent', site, 'lb1');
  const lb2 = await cp.token('agent', site, 'lb2');
  const revision = (await cp.request('GET', `/v1/sites/${site}`)).body.revision as number;
  const deps = cp.controlPlane.deps;
  const realClock = deps.clock;
  let nowMs = T0;
  deps.clock = { now: () => new Date(nowMs) };
  try {
    await body({
      lb1,
      lb2,
      revision,
      at: (ms) => (nowMs = ms),
      web: async () => (await cp.request('GET', `/v1/sites/${site}/vrrp-status`)).body.instances[0],
      directors: async () =>
        (await cp.request('GET', `/v1/sites/${site}/directors-status`)).body.directors,
    });
  } finally {
    deps.clock = realClock;
  }
}

const states = (members: Member[]) => members.map((m) => `${m.director}:${m.state}`).join(',');

forEachDatabase('fleet evidence', (get) => {
  test('a report is fresh for twice its declared interval plus the margin, then unknown', async () => {
    await withSite(get(), 'fresh1', async ({ lb1, lb2, revision, at, web, directors }) => {
      const cp = get();
      at(T0);
      await cp.postStatus(lb1, report(revision, 'master', T0 - 60_000, T0));
      await cp.postStatus(lb2, report(revision, 'backup', T0 - 60_000, T0));
      const limit = T0 + 2 * INTERVAL_MS + STALE_MARGIN_MS;
      at(limit);
      let view = await web();
      assert.equal(states(view.members), 'lb1:master,lb2:backup');
      assert.deepEqual(view.masters, ['lb1']);
      assert.equal(view.members[0]!.staleAt, new Date(limit).toISOString());
      at(limit + 1);
      view = await web();
      assert.equal(states(view.members), 'lb1:unknown,lb2:unknown');
      assert.deepEqual(
        view.members.map((m) => [m.reportedState, m.stale, m.vipsOwned]),
        [
          ['master', true, []],
          ['backup', true, []],
        ],
      );
      assert.deepEqual([view.masters, view.splitBrain, view.noMaster], [[], false, true]);
      assert.deepEqual(
        (await directors()).map((d) => [d.name, d.stale]),
        [
          ['lb1', true],
          ['lb2', true],
        ],
      );
    });
  });

  test("a clean stop's final report shows at once and never goes stale", async () => {
    await withSite(get(), 'stop1', async ({ lb1, lb2, revision, at, web, directors }) => {
      const cp = get();
      at(T0);
      await cp.postStatus(lb1, report(revision, 'master', T0 - 60_000, T0));
      await cp.postStatus(lb2, report(revision, 'backup', T0 - 60_000, T0));
      at(T0 + 1_000);
      await cp.postStatus(lb1, report(revision, 'init', T0 + 900, T0 + 1_000, { stopped: true }));
      let view = await web();
      assert.equal(states(view.members), 'lb1:stopped,lb2:backup');
      assert.deepEqual([view.masters, view.splitBrain, view.noMaster], [[], false, true]);
      at(T0 + 1_700); // lb2 took over after Skew_Time and reports it
      await cp.postStatus(lb2, report(revision, 'master', T0 + 1_650, T0 + 1_700));
      view = await web();
      assert.equal(states(view.members), 'lb1:stopped,lb2:master');
      assert.deepEqual([view.masters, view.splitBrain, view.noMaster], [['lb2'], false, false]);
      at(T0 + 3_600_000); // an hour later lb2 is stale, lb1 still stopped
      view = await web();
      assert.equal(states(view.members), 'lb1:stopped,lb2:unknown');
      assert.deepEqual(
        (await directors()).map((d) => [d.name, d.stale, d.stopped]),
        [
          ['lb1', false, true],
          ['lb2', true, false],
        ],
      );
    });
  });

  test('a takeover supersedes the old master’s earlier claim, whatever the agents’ clocks', async () => {
    await withSite(get(), 'takeover1', async ({ lb1, lb2, revision, at, web }) => {
      const cp = get();
      // lb2's clock is an hour behind the control plane's, lb1's 10 s ahead.
      const lb1Clock = { skewMs: 10_000 };
      const lb2Clock = { skewMs: -3_600_000 };
      at(T0);
      await cp.postStatus(lb1, report(revision, 'master', T0 - 60_000, T0, lb1Clock));
      await cp.postStatus(lb2, report(revision, 'backup', T0 - 60_000, T0, lb2Clock));
      // lb1 dies (kill -9) at T0 + 1 s; its guard resigns, lb2 takes over at T0 + 1.6 s.
      at(T0 + 1_650);
      await cp.postStatus(lb2, report(revision, 'master', T0 + 1_600, T0 + 1_650, lb2Clock));
      const view = await web();
      assert.equal(states(view.members), 'lb1:unknown,lb2:master');
      assert.deepEqual(
        view.members.map((m) => [m.reportedState, m.superseded, m.stale, m.vipsOwned]),
        [
          ['master', true, false, []],
          ['master', false, false, ['192.0.2.100']],
        ],
      );
      assert.deepEqual([view.masters, view.splitBrain, view.noMaster], [['lb2'], false, false]);
    });
  });

  test('a real split brain shows once the old master reports after the takeover', async () => {
    await withSite(get(), 'split2', async ({ lb1, lb2, revision, at, web }) => {
      const cp = get();
      at(T0);
      await cp.postStatus(lb1, report(revision, 'master', T0 - 60_000, T0));
      await cp.postStatus(lb2, report(revision, 'backup', T0 - 60_000, T0));
      at(T0 + 3_700); // a partition: lb2 hears nothing and takes over after Master_Down_Interval
      await cp.postStatus(lb2, report(revision, 'master', T0 + 3_650, T0 + 3_700));
      assert.deepEqual((await web()).masters, ['lb2']);
      at(T0 + 5_000); // lb1's periodic report: still master
      await cp.postStatus(lb1, report(revision, 'master', T0 - 60_000, T0 + 5_000));
      const view = await web();
      assert.equal(states(view.members), 'lb1:master,lb2:master');
      assert.deepEqual([view.masters, view.splitBrain], [['lb1', 'lb2'], true]);
    });
  });

  test('a report without sentAt or interval (an older agent) still weighs: 15 s interval, no clock offset', async () => {
    await withSite(get(), 'legacy1', async ({ lb1, revision, at, web }) => {
      const cp = get();
      at(T0);
      const legacy = report(revision, 'master', T0 - 60_000, T0);
      delete legacy.sentAt;
      delete legacy.agent.reportIntervalMs;
      delete legacy.agent.state;
      await cp.postStatus(lb1, legacy);
      at(T0 + 2 * 15_000 + STALE_MARGIN_MS);
      assert.deepEqual((await web()).masters, ['lb1']);
      at(T0 + 2 * 15_000 + STALE_MARGIN_MS + 1);
      assert.deepEqual((await web()).masters, []);
    });
  });
});
