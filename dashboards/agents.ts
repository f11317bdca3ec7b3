/**
 * @module Agents: is every agent up, has it applied the site's latest revision (from the
 * control plane's per-site gauge), how long since it last synced and applied, documents it
 * rejected and other apply errors, reconcile time, and versions.
 */
import { DashboardBuilder } from './board.js';
import type { Dashboard } from './grafana-types.js';
import { heatmap } from './panels/heatmap.js';
import { thresholds } from './panels/panel.js';
import { stat } from './panels/single-value.js';
import { table } from './panels/table.js';
import { timeseries } from './panels/timeseries.js';
import { histogramQuantile, increase, JOBS, selector } from './promql.js';
import { AGENT_SCOPE, datasourceVariable, directorVariable, siteVariable } from './variables.js';

export const AGENTS_UID = 'fleetlb-agents';

const S = AGENT_SCOPE;
const sel = (metric: string, exact: Record<string, string> = {}) => selector(metric, S, exact);
const BY = 'site, director';
const LEGEND = '{{site}} {{director}}';
const LATEST = `max by (site) (${selector('fleetlb_controlplane_config_latest_revision', { site: '$site' })})`;
const APPLIED = `max by (${BY}) (${sel('fleetlb_agent_config_applied_revision')})`;

/** Seconds since a Unix-time gauge, skipping agents that never set it (0). */
const age = (metric: string) => `time() - max by (${BY}) (${sel(metric)} > 0)`;

export function agents(): Dashboard {
  return new DashboardBuilder({
    uid: AGENTS_UID,
    title: 'fleetlb / Agents',
    description: 'Agent liveness, config revisions and sync, apply errors and reconcile time',
    tags: ['fleetlb', 'agent'],
  })
    .variables(datasourceVariable(), siteVariable(), directorVariable())
    .row('Liveness and revisions', [
      stat({
        title: 'Agent up',
        description: 'Whether Prometheus can scrape the agent',
        queries: [{ expr: `max by (${BY}) (${sel('up', { job: JOBS.agent })})`, legend: LEGEND }],
        width: 8,
        height: 6,
        colorMode: 'background',
        thresholds: thresholds('red', [1, 'green']),
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
      stat({
        title: 'Revisions behind',
        description: "Site's latest revision minus the revision the agent applied",
        queries: [{ expr: `${LATEST} - on (site) group_right () ${APPLIED}`, legend: LEGEND }],
        width: 8,
        height: 6,
        colorMode: 'background',
        decimals: 0,
        thresholds: thresholds('green', [1, 'orange']),
      }),
      stat({
        title: 'Since last successful sync',
        description: 'Time since the agent last fetched its document from the control plane',
        queries: [
          {
            expr: age('fleetlb_agent_config_last_sync_success_timestamp_seconds'),
            legend: LEGEND,
          },
        ],
        width: 8,
        height: 6,
        unit: 's',
        colorMode: 'value',
        thresholds: thresholds('green', [120, 'orange'], [600, 'red']),
      }),
      timeseries({
        title: 'Applied vs latest revision',
        description: 'Revision each agent applied, and the latest per site (dashed)',
        queries: [
          { expr: APPLIED, legend: `${LEGEND} applied` },
          { expr: LATEST, legend: '{{site}} latest' },
        ],
        width: 12,
        height: 8,
        style: 'steps',
        decimals: 0,
        dashed: ' latest$',
      }),
      timeseries({
        title: 'Config age',
        description: 'Time since the last sync and since the current revision was applied',
        queries: [
          {
            expr: age('fleetlb_agent_config_last_sync_success_timestamp_seconds'),
            legend: `${LEGEND} since sync`,
          },
          {
            expr: age('fleetlb_agent_config_last_applied_timestamp_seconds'),
            legend: `${LEGEND} since apply`,
          },
        ],
        width: 12,
        height: 8,
        unit: 's',
      }),
    ])
    .row('Apply and reconcile', [
      stat({
        title: 'Rejected documents',
        description: 'Documents that failed validation in the time range (stage "validate")',
        queries: [
          {
            expr: `sum by (${BY}) (${increase(sel('fleetlb_agent_config_apply_errors_total', { stage: 'validate' }), '$__range')})`,
            legend: LEGEND,
          },
        ],
        width: 8,
        height: 8,
        colorMode: 'background',
        decimals: 0,
        thresholds: thresholds('green', [1, 'red']),
      }),
      timeseries({
        title: 'Apply errors by stage',
        description: 'Failed apply attempts: fetch, validate (rejected), ipvs, vrrp, netlink',
        queries: [
          {
            expr: `sum by (${BY}, stage) (${increase(sel('fleetlb_agent_config_apply_errors_total'))})`,
            legend: `${LEGEND} {{stage}}`,
          },
        ],
        width: 16,
        height: 8,
        style: 'bars',
        stacked: true,
        decimals: 0,
      }),
      timeseries({
        title: 'Reconcile time',
        description: 'Median and 99th percentile time to reconcile the kernel with the document',
        queries: [0.5, 0.99].map((q) => ({
          expr: histogramQuantile(q, sel('fleetlb_agent_reconcile_duration_seconds_bucket'), [
            'site',
            'director',
          ]),
          legend: `${LEGEND} p${q * 100}`,
        })),
        width: 12,
        height: 8,
        unit: 's',
      }),
      heatmap({
        title: 'Reconcile time distribution',
        description: 'fleetlb_agent_reconcile_duration_seconds over the selected agents',
        buckets: sel('fleetlb_agent_reconcile_duration_seconds_bucket'),
        width: 12,
        height: 8,
        unit: 's',
      }),
    ])
    .row('Build and process', [
      table({
        title: 'Versions',
        description:
          'Agent build and whether the kernel offers IPVS (0: VRRP and health checks run, virtual servers are not programmed)',
        queries: [
          {
            expr: `max by (${BY}, version, revision) (${sel('fleetlb_agent_build_info')}) * on (${BY}) group_left () max by (${BY}) (${sel('fleetlb_agent_ipvs_available')})`,
            instant: true,
          },
        ],
        width: 12,
        height: 8,
        rename: { Value: 'IPVS available' },
        mappings: [
          {
            type: 'value',
            options: {
              '0': { text: 'no (virtual servers not programmed)', color: 'orange', index: 0 },
              '1': { text: 'yes', color: 'green', index: 1 },
            },
          },
        ],
      }),
      timeseries({
        title: 'Resident memory',
        description: 'Agent process RSS; a drop to the baseline marks a restart',
        queries: [
          {
            expr: `max by (${BY}) (${sel('process_resident_memory_bytes', { job: JOBS.agent })})`,
            legend: LEGEND,
          },
        ],
        width: 12,
        height: 8,
        unit: 'bytes',
      }),
      table({
        title: 'Virtual servers by condition',
        description:
          'fleetlb_virtual_server_condition per director and virtual server: 1 = the director cannot program it, by condition (ipvs-unavailable: the kernel has no IPVS; VRRP and health checks run on); 0 = in force. Sort by the value to see the ones not in force first',
        queries: [
          {
            expr: `max by (${BY}, virtual_server, condition) (${sel('fleetlb_virtual_server_condition')})`,
            instant: true,
          },
        ],
        width: 24,
        height: 8,
        rename: { Value: 'not in force' },
      }),
    ])
    .build();
}
