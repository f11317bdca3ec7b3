/**
 * agent/runtime/status-reporter.ts: reports reach a real control plane over HTTP (the applied
 * revision and the transitions are visible in its fleet views); a failing control plane gets
 * retries with backoff, and the transitions are kept until a report carrying them is accepted.
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

const agent = { version: '0.1.0', startedAt: new Date().toISOString(), ipvsAvailable: false };
const transition = {
  ...{ instance: 'web', from: 'backup' as const, to: 'master' as const },
  ...{ at: new Date().toISOString(), reason: 'master-down-timer' },
};

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
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
    const reporter = new StatusReporter(
      { url, token, intervalMs: 60_000 },
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
