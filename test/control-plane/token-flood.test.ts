/**
 * Unknown tokens are cheap: a flood of made-up tokens never reaches the database beyond a small
 * per-source allowance (the lookups are counted through the TokenCache's lookup port), real
 * tokens keep working during it, and a token change is seen at once despite the negative cache.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerType } from '@hono/node-server';
import { DEFAULT_HTTP_SERVER_OPTIONS, serveHttp } from '../../control-plane/http/node-server.js';
import { TokenCache } from '../../control-plane/auth/token-cache.js';
import { findPrincipal, generateToken, type Principal } from '../../control-plane/auth/tokens.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';

const admin: Principal = { tokenId: 't1', name: 'admin', role: 'admin' };

function countingCache(known: Map<string, Principal>) {
  const calls = { n: 0 };
  const cache = new TokenCache(
    async (token) => {
      calls.n++;
      return known.get(token);
    },
    { lookups: { ratePerS: 10, burst: 20, maxSources: 100 } },
  );
  return { cache, calls };
}

describe('unknown tokens', () => {
  test('a flood of distinct unknown tokens from one source reaches the lookup only within its allowance', async () => {
    const good = generateToken();
    const { cache, calls } = countingCache(new Map([[good, admin]]));
    const now = new Date(1_000_000);
    assert.equal(await cache.authenticate(good, now, '203.0.113.9'), admin);
    const before = calls.n;
    const answers = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const answer = await cache.authenticate(generateToken(), now, '198.51.100.7');
      const kind = typeof answer === 'string' ? answer : 'principal';
      answers.set(kind, (answers.get(kind) ?? 0) + 1);
    }
    assert.equal(calls.n - before, 20, 'only the burst of 20 lookups reached the database');
    assert.equal(answers.get('unknown'), 20);
    assert.equal(answers.get('throttled'), 10_000 - 20);
    // The legitimate caller, even from the same address, is answered from the cache.
    assert.equal(await cache.authenticate(good, now, '198.51.100.7'), admin);
    assert.equal(calls.n - before, 20);
    // The allowance refills with time: 10 a second.
    const later = new Date(now.getTime() + 1000);
    let looked = 0;
    for (let i = 0; i < 100; i++) {
      if ((await cache.authenticate(generateToken(), later, '198.51.100.7')) === 'unknown')
        looked++;
    }
    assert.equal(looked, 10);
  });

  test('malformed tokens and repeated unknown tokens never reach the lookup', async () => {
    const { cache, calls } = countingCache(new Map());
    const now = new Date(2_000_000);
    for (const bad of ['', 'x', 'flb_short', `flb_${'a'.repeat(44)}`, `Bearer ${'a'.repeat(43)}`]) {
      assert.equal(await cache.authenticate(bad, now, '192.0.2.1'), 'unknown');
    }
    assert.equal(calls.n, 0);
    const guess = generateToken();
    for (let i = 0; i < 100; i++) await cache.authenticate(guess, now, '192.0.2.1');
    assert.equal(calls.n, 1, 'the negative cache answers the repeats');
  });

  test('concurrent checks of one token make one lookup', async () => {
    const good = generateToken();
    const { cache, calls } = countingCache(new Map([[good, admin]]));
    const now = new Date(3_000_000);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => cache.authenticate(good, now, '192.0.2.2')),
    );
    assert.ok(answers.every((a) => a === admin));
    assert.equal(calls.n, 1);
  });

  test('a token that becomes known is accepted at once after the token change clears the cache', async () => {
    const known = new Map<string, Principal>();
    const { cache } = countingCache(known);
    const now = new Date(4_000_000);
    const token = generateToken();
    assert.equal(await cache.authenticate(token, now, '192.0.2.3'), 'unknown');
    known.set(token, admin);
    cache.clear(); // what NOTIFY 'tokens' does on every replica
    assert.equal(await cache.authenticate(token, now, '192.0.2.3'), admin);
  });

  test('a lookup begun before a clear does not cache its stale answer', async () => {
    const known = new Map<string, Principal>();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cache = new TokenCache(async (token) => {
      const answer = known.get(token); // what the database said when the query ran
      await gate;
      return answer;
    });
    const token = generateToken();
    const now = new Date(5_000_000);
    const first = cache.authenticate(token, now, '192.0.2.4');
    known.set(token, admin); // created on another replica while the lookup is in flight
    cache.clear();
    release();
    assert.equal(await first, 'unknown');
    assert.equal(await cache.authenticate(token, now, '192.0.2.4'), admin);
  });
});

describe('unknown-token flood through the API [pglite]', () => {
  let running: Awaited<ReturnType<typeof startTestControlPlane>>;
  let cp: TestControlPlane;
  before(async () => {
    running = await startTestControlPlane('pglite');
    cp = running.cp;
  });
  after(() => running.stop());

  test('past its allowance a source gets 429 with Retry-After, other sources and known tokens are served', async () => {
    const { app } = cp.controlPlane;
    const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
    const get = (token: string, address: string) =>
      app.request('/v1/sites', { headers: { authorization: `Bearer ${token}` } }, from(address));
    // The legitimate client has been working (its token is cached) when the flood starts.
    assert.equal((await get(cp.adminToken, '198.51.100.66')).status, 200);
    // Time stands still for the flood, so the allowance does not refill however slow the machine.
    const deps = cp.controlPlane.deps;
    const clock = deps.clock;
    const frozen = clock.now();
    deps.clock = { now: () => frozen };
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const res = await get(generateToken(), '198.51.100.66');
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 429) assert.equal(res.headers.get('retry-after'), '1');
    }
    assert.ok((statuses.get(429) ?? 0) > 0, `throttled: ${JSON.stringify([...statuses])}`);
    assert.equal((statuses.get(401) ?? 0) + (statuses.get(429) ?? 0), 300);
    assert.equal((await get(cp.adminToken, '198.51.100.66')).status, 200, 'cached token served');
    deps.clock = clock;
    assert.equal((await get(generateToken(), '203.0.113.5')).status, 401, 'other sources: 401');
    // The real lookup still answers a real token that was never cached.
    const principal = await findPrincipal(cp.database.db, cp.adminToken, new Date());
    assert.equal(principal?.role, 'admin');
  });
});

describe('unknown-token flood over HTTP: refused before the app [pglite]', () => {
  let running: Awaited<ReturnType<typeof startTestControlPlane>>;
  let server: ServerType;
  let base = '';
  before(async () => {
    running = await startTestControlPlane('pglite');
    const { app } = running.cp.controlPlane;
    await new Promise<void>((resolve) => {
      server = serveHttp(
        app.fetch,
        { ...DEFAULT_HTTP_SERVER_OPTIONS, hostname: '127.0.0.1', port: 0 },
        (info) => {
          base = `http://127.0.0.1:${info.port}`;
          resolve();
        },
        running.cp.controlPlane.earlyAnswer,
      );
    });
  });
  after(async () => {
    (server as unknown as { closeAllConnections(): void }).closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await running.stop();
  });

  test('past the allowance the Node listener answers 429 problem+json itself, counted; known tokens are served', async () => {
    const get = (token: string) =>
      fetch(`${base}/v1/sites?x=1`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await get(running.cp.adminToken)).status, 200);
    // Time stands still for the flood, so the allowance does not refill however slow the machine.
    const deps = running.cp.controlPlane.deps;
    const frozen = deps.clock.now();
    deps.clock = { now: () => frozen };
    const statuses: number[] = [];
    let refusal: Response | undefined;
    // The allowance is a burst of 50 lookups (refilled at 20 a second).
    while (statuses.filter((s) => s === 429).length < 3 && statuses.length < 100) {
      const res = await get(generateToken());
      statuses.push(res.status);
      if (res.status === 429) refusal = res;
      else await res.arrayBuffer();
    }
    assert.ok(
      statuses.every((s) => s === 401 || s === 429),
      String(statuses),
    );
    assert.ok(refusal, 'throttled');
    assert.equal(refusal.headers.get('retry-after'), '1');
    assert.equal(refusal.headers.get('content-type'), 'application/problem+json');
    const problem = (await refusal.json()) as { type: string; status: number; instance: string };
    assert.equal(problem.type, 'urn:fleetlb:problem:too-many-requests');
    assert.equal(problem.status, 429);
    assert.equal(problem.instance, '/v1/sites');
    const metrics = await running.cp.controlPlane.deps.registry.metrics();
    assert.match(
      metrics,
      /fleetlb_controlplane_http_requests_total\{method="GET",route="before-routing",status="429",ok="false"\} [1-9]/,
    );
    assert.equal((await get(running.cp.adminToken)).status, 200, 'a cached token is still served');
  });
});
