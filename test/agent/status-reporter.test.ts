/**
 * agent/runtime/status-reporter.ts: reports reach a real control plane over HTTP (the applied
 * revision and the transitions are visible in its fleet views); a failing control plane gets
 * retries with backoff, and the transitions are kept until a report carrying them is accepted;
 * each report declares its interval (the control plane's freshness); a stopping agent's final
 * report shows it stopped at once, and gives up within its bound on a silent control plane.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusReporter } from '../../agent/runtime/status-reporter.js';
import type { TestControlPlane } from '../support/control-plane.js';
import {
  serveFake,
  serveTestControlPlane,
  type ServedControlPlane,
} from '../support/control-plane-http.js';
import { SITE } from '../support/fleet.js';
import { STALE_MARGIN_MS } from '../../control-plane/store/report-evidence.js';

const agent = { version: '0.1.0', startedAt: new Date().toISOString(), ipvsAvailable: false };
const transition = {
  ...{ instance: 'web', from: 'backup' as const, to: 'master' as const },
  ...{ at: new Date().toISOString(), reason: 'master-down-timer' },
};

/** Waits for `check` (a bound for a loaded machine, not a latency: 60 s). */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out: ${what}`);
}

describe('StatusReporter against a control plane over HTTP', () => {
  let served: ServedControlPlane;
  let cp: TestControlPlane;
  let url = '';

  before(async () => {
    served = await serveTestControlPlane();
    ({ cp, url } = served);
  });
  after(() => served.close());

  test('the applied revision and a transition show in the fleet views', async () => {
    const token = await cp.token('agent', SITE, 'lb1');
    const revision = (await cp.request('GET', `/v1/sites/${SITE}`)).body.revision as number;
    const errors: Error[] = [];
    // The control plane runs in this process on PGlite: on a loaded machine a report can take
    // longer than the agent's 10 s default, which is not what this test is about.
    const reporter = new StatusReporter(
      { url, token, intervalMs: 60_000, requestTimeoutMs: 60_000 },
      { snapshot: () => ({ appliedRevision: revision, agent }), onError: (e) => errors.push(e) },
    );
    reporter.start();
    reporter.addTransition(transition);
    try {
      await until(async () => {
        const res = await cp.request('GET', `/v1/sites/${SITE}/vrrp-transitions`);
        return res.body.items?.length === 1;
      }, 'the transition');
      const directors = (await cp.request('GET', `/v1/sites/${SITE}/directors-status`)).body
        .directors as { name: string; appliedRevision: number | null }[];
      assert.equal(directors.find((d) => d.name === 'lb1')?.appliedRevision, revision);
      assert.deepEqual(errors, []);
    } finally {
      await reporter.stop();
    }
  });

  test('each report declares its interval (the control plane’s freshness); the final one shows the director stopped', async () => {
    const token = await cp.token('agent', SITE, 'lb2');
    const revision = (await cp.request('GET', `/v1/sites/${SITE}`)).body.revision as number;
    const vrrp = (state: 'master' | 'init') => [
      {
        ...{ instance: 'web', vrid: 51, state, priority: 100 },
        ...{
          since: new Date().toISOString(),
          vipsOwned: state === 'master' ? ['192.0.2.100'] : [],
        },
      },
    ];
    const errors: Error[] = [];
    const reporter = new StatusReporter(
      { url, token, intervalMs: 60_000 },
      {
        snapshot: () => ({ appliedRevision: revision, agent, vrrp: vrrp('master') }),
        onError: (e) => errors.push(e),
      },
    );
    const member = async () =>
      (await cp.request('GET', `/v1/sites/${SITE}/vrrp-status`)).body.instances[0].members.find(
        (m: { director: string }) => m.director === 'lb2',
      ) as { state: string; stopped: boolean; staleAt: string | null; reportedAt: string | null };
    reporter.start();
    await until(async () => (await member()).state === 'master', 'the master report');
    const running = await member();
    // Declared 60 s: fresh for 2 × 60 s + the margin after it arrived.
    assert.equal(
      Date.parse(running.staleAt!) - Date.parse(running.reportedAt!),
      2 * 60_000 + STALE_MARGIN_MS,
    );
    reporter.addTransition({ ...transition, from: 'master', to: 'init', reason: 'shutdown' });
    const sent = await reporter.finalReport(
      { appliedRevision: revision, agent: { ...agent, state: 'stopped' }, vrrp: vrrp('init') },
      5_000,
    );
    assert.equal(sent, true);
    const stopped = await member();
    assert.deepEqual([stopped.state, stopped.stopped, stopped.staleAt], ['stopped', true, null]);
    const transitions = (await cp.request('GET', `/v1/sites/${SITE}/vrrp-transitions?director=lb2`))
      .body.items as { reason: string }[];
    assert.equal(transitions[0]?.reason, 'shutdown');
    assert.deepEqual(errors, []);
    reporter.reportSoon(); // stopped: nothing more is sent
    assert.equal((await member()).state, 'stopped');
  });
});

describe('StatusReporter against a failing control plane', () => {
  let fake: Awaited<ReturnType<typeof serveFake>>;
  let url = '';
  const bodies: { transitions: unknown[] }[] = [];
  let failuresLeft = 2;

  before(async () => {
    fake = await serveFake((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(text) as { transitions: unknown[] });
        if (failuresLeft-- > 0) res.writeHead(503).end('down');
        else res.writeHead(204).end();
      });
    });
    url = fake.url;
  });
  after(() => fake.close());

  test('retries with backoff and keeps the transitions until a report is accepted', async () => {
    const retries: number[] = [];
    const reporter = new StatusReporter(
      { url, token: 't', intervalMs: 60_000, backoff: { baseMs: 20, maxMs: 40 } },
      {
        snapshot: () => ({ appliedRevision: 1, agent }),
        onError: (_e, ms) => retries.push(ms),
      },
    );
    reporter.addTransition(transition);
    try {
      await until(() => bodies.length === 3, 'three posts');
      assert.equal(retries.length, 2);
      assert.ok(retries.every((ms) => ms >= 0 && ms < 40));
      assert.deepEqual(
        bodies.map((b) => b.transitions.length),
        [1, 1, 1],
      );
      reporter.reportSoon();
      await until(() => bodies.length === 4, 'a fourth post');
      assert.equal(bodies[3]!.transitions.length, 0);
    } finally {
      await reporter.stop();
    }
  });
});

test('the final report gives up within its bound when the control plane does not answer', async () => {
  const silent = await serveFake(() => undefined); // accepts, never answers
  const errors: Error[] = [];
  const reporter = new StatusReporter(
    { url: silent.url, token: 't', intervalMs: 60_000 },
    { snapshot: () => ({ appliedRevision: 1, agent }), onError: (e) => errors.push(e) },
  );
  try {
    reporter.start(); // a periodic report hangs in flight
    const sent = await reporter.finalReport({ appliedRevision: 1, agent }, 300);
    assert.equal(sent, false);
  } finally {
    await silent.close();
  }
});
