/**
 * @module A site's history (permission `read`): its revisions newest first (who, when, what
 * changed: the audit log grouped by revision), the whole site at one revision (from
 * `object_history`, store/history.ts) and a structured diff between two revisions. Secrets are
 * redacted unless the caller may read them.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, inArray, isNotNull, lt, type SQL } from 'drizzle-orm';
import type { Context } from 'hono';
import {
  Name,
  RevisionDiff,
  RevisionList,
  SiteRevision,
  type RevisionSummary,
} from '../../contract/index.js';
import { can } from '../auth/roles.js';
import {
  contentsOf,
  diffStates,
  wireDiff,
  type SiteState,
  type StateSpec,
  type StateType,
} from '../compile/site-state.js';
import type { Db } from '../db/database.js';
import { auditEvents } from '../db/schema.js';
import { authorize } from '../http/auth.js';
import type { AppEnv } from '../http/context.js';
import { createRouter } from '../http/openapi.js';
import { Problem } from '../http/problem.js';
import { historyStart, stateAt } from '../store/history.js';
import { findSite, type SiteRow } from '../store/sites.js';
import { problemResponses } from './common.js';
import { KINDS, redact } from './objects/kinds.js';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const revisionNumber = z.coerce.number().int().min(1);

const routes = {
  list: createRoute({
    method: 'get',
    path: '/v1/sites/{site}/revisions',
    tags: ['history'],
    summary: "A site's revisions, newest first: who, when, what changed",
    request: {
      params: z.object({ site: Name }),
      query: z.object({
        limit: z.coerce.number().int().min(1).max(1000).default(50),
        before: revisionNumber.optional().meta({
          description: 'Only revisions below this one (the nextBefore of the previous page)',
        }),
      }),
    },
    responses: {
      200: { description: 'A page of revisions', ...json(RevisionList) },
      ...problemResponses(400, 401, 403, 404),
    },
  }),
  diff: createRoute({
    method: 'get',
    path: '/v1/sites/{site}/revisions/diff',
    tags: ['history'],
    summary: 'What changes from one revision of a site to another, object by object',
    request: {
      params: z.object({ site: Name }),
      query: z.object({
        from: revisionNumber,
        to: revisionNumber.optional().meta({ description: 'Default: the current revision' }),
      }),
    },
    responses: {
      200: { description: 'The objects that differ', ...json(RevisionDiff) },
      ...problemResponses(400, 401, 403, 404),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/sites/{site}/revisions/{revision}',
    tags: ['history'],
    summary: 'The whole site as it was at one revision',
    request: { params: z.object({ site: Name, revision: revisionNumber }) },
    responses: {
      200: { description: 'The site at that revision', ...json(SiteRevision) },
      ...problemResponses(400, 401, 403, 404),
    },
  }),
};

/** 404 unless the whole site at `revision` is kept; the state otherwise. */
export async function keptState(
  db: Db,
  site: SiteRow,
  revision: number,
  field: string,
): Promise<SiteState> {
  const start = await historyStart(db, site.id);
  if (start === undefined || revision < start || revision > site.revision)
    throw new Problem(
      404,
      'revision-not-found',
      'No such revision',
      start === undefined
        ? `site ${site.name} has no history`
        : `${field}=${revision}: site ${site.name} keeps revisions ${start} to ${site.revision}`,
    );
  return stateAt(db, site.id, revision);
}

/** A spec as the caller may see it. */
export function shown(c: Context<AppEnv>) {
  const secrets = can(c.var.principal.role, 'secrets');
  return (type: StateType, spec: StateSpec) =>
    type === 'site' ? spec : redact(KINDS[type], spec, secrets);
}

function redactState(state: SiteState, show: ReturnType<typeof shown>): SiteState {
  return new Map(
    [...state].map(([k, e]) => [k, { ...e, spec: show(e.type, e.spec) as StateSpec }]),
  );
}

async function summaries(db: Db, site: SiteRow, limit: number, before: number | undefined) {
  const where: SQL[] = [eq(auditEvents.siteId, site.id), isNotNull(auditEvents.revision)];
  if (before !== undefined) where.push(lt(auditEvents.revision, before));
  const revisions = await db
    .selectDistinct({ revision: auditEvents.revision })
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.revision))
    .limit(limit + 1);
  const page = revisions.slice(0, limit).map((r) => r.revision!);
  const events =
    page.length === 0
      ? []
      : await db
          .select()
          .from(auditEvents)
          .where(and(eq(auditEvents.siteId, site.id), inArray(auditEvents.revision, page)))
          .orderBy(auditEvents.id);
  const start = await historyStart(db, site.id);
  const items: RevisionSummary[] = page.map((revision) => {
    const group = events.filter((e) => e.revision === revision);
    return {
      revision,
      at: (group[0]?.at ?? new Date(0)).toISOString(),
      actor: group[0]?.actor ?? '',
      restorable: start !== undefined && revision >= start,
      changes: group.map((e) => ({
        action: e.action,
        resourceType: e.resourceType,
        resource: e.resource,
      })),
    };
  });
  return { items, start, more: revisions.length > limit };
}

export function historyRoutes() {
  const app = createRouter();
  const db = (c: Context<AppEnv>) => c.var.deps.database.db;

  app.openapi(routes.list, async (c) => {
    authorize(c, 'read');
    const { limit, before } = c.req.valid('query');
    const site = await findSite(db(c), c.req.valid('param').site);
    const { items, start, more } = await summaries(db(c), site, limit, before);
    return c.json(
      {
        site: site.name,
        revision: site.revision,
        historyStart: start ?? null,
        items,
        nextBefore: more ? items[items.length - 1]!.revision : null,
      },
      200,
    );
  });

  app.openapi(routes.diff, async (c) => {
    authorize(c, 'read');
    const { from, to } = c.req.valid('query');
    const site = await findSite(db(c), c.req.valid('param').site);
    const target = to ?? site.revision;
    const show = shown(c);
    const [a, b] = [
      redactState(await keptState(db(c), site, from, 'from'), show),
      redactState(await keptState(db(c), site, target, 'to'), show),
    ];
    return c.json(
      { site: site.name, from, to: target, objects: diffStates(site.name, a, b).map(wireDiff) },
      200,
    );
  });

  app.openapi(routes.get, async (c) => {
    authorize(c, 'read');
    const { revision } = c.req.valid('param');
    const site = await findSite(db(c), c.req.valid('param').site);
    const state = redactState(await keptState(db(c), site, revision, 'revision'), shown(c));
    return c.json({ site: site.name, revision, contents: contentsOf(site.name, state) }, 200);
  });
  return app;
}
