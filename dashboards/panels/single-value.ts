/**
 * @module Panels that reduce each series to one value: `stat` (big number coloured by
 * thresholds or value mappings) and `bargauge` (one bar per series, for shares and spreads).
 */
import { basePanel, type ModernPanel, type PanelSpec } from './panel.js';

const LAST = { calcs: ['lastNotNull'], fields: '', values: false };

export interface StatSpec extends PanelSpec {
  /** `background` colours the whole tile (alarms); `value` only the number. */
  colorMode?: 'background' | 'value' | 'none';
  /** Draw the series behind the number. */
  sparkline?: boolean;
}

export function stat(spec: StatSpec): ModernPanel {
  const options = {
    colorMode: spec.colorMode ?? 'value',
    graphMode: spec.sparkline === true ? 'area' : 'none',
    justifyMode: 'auto',
    orientation: 'auto',
    percentChangeColorMode: 'standard',
    reduceOptions: LAST,
    showPercentChange: false,
    textMode: 'value_and_name',
    wideLayout: true,
  };
  return basePanel('stat', spec, {}, options, { color: { mode: 'thresholds' } });
}

export function barGauge(spec: PanelSpec): ModernPanel {
  const options = {
    displayMode: 'gradient',
    maxVizHeight: 300,
    minVizHeight: 16,
    minVizWidth: 8,
    namePlacement: 'auto',
    orientation: 'horizontal',
    reduceOptions: LAST,
    showUnfilled: true,
    sizing: 'auto',
    valueMode: 'color',
  };
  return basePanel('bargauge', spec, {}, options, { color: { mode: 'continuous-GrYlRd' } });
}
