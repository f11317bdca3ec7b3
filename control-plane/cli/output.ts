/** @module Output formats (`-o table|json|yaml`) and printing values in them. */
import { stringify } from 'yaml';
import { usageError } from './exit-codes.js';
import { renderTable, type Column } from './table.js';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseOutputFormat(text: string | undefined): OutputFormat {
  if (text === undefined) return 'table';
  if ((OUTPUT_FORMATS as readonly string[]).includes(text)) return text as OutputFormat;
  throw usageError(`-o must be one of ${OUTPUT_FORMATS.join(', ')}, not ${text}`);
}

/** A value as JSON (2-space indent) or YAML text, ending with a newline. */
export function serialize(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value);
}

/** `rows` as a table, or `data` (rows by default) as JSON/YAML. */
export function formatRows<T>(
  format: OutputFormat,
  columns: readonly Column<T>[],
  rows: readonly T[],
  data: unknown = rows,
): string {
  return format === 'table' ? renderTable(columns, rows) : serialize(data, format);
}
