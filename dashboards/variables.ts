/**
 * @module Template variables, made with grafana-dash-gen's `Templates` and brought to current
 * Grafana by `normaliseVariable`: dash-gen writes the datasource as a string and `refresh` as a
 * boolean (Graphite era); Grafana wants a `{type, uid}` reference, `refresh` 2 (on time range
 * change) so new directors appear, and `allValue` `.*` so "All" works inside `=~` matchers.
 */
import grafana from 'grafana-dash-gen';
import type { VariableModel } from './grafana-types.js';
import { PROMETHEUS } from './promql.js';

/** What dash-gen's `Templates.*#generate()` returns (its own typings are Graphite-shaped). */
export type DashGenVariable = Record<string, unknown>;

/** `datasource`: every panel's `{type: 'prometheus', uid: '${datasource}'}` resolves through it. */
export function datasourceVariable(): InstanceType<typeof grafana.Templates.Custom> {
  return new grafana.Templates.Custom({
    name: 'datasource',
    label: 'Data source',
    type: 'datasource',
    query: 'prometheus',
    options: [],
  });
}

/** A multi-value variable filled by `label_values(<series>, <label>)`, with "All". */
export function labelValuesVariable(
  name: string,
  label: string,
  series: string,
  labelName: string = name,
): InstanceType<typeof grafana.Templates.Query> {
  return new grafana.Templates.Query(`label_values(${series}, ${labelName})`, {
    name,
    label,
    datasource: 'prometheus',
    includeAll: true,
    allValue: '.*',
    multi: true,
    refresh: true,
  });
}

/** dash-gen's variable → the current classic JSON model. */
export function normaliseVariable(v: DashGenVariable): VariableModel {
  const name = String(v.name);
  const label = typeof v.label === 'string' ? v.label : name;
  if (v.type === 'datasource') {
    return {
      hide: 0,
      includeAll: false,
      label,
      multi: false,
      name,
      options: [],
      query: String(v.query),
      refresh: 1,
      regex: '',
      type: 'datasource',
    };
  }
  if (v.type !== 'query') throw new Error(`variable ${name}: unsupported type ${String(v.type)}`);
  const query = String(v.query);
  return {
    allValue: typeof v.allValue === 'string' ? v.allValue : '.*',
    datasource: PROMETHEUS,
    definition: query,
    hide: 0,
    includeAll: v.includeAll === true,
    label,
    multi: v.multi === true,
    name,
    options: [],
    query,
    refresh: 2,
    regex: '',
    sort: 7,
    type: 'query',
  };
}

/** `site` and `director`: target labels of every agent series (promql.ts). */
export function siteVariable() {
  return labelValuesVariable('site', 'Site', 'fleetlb_agent_build_info');
}

export function directorVariable() {
  return labelValuesVariable('director', 'Director', 'fleetlb_agent_build_info{site=~"$site"}');
}

export function vrrpInstanceVariable() {
  const series = 'fleetlb_vrrp_state{site=~"$site", director=~"$director"}';
  return labelValuesVariable('vrrp_instance', 'VRRP instance', series);
}

export function virtualServerVariable() {
  const series = 'fleetlb_virtual_server_info{site=~"$site", director=~"$director"}';
  return labelValuesVariable('virtual_server', 'Virtual server', series);
}

/** Matchers every agent query carries: the site and director variables. */
export const AGENT_SCOPE = { site: '$site', director: '$director' } as const;
