/** @module The audit log: who changed what, when, before → after (secrets already redacted). */
import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { JSONValue } from 'hono/utils/types';
import { Name } from '../../contract/index.js';
import { auditEvents } from '../db/schema.js';
import { authorize } from '../http/auth.js';
import { createRouter } from '../http/openapi.js';
import { findSite } from '../store/sites.js';
import { problemResponses } from './common.js';

const AuditEvent = z
  .object({
    id: z.int(),
    at: z.iso.datetime(),
    actor: z.string(),
    action: z.string(),
    resourceType: z.string(),
    resource: z.string(),
    revision: z.int().nullable(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .meta({ id: 'AuditEvent' });

const route = createRoute({
  method: 'get',
  path: '/v1/audit',
  tags: ['audit'],
  summary: 'Audit events, newest first',
  request: {
    query: z.object({
      site: Name.optional(),
      resourceType: z
        .enum([
          'site',
          'director',
          'director-maintenance',
          'vrrp-instance',
          'virtual-server',
          'real-server',
          'token',
        ])
        .optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      before: z.coerce.number().int().min(1).optional().meta({
        description: 'Only events with a smaller id (the nextBefore of the previous page)',
      }),
    }),
  },
  responses: {
    200: {
      description: 'A page of events',
      content: {
        'application/json': {
          schema: z.object({ items: z.array(AuditEvent), nextBefore: z.int().nullable() }),
        },
      },
    },
    ...problemResponses(400, 401, 403, 404),
  },
});

export function auditRoutes() {
  const app = createRouter();
  app.openapi(route, async (c) => {
    authorize(c, 'read');
    const { site, resourceType, limit, before } = c.req.valid('query');
    const { db } = c.var.deps.database;
    const where: SQL[] = [];
    if (site !== undefined) where.push(eq(auditEvents.siteId, (await findSite(db, site)).id));
    if (resourceType !== undefined) where.push(eq(auditEvents.resourceType, resourceType));
    if (before !== undefined) where.push(lt(auditEvents.id, before));
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(...where))
      .orderBy(desc(auditEvents.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const items = page.map((r) => ({
      ...r,
      at: r.at.toISOString(),
      siteId: undefined,
      before: r.before as JSONValue,
      after: r.after as JSONValue,
    }));
    return c.json(
      { items, nextBefore: rows.length > limit ? page[page.length - 1]!.id : null },
      200,
    );
  });
  return app;
}
