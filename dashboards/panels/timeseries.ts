/**
 * @module Time series panels (Grafana `timeseries`): lines by default, bars for event counts,
 * stacking for parts of a whole, step lines for gauges that change in steps (weights,
 * priorities), and series drawn below the axis (`negativeY`) for the outgoing half of traffic.
 */
import type { FieldOverride } from '../grafana-types.js';
import {
  basePanel,
  HIDE_FROM,
  LEGEND_LIST,
  LEGEND_TABLE,
  type ModernPanel,
  type PanelSpec,
} from './panel.js';

export interface TimeseriesSpec extends PanelSpec {
  style?: 'line' | 'bars' | 'steps';
  stacked?: boolean;
  /** Legend as a table on the right with last and max, for many series. */
  legendTable?: boolean;
  /** Series whose display name matches this regex are drawn below the axis. */
  negativeY?: string;
  /** Series whose display name matches this regex are drawn dashed (reference lines). */
  dashed?: string;
}

export function timeseries(spec: TimeseriesSpec): ModernPanel {
  const style = spec.style ?? 'line';
  const custom = {
    axisBorderShow: false,
    axisCenteredZero: false,
    axisColorMode: 'text',
    axisLabel: '',
    axisPlacement: 'auto',
    barAlignment: 0,
    drawStyle: style === 'bars' ? 'bars' : 'line',
    fillOpacity: style === 'bars' || spec.stacked === true ? 70 : 10,
    gradientMode: 'none',
    hideFrom: HIDE_FROM,
    insertNulls: false,
    lineInterpolation: style === 'steps' ? 'stepAfter' : 'linear',
    lineWidth: 1,
    pointSize: 4,
    scaleDistribution: { type: 'linear' },
    showPoints: 'never',
    spanNulls: false,
    stacking: { group: 'A', mode: spec.stacked === true ? 'normal' : 'none' },
    thresholdsStyle: { mode: 'off' },
  };
  const overrides: FieldOverride[] = [...(spec.overrides ?? [])];
  if (spec.negativeY !== undefined) {
    overrides.push(byRegexp(spec.negativeY, [{ id: 'custom.transform', value: 'negative-Y' }]));
  }
  if (spec.dashed !== undefined) {
    const dash = { dash: [10, 10], fill: 'dash' };
    overrides.push(byRegexp(spec.dashed, [{ id: 'custom.lineStyle', value: dash }]));
  }
  const options = {
    legend: spec.legendTable === true ? LEGEND_TABLE : LEGEND_LIST,
    tooltip: { mode: 'multi', sort: 'desc' },
  };
  return basePanel('timeseries', { ...spec, overrides }, custom, options);
}

function byRegexp(pattern: string, properties: FieldOverride['properties']): FieldOverride {
  return { matcher: { id: 'byRegexp', options: pattern }, properties };
}
