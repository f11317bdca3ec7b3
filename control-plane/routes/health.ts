/**
 * @module Liveness, readiness (the database answers) and Prometheus metrics; no auth. The two
 * probes are documented in the OpenAPI document (`documentHealthRoutes`).
 */
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Liveness, Readiness } from '../../contract/index.js';
import { isDatabaseUnavailable, unavailableReason } from '../db/unavailable.js';
import type { AppEnv } from '../http/context.js';
import { DATABASE_RETRY_AFTER_S } from '../http/problem.js';

const json = (schema: typeof Liveness | typeof Readiness) => ({
  content: { 'application/json': { schema } },
});

/** Documents the probes (plain Hono routes, outside the bearer auth) in the OpenAPI document. */
export function documentHealthRoutes(app: OpenAPIHono<AppEnv>): void {
  const tags = ['health'];
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/healthz',
    tags,
    summary: 'Liveness: the process answers',
    security: [],
    responses: { 200: { description: 'Alive', ...json(Liveness) } },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/readyz',
    tags,
    summary: 'Readiness: the database answers too',
    security: [],
    responses: {
      200: { description: 'Ready', ...json(Readiness) },
      503: { description: 'Not ready (with Retry-After)', ...json(Readiness) },
    },
  });
}

export function healthRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' } satisfies Liveness));
  app.get('/readyz', async (c) => {
    try {
      await c.var.deps.database.db.execute(sql`select 1`);
      return c.json({ status: 'ready' } satisfies Readiness);
    } catch (err) {
      const reason = isDatabaseUnavailable(err)
        ? `database unavailable (${unavailableReason(err)})`
        : 'database check failed';
      c.var.deps.logger.warn({ reason }, 'readiness check failed');
      return c.json({ status: 'unavailable', reason } satisfies Readiness, 503, {
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
