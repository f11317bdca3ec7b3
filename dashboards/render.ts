/**
 * @module Dashboards as files: `deploy/grafana/dashboards/<uid>.json`, keys sorted at every
 * level, 2-space indentation and a final newline, so the same definitions always give the
 * same bytes and a diff shows only what changed.
 */
import type { Dashboard } from './grafana-types.js';
import { allDashboards } from './index.js';

/** Relative to the repository root. */
export const DASHBOARDS_DIR = 'deploy/grafana/dashboards';

export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

export function dashboardFileName(dashboard: Dashboard): string {
  return `${dashboard.uid}.json`;
}

/** File name → contents, for every dashboard. */
export function renderDashboards(dashboards: Dashboard[] = allDashboards()): Map<string, string> {
  const files = new Map<string, string>();
  for (const dashboard of dashboards) {
    const name = dashboardFileName(dashboard);
    if (files.has(name)) throw new Error(`two dashboards with uid ${dashboard.uid}`);
    files.set(name, stableJson(dashboard));
  }
  return files;
}
