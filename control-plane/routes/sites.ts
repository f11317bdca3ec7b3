/**
 * @module Sites: `/v1/sites` and `/v1/sites/{site}`. A site is the unit of revision: every change
 * to it or to anything in it bumps its revision, which its directors' documents carry.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { asc, count, eq, gt, sql } from 'drizzle-orm';
import { isDeepStrictEqual } from 'node:util';
import {
  Name,
  SiteResource,
  SiteSpec,
  WritePreview,
  matchesSelector,
  pageOf,
} from '../../contract/index.js';
import { directors, objectHistory, sites, virtualServers, vrrpInstances } from '../db/schema.js';
import { publish } from '../events/bus.js';
import { actorName, authorize } from '../http/auth.js';
import { createRouter } from '../http/openapi.js';
import { conflict, invalid } from '../http/problem.js';
import { bumpRevision, recordAudit, writeSite } from '../store/site-write.js';
import { loadSiteRows, planSiteDelete } from '../store/dependents.js';
import { findSite, type SiteRow } from '../store/sites.js';
import {
  PageQuery,
  checkIfMatch,
  decodeCursor,
  encodeCursor,
  etagOf,
  problemResponses,
  selectorParam,
} from './common.js';
import { KINDS, redact, type Spec } from './objects/kinds.js';
import { dryRunOf } from './objects/dry-run.js';
import { CascadeQuery, DryRunQuery } from './objects/routes.js';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const tags = ['sites'];
const siteParam = z.object({ site: Name });
const ifMatch = z.object({ 'if-match': z.string().optional() });

const routes = {
  list: createRoute({
    method: 'get',
    path: '/v1/sites',
    tags,
    summary: 'List sites',
    request: { query: PageQuery.extend({ selector: z.string().max(1024).optional() }) },
    responses: {
      200: {
        description: 'A page of sites',
        ...json(pageOf(SiteResource)),
      },
      ...problemResponses(400, 401, 403),
    },
  }),
  create: createRoute({
    method: 'post',
    path: '/v1/sites',
    tags,
    summary: 'Create a site',
    request: { query: DryRunQuery, body: { required: true, ...json(SiteSpec) } },
    responses: {
      200: { description: 'Dry run: what the write would do', ...json(WritePreview) },
      201: { description: 'Created', ...json(SiteResource) },
      ...problemResponses(400, 401, 403, 409, 413, 415, 422),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/sites/{site}',
    tags,
    summary: 'Read a site',
    request: { params: siteParam },
    responses: {
      200: { description: 'The site', ...json(SiteResource) },
      ...problemResponses(401, 403, 404),
    },
  }),
  put: createRoute({
    method: 'put',
    path: '/v1/sites/{site}',
    tags,
    summary: "Replace a site's description and labels",
    request: {
      params: siteParam,
      headers: ifMatch,
      query: DryRunQuery,
      body: { required: true, ...json(SiteSpec.partial({ name: true })) },
    },
    responses: {
      200: {
        description: 'Replaced (or unchanged); with dryRun=true, a WritePreview',
        ...json(z.union([SiteResource, WritePreview])),
      },
      ...problemResponses(400, 401, 403, 404, 412, 413, 415, 422),
    },
  }),
  delete: createRoute({
    method: 'delete',
    path: '/v1/sites/{site}',
    tags,
    summary: 'Delete a site (with ?cascade=true if it is not empty)',
    description:
      'A site that still holds objects is refused (409, counting them) unless cascade=true, which deletes everything in it and audits each object with its full before.',
    request: {
      params: siteParam,
      headers: ifMatch,
      query: CascadeQuery.extend(DryRunQuery.shape),
    },
    responses: {
      200: { description: 'Dry run: what the delete would do', ...json(WritePreview) },
      204: { description: 'Deleted' },
      ...problemResponses(401, 403, 404, 409, 412),
    },
  }),
};

const present = (row: SiteRow) => ({
  ...(row.spec as SiteSpec),
  revision: row.revision,
  resourceVersion: row.version,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export function siteRoutes() {
  const app = createRouter();

  app.openapi(routes.list, async (c) => {
    authorize(c, 'read');
    const { limit, cursor, selector: text } = c.req.valid('query');
    const selector = selectorParam(text);
    const after = decodeCursor(cursor);
    const rows = await c.var.deps.database.db
      .select()
      .from(sites)
      .where(after === undefined ? undefined : gt(sites.name, after))
      .orderBy(asc(sites.name));
    const matching = rows.filter((r) => matchesSelector(selector, (r.spec as SiteSpec).labels));
    const page = matching.slice(0, limit);
    return c.json(
      {
        items: page.map(present),
        nextCursor: matching.length > limit ? encodeCursor(page[page.length - 1]!.name) : null,
      },
      200,
    );
  });

  app.openapi(routes.create, async (c) => {
    const principal = authorize(c, 'write');
    const spec = c.req.valid('json');
    if (c.req.valid('query').dryRun === 'true') {
      const [taken] = await c.var.deps.database.db
        .select({ id: sites.id })
        .from(sites)
        .where(eq(sites.name, spec.name));
      if (taken) throw conflict(`site ${spec.name} already exists`);
      const change = { action: 'create', resourceType: 'site', resource: spec.name, after: spec };
      const preview: WritePreview = {
        site: spec.name,
        dryRun: true,
        changed: true,
        revision: 1,
        changes: [change],
        directors: [],
      };
      return c.json(preview, 200);
    }
    const row = await c.var.deps.bus.transaction(async (tx) => {
      const [created] = await tx
        .insert(sites)
        .values({ name: spec.name, spec })
        .onConflictDoNothing()
        .returning();
      if (!created) throw conflict(`site ${spec.name} already exists`);
      await publish(tx, { type: 'revision', siteId: created.id, revision: created.revision });
      await recordAudit(tx, actorName(principal), created.id, created.revision, [
        { action: 'create', resourceType: 'site', resource: spec.name, before: null, after: spec },
      ]);
      await tx.insert(objectHistory).values({
        siteId: created.id,
        revision: created.revision,
        resourceType: 'site',
        name: spec.name,
        spec,
      });
      return created;
    });
    c.header('etag', etagOf(row.version));
    c.header('location', `/v1/sites/${row.name}`);
    return c.json(present(row), 201);
  });

  app.openapi(routes.get, async (c) => {
    authorize(c, 'read');
    const row = await findSite(c.var.deps.database.db, c.req.valid('param').site);
    c.header('etag', etagOf(row.version));
    return c.json(present(row), 200);
  });

  app.openapi(routes.put, async (c) => {
    const principal = authorize(c, 'write');
    const { site: name } = c.req.valid('param');
    const body = c.req.valid('json');
    if (body.name !== undefined && body.name !== name)
      throw invalid([{ path: ['name'], message: `must be ${name} or absent` }], ['body']);
    const spec = { ...body, name };
    const {
      result: row,
      revision,
      preview,
    } = await writeSite(
      c.var.deps,
      name,
      actorName(principal),
      async (w) => {
        checkIfMatch(c.req.valid('header')['if-match'], w.site.version);
        if (isDeepStrictEqual(w.site.spec, spec)) return w.site;
        w.record({
          action: 'update',
          resourceType: 'site',
          resource: name,
          before: w.site.spec,
          after: spec,
        });
        const [updated] = await w.tx
          .update(sites)
          .set({ spec, version: sql`${sites.version} + 1`, updatedAt: sql`now()` })
          .where(eq(sites.id, w.site.id))
          .returning();
        return updated!;
      },
      dryRunOf(c),
    );
    if (preview) return c.json(preview, 200);
    c.header('etag', etagOf(row.version));
    return c.json(present({ ...row, revision }), 200); // the row predates the revision bump
  });

  app.openapi(routes.delete, async (c) => {
    const principal = authorize(c, 'write');
    const { site: name } = c.req.valid('param');
    const cascade = c.req.valid('query').cascade === 'true';
    const options = dryRunOf(c);
    const { preview } = await writeSite(
      c.var.deps,
      name,
      actorName(principal),
      async (w) => {
        checkIfMatch(c.req.valid('header')['if-match'], w.site.version);
        const children = await Promise.all(
          [directors, vrrpInstances, virtualServers].map(
            async (t) =>
              (await w.tx.select({ n: count() }).from(t).where(eq(t.siteId, w.site.id)))[0]?.n ?? 0,
          ),
        );
        if (!cascade && children.some((n) => n > 0)) {
          throw conflict(
            `site ${name} still has ${children[0]} directors, ${children[1]} VRRP instances and ${children[2]} virtual servers; delete them or pass cascade=true`,
          );
        }
        await bumpRevision(w.tx, w.site.id); // wakes the site's long-polls: their director is gone
        // One event per object with its full before, children first, so the site can be rebuilt.
        const contents = planSiteDelete(name, await loadSiteRows(w.tx, w.site.id));
        const deleted = [
          ...contents.map((change) => ({
            action: 'delete',
            resourceType: change.type,
            resource: change.resource,
            before: redact(KINDS[change.type], change.row.spec as Spec, false),
            after: null,
          })),
          {
            action: 'delete',
            resourceType: 'site',
            resource: name,
            before: w.site.spec,
            after: null,
          },
        ];
        // A dry run lists them in its preview (and everything here is rolled back).
        if (options.dryRun) for (const change of deleted) w.record(change);
        await recordAudit(w.tx, actorName(principal), w.site.id, null, deleted);
        await publish(w.tx, { type: 'tokens' }); // agent tokens of its directors went with it
        await w.tx.delete(sites).where(eq(sites.id, w.site.id));
      },
      options,
    );
    if (preview) return c.json(preview, 200);
    return c.body(null, 204);
  });

  return app;
}
