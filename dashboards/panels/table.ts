/**
 * @module Table panels of instant queries: every query's labels become columns, the queries
 * are merged on their common labels, and `Time` (plus any `hide`d column) is dropped.
 */
import type { DataTransformerConfig } from '../grafana-types.js';
import { basePanel, type ModernPanel, type PanelSpec } from './panel.js';

export interface TableSpec extends PanelSpec {
  /** Columns to drop besides `Time` (e.g. a constant `Value` of 1). */
  hide?: readonly string[];
  /** Column renames, e.g. `{ 'Value #A': 'applied' }`. */
  rename?: Readonly<Record<string, string>>;
}

export function table(spec: TableSpec): ModernPanel {
  const excludeByName: Record<string, boolean> = { Time: true };
  for (const column of spec.hide ?? []) excludeByName[column] = true;
  const transformations: DataTransformerConfig[] = [
    ...(spec.queries.length > 1 ? [{ id: 'merge', options: {} }] : []),
    {
      id: 'organize',
      options: { excludeByName, indexByName: {}, renameByName: { ...spec.rename } },
    },
  ];
  const options = {
    cellHeight: 'sm',
    footer: { countRows: false, fields: '', reducer: ['sum'], show: false },
    showHeader: true,
  };
  const custom = { align: 'auto', cellOptions: { type: 'auto' }, inspect: false };
  const panel = basePanel('table', spec, custom, options, { color: { mode: 'thresholds' } });
  return panel.with({ transformations });
}
