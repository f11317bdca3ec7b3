/** @module What every handler gets: the injected dependencies and the authenticated caller. */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Database } from '../db/database.js';
import type { EventBus } from '../events/bus.js';
import type { Principal, TokenCache } from '../auth/tokens.js';
import type { DocumentCache } from '../store/document-cache.js';

/** Wall-clock and monotonic time, injected so tests can steer them. */
export interface Clock {
  now(): Date;
}

export interface AppDeps {
  database: Database;
  bus: EventBus;
  logger: Logger;
  clock: Clock;
  registry: Registry;
  tokens: TokenCache;
  documents: DocumentCache;
  options: AppOptions;
}

export interface AppOptions {
  /** Largest accepted request body. */
  bodyLimitBytes: number;
  /** Largest agent status report: one entry per real server, so it grows with the director. */
  statusBodyLimitBytes: number;
  /** Longest `?wait=` of a long-poll or a drain-and-wait, in seconds. */
  maxWaitS: number;
  /** VRRP transitions kept per director. */
  transitionHistory: number;
}

export const DEFAULT_OPTIONS: AppOptions = {
  bodyLimitBytes: 1 << 20,
  statusBodyLimitBytes: 32 << 20, // ~200 bytes per real server: 100,000 of them fit
  maxWaitS: 60,
  transitionHistory: 1000,
};

export interface AppEnv {
  Variables: { deps: AppDeps; principal: Principal };
}
