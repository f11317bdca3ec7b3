/** @module Liveness, readiness (the database answers) and Prometheus metrics; no auth. */
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../http/context.js';

export function healthRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await c.var.deps.database.db.execute(sql`select 1`);
      return c.json({ status: 'ready' });
    } catch (err) {
      c.var.deps.logger.warn({ err }, 'readiness check failed');
      return c.json({ status: 'unavailable', reason: 'database unreachable' }, 503);
    }
  });
  app.get('/metrics', async (c) => {
    const { registry } = c.var.deps;
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
  return app;
}
