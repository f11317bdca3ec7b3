/**
 * agent/core/health/check-plan.ts: a check's key is its identity across document updates (same
 * virtual server, real server, spec, target and timing → same key), whatever form the key takes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HealthCheckInput } from '../../contract/health-check.js';
import { CheckSpecIds, planChecks } from '../../agent/core/health/check-plan.js';
import { webVirtualServer } from '../support/health-probe.js';

function doc(
  servers: { name: string; address?: string; checks: HealthCheckInput[] }[],
  intervalMs = 2000,
) {
  return [
    webVirtualServer(
      servers.map((s) => ({ address: '192.0.2.1', port: 8080, ...s })),
      { intervalMs },
    ),
  ];
}

const keys = (ids: CheckSpecIds, servers: Parameters<typeof doc>[0], intervalMs?: number) =>
  planChecks(doc(servers, intervalMs), ids).map((c) => c.key);

describe('check plan keys', () => {
  test('the same document planned again gives the same keys', () => {
    const ids = new CheckSpecIds();
    const servers = [
      { name: 'a', checks: [{ type: 'tcp' as const }, { type: 'tcp' as const, port: 9000 }] },
      { name: 'b', checks: [{ type: 'tcp' as const }] },
    ];
    const first = keys(ids, servers);
    assert.equal(new Set(first).size, 3);
    assert.deepEqual(keys(ids, servers), first);
  });

  test('a changed spec, target or timing gives a new key; the other checks keep theirs', () => {
    const ids = new CheckSpecIds();
    const [a, b] = keys(ids, [
      { name: 'a', checks: [{ type: 'tcp' }] },
      { name: 'b', checks: [{ type: 'tcp' }] },
    ]);
    const port = keys(ids, [
      { name: 'a', checks: [{ type: 'tcp', port: 9000 }] },
      { name: 'b', checks: [{ type: 'tcp' }] },
    ]);
    assert.notEqual(port[0], a);
    assert.equal(port[1], b);
    const address = keys(ids, [
      { name: 'a', address: '192.0.2.9', checks: [{ type: 'tcp' }] },
      { name: 'b', checks: [{ type: 'tcp' }] },
    ]);
    assert.notEqual(address[0], a);
    assert.equal(address[1], b);
    const timing = keys(ids, [{ name: 'a', checks: [{ type: 'tcp' }] }], 3000);
    assert.notEqual(timing[0], a);
    const spec = keys(ids, [{ name: 'a', checks: [{ type: 'tcp', timeoutMs: 500 }] }]);
    assert.notEqual(spec[0], a);
  });

  test('identical checks on one real server get distinct keys, stable by position', () => {
    const ids = new CheckSpecIds();
    const servers = [{ name: 'a', checks: [{ type: 'tcp' as const }, { type: 'tcp' as const }] }];
    const first = keys(ids, servers);
    assert.equal(new Set(first).size, 2);
    assert.deepEqual(keys(ids, servers), first);
  });

  test('checks with equal timings share one timing object', () => {
    const plan = planChecks(
      doc([
        { name: 'a', checks: [{ type: 'tcp' }] },
        { name: 'b', checks: [{ type: 'tcp' }] },
      ]),
    );
    assert.equal(plan[0]?.timing, plan[1]?.timing);
    assert.deepEqual(plan[0]?.timing, {
      intervalMs: 2000,
      retryIntervalMs: 2000,
      timeoutMs: 3000,
      rise: 2,
      fall: 3,
    });
  });
});
