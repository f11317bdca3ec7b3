/**
 * @module Panels for enum-coded states over time (promql.stateCode gives 0, 1, 2… per series):
 * `state-timeline` (one band per series, merged runs of the same state) and `status-history`
 * (one cell per series and time bucket). Each code gets its text and colour by value mapping.
 */
import {
  basePanel,
  HIDE_FROM,
  LEGEND_LIST,
  stateMappings,
  type ModernPanel,
  type PanelSpec,
  type StateStyle,
} from './panel.js';

export interface StatePanelSpec extends Omit<PanelSpec, 'mappings'> {
  states: readonly StateStyle[];
}

export function stateTimeline(spec: StatePanelSpec): ModernPanel {
  const options = {
    alignValue: 'left',
    legend: LEGEND_LIST,
    mergeValues: true,
    rowHeight: 0.9,
    showValue: 'auto',
    tooltip: { mode: 'single', sort: 'none' },
  };
  return basePanel(
    'state-timeline',
    { ...spec, mappings: stateMappings(spec.states) },
    { fillOpacity: 70, hideFrom: HIDE_FROM, insertNulls: false, lineWidth: 0, spanNulls: false },
    options,
    { color: { mode: 'thresholds' } },
  );
}

export function statusHistory(spec: StatePanelSpec): ModernPanel {
  const options = {
    colWidth: 0.9,
    legend: LEGEND_LIST,
    rowHeight: 0.9,
    showValue: 'never',
    tooltip: { mode: 'single', sort: 'none' },
  };
  return basePanel(
    'status-history',
    { ...spec, mappings: stateMappings(spec.states) },
    { fillOpacity: 70, hideFrom: HIDE_FROM, lineWidth: 1 },
    options,
    { color: { mode: 'thresholds' } },
  );
}
