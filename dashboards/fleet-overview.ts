/**
 * @module Fleet overview: who holds which VIP and who is VRRP master over time, per site and
 * instance; masters and VIP holders counted fleet-wide (0 = outage, 2+ = split brain);
 * failovers as bars and as annotations on every time panel; directors in maintenance; IPVS
 * connection sync (which sync daemon each director runs, and the connection entries each kernel
 * holds: a warm backup holds about as many as its master); adverts and priorities.
 */
import { VRRP_STATES } from '../agent/metrics/vrrp-labels.js';
import { PrometheusAnnotation } from './annotations.js';
import { DashboardBuilder } from './board.js';
import type { Dashboard, ValueMapping } from './grafana-types.js';
import { thresholds, type StateStyle } from './panels/panel.js';
import { stat } from './panels/single-value.js';
import { stateTimeline } from './panels/state.js';
import { table } from './panels/table.js';
import { timeseries } from './panels/timeseries.js';
import { increase, rate, selector, stateCode } from './promql.js';
import {
  AGENT_SCOPE,
  datasourceVariable,
  directorVariable,
  siteVariable,
  vrrpInstanceVariable,
} from './variables.js';

export const FLEET_OVERVIEW_UID = 'fleetlb-fleet-overview';

/** Counting panels read every director of the site: a director filter would fake "no master". */
export const FLEET_WIDE_PANELS = ['Masters per VRRP instance', 'Directors holding each VIP'];

const S = { ...AGENT_SCOPE, vrrp_instance: '$vrrp_instance' };
const SITE_WIDE = { site: '$site', vrrp_instance: '$vrrp_instance' };

const STATE_STYLE: Record<(typeof VRRP_STATES)[number], StateStyle> = {
  init: { text: 'init', color: 'text' },
  backup: { text: 'backup', color: 'blue' },
  master: { text: 'MASTER', color: 'green' },
  fault: { text: 'fault', color: 'red' },
};

/** 0 = nobody (outage), 1 = as it should be, 2+ = split brain. */
const ONE_ONLY = {
  thresholds: thresholds('red', [1, 'green'], [2, 'red']),
  mappings: [
    { type: 'value', options: { '0': { text: 'none', color: 'red', index: 0 } } },
    {
      type: 'range',
      options: { from: 2, to: null, result: { text: 'SPLIT BRAIN', color: 'red', index: 1 } },
    },
  ] satisfies ValueMapping[],
};

function failoverAnnotation(): PrometheusAnnotation {
  const transitions = selector('fleetlb_vrrp_transitions_total', S, { to: 'master' });
  return new PrometheusAnnotation({
    name: 'Failovers',
    expr: `sum by (site, vrrp_instance, director) (${increase(transitions, '2m')}) > 0`,
    step: '1m',
    iconColor: 'red',
    titleFormat: 'Failover: {{vrrp_instance}}',
    textFormat: '{{director}} became MASTER ({{site}})',
    tagKeys: 'site,vrrp_instance,director',
  });
}

export function fleetOverview(): Dashboard {
  const transitions = (to?: string) =>
    selector('fleetlb_vrrp_transitions_total', S, to === undefined ? {} : { to });
  return new DashboardBuilder({
    uid: FLEET_OVERVIEW_UID,
    title: 'fleetlb / Fleet overview',
    description: 'VIP ownership, VRRP masters and failovers across the fleet',
    tags: ['fleetlb', 'vrrp'],
  })
    .variables(datasourceVariable(), siteVariable(), directorVariable(), vrrpInstanceVariable())
    .annotation(failoverAnnotation())
    .row('Ownership', [
      stat({
        title: 'Masters per VRRP instance',
        description: 'Directors in MASTER state, over every director of the site (1 is right)',
        queries: [
          {
            expr: `sum by (site, vrrp_instance) (${selector('fleetlb_vrrp_state', SITE_WIDE, { state: 'master' })})`,
            legend: '{{site}} {{vrrp_instance}}',
          },
        ],
        width: 12,
        height: 5,
        colorMode: 'background',
        ...ONE_ONLY,
      }),
      stat({
        title: 'Directors holding each VIP',
        description: 'Directors with the VIP bound on an interface (1 is right)',
        queries: [
          {
            expr: `sum by (site, vrrp_instance, vip) (${selector('fleetlb_vip_owned', SITE_WIDE)})`,
            legend: '{{site}} {{vip}}',
          },
        ],
        width: 12,
        height: 5,
        colorMode: 'background',
        ...ONE_ONLY,
      }),
      stateTimeline({
        title: 'Directors in maintenance',
        description:
          'In maintenance (fleetlb director maintenance): every instance at priority 1, masterships handed over, never preempting until resumed',
        queries: [
          {
            expr: `max by (site, director) (${selector('fleetlb_director_maintenance', AGENT_SCOPE)})`,
            legend: '{{site}} {{director}}',
          },
        ],
        width: 24,
        height: 5,
        states: [
          { text: 'in service', color: 'green' },
          { text: 'MAINTENANCE', color: 'orange' },
        ],
      }),
      stateTimeline({
        title: 'VIP ownership',
        description: 'Whether each director has the VIP bound (observed via netlink)',
        queries: [
          {
            expr: `max by (site, vrrp_instance, vip, director) (${selector('fleetlb_vip_owned', S)})`,
            legend: '{{site}} {{vrrp_instance}} {{vip}} @ {{director}}',
          },
        ],
        width: 24,
        height: 10,
        states: [
          { text: 'not bound', color: 'transparent' },
          { text: 'bound', color: 'green' },
        ],
      }),
      stateTimeline({
        title: 'VRRP state per director',
        description: 'VRRP state of each director in each instance',
        queries: [
          {
            expr: stateCode('fleetlb_vrrp_state', S, VRRP_STATES, [
              'site',
              'director',
              'vrrp_instance',
            ]),
            legend: '{{site}} {{vrrp_instance}} @ {{director}}',
          },
        ],
        width: 24,
        height: 10,
        states: VRRP_STATES.map((s) => STATE_STYLE[s]),
      }),
    ])
    .row('Failovers', [
      timeseries({
        title: 'Failovers',
        description: 'Transitions to MASTER per instance',
        queries: [
          {
            expr: `sum by (site, vrrp_instance) (${increase(transitions('master'))})`,
            legend: '{{site}} {{vrrp_instance}}',
          },
        ],
        width: 12,
        height: 8,
        style: 'bars',
        decimals: 0,
      }),
      timeseries({
        title: 'State transitions by state entered',
        description: 'Every VRRP transition, by the state entered',
        queries: [
          {
            expr: `sum by (site, director, to) (${increase(transitions())})`,
            legend: '{{site}} {{director}} → {{to}}',
          },
        ],
        width: 12,
        height: 8,
        style: 'bars',
        stacked: true,
        decimals: 0,
      }),
      table({
        title: 'Current VIP owners',
        description: 'Directors that have each VIP bound now',
        queries: [
          {
            expr: `max by (site, vrrp_instance, vip, director) (${selector('fleetlb_vip_owned', S)} == 1)`,
            instant: true,
          },
        ],
        width: 12,
        height: 8,
        hide: ['Value'],
      }),
      table({
        title: 'Time in current state',
        description: 'Since the last VRRP state change of each director and instance',
        queries: [
          {
            expr: `max by (site, director, vrrp_instance) (time() - ${selector('fleetlb_vrrp_last_transition_timestamp_seconds', S)})`,
            instant: true,
          },
        ],
        width: 12,
        height: 8,
        unit: 's',
        rename: { Value: 'in state for' },
      }),
    ])
    .row('Connection sync', [
      stateTimeline({
        title: 'IPVS sync daemon per director',
        description:
          "The kernel's IPVS connection sync daemon each director runs: master on the VRRP master, backup on the others (none: sync not configured)",
        queries: [
          {
            // 0 none, 1 backup, 2 master, 3 both (briefly, while switching). Both roles are
            // always exported, 0 when not running, so a director without sync draws "none".
            expr: `2 * max by (site, director) (${selector('fleetlb_ipvs_sync_daemon_running', AGENT_SCOPE, { role: 'master' })}) + max by (site, director) (${selector('fleetlb_ipvs_sync_daemon_running', AGENT_SCOPE, { role: 'backup' })})`,
            legend: '{{site}} {{director}}',
          },
        ],
        width: 12,
        height: 8,
        states: [
          { text: 'none', color: 'text' },
          { text: 'backup', color: 'blue' },
          { text: 'master', color: 'green' },
          { text: 'both', color: 'orange' },
        ],
      }),
      timeseries({
        title: 'IPVS connection entries per director',
        description:
          "Connection entries in each director's kernel (active, inactive, persistence templates): with sync, a warm backup holds about as many as its master",
        queries: [
          {
            // Exported once the agent has read an IPVS table; until then (or on a kernel
            // without IPVS) the director draws 0 from the always-exported daemon gauge.
            expr: `sum by (site, director) (${selector('fleetlb_ipvs_connections', AGENT_SCOPE)}) or 0 * max by (site, director) (${selector('fleetlb_ipvs_sync_daemon_running', AGENT_SCOPE)})`,
            legend: '{{site}} {{director}}',
          },
        ],
        width: 12,
        height: 8,
        decimals: 0,
      }),
    ])
    .row('Adverts and priority', [
      timeseries({
        title: 'Effective priority',
        description: 'VRRP priority after tracking adjustments (explains preemption)',
        queries: [
          {
            expr: `max by (site, director, vrrp_instance) (${selector('fleetlb_vrrp_priority', S)})`,
            legend: '{{site}} {{director}} {{vrrp_instance}}',
          },
        ],
        width: 12,
        height: 8,
        style: 'steps',
      }),
      timeseries({
        title: 'Adverts sent / received',
        description: 'VRRP adverts per second; received drawn below the axis',
        queries: [
          {
            expr: `sum by (site, director, vrrp_instance) (${rate(selector('fleetlb_vrrp_adverts_sent_total', S))})`,
            legend: '{{site}} {{director}} {{vrrp_instance}} sent',
          },
          {
            expr: `sum by (site, director, vrrp_instance) (${rate(selector('fleetlb_vrrp_adverts_received_total', S))})`,
            legend: '{{site}} {{director}} {{vrrp_instance}} received',
          },
        ],
        width: 12,
        height: 8,
        unit: 'pps',
        negativeY: 'received$',
      }),
      timeseries({
        title: 'Invalid adverts dropped',
        description: 'Adverts dropped by validation, by reason',
        queries: [
          {
            expr: `sum by (site, director, vrrp_instance, reason) (${rate(selector('fleetlb_vrrp_advert_errors_total', S))})`,
            legend: '{{site}} {{director}} {{vrrp_instance}} {{reason}}',
          },
        ],
        width: 12,
        height: 8,
        unit: 'pps',
      }),
      timeseries({
        title: 'Gratuitous ARP / unsolicited NA sent',
        description: 'Announcements sent on becoming MASTER and their repeats',
        queries: [
          {
            expr: `sum by (site, director, vrrp_instance) (${increase(selector('fleetlb_vip_garp_sent_total', S))})`,
            legend: '{{site}} {{director}} {{vrrp_instance}}',
          },
        ],
        width: 12,
        height: 8,
        style: 'bars',
        decimals: 0,
      }),
    ])
    .build();
}
