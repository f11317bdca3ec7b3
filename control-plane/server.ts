/**
 * @module Wires a control plane together: opens (and migrates) the database, starts the event
 * bus, builds the caches, metrics and the app. Used by main.ts and by the tests, so both run the
 * same assembly.
 */
import { count } from 'drizzle-orm';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { TokenCache } from './auth/token-cache.js';
import { findPrincipal } from './auth/tokens.js';
import { createApp } from './app.js';
import { BodyBudget } from './http/body-guard.js';
import { openDatabase, type Database, type DatabaseLocation } from './db/database.js';
import { apiTokens } from './db/schema.js';
import { EventBus } from './events/bus.js';
import {
  DEFAULT_OPTIONS,
  type AppDeps,
  type AppEnv,
  type AppOptions,
  type Clock,
} from './http/context.js';
import { earlyThrottle, type EarlyAnswer } from './http/early-throttle.js';
import { createMetrics } from './http/metrics.js';
import { createToken } from './routes/tokens.js';
import { ReportIntake } from './status/report-intake.js';
import { DatabaseReportStore, MemoryReportStore } from './status/report-store.js';
import { DocumentCache } from './store/document-cache.js';
import { VERSION } from './version.js';

export interface ControlPlane {
  app: OpenAPIHono<AppEnv>;
  deps: AppDeps;
  /** For the Node server: refuses an unknown-token flood before the app (early-throttle.ts). */
  earlyAnswer: EarlyAnswer;
  close(): Promise<void>;
}

export interface ControlPlaneInit {
  location: DatabaseLocation | { database: Database };
  logger: Logger;
  clock?: Clock;
  options?: Partial<AppOptions>;
}

export const systemClock: Clock = { now: () => new Date() };

/** A throttled source waits this long for its 429, the Retry-After it is given. */
const THROTTLE_HOLD_MS = 1000;

export async function startControlPlane(init: ControlPlaneInit): Promise<ControlPlane> {
  const database =
    'database' in init.location ? init.location.database : await openDatabase(init.location);
  const bus = new EventBus(database, init.logger);
  const tokens = new TokenCache((token, now) => findPrincipal(database.db, token, now));
  bus.on('tokens', () => tokens.clear());
  bus.on('resync', () => tokens.clear());
  try {
    await bus.start();
  } catch (err) {
    if (!('database' in init.location)) await database.close();
    throw err;
  }
  const metrics = createMetrics(database.db, VERSION);
  const options: AppOptions = { ...DEFAULT_OPTIONS, ...init.options };
  const deps: AppDeps = {
    database,
    bus,
    logger: init.logger,
    clock: init.clock ?? systemClock,
    registry: metrics.registry,
    tokens,
    documents: new DocumentCache(database.db, bus),
    reports: new ReportIntake(init.logger, database.url),
    reportStore:
      database.kind === 'pglite' ? new MemoryReportStore() : new DatabaseReportStore(database.db),
    bodyBudget: new BodyBudget({
      perTokenBytes: options.bodyBytesPerToken,
      totalBytes: options.bodyBytesTotal,
    }),
    options,
  };
  return {
    app: createApp(deps, metrics.middleware),
    deps,
    earlyAnswer: earlyThrottle(tokens, {
      holdMs: THROTTLE_HOLD_MS,
      nowMs: () => deps.clock.now().getTime(),
      count: (method) => metrics.countEarly(method, 429),
    }),
    async close() {
      await deps.reports.close();
      await bus.stop();
      if (!('database' in init.location)) await database.close();
    },
  };
}

/** On a database without any token, creates the first admin token and returns it (else undefined). */
export async function bootstrapAdminToken(database: Database): Promise<string | undefined> {
  return database.db.transaction(async (tx) => {
    const [row] = await tx.select({ n: count() }).from(apiTokens);
    if ((row?.n ?? 0) > 0) return undefined;
    return (
      await createToken(tx, { name: 'bootstrap-admin', role: 'admin', createdBy: 'bootstrap' })
    ).token;
  });
}
