/**
 * @module Feeding a Prometheus counter from a cumulative kernel total (bigint) by deltas.
 *
 * Rule, per label set: the baseline starts at 0 when the series is created. Each observed total
 * `t` adds `t - baseline` if `t >= baseline`, else `t` (the kernel object was re-created and its
 * counters restarted from 0, so everything it shows is new), then becomes the baseline. When the
 * object is absent from a listing the baseline returns to 0 (it no longer exists; whatever it
 * shows when it comes back is new). The counter therefore never goes backwards:
 * 100 → 150 → 20 → 50 adds 100 + 50 + 20 + 30 = 200.
 */
import type { Counter } from 'prom-client';

export class DeltaCounter<L extends string> {
  private readonly baselines = new Map<string, bigint>();

  constructor(private readonly counter: Counter<L>) {}

  /** Creates the series at 0 (idempotent: an existing series and its baseline are kept). */
  init(labels: Record<L, string>): void {
    const key = keyOf(labels);
    if (this.baselines.has(key)) return;
    this.baselines.set(key, 0n);
    this.counter.inc(labels, 0);
  }

  /** Applies a kernel total; ignored for label sets that were never `init`ed. */
  observe(labels: Record<L, string>, total: bigint): void {
    const key = keyOf(labels);
    const baseline = this.baselines.get(key);
    if (baseline === undefined) return;
    const delta = deltaOf(total, baseline);
    this.baselines.set(key, total);
    if (delta > 0n) this.counter.inc(labels, Number(delta));
  }

  /** The object is not in the kernel right now: its next appearance counts from 0. */
  absent(labels: Record<L, string>): void {
    const key = keyOf(labels);
    if (this.baselines.has(key)) this.baselines.set(key, 0n);
  }

  remove(labels: Record<L, string>): void {
    this.baselines.delete(keyOf(labels));
    this.counter.remove(labels);
  }
}

/** What a kernel total adds to its counter over the last one seen (the rule above). */
export function deltaOf(total: bigint, baseline: bigint): bigint {
  return total >= baseline ? total - baseline : total;
}

function keyOf(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}
