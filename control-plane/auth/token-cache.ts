/**
 * @module The token check in front of the database. Known tokens are cached (at most `ttlMs`,
 * never past their expiry); unknown ones too, in a separate bounded cache, so a flood of made-up
 * tokens cannot evict the real ones. What still has to be looked up is coalesced per token and
 * rate-limited per source address, so no flood of unknown tokens reaches the database: past its
 * rate a source is told to slow down (429) without a query. Any token change anywhere (NOTIFY
 * `tokens`) empties both caches on every replica.
 */
import { hashToken, type Principal } from './tokens.js';
import { SourceRateLimiter, type RateLimitOptions } from './rate-limit.js';

/** The database lookup this cache fronts (the port; `findPrincipal` in production). */
export type TokenLookup = (token: string, now: Date) => Promise<Principal | undefined>;

/** Tokens have one form (`flb_` + 32 bytes base64url): anything else is unknown without a query. */
const TOKEN_FORM = /^flb_[A-Za-z0-9_-]{43}$/;

export interface TokenCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** How long an unknown token stays known as unknown (a token change clears it at once). */
  unknownTtlMs: number;
  maxUnknown: number;
  /** Database lookups per source address for tokens in neither cache. */
  lookups: RateLimitOptions;
}

export const DEFAULT_TOKEN_CACHE_OPTIONS: TokenCacheOptions = {
  ttlMs: 30_000,
  maxEntries: 100_000,
  unknownTtlMs: 60_000,
  maxUnknown: 100_000,
  lookups: { ratePerS: 20, burst: 50, maxSources: 10_000 },
};

export type Authentication = Principal | 'unknown' | 'throttled';

export class TokenCache {
  readonly #known = new Map<string, { principal: Principal; until: number }>();
  readonly #unknown = new Map<string, number>(); // hash -> until (ms)
  readonly #pending = new Map<string, Promise<Principal | undefined>>();
  readonly #limiter: SourceRateLimiter;
  #generation = 0; // bumped by clear(): a lookup begun before a clear is not cached
  readonly options: TokenCacheOptions;

  constructor(
    private readonly lookup: TokenLookup,
    options: Partial<TokenCacheOptions> = {},
  ) {
    this.options = { ...DEFAULT_TOKEN_CACHE_OPTIONS, ...options };
    this.#limiter = new SourceRateLimiter(this.options.lookups);
  }

  /**
   * Checks `token` for a caller at `source` (its network address): a principal, unknown or
   * throttled. Without a source (a request made in-process, as tests do) nothing is throttled.
   */
  async authenticate(token: string, now: Date, source?: string): Promise<Authentication> {
    if (!TOKEN_FORM.test(token)) return 'unknown';
    const key = hashToken(token);
    const nowMs = now.getTime();
    const hit = this.#known.get(key);
    if (hit && hit.until > nowMs) return hit.principal;
    const unknownUntil = this.#unknown.get(key);
    if (unknownUntil !== undefined && unknownUntil > nowMs) return 'unknown';
    let pending = this.#pending.get(key);
    if (!pending) {
      if (source !== undefined && !this.#limiter.take(source, nowMs)) return 'throttled';
      pending = this.#load(key, token, now).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return (await pending) ?? 'unknown';
  }

  /**
   * Whether `authenticate` would answer 'throttled' for `token` from `source` now, decided
   * synchronously and without taking from the source's allowance: lets the HTTP server refuse
   * a flood before it builds a request (http/early-throttle.ts). False whenever in doubt.
   */
  wouldThrottle(token: string, nowMs: number, source: string): boolean {
    if (this.#limiter.has(source, nowMs) || !TOKEN_FORM.test(token)) return false;
    const key = hashToken(token);
    const hit = this.#known.get(key);
    if (hit && hit.until > nowMs) return false;
    const unknownUntil = this.#unknown.get(key);
    if (unknownUntil !== undefined && unknownUntil > nowMs) return false;
    return !this.#pending.has(key);
  }

  async #load(key: string, token: string, now: Date): Promise<Principal | undefined> {
    const generation = this.#generation;
    const principal = await this.lookup(token, now);
    const nowMs = now.getTime();
    if (generation !== this.#generation) return principal;
    if (principal) {
      if (this.#known.size >= this.options.maxEntries) this.#known.clear();
      // A cached token never outlives its expiry.
      const until = Math.min(
        nowMs + this.options.ttlMs,
        principal.expiresAt?.getTime() ?? Infinity,
      );
      this.#known.set(key, { principal, until });
      this.#unknown.delete(key);
    } else {
      this.#unknown.set(key, nowMs + this.options.unknownTtlMs);
      // Oldest first (insertion order): a flood pushes out only its own older guesses.
      while (this.#unknown.size > this.options.maxUnknown) {
        const oldest = this.#unknown.keys().next().value;
        if (oldest === undefined) break;
        this.#unknown.delete(oldest);
      }
    }
    return principal;
  }

  /** Forgets everything: called on every token change and whenever notifications may be lost. */
  clear(): void {
    this.#generation++;
    this.#known.clear();
    this.#unknown.clear();
  }
}
