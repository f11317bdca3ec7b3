/**
 * @module Heatmaps of Prometheus histograms: `sum by (le) (rate(x_bucket[…]))` with the
 * `heatmap` format, so Grafana draws the buckets as they are (`calculate: false`).
 */
import { rate } from '../promql.js';
import { basePanel, HIDE_FROM, type ModernPanel, type PanelSpec } from './panel.js';

export interface HeatmapSpec extends Omit<PanelSpec, 'queries'> {
  /** The `_bucket` selector, e.g. `fleetlb_healthcheck_duration_seconds_bucket{…}`. */
  buckets: string;
}

export function heatmap(spec: HeatmapSpec): ModernPanel {
  const { buckets, unit, ...rest } = spec;
  const query = {
    expr: `sum by (le) (${rate(buckets)})`,
    format: 'heatmap' as const,
    legend: '{{le}}',
  };
  const options = {
    calculate: false,
    cellGap: 1,
    color: {
      exponent: 0.5,
      fill: 'dark-orange',
      mode: 'scheme',
      reverse: false,
      scale: 'exponential',
      scheme: 'Oranges',
      steps: 64,
    },
    exemplars: { color: 'rgba(255,0,255,0.7)' },
    filterValues: { le: 1e-9 },
    legend: { show: true },
    rowsFrame: { layout: 'auto' },
    tooltip: { mode: 'single', showColorScale: false, yHistogram: false },
    yAxis: { axisPlacement: 'left', reverse: false, unit: unit ?? 'short' },
  };
  const custom = { hideFrom: HIDE_FROM, scaleDistribution: { type: 'linear' } };
  return basePanel('heatmap', { ...rest, queries: [query] }, custom, options);
}
