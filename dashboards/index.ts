/**
 * @module Every fleetlb dashboard, and every query they run (panel targets and annotations),
 * for tests and for a live check against a Prometheus scraping real agents (`interpolate`
 * fills in the Grafana variables).
 */
import { agents } from './agents.js';
import { controlPlane } from './control-plane.js';
import { fleetOverview } from './fleet-overview.js';
import type { Dashboard, Panel, RowPanel } from './grafana-types.js';
import { virtualServers } from './virtual-servers.js';

export { FLEET_WIDE_PANELS } from './fleet-overview.js';

export function allDashboards(): Dashboard[] {
  return [fleetOverview(), virtualServers(), agents(), controlPlane()];
}

export interface PanelQuery {
  /** The dashboard's uid. */
  dashboard: string;
  /** The panel's title, or `annotation: <name>`. */
  panel: string;
  refId: string;
  /** PromQL with Grafana variables (`$site`, `$__rate_interval`, …) still in it. */
  expr: string;
}

export function isRow(panel: Panel | RowPanel): panel is RowPanel {
  return panel.type === 'row';
}

export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const panel of dashboard.panels) {
    if (isRow(panel)) continue;
    for (const target of panel.targets ?? []) {
      out.push({
        dashboard: dashboard.uid,
        panel: panel.title ?? '',
        refId: target.refId,
        expr: target.expr,
      });
    }
  }
  for (const annotation of dashboard.annotations.list) {
    const expr = annotation.target?.expr;
    if (typeof expr !== 'string') continue;
    out.push({
      dashboard: dashboard.uid,
      panel: `annotation: ${annotation.name}`,
      refId: 'Anno',
      expr,
    });
  }
  return out;
}

/**
 * `expr` with Grafana's variables (`$name`, `${name}`) replaced from `values`, e.g.
 * `{ site: '.*', director: '.*', __rate_interval: '1m', __range: '1h', … }` to run a query
 * against Prometheus directly. A variable missing from `values` throws.
 */
export function interpolate(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    const value = values[name];
    if (value === undefined) throw new Error(`no value for $${name} in ${expr}`);
    return value;
  });
}

/** Every query of every dashboard, in dashboard and panel order. */
export function allPanelQueries(): PanelQuery[] {
  return allDashboards().flatMap(panelQueries);
}
