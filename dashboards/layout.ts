/**
 * @module Grid layout: grafana-dash-gen's rows (`rows[].panels[]` with `span`) become Grafana's
 * flat `panels` list: a `row` panel per row, then its panels left to right on the 24-column
 * grid, wrapping to a new line when a panel does not fit. Ids are 1, 2, 3… in document order,
 * so the output does not depend on dash-gen's process-wide id counter.
 */
import type { GridPos, Panel, RowPanel } from './grafana-types.js';

export const GRID_COLUMNS = 24;

export interface LaidOutRow {
  title: string;
  panels: readonly Panel[];
}

export function layOut(rows: readonly LaidOutRow[]): (Panel | RowPanel)[] {
  const out: (Panel | RowPanel)[] = [];
  let y = 0;
  for (const row of rows) {
    out.push({
      collapsed: false,
      gridPos: { h: 1, w: GRID_COLUMNS, x: 0, y },
      id: out.length + 1,
      panels: [],
      title: row.title,
      type: 'row',
    });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const panel of row.panels) {
      const { w, h } = size(panel);
      if (x + w > GRID_COLUMNS) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      out.push({ ...panel, id: out.length + 1, gridPos: { h, w, x, y } });
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return out;
}

function size(panel: Panel): Pick<GridPos, 'w' | 'h'> {
  const w = panel.gridPos?.w ?? GRID_COLUMNS;
  const h = panel.gridPos?.h ?? 8;
  if (w < 1 || w > GRID_COLUMNS) throw new Error(`panel ${panel.title}: width ${w} not in 1…24`);
  return { w, h };
}
