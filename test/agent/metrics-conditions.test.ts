/**
 * agent/metrics/condition-metrics.ts: every condition type is exported for every virtual server
 * of the document, 1 while it holds and 0 otherwise; a virtual server that leaves the document
 * leaves the metric.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { natDocument, samples } from '../support/metrics-fixture.js';
import { ConditionMetrics } from '../../agent/metrics/condition-metrics.js';
import { documentConditions } from '../../agent/runtime/conditions.js';

const series = (vs: string) =>
  `fleetlb_virtual_server_condition{virtual_server="${vs}",condition="ipvs-unavailable"}`;

test('ipvs-unavailable: 1 per virtual server without IPVS, 0 with it; gone with its virtual server', async () => {
  const registry = new Registry();
  const metrics = new ConditionMetrics(registry);
  const names = natDocument.virtualServers.map((vs) => vs.name);
  assert.ok(names.length >= 2, 'the fixture has two virtual servers');
  const now = '2026-01-01T00:00:00.000Z';
  metrics.sync(natDocument.virtualServers, documentConditions(natDocument, false, [], now));
  let s = await samples(registry);
  assert.deepEqual(
    names.map((n) => s.get(series(n))),
    names.map(() => 1),
  );
  metrics.sync(natDocument.virtualServers, documentConditions(natDocument, true, [], now));
  s = await samples(registry);
  assert.deepEqual(
    names.map((n) => s.get(series(n))),
    names.map(() => 0),
  );
  metrics.sync(natDocument.virtualServers.slice(1), []);
  s = await samples(registry);
  assert.equal(s.get(series(names[0]!)), undefined);
  assert.equal(s.get(series(names[1]!)), 0);
});
