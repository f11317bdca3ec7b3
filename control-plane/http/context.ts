/** @module What every handler gets: the injected dependencies and the authenticated caller. */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Database } from '../db/database.js';
import type { EventBus } from '../events/bus.js';
import type { TokenCache } from '../auth/token-cache.js';
import type { Principal } from '../auth/tokens.js';
import type { DocumentCache } from '../store/document-cache.js';
import type { ReportIntake } from '../status/report-intake.js';
import type { ReportStore } from '../status/report-store.js';
import type { BodyBudget } from './body-guard.js';

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
  /** Parses agent status reports on a worker thread. */
  reports: ReportIntake;
  /** The latest report of each director (the database, or this process on PGlite). */
  reportStore: ReportStore;
  /** Request body bytes being received, per token and in total. */
  bodyBudget: BodyBudget;
  options: AppOptions;
}

export interface AppOptions {
  /** Largest accepted request body. */
  bodyLimitBytes: number;
  /** Largest agent status report: one entry per real server, so it grows with the director. */
  statusBodyLimitBytes: number;
  /** Time a request body has to arrive in full, once its headers are in. */
  bodyTimeoutMs: number;
  /** Body bytes one token may be sending at once (its requests together). */
  bodyBytesPerToken: number;
  /** Body bytes the process receives at once, all callers together. */
  bodyBytesTotal: number;
  /** Longest `?wait=` of a long-poll or a drain-and-wait, in seconds. */
  maxWaitS: number;
  /** VRRP transitions kept per director. */
  transitionHistory: number;
}

export const DEFAULT_OPTIONS: AppOptions = {
  bodyLimitBytes: 1 << 20,
  statusBodyLimitBytes: 32 << 20, // ~200 bytes per real server: 100,000 of them fit
  bodyTimeoutMs: 10_000,
  bodyBytesPerToken: 33 << 20, // one largest status report and a small request beside it
  bodyBytesTotal: 96 << 20,
  maxWaitS: 60,
  transitionHistory: 1000,
};

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    principal: Principal;
    /** The request body as read by the body guard (body-guard.ts), when there was one. */
    body?: Uint8Array;
  };
}
