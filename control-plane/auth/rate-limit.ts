/**
 * @module A token bucket per source address: `ratePerS` refills a second, up to `burst`. It
 * bounds how often one source may make the server do something expensive on its behalf (such
 * as looking an unknown token up in the database). Memory is bounded: past `maxSources` the
 * oldest sources are forgotten (they start again with a full bucket).
 */
export interface RateLimitOptions {
  ratePerS: number;
  burst: number;
  maxSources: number;
}

export class SourceRateLimiter {
  readonly #buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(readonly options: RateLimitOptions) {}

  /** Whether `source`'s bucket holds one at time `nowMs` (takes nothing). */
  has(source: string, nowMs: number): boolean {
    const bucket = this.#buckets.get(source);
    if (!bucket) return true;
    const { ratePerS, burst } = this.options;
    return Math.min(burst, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * ratePerS) >= 1;
  }

  /** Takes one from `source`'s bucket at time `nowMs`; false when it is empty. */
  take(source: string, nowMs: number): boolean {
    const { ratePerS, burst, maxSources } = this.options;
    const bucket = this.#buckets.get(source) ?? { tokens: burst, atMs: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * ratePerS);
    bucket.atMs = nowMs;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    // Re-inserted so the Map's order is least recently used first.
    this.#buckets.delete(source);
    this.#buckets.set(source, bucket);
    while (this.#buckets.size > maxSources) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest === undefined) break;
      this.#buckets.delete(oldest);
    }
    return allowed;
  }
}
