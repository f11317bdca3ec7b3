/** @module Plain-text tables: a header row and aligned columns, no trailing spaces. */

export interface Column<T> {
  header: string;
  value(row: T): string;
}

/** Renders `rows` under `columns`, columns separated by three spaces. */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = [
    columns.map((c) => c.header),
    ...rows.map((r) => columns.map((c) => clean(c.value(r)))),
  ];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => width(line[i] ?? ''))));
  return cells
    .map((line) =>
      line
        .map((cell, i) =>
          i === line.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell)),
        )
        .join('   ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** Table cells are one line; an empty value shows as `-`. */
function clean(text: string): string {
  const one = text.replace(/\s*\n\s*/g, ' ');
  return one === '' ? '-' : one;
}

function width(text: string): number {
  return [...text].length;
}

/** `a=1,b=2`, the selector form of labels. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
