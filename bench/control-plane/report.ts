/** @module The benchmark's output: one row per database and measurement, as a table and as JSON. */
import { cpus } from 'node:os';

export interface Row {
  database: string;
  measurement: string;
  /** Human summary of the result. */
  result: string;
  /** Human statement of the target ('—' when there is none). */
  target: string;
  /** null: informational (no target) or skipped. */
  pass: boolean | null;
  /** The numbers behind the summary, for the JSON. */
  data: Record<string, unknown>;
}

/** Nearest-rank percentile of ascending `sorted` (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function distribution(samples: readonly number[]): {
  count: number;
  p50: number;
  p99: number;
  max: number;
} {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

export const ms = (value: number): string =>
  Number.isNaN(value) ? '—' : value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
export const int = (value: number): string => Math.round(value).toLocaleString('en-US');

export function table(rows: Row[]): string {
  const header = ['database', 'measurement', 'result', 'target', 'pass'];
  const cells = rows.map((r) => [
    r.database,
    r.measurement,
    r.result,
    r.target,
    r.pass === null ? '—' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Rounds numbers to 2 decimals for the JSON (NaN becomes null). */
export function rounded(value: unknown): unknown {
  if (typeof value === 'number')
    return Number.isFinite(value) ? Math.round(value * 100) / 100 : null;
  if (Array.isArray(value)) return value.map(rounded);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

/** The machine's CPU clock (all cores, all processes), to tell how busy it was over a span. */
export function machineCpu(): { busyMs: number; at: number } {
  let busyMs = 0;
  for (const { times } of cpus()) busyMs += times.user + times.nice + times.sys + times.irq;
  return { busyMs, at: performance.now() };
}

/** Cores busy on the whole machine since `from` (whoever used them). */
export function machineBusyCores(from: { busyMs: number; at: number }): number {
  const now = machineCpu();
  return (now.busyMs - from.busyMs) / (now.at - from.at);
}
