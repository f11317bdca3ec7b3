/** @module Liveness, readiness (the database answers) and Prometheus metrics; no auth. */
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { isDatabaseUnavailable, unavailableReason } from '../db/unavailable.js';
import type { AppEnv } from '../http/context.js';
import { DATABASE_RETRY_AFTER_S } from '../http/problem.js';

export function healthRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await c.var.deps.database.db.execute(sql`select 1`);
      return c.json({ status: 'ready' });
    } catch (err) {
      const reason = isDatabaseUnavailable(err)
        ? `database unavailable (${unavailableReason(err)})`
        : 'database check failed';
      c.var.deps.logger.warn({ reason }, 'readiness check failed');
      return c.json({ status: 'unavailable', reason }, 503, {
        'retry-after': String(DATABASE_RETRY_AFTER_S),
      });
    }
  });
  app.get('/metrics', async (c) => {
    const { registry } = c.var.deps;
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
  return app;
}
