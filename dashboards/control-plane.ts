/**
 * @module Control plane: request rate, errors and latency quantiles from the HTTP histogram per
 * route template, the latest revision of every site, and the replicas' builds. Agent
 * long-polls (`GET /v1/agent/config?wait=`) last up to the wait by design, so the latency
 * panels leave that route out and the long-poll panel shows it alone.
 */
import { DashboardBuilder } from './board.js';
import type { Dashboard } from './grafana-types.js';
import { heatmap } from './panels/heatmap.js';
import { thresholds } from './panels/panel.js';
import { stat } from './panels/single-value.js';
import { table } from './panels/table.js';
import { timeseries } from './panels/timeseries.js';
import { histogramQuantile, JOBS, rate, selector } from './promql.js';
import { datasourceVariable, labelValuesVariable } from './variables.js';

export const CONTROL_PLANE_UID = 'fleetlb-control-plane';

const LONG_POLL_ROUTE = '/v1/agent/config';
const S = { instance: '$replica', route: '$route' };
const requests = (exact: Record<string, string> = {}) =>
  selector('fleetlb_controlplane_http_requests_total', S, exact);
const buckets = (exact: Record<string, string>) =>
  selector('fleetlb_controlplane_http_request_duration_seconds_bucket', S, exact);
const NOT_LONG_POLL = { route: `!=${LONG_POLL_ROUTE}` };
const REPLICA = { instance: '$replica' };
const BUILD = `max by (instance, version) (${selector('fleetlb_controlplane_build_info', REPLICA)})`;
/** Down replicas have no build info (their series went stale): `or on (instance)` keeps them. */
const UP = `max by (instance) (${selector('up', REPLICA, { job: JOBS.controlPlane })})`;

export function controlPlane(): Dashboard {
  return new DashboardBuilder({
    uid: CONTROL_PLANE_UID,
    title: 'fleetlb / Control plane',
    description: 'HTTP API rate, errors and latency; site revisions; replicas',
    tags: ['fleetlb', 'control-plane'],
  })
    .variables(
      datasourceVariable(),
      labelValuesVariable('replica', 'Replica', 'fleetlb_controlplane_build_info', 'instance'),
      labelValuesVariable(
        'route',
        'Route',
        'fleetlb_controlplane_http_requests_total{instance=~"$replica"}',
      ),
    )
    .row('Requests', [
      timeseries({
        title: 'Request rate by route',
        description: 'Requests per second per route template',
        queries: [
          { expr: `sum by (method, route) (${rate(requests())})`, legend: '{{method}} {{route}}' },
        ],
        width: 12,
        height: 8,
        unit: 'reqps',
        legendTable: true,
      }),
      timeseries({
        title: 'Responses by status',
        description: 'Responses per second per HTTP status',
        queries: [{ expr: `sum by (status) (${rate(requests())})`, legend: '{{status}}' }],
        width: 12,
        height: 8,
        unit: 'reqps',
        stacked: true,
      }),
      stat({
        title: 'Server error ratio',
        description: 'Share of responses with a 5xx status',
        queries: [
          {
            expr: `(sum(${rate(requests({ status: '=~5..' }))}) or vector(0)) / sum(${rate(requests())})`,
            legend: '5xx',
          },
        ],
        width: 6,
        height: 8,
        unit: 'percentunit',
        colorMode: 'background',
        sparkline: true,
        thresholds: thresholds('green', [0.001, 'orange'], [0.01, 'red']),
      }),
      stat({
        title: 'Client error ratio',
        description: 'Share of responses with a 4xx status (auth failures, validation, conflicts)',
        queries: [
          {
            expr: `(sum(${rate(requests({ status: '=~4..' }))}) or vector(0)) / sum(${rate(requests())})`,
            legend: '4xx',
          },
        ],
        width: 6,
        height: 8,
        unit: 'percentunit',
        sparkline: true,
        thresholds: thresholds('green', [0.05, 'orange']),
      }),
      timeseries({
        title: 'Errors by route',
        description:
          'Responses per second with status ≥ 400 (label ok="false"), by route and status',
        queries: [
          {
            expr: `sum by (route, status) (${rate(requests({ ok: 'false' }))})`,
            legend: '{{route}} {{status}}',
          },
        ],
        width: 12,
        height: 8,
        unit: 'reqps',
      }),
    ])
    .row('Latency', [
      timeseries({
        title: 'Latency quantiles',
        description: 'p50, p90, p99 over all routes except the agent long-poll',
        queries: [0.5, 0.9, 0.99].map((q) => ({
          expr: histogramQuantile(q, buckets(NOT_LONG_POLL)),
          legend: `p${q * 100}`,
        })),
        width: 12,
        height: 8,
        unit: 's',
      }),
      timeseries({
        title: 'p99 latency by route',
        description: '99th percentile per route template (long-poll excluded)',
        queries: [
          {
            expr: histogramQuantile(0.99, buckets(NOT_LONG_POLL), ['route']),
            legend: '{{route}}',
          },
        ],
        width: 12,
        height: 8,
        unit: 's',
        legendTable: true,
      }),
      heatmap({
        title: 'Latency distribution',
        description: 'All routes except the agent long-poll',
        buckets: buckets(NOT_LONG_POLL),
        width: 12,
        height: 8,
        unit: 's',
      }),
      timeseries({
        title: 'Agent long-poll duration',
        description: `p50 and p99 of ${LONG_POLL_ROUTE}: near the wait when nothing changes, short when a revision is published`,
        queries: [0.5, 0.99].map((q) => ({
          expr: histogramQuantile(q, buckets({ route: LONG_POLL_ROUTE })),
          legend: `p${q * 100}`,
        })),
        width: 12,
        height: 8,
        unit: 's',
      }),
    ])
    .row('Sites and replicas', [
      table({
        title: 'Latest revision per site',
        description: 'The revision agents of each site should apply',
        queries: [
          {
            expr: `max by (site) (${selector('fleetlb_controlplane_config_latest_revision', { instance: '$replica' })})`,
            instant: true,
          },
        ],
        width: 8,
        height: 8,
        rename: { Value: 'latest revision' },
      }),
      table({
        title: 'Replicas',
        description: 'Control plane replicas, their version and whether Prometheus reaches them',
        queries: [
          {
            expr: `${BUILD} * on (instance) group_left () ${UP} or on (instance) ${UP}`,
            instant: true,
          },
        ],
        width: 8,
        height: 8,
        rename: { Value: 'up' },
        mappings: [
          {
            type: 'value',
            options: {
              '0': { text: 'DOWN', color: 'red', index: 0 },
              '1': { text: 'up', color: 'green', index: 1 },
            },
          },
        ],
      }),
      timeseries({
        title: 'Event loop lag (p99)',
        description: 'Node.js event loop delay of each replica',
        queries: [
          {
            expr: `max by (instance) (${selector('nodejs_eventloop_lag_p99_seconds', { instance: '$replica' }, { job: JOBS.controlPlane })})`,
            legend: '{{instance}}',
          },
        ],
        width: 8,
        height: 8,
        unit: 's',
      }),
    ])
    .build();
}
