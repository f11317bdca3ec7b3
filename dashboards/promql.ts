/**
 * @module PromQL pieces the dashboards share: the datasource every panel and target points at,
 * the scrape job names, and selectors that always carry the dashboard's template variables.
 *
 * Label conventions (Prometheus "Writing exporters": target labels, not static scraped labels,
 * https://prometheus.io/docs/instrumenting/writing_exporters/): the agent exports no identity of
 * its own; `site` and `director` are target labels set by the agents' scrape configuration, `job`
 * is the scrape job. The control plane exports `site` itself on its per-site revision gauge.
 */
import type { DataSourceRef } from './grafana-types.js';

/** Every panel, target, query variable and annotation uses the `datasource` variable. */
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** Scrape job names; `up` and the unprefixed `process_*`/`nodejs_*` metrics need them. */
export const JOBS = { agent: 'fleetlb-agent', controlPlane: 'fleetlb-control-plane' } as const;

export type Matchers = Readonly<Record<string, string>>;

/**
 * `metric{label=~"$var", …}`: `scope` maps labels to regex matchers (template variables are
 * multi-value, so always `=~`); `exact` adds literal `label="value"` (or `!=`/`=~`/`!~` when the
 * value starts with that operator).
 */
export function selector(metric: string, scope: Matchers, exact: Matchers = {}): string {
  const parts = [
    ...Object.entries(exact).map(([label, value]) => matcher(label, value)),
    ...Object.entries(scope).map(([label, variable]) => `${label}=~"${variable}"`),
  ];
  return parts.length === 0 ? metric : `${metric}{${parts.join(', ')}}`;
}

function matcher(label: string, value: string): string {
  const op = /^(!=|=~|!~)/.exec(value)?.[1];
  return op === undefined ? `${label}="${value}"` : `${label}${op}"${value.slice(op.length)}"`;
}

/** `rate(sel[$__rate_interval])`. */
export function rate(series: string): string {
  return `rate(${series}[$__rate_interval])`;
}

/** `increase(sel[window])`, `$__rate_interval` by default. */
export function increase(series: string, window = '$__rate_interval'): string {
  return `increase(${series}[${window}])`;
}

/** Quantile `q` of a histogram's `_bucket` rate, summed by `le` and `by`. */
export function histogramQuantile(q: number, bucketSelector: string, by: string[] = []): string {
  return `histogram_quantile(${q}, sum by (${[...by, 'le'].join(', ')}) (${rate(bucketSelector)}))`;
}

/**
 * One number per state-set series: `sum by (…) (s{state="a"} * 0 or s{state="b"} * 1 …)`. The
 * state label keeps the branches apart for `or`, and `sum by` drops it; exactly one branch is 1.
 */
export function stateCode(
  metric: string,
  scope: Matchers,
  states: readonly string[],
  by: string[],
): string {
  const branches = states.map((state, code) => `${selector(metric, scope, { state })} * ${code}`);
  return `sum by (${by.join(', ')}) (${branches.join(' or ')})`;
}
