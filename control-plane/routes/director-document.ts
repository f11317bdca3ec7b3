/**
 * @module `GET /v1/sites/{site}/directors/{name}/document` (permission `read`): the document the
 * director's agent pulls, compiled from the same snapshot (`ETag: "<revision>"`), for operators
 * and tools (`fleetlb export keepalived`, reviews before a change). VRRP passwords are shown only
 * to callers allowed to read secrets.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { DesiredState, Name } from '../../contract/index.js';
import { can } from '../auth/roles.js';
import { directors } from '../db/schema.js';
import { authorize } from '../http/auth.js';
import { createRouter } from '../http/openapi.js';
import { notFound } from '../http/problem.js';
import { findSite } from '../store/sites.js';
import { problemResponses } from './common.js';

const documentRoute = createRoute({
  method: 'get',
  path: '/v1/sites/{site}/directors/{name}/document',
  tags: ['directors'],
  summary: "A director's compiled desired state, as its agent pulls it",
  request: { params: z.object({ site: Name, name: Name }) },
  responses: {
    200: {
      description: 'The document; ETag is its revision',
      content: { 'application/json': { schema: DesiredState } },
    },
    ...problemResponses(401, 403, 404),
  },
});

export function directorDocumentRoutes() {
  const app = createRouter();
  app.openapi(documentRoute, async (c) => {
    const principal = authorize(c, 'read');
    const { site: siteName, name } = c.req.valid('param');
    const { database, documents } = c.var.deps;
    const site = await findSite(database.db, siteName);
    const [row] = await database.db
      .select({ id: directors.id })
      .from(directors)
      .where(and(eq(directors.siteId, site.id), eq(directors.name, name)))
      .limit(1);
    if (!row) throw notFound(`director ${name}`);
    const compiled = await documents.document({ id: row.id, name, siteId: site.id });
    if (!compiled) throw notFound(`director ${name}`);
    const document = JSON.parse(compiled.body) as DesiredState;
    if (!can(principal.role, 'secrets')) {
      for (const instance of document.vrrpInstances) {
        if (instance.authPassword !== undefined) instance.authPassword = '********';
      }
    }
    return c.json(document, 200, { etag: `"${compiled.revision}"`, 'cache-control': 'no-store' });
  });
  return app;
}
