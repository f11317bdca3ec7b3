/**
 * @module grafana-dash-gen's `Dashboard#generate()` (schemaVersion 6: `rows[].panels[]`,
 * `style`, `originalTitle`, string datasources, boolean refresh) → current classic dashboard
 * JSON: `schemaVersion` 39 (Grafana 11.0, the oldest fleetlb targets; newer Grafana migrates
 * it forward), flat `panels` with `gridPos`, datasource references, Grafana's built-in
 * annotation first. Pure: the same definition always gives the same JSON.
 */
import { BUILT_IN_ANNOTATION } from './annotations.js';
import type { AnnotationQuery, Dashboard, DashboardLink, Panel } from './grafana-types.js';
import { layOut } from './layout.js';
import { normaliseVariable, type DashGenVariable } from './variables.js';

export const SCHEMA_VERSION = 39;

/** What the definition adds that dash-gen has no field for. */
export interface DashboardMeta {
  uid: string;
  title: string;
  description: string;
  tags: readonly string[];
}

/** The parts of dash-gen's output read here (its typings are Graphite-shaped). */
interface DashGenOutput {
  title: string;
  tags: unknown[];
  timezone: string;
  refresh: boolean | string;
  sharedCrosshair?: boolean;
  time?: { from: string; to: string } | null;
  rows?: { title?: string; panels: unknown[] }[];
  templating: { list: unknown[] };
  annotations: { list: unknown[] };
  links: unknown[];
}

export function normaliseDashboard(generated: DashGenOutput, meta: DashboardMeta): Dashboard {
  const rows = (generated.rows ?? []).map((row) => ({
    title: row.title ?? '',
    panels: row.panels as Panel[],
  }));
  return {
    annotations: {
      list: [BUILT_IN_ANNOTATION, ...(generated.annotations.list as AnnotationQuery[])],
    },
    description: meta.description,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: generated.sharedCrosshair === true ? 1 : 0,
    id: null,
    links: generated.links as DashboardLink[],
    panels: layOut(rows),
    refresh: typeof generated.refresh === 'string' ? generated.refresh : '',
    schemaVersion: SCHEMA_VERSION,
    tags: generated.tags.map(String),
    templating: {
      list: generated.templating.list.map((v) => normaliseVariable(v as DashGenVariable)),
    },
    time: generated.time ?? { from: 'now-6h', to: 'now' },
    timepicker: {},
    timezone: generated.timezone,
    title: generated.title,
    uid: meta.uid,
    version: 1,
    weekStart: '',
  };
}
