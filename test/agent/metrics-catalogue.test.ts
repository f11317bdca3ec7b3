/**
 * agent/metrics: every implemented metric of the catalogue (`CATALOGUE` below; names per
 * https://prometheus.io/docs/practices/naming/)
 * is exposed with its name, type and help; label values come only from config names and closed
 * enums; `promtool check metrics` finds nothing to complain about when it is installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { prerequisite } from '../support/tier.js';
import { DesiredState } from '../../contract/desired-state.js';
import { createAgentMetrics } from '../../agent/metrics/index.js';
import { ADVERT_ERROR_REASONS, VRRP_STATES } from '../../agent/metrics/vrrp-labels.js';
import {
  CHECK_TYPES,
  HEALTHCHECK_FAILURE_REASONS,
  REAL_SERVER_STATES,
} from '../../agent/metrics/health-labels.js';
import { APPLY_STAGES } from '../../agent/metrics/config-metrics.js';
import { CONDITION_TYPES } from '../../agent/metrics/condition-metrics.js';
import {
  IPVS_CONNECTION_STATES,
  SYNC_DAEMON_ROLES,
} from '../../agent/metrics/ipvs-sync-metrics.js';

const document = DesiredState.parse(
  JSON.parse(
    readFileSync(
      new URL('../../contract/fixtures/director-ipv4-nat.json', import.meta.url),
      'utf8',
    ),
  ),
);

const CATALOGUE: readonly (readonly [string, string, string])[] = [
  ['fleetlb_agent_build_info', 'gauge', 'Build metadata'],
  [
    'fleetlb_ipvs_sync_daemon_running',
    'gauge',
    '1 while the kernel runs the IPVS connection sync daemon of this role',
  ],
  ['fleetlb_ipvs_sync_daemon_wanted', 'gauge', ''],
  ['fleetlb_ipvs_connections', 'gauge', ''],
  ['fleetlb_vrrp_state', 'gauge', "1 for the director's current VRRP state, 0 for the others"],
  ['fleetlb_vrrp_transitions_total', 'counter', 'VRRP state transitions, by state entered'],
  ['fleetlb_vrrp_last_transition_timestamp_seconds', 'gauge', 'Unix time of the last state change'],
  ['fleetlb_vrrp_priority', 'gauge', 'Effective priority after tracking adjustments'],
  ['fleetlb_vrrp_base_priority', 'gauge', 'Configured priority'],
  ['fleetlb_vrrp_adverts_sent_total', 'counter', 'VRRP adverts sent'],
  ['fleetlb_vrrp_adverts_received_total', 'counter', 'VRRP adverts received'],
  ['fleetlb_vrrp_advert_errors_total', 'counter', 'Invalid adverts dropped'],
  [
    'fleetlb_vip_owned',
    'gauge',
    '1 if the VIP is bound on a local interface (observed via netlink)',
  ],
  ['fleetlb_vip_garp_sent_total', 'counter', 'Gratuitous ARP / unsolicited NA sent'],
  ['fleetlb_virtual_server_info', 'gauge', 'Virtual server configuration (join helper)'],
  ['fleetlb_ipvs_virtual_server_connections_total', 'counter', 'Connections scheduled by IPVS'],
  ['fleetlb_ipvs_virtual_server_incoming_bytes_total', 'counter', ''],
  ['fleetlb_ipvs_virtual_server_outgoing_bytes_total', 'counter', ''],
  ['fleetlb_ipvs_virtual_server_incoming_packets_total', 'counter', ''],
  ['fleetlb_ipvs_virtual_server_outgoing_packets_total', 'counter', ''],
  ['fleetlb_ipvs_real_server_connections_total', 'counter', ''],
  ['fleetlb_ipvs_real_server_active_connections', 'gauge', ''],
  ['fleetlb_ipvs_real_server_inactive_connections', 'gauge', ''],
  ['fleetlb_ipvs_real_server_incoming_bytes_total', 'counter', ''],
  ['fleetlb_ipvs_real_server_outgoing_bytes_total', 'counter', ''],
  ['fleetlb_ipvs_real_server_weight', 'gauge', ''],
  [
    'fleetlb_real_server_state',
    'gauge',
    'Health/admin state of the real server as seen by this director',
  ],
  ['fleetlb_real_server_transitions_total', 'counter', ''],
  ['fleetlb_real_server_last_transition_timestamp_seconds', 'gauge', ''],
  ['fleetlb_healthcheck_failures_total', 'counter', 'Failed health probes'],
  ['fleetlb_healthcheck_duration_seconds', 'histogram', 'Health probe latency'],
  ['fleetlb_virtual_server_healthy_real_servers', 'gauge', ''],
  ['fleetlb_virtual_server_quorum_real_servers', 'gauge', ''],
  [
    'fleetlb_agent_config_applied_revision',
    'gauge',
    'Config revision (monotonic integer) applied to IPVS+VRRP',
  ],
  [
    'fleetlb_agent_config_last_applied_timestamp_seconds',
    'gauge',
    'When the current revision was applied',
  ],
  [
    'fleetlb_agent_config_last_sync_success_timestamp_seconds',
    'gauge',
    'Last successful fetch from the control plane',
  ],
  ['fleetlb_agent_config_apply_errors_total', 'counter', 'Failed apply attempts, by stage'],
  [
    'fleetlb_agent_reconcile_duration_seconds',
    'histogram',
    'Time to reconcile kernel state with config',
  ],
  ['fleetlb_agent_ipvs_available', 'gauge', ''],
  ['fleetlb_director_maintenance', 'gauge', ''],
  ['fleetlb_agent_scripts_disabled', 'gauge', ''],
  ['fleetlb_virtual_server_condition', 'gauge', ''],
];

async function exposition(): Promise<string> {
  const metrics = createAgentMetrics({ version: '0.1.0', revision: 'abc123' });
  metrics.vrrp.syncInstances(document.vrrpInstances, 1_700_000_000_000);
  metrics.ipvs.syncDocument(document.virtualServers);
  metrics.health.syncDocument(document.virtualServers, 1_700_000_000_000);
  metrics.config.setIpvsAvailable(true);
  metrics.conditions.sync(document.virtualServers, []);
  metrics.ipvsSync.observe([]);
  return metrics.registry.metrics();
}

test('every catalogue metric is exposed with its type and help', async () => {
  const text = await exposition();
  for (const [name, type, help] of CATALOGUE) {
    assert.match(text, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), name);
    const line = text.split('\n').find((l) => l.startsWith(`# HELP ${name} `));
    assert.ok(line !== undefined && line.length > `# HELP ${name} `.length, `${name} help`);
    if (help !== '') assert.equal(line, `# HELP ${name} ${help}`);
  }
  assert.match(text, /^process_start_time_seconds /m, 'default metrics, unprefixed');
  assert.match(text, /^nodejs_heap_size_total_bytes /m);
  assert.match(text, /^fleetlb_agent_build_info\{version="0.1.0",revision="abc123"\} 1$/m);
});

test('label values come only from config names and closed enums', async () => {
  const text = await exposition();
  const vips = document.vrrpInstances.flatMap((i) => i.vips.map((v) => v.address));
  const names = new Set([
    ...document.vrrpInstances.flatMap((i) => [i.name, String(i.vrid)]),
    ...document.virtualServers.flatMap((vs) => [
      vs.name,
      vs.scheduler,
      vs.forwarding,
      String(vs.port ?? ''),
      vs.protocol ?? '',
      vs.address ?? '',
      vs.vrrpInstance ?? '',
      ...vs.realServers.map((rs) => rs.name),
    ]),
    ...vips,
  ]);
  const enums: Record<string, readonly string[]> = {
    state: [...VRRP_STATES, ...REAL_SERVER_STATES, ...IPVS_CONNECTION_STATES],
    role: SYNC_DAEMON_ROLES,
    to: ['backup', 'master', 'fault'],
    reason: [...ADVERT_ERROR_REASONS, ...HEALTHCHECK_FAILURE_REASONS],
    stage: APPLY_STAGES,
    check: CHECK_TYPES,
    condition: CONDITION_TYPES,
  };
  for (const line of text.split('\n')) {
    if (!line.startsWith('fleetlb_') || line.startsWith('fleetlb_agent_build_info')) continue;
    for (const [, label, value] of line.matchAll(/(\w+)="([^"]*)"/g)) {
      if (label === 'le') continue;
      const allowed = enums[label ?? ''];
      if (allowed !== undefined) assert.ok(allowed.includes(value ?? ''), line);
      else assert.ok(names.has(value ?? ''), `${label}=${value} in ${line}`);
    }
  }
});

const promtool = prerequisite(
  spawnSync('sh', ['-c', 'command -v promtool']).status === 0,
  'promtool is not installed (Debian package prometheus)',
);

test(
  'promtool check metrics finds nothing wrong with our metrics',
  { skip: promtool },
  async () => {
    const text = await exposition();
    const out = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    const problems = `${out.stdout}${out.stderr}`.split('\n').filter((l) => l.trim() !== '');
    // prom-client's own defaults nodejs_active_{handles,requests,resources}_total are gauges with a
    // _total suffix, which promtool flags: upstream naming, not ours.
    const ours = problems.filter((l) => !/^nodejs_active_\w+_total /.test(l));
    assert.deepEqual(ours, []);
  },
);
