/**
 * agent/metrics/health-metrics.ts and config-metrics.ts: the real server state set exports every
 * state with exactly one at 1, only up↔down changes count as transitions, failure reasons map
 * onto the closed set, quorum/healthy follow, and config stages are pre-initialised.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { natDocument, samples } from '../support/metrics-fixture.js';
import type { DirectorVirtualServer } from '../../contract/virtual-server.js';
import { HealthMetrics } from '../../agent/metrics/health-metrics.js';
import { ConfigMetrics } from '../../agent/metrics/config-metrics.js';
import { REAL_SERVER_STATES } from '../../agent/metrics/health-labels.js';

const document = natDocument;
const [web, https] = document.virtualServers as [DirectorVirtualServer, DirectorVirtualServer];

const rs = (vs: string, name: string) => `virtual_server="${vs}",real_server="${name}"`;

function stateOf(s: Map<string, number>, labels: string): string[] {
  const values = REAL_SERVER_STATES.map((st) =>
    s.get(`fleetlb_real_server_state{${labels},state="${st}"}`),
  );
  assert.ok(
    values.every((v) => v === 0 || v === 1),
    'every state exported',
  );
  assert.equal(values.filter((v) => v === 1).length, 1, 'exactly one state at 1');
  return REAL_SERVER_STATES.filter((_, i) => values[i] === 1);
}

function setup() {
  const registry = new Registry();
  const metrics = new HealthMetrics(registry);
  metrics.syncDocument([web, https], 1_700_000_000_000);
  return { registry, metrics };
}

test('initial states: admin state, else down until checked; counters at 0', async () => {
  const { registry } = setup();
  const s = await samples(registry);
  assert.deepEqual(stateOf(s, rs('web-http', 'web-1')), ['down']);
  assert.deepEqual(stateOf(s, rs('web-http', 'web-3')), ['draining']);
  for (const name of ['web-1', 'web-2', 'web-3']) {
    const l = rs('web-http', name);
    assert.equal(s.get(`fleetlb_real_server_transitions_total{${l}}`), 0);
    for (const reason of ['timeout', 'refused', 'bad_status', 'tls', 'other']) {
      assert.equal(s.get(`fleetlb_healthcheck_failures_total{${l},reason="${reason}"}`), 0);
    }
  }
  assert.equal(s.get('fleetlb_virtual_server_quorum_real_servers{virtual_server="web-http"}'), 2);
  assert.equal(s.get('fleetlb_virtual_server_healthy_real_servers{virtual_server="web-http"}'), 0);
  assert.equal(
    s.get('fleetlb_healthcheck_duration_seconds_count{virtual_server="web-http",check="http"}'),
    0,
  );
  assert.equal(
    s.get('fleetlb_healthcheck_duration_seconds_count{virtual_server="web-http",check="tcp"}'),
    0,
  );
});

test('health transitions count up↔down only, and stamp the wall time', async () => {
  const { registry, metrics } = setup();
  metrics.setRealServerState('web-http', 'web-1', 'up', 1_700_000_005_000);
  metrics.setRealServerState('web-http', 'web-1', 'up', 1_700_000_006_000);
  metrics.setRealServerState('web-http', 'web-2', 'up', 1_700_000_007_000);
  metrics.setRealServerState('web-http', 'web-2', 'down', 1_700_000_008_000);
  metrics.setRealServerState('web-http', 'web-3', 'up', 1_700_000_009_000);
  metrics.setRealServerState('web-http', 'nope', 'up');
  const s = await samples(registry);
  assert.deepEqual(stateOf(s, rs('web-http', 'web-1')), ['up']);
  assert.deepEqual(stateOf(s, rs('web-http', 'web-2')), ['down']);
  assert.equal(s.get(`fleetlb_real_server_transitions_total{${rs('web-http', 'web-1')}}`), 1);
  assert.equal(s.get(`fleetlb_real_server_transitions_total{${rs('web-http', 'web-2')}}`), 2);
  assert.equal(s.get(`fleetlb_real_server_transitions_total{${rs('web-http', 'web-3')}}`), 0);
  const ts = `fleetlb_real_server_last_transition_timestamp_seconds{${rs('web-http', 'web-1')}}`;
  assert.equal(s.get(ts), 1_700_000_005);
  assert.equal(s.get('fleetlb_virtual_server_healthy_real_servers{virtual_server="web-http"}'), 2);
  assert.ok(![...s.keys()].some((k) => k.includes('nope')));
});

test('probe failures map onto the closed reasons; durations land in ≤ 8 buckets', async () => {
  const { registry, metrics } = setup();
  const l = rs('web-http', 'web-1');
  for (const reason of ['timeout', 'status', 'body', 'digest', 'dns', 'exit', 'tls'] as const) {
    metrics.probeFailed('web-http', 'web-1', reason);
  }
  metrics.observeProbe('web-http', 'http', 0.02);
  const s = await samples(registry);
  const failures = (reason: string) =>
    s.get(`fleetlb_healthcheck_failures_total{${l},reason="${reason}"}`);
  assert.deepEqual(
    ['timeout', 'refused', 'bad_status', 'tls', 'other'].map(failures),
    [1, 0, 3, 1, 2],
  );
  const buckets = [...s.keys()].filter((k) =>
    k.startsWith(
      'fleetlb_healthcheck_duration_seconds_bucket{virtual_server="web-http",check="http"',
    ),
  );
  assert.ok(buckets.length <= 8, `${buckets.length} buckets`);
  assert.equal(
    s.get('fleetlb_healthcheck_duration_seconds_count{virtual_server="web-http",check="http"}'),
    1,
  );
});

test('a virtual server leaving the document loses all its series', async () => {
  const { registry, metrics } = setup();
  metrics.syncDocument([https]);
  const text = await registry.metrics();
  assert.doesNotMatch(text, /web-http"/);
  assert.match(text, /virtual_server="web-https-sticky"/);
});

test('admin state changes follow the document', async () => {
  const { registry, metrics } = setup();
  metrics.setRealServerState('web-http', 'web-1', 'up');
  const changed = web.realServers.map((r) =>
    r.name === 'web-1'
      ? { ...r, adminState: 'disabled' as const }
      : r.name === 'web-3'
        ? { ...r, adminState: 'enabled' as const }
        : r,
  );
  metrics.syncDocument([{ ...web, realServers: changed }]);
  const s = await samples(registry);
  assert.deepEqual(stateOf(s, rs('web-http', 'web-1')), ['disabled']);
  assert.deepEqual(stateOf(s, rs('web-http', 'web-3')), ['down']);
  assert.equal(s.get('fleetlb_virtual_server_healthy_real_servers{virtual_server="web-http"}'), 0);
});

test('config metrics: stages pre-initialised, revision/timestamps/IPVS availability', async () => {
  const registry = new Registry();
  const config = new ConfigMetrics(registry);
  let s = await samples(registry);
  for (const stage of ['fetch', 'validate', 'ipvs', 'vrrp', 'netlink']) {
    assert.equal(s.get(`fleetlb_agent_config_apply_errors_total{stage="${stage}"}`), 0);
  }
  config.applied(42, 1_700_000_000_000);
  config.syncSucceeded(1_700_000_001_000);
  config.applyFailed('ipvs');
  config.setIpvsAvailable(false);
  config.observeReconcile(0.2);
  config.startReconcile()();
  s = await samples(registry);
  assert.equal(s.get('fleetlb_agent_config_applied_revision'), 42);
  assert.equal(s.get('fleetlb_agent_config_last_applied_timestamp_seconds'), 1_700_000_000);
  assert.equal(s.get('fleetlb_agent_config_last_sync_success_timestamp_seconds'), 1_700_000_001);
  assert.equal(s.get('fleetlb_agent_config_apply_errors_total{stage="ipvs"}'), 1);
  assert.equal(s.get('fleetlb_agent_ipvs_available'), 0);
  assert.equal(s.get('fleetlb_agent_reconcile_duration_seconds_count'), 2);
  config.setIpvsAvailable(true);
  s = await samples(registry);
  assert.equal(s.get('fleetlb_agent_ipvs_available'), 1);
});
