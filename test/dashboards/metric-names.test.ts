/**
 * The dashboards only query what the code exports: every metric name in a query is registered
 * by the agent (`createAgentMetrics`) or the control plane (`createMetrics`, on a real PGlite
 * database), a histogram only through `_bucket` (and `_sum`/`_count`), `rate`/`increase` only
 * on counters and buckets; every label matcher names a label the metric has (or a scrape
 * target label); and every query filters by each dashboard variable whose label its metric
 * carries (the director filter is left out, on purpose, only on the fleet-wide count panels).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Registry } from 'prom-client';
import { createAgentMetrics } from '../../agent/metrics/index.js';
import { createMetrics } from '../../control-plane/http/metrics.js';
import type { Database } from '../../control-plane/db/database.js';
import { allDashboards, FLEET_WIDE_PANELS, panelQueries } from '../../dashboards/index.js';
import { newPgliteDatabase } from '../support/databases.js';
import { rangeFunctionArguments, selectors } from './promql-text.js';

interface Family {
  type: string;
  labels: Set<string>;
}

/** Labels Prometheus attaches on scrape: agents get `site`/`director` from service discovery. */
const AGENT_TARGET_LABELS = ['job', 'instance', 'site', 'director'];
const CONTROL_PLANE_TARGET_LABELS = ['job', 'instance'];

/** Sample name → family, with a histogram's `_bucket` (+ `le`), `_sum` and `_count`. */
async function families(registry: Registry, targetLabels: string[]): Promise<Map<string, Family>> {
  const out = new Map<string, Family>();
  const labelNames = new Map(
    registry.getMetricsAsArray().map((m) => [m.name, (m as { labelNames?: string[] }).labelNames]),
  );
  for (const metric of await registry.getMetricsAsJSON()) {
    const labels = new Set([...(labelNames.get(metric.name) ?? []), ...targetLabels]);
    for (const value of metric.values) for (const l of Object.keys(value.labels)) labels.add(l);
    const type = String(metric.type);
    if (type === 'histogram') {
      out.set(`${metric.name}_bucket`, { type: 'bucket', labels: new Set([...labels, 'le']) });
      out.set(`${metric.name}_sum`, { type: 'counter', labels });
      out.set(`${metric.name}_count`, { type: 'counter', labels });
    } else {
      out.set(metric.name, { type, labels });
    }
  }
  return out;
}

let database: Database | undefined;
const agent = new Map<string, Family>();
const controlPlane = new Map<string, Family>();

before(async () => {
  const agentMetrics = createAgentMetrics({ version: '0.0.0-test' });
  for (const [k, v] of await families(agentMetrics.registry, AGENT_TARGET_LABELS)) agent.set(k, v);
  database = await newPgliteDatabase();
  const cp = createMetrics(database.db, '0.0.0-test');
  for (const [k, v] of await families(cp.registry, CONTROL_PLANE_TARGET_LABELS)) {
    controlPlane.set(k, v);
  }
});

after(async () => {
  await database?.close();
});

/** The family a selector reads: `up` is Prometheus's own; unprefixed defaults go by `job`. */
function familyOf(metric: string, job: string | undefined): Family | undefined {
  if (metric === 'up')
    return { type: 'gauge', labels: new Set(['job', 'instance', 'site', 'director']) };
  if (metric.startsWith('fleetlb_controlplane_')) return controlPlane.get(metric);
  if (metric.startsWith('fleetlb_')) return agent.get(metric);
  return job === 'fleetlb-control-plane' ? controlPlane.get(metric) : agent.get(metric);
}

function jobOf(matchers: { label: string; value: string }[]): string | undefined {
  return matchers.find((m) => m.label === 'job')?.value;
}

test('the registries hold the families the dashboards are about', () => {
  assert.equal(agent.get('fleetlb_vrrp_state')?.type, 'gauge');
  assert.equal(agent.get('fleetlb_healthcheck_duration_seconds_bucket')?.type, 'bucket');
  assert.equal(controlPlane.get('fleetlb_controlplane_http_requests_total')?.type, 'counter');
  assert.ok(controlPlane.get('fleetlb_controlplane_config_latest_revision')?.labels.has('site'));
});

test('every metric a query reads is registered, with labels it has', () => {
  const used = new Set<string>();
  for (const q of allDashboards().flatMap(panelQueries)) {
    const where = `${q.dashboard} / ${q.panel} ${q.refId}`;
    const found = selectors(q.expr);
    assert.ok(found.length > 0, `${where}: no selector found in ${q.expr}`);
    for (const s of found) {
      const family = familyOf(s.metric, jobOf(s.matchers));
      assert.ok(
        family !== undefined,
        `${where}: ${s.metric} is not exported by agent or control plane`,
      );
      used.add(s.metric);
      for (const m of s.matchers) {
        assert.ok(family.labels.has(m.label), `${where}: ${s.metric} has no label ${m.label}`);
      }
      if (!s.metric.startsWith('fleetlb_') && s.metric !== 'up') {
        assert.ok(jobOf(s.matchers) !== undefined, `${where}: ${s.metric} needs a job matcher`);
      }
    }
    for (const metric of rangeFunctionArguments(q.expr)) {
      const type = familyOf(metric, undefined)?.type;
      assert.ok(
        type === 'counter' || type === 'bucket',
        `${where}: rate/increase of ${type} ${metric}`,
      );
    }
  }
  assert.ok(used.size >= 35, `dashboards read ${used.size} metrics`);
});

test('every query filters by each dashboard variable whose label its metric carries', () => {
  for (const d of allDashboards()) {
    const variables = d.templating.list
      .filter((v) => v.type === 'query')
      .map((v) => ({ name: v.name, label: /, (\w+)\)$/.exec(String(v.query))?.[1] ?? v.name }));
    for (const q of panelQueries(d)) {
      for (const s of selectors(q.expr)) {
        const family = familyOf(s.metric, jobOf(s.matchers));
        for (const v of variables) {
          if (family?.labels.has(v.label) !== true) continue;
          if (v.name === 'director' && FLEET_WIDE_PANELS.includes(q.panel)) continue;
          const filtered = s.matchers.some(
            (m) => m.label === v.label && m.op === '=~' && m.value === `$${v.name}`,
          );
          assert.ok(filtered, `${d.uid} / ${q.panel}: ${s.metric} lacks ${v.label}=~"$${v.name}"`);
        }
      }
    }
  }
});
