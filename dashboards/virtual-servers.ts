/**
 * @module Virtual servers: real server health over time and healthy vs quorum, probe failures
 * and the probe latency heatmap; IPVS connections, throughput in bytes and packets, weights,
 * and how connections spread across the real servers of each virtual server.
 */
import { REAL_SERVER_STATES } from '../agent/metrics/health-labels.js';
import { DashboardBuilder } from './board.js';
import type { Dashboard } from './grafana-types.js';
import { heatmap } from './panels/heatmap.js';
import { thresholds, type StateStyle } from './panels/panel.js';
import { barGauge, stat } from './panels/single-value.js';
import { statusHistory } from './panels/state.js';
import { table } from './panels/table.js';
import { timeseries } from './panels/timeseries.js';
import { increase, rate, selector, stateCode } from './promql.js';
import {
  AGENT_SCOPE,
  datasourceVariable,
  directorVariable,
  siteVariable,
  virtualServerVariable,
} from './variables.js';

export const VIRTUAL_SERVERS_UID = 'fleetlb-virtual-servers';

const S = { ...AGENT_SCOPE, virtual_server: '$virtual_server' };
const sel = (metric: string, exact: Record<string, string> = {}) => selector(metric, S, exact);

const STATE_STYLE: Record<(typeof REAL_SERVER_STATES)[number], StateStyle> = {
  up: { text: 'up', color: 'green' },
  down: { text: 'DOWN', color: 'red' },
  draining: { text: 'draining', color: 'orange' },
  disabled: { text: 'disabled', color: 'text' },
};

/** Incoming and outgoing (drawn below the axis) IPVS traffic of each virtual server. */
function traffic(kind: 'bytes' | 'packets') {
  const series = (direction: string) =>
    `sum by (site, virtual_server) (${rate(sel(`fleetlb_ipvs_virtual_server_${direction}_${kind}_total`))})`;
  return timeseries({
    title: `Throughput (${kind})`,
    description: `IPVS ${kind} per second; outgoing (below the axis) is about 0 with DR/TUN forwarding`,
    queries: [
      { expr: series('incoming'), legend: '{{site}} {{virtual_server}} in' },
      { expr: series('outgoing'), legend: '{{site}} {{virtual_server}} out' },
    ],
    width: 12,
    height: 8,
    unit: kind === 'bytes' ? 'Bps' : 'pps',
    negativeY: ' out$',
  });
}

export function virtualServers(): Dashboard {
  const rsConnections = increase(sel('fleetlb_ipvs_real_server_connections_total'), '$__range');
  return new DashboardBuilder({
    uid: VIRTUAL_SERVERS_UID,
    title: 'fleetlb / Virtual servers',
    description: 'Real server health, IPVS connections and traffic per virtual server',
    tags: ['fleetlb', 'ipvs'],
  })
    .variables(datasourceVariable(), siteVariable(), directorVariable(), virtualServerVariable())
    .row('Health', [
      statusHistory({
        title: 'Real server state',
        description: 'Health/admin state of each real server as each director sees it',
        queries: [
          {
            expr: stateCode('fleetlb_real_server_state', S, REAL_SERVER_STATES, [
              'site',
              'director',
              'virtual_server',
              'real_server',
            ]),
            legend: '{{site}} {{virtual_server}}/{{real_server}} @ {{director}}',
          },
        ],
        width: 24,
        height: 10,
        states: REAL_SERVER_STATES.map((s) => STATE_STYLE[s]),
      }),
      timeseries({
        title: 'Healthy real servers vs quorum',
        description: 'Real servers up (worst director) and the configured quorum (dashed)',
        queries: [
          {
            expr: `min by (site, virtual_server) (${sel('fleetlb_virtual_server_healthy_real_servers')})`,
            legend: '{{site}} {{virtual_server}} healthy',
          },
          {
            expr: `max by (site, virtual_server) (${sel('fleetlb_virtual_server_quorum_real_servers')})`,
            legend: '{{site}} {{virtual_server}} quorum',
          },
        ],
        width: 12,
        height: 8,
        style: 'steps',
        decimals: 0,
        min: 0,
        dashed: ' quorum$',
      }),
      stat({
        title: 'Margin above quorum',
        description: 'Healthy real servers minus quorum, worst director (below 0: quorum lost)',
        queries: [
          {
            expr: `min by (site, virtual_server) (${sel('fleetlb_virtual_server_healthy_real_servers')} - ${sel('fleetlb_virtual_server_quorum_real_servers')})`,
            legend: '{{site}} {{virtual_server}}',
          },
        ],
        width: 12,
        height: 8,
        colorMode: 'background',
        decimals: 0,
        thresholds: thresholds('red', [0, 'orange'], [1, 'green']),
      }),
      table({
        title: 'Real servers not up',
        description: 'Down, draining or disabled real servers now',
        queries: [
          {
            expr: `max by (site, director, virtual_server, real_server, state) (${sel('fleetlb_real_server_state', { state: '!=up' })} == 1)`,
            instant: true,
          },
        ],
        width: 12,
        height: 8,
        hide: ['Value'],
      }),
      timeseries({
        title: 'Health check failures',
        description: 'Failed probes per second, by reason',
        queries: [
          {
            expr: `sum by (site, virtual_server, real_server, reason) (${rate(sel('fleetlb_healthcheck_failures_total'))})`,
            legend: '{{site}} {{virtual_server}}/{{real_server}} {{reason}}',
          },
        ],
        width: 12,
        height: 8,
        unit: 'ops',
      }),
      heatmap({
        title: 'Health check latency',
        description: 'Probe duration distribution (fleetlb_healthcheck_duration_seconds)',
        buckets: sel('fleetlb_healthcheck_duration_seconds_bucket'),
        width: 24,
        height: 8,
        unit: 's',
      }),
    ])
    .row('Traffic', [
      timeseries({
        title: 'New connections',
        description: 'Connections scheduled by IPVS per second',
        queries: [
          {
            expr: `sum by (site, virtual_server) (${rate(sel('fleetlb_ipvs_virtual_server_connections_total'))})`,
            legend: '{{site}} {{virtual_server}}',
          },
        ],
        width: 12,
        height: 8,
        unit: 'cps',
      }),
      timeseries({
        title: 'Active connections by real server',
        description: 'IPVS connection entries in ESTABLISHED state, stacked',
        queries: [
          {
            expr: `sum by (site, virtual_server, real_server) (${sel('fleetlb_ipvs_real_server_active_connections')})`,
            legend: '{{site}} {{virtual_server}}/{{real_server}}',
          },
        ],
        width: 12,
        height: 8,
        stacked: true,
        decimals: 0,
      }),
      traffic('bytes'),
      traffic('packets'),
      barGauge({
        title: 'Load spread across real servers',
        description: 'Share of the connections scheduled in the time range, per real server',
        queries: [
          {
            expr: `sum by (site, virtual_server, real_server) (${rsConnections}) / on (site, virtual_server) group_left () clamp_min(sum by (site, virtual_server) (${rsConnections}), 1)`,
            legend: '{{site}} {{virtual_server}}/{{real_server}}',
            instant: true,
            format: 'time_series',
          },
        ],
        width: 12,
        height: 8,
        unit: 'percentunit',
        min: 0,
        max: 1,
      }),
      timeseries({
        title: 'Weight in the kernel',
        description: 'Weight programmed per real server (0 = drained or not installed)',
        queries: [
          {
            expr: `max by (site, director, virtual_server, real_server) (${sel('fleetlb_ipvs_real_server_weight')})`,
            legend: '{{site}} {{virtual_server}}/{{real_server}} @ {{director}}',
          },
        ],
        width: 12,
        height: 8,
        style: 'steps',
        decimals: 0,
      }),
    ])
    .build();
}
