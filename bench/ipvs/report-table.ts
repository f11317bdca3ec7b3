/** @module The IPVS benchmark's table: one row per measurement and tool, its samples as n and min / med / p90 / max, its CPU and a note. */
import { ms, spread } from './format.js';
import { summarize } from './stats.js';

export interface Row {
  measurement: string;
  what: string;
  /** Samples in ms; empty for a row that is only a note. */
  samples: readonly number[];
  cpu: string;
  note: string;
}

export function table(rows: readonly Row[]): string {
  const header = [
    'measurement',
    'what',
    'n',
    'ms min / med / p90 / max',
    'CPU ms usr / sys',
    'note',
  ];
  const cells = rows.map((r) => {
    const s = summarize(r.samples);
    const stats = s.n === 0 ? '' : s.n === 1 ? ms(s.min) : spread(s);
    return [r.measurement, r.what, s.n === 0 ? '' : String(s.n), stats, r.cpu, r.note];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
