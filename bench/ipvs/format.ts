/** @module The IPVS benchmark's numbers as text (ms, counts, spreads, CPU) and as JSON (rounded). */
import { median, type Summary } from './stats.js';
import type { Cost } from './types.js';

/** Milliseconds with about three significant digits. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const digits = value < 1 ? 3 : value < 10 ? 2 : value < 100 ? 1 : 0;
  return value.toFixed(digits);
}

export const int = (value: number): string => Math.round(value).toLocaleString('en-US');

/** `min / med / p90 / max` in ms (plus p99 with 100 samples or more). */
export function spread(s: Summary): string {
  const base = `${ms(s.min)} / ${ms(s.median)} / ${ms(s.p90)} / ${ms(s.max)}`;
  return s.n >= 100 ? `${base} (p99 ${ms(s.p99)})` : base;
}

/** Median user / sys CPU of runs. */
export function cpuText(costs: readonly Cost[]): string {
  if (costs.length === 0) return '';
  return `${ms(median(costs.map((c) => c.userMs)))} / ${ms(median(costs.map((c) => c.sysMs)))}`;
}

/** Rounds numbers to 3 decimals for the JSON (NaN and infinities become null). */
export function rounded(value: unknown): unknown {
  if (typeof value === 'number')
    return Number.isFinite(value) ? Math.round(value * 1000) / 1000 : null;
  if (Array.isArray(value)) return value.map(rounded);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}
