/**
 * @module Handlers of the generic CRUD routes. Every write runs in `writeSite` (site lock,
 * validation against the whole site, revision bump, audit, NOTIFY), honours `If-Match`, and
 * changes nothing when the request would leave the object as it is.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { JSONValue } from 'hono/utils/types';
import { isDeepStrictEqual } from 'node:util';
import {
  addressIssues,
  fieldIssues,
  matchesSelector,
  type Issue,
} from '../../../contract/index.js';
import { can } from '../../auth/roles.js';
import type { Db, Tx } from '../../db/database.js';
import { virtualServers } from '../../db/schema.js';
import { publish } from '../../events/bus.js';
import { actorName, authorize } from '../../http/auth.js';
import type { AppEnv } from '../../http/context.js';
import { applyMergePatch, MAX_PATCH_DEPTH } from '../../http/merge-patch.js';
import { badRequest, conflict, forbidden, invalid, notFound } from '../../http/problem.js';
import {
  deleteObject,
  getObject,
  insertObject,
  listObjects,
  updateObject,
  type ObjectRow,
  type Scope,
} from '../../store/objects.js';
import { writeSite, type SiteWrite } from '../../store/site-write.js';
import { findSite } from '../../store/sites.js';
import {
  checkIfMatch,
  checkIfNoneMatch,
  decodeCursor,
  encodeCursor,
  etagOf,
  selectorParam,
} from '../common.js';
import { deleteWithDependents } from './cascade.js';
import { dryRunOf, previewWithWarnings } from './dry-run.js';
import { redact, type ObjectKind, type Spec } from './kinds.js';
import { reelectionWarnings, warningHeader } from './reelection-warnings.js';
import { objectRoutes, resourcePath, type ObjectParams as Params } from './routes.js';

/** Resolves the scope of a request: the site and, for real servers, the virtual server. */
export async function resolveScope(
  tx: Db | Tx,
  kind: ObjectKind,
  siteId: string,
  params: Params,
): Promise<Scope> {
  if (kind.type !== 'real-server') return { siteId, parentId: null };
  const vs = await getObject(
    tx,
    virtualServers,
    { siteId, parentId: null },
    params.virtualServer ?? '',
  );
  if (!vs) throw notFound(`virtual server ${params.site}/${params.virtualServer}`);
  return { siteId, parentId: vs.id };
}

/** The object a PATCH or DELETE names, under the site lock: 404 when absent, 412 on a stale If-Match. */
async function existingObject(
  w: SiteWrite,
  kind: ObjectKind,
  params: Params & { name: string },
  ifMatch: string | undefined,
) {
  const scope = await resolveScope(w.tx, kind, w.site.id, params);
  const existing = await getObject(w.tx, kind.table, scope, params.name);
  if (!existing) throw notFound(`${kind.type} ${params.name}`);
  checkIfMatch(ifMatch, existing.version);
  return { scope, existing };
}

/** The response body of an object (specs are JSON by construction: they came through zod). */
function present(
  kind: ObjectKind,
  c: Context<AppEnv>,
  params: Params,
  row: ObjectRow,
): Record<string, JSONValue> {
  const body = {
    ...redact(kind, row.spec as Spec, can(c.var.principal.role, 'secrets')),
    site: params.site,
    ...(kind.type === 'real-server' ? { virtualServer: params.virtualServer } : {}),
    resourceVersion: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
  return body as Record<string, JSONValue>;
}

/** Parses a full spec, turning zod issues into a 422 with body paths. */
export function parseSpec(kind: ObjectKind, value: unknown): Spec {
  const result = kind.spec.safeParse(value);
  if (!result.success) throw invalid(fieldIssues(result.error), ['body']);
  return result.data as Spec;
}

function rejectIssues(issues: Issue[]): void {
  if (issues.length > 0) throw invalid(issues, ['body']);
}

/** Writes `after` (or deletes when undefined) with validation and an audit record. */
export async function commit(
  kind: ObjectKind,
  w: SiteWrite,
  scope: Scope,
  params: Params,
  name: string,
  existing: ObjectRow | undefined,
  after: Spec | undefined,
) {
  const before = existing?.spec as Spec | undefined;
  if (after) rejectIssues(addressIssues(kind.type, after, before));
  const issues = await kind.validate(w.tx, { ...scope, before, after });
  if (!after) {
    if (issues.length > 0) throw conflict(`${kind.type} ${name} is still referenced`, issues);
  } else rejectIssues(issues);
  w.record({
    action: !existing ? 'create' : after ? 'update' : 'delete',
    resourceType: kind.type,
    resource: resourcePath(kind, params, name),
    before: before && redact(kind, before, false),
    after: after && redact(kind, after, false),
    stored: after,
  });
  if (!after) {
    await deleteObject(w.tx, kind.table, existing!.id);
    // A director's agent tokens go with it (FK cascade): every replica must forget them.
    if (kind.type === 'director') await publish(w.tx, { type: 'tokens' });
    return undefined;
  }
  return existing
    ? updateObject(w.tx, kind.table, existing.id, after)
    : insertObject(w.tx, kind.table, scope, name, after);
}

/** Registers the six CRUD routes of `kind` on `app`. */
export function registerObjectRoutes(app: OpenAPIHono<AppEnv>, kind: ObjectKind): void {
  const routes = objectRoutes(kind);
  const db = (c: Context<AppEnv>) => c.var.deps.database.db;

  app.openapi(routes.list, async (c) => {
    authorize(c, 'read');
    const params = c.req.valid('param') as Params;
    const { limit, cursor, selector: selectorText } = c.req.valid('query');
    const selector = selectorParam(selectorText);
    const site = await findSite(db(c), params.site);
    const scope = await resolveScope(db(c), kind, site.id, params);
    const rows = await listObjects(db(c), kind.table, scope, {
      after: decodeCursor(cursor),
      limit: selector.length > 0 ? undefined : limit + 1,
    });
    const matching = rows.filter((r) =>
      matchesSelector(selector, ((r.spec as Spec).labels ?? {}) as Record<string, string>),
    );
    const page = matching.slice(0, limit);
    const more = matching.length > limit;
    return c.json(
      {
        items: page.map((r) => present(kind, c, params, r)),
        nextCursor: more ? encodeCursor(page[page.length - 1]!.name) : null,
      },
      200,
    );
  });

  app.openapi(routes.get, async (c) => {
    authorize(c, 'read');
    const params = c.req.valid('param') as Params & { name: string };
    const site = await findSite(db(c), params.site);
    const scope = await resolveScope(db(c), kind, site.id, params);
    const row = await getObject(db(c), kind.table, scope, params.name);
    if (!row) throw notFound(`${kind.type} ${params.name}`);
    c.header('etag', etagOf(row.version));
    return c.json(present(kind, c, params, row), 200);
  });

  app.openapi(routes.create, async (c) => {
    const principal = authorize(c, 'write');
    const params = c.req.valid('param') as Params;
    const spec = c.req.valid('json') as Spec;
    const { result: row, preview } = await writeSite(
      c.var.deps,
      params.site,
      actorName(principal),
      async (w) => {
        const scope = await resolveScope(w.tx, kind, w.site.id, params);
        if (await getObject(w.tx, kind.table, scope, spec.name))
          throw conflict(`${kind.type} ${spec.name} already exists`);
        return commit(kind, w, scope, params, spec.name, undefined, spec);
      },
      dryRunOf(c),
    );
    if (preview) return c.json(preview, 200);
    c.header('etag', etagOf(row!.version));
    c.header('location', `/v1/sites/${resourcePath(kind, params, spec.name)}`);
    return c.json(present(kind, c, params, row!), 201);
  });

  app.openapi(routes.put, async (c) => {
    const principal = authorize(c, 'write');
    const params = c.req.valid('param') as Params & { name: string };
    const headers = c.req.valid('header');
    const body = c.req.valid('json') as Partial<Spec>;
    if (body.name !== undefined && body.name !== params.name)
      throw invalid(
        [{ path: ['name'], message: `must be ${params.name} (the name in the URL) or absent` }],
        ['body'],
      );
    const spec = { ...body, name: params.name } as Spec;
    let warnings: string[] = [];
    const write = async (w: SiteWrite) => {
      const scope = await resolveScope(w.tx, kind, w.site.id, params);
      const existing = await getObject(w.tx, kind.table, scope, params.name);
      checkIfMatch(headers['if-match'], existing?.version);
      checkIfNoneMatch(headers['if-none-match'], existing?.version);
      if (existing && isDeepStrictEqual(existing.spec, spec))
        return { row: existing, created: false };
      warnings = reelectionWarnings(kind, existing?.spec as Spec | undefined, spec);
      return {
        row: (await commit(kind, w, scope, params, params.name, existing, spec))!,
        created: !existing,
      };
    };
    const { result, preview } = await writeSite(
      c.var.deps,
      params.site,
      actorName(principal),
      write,
      dryRunOf(c),
    );
    if (preview) return previewWithWarnings(c, preview, warnings);
    c.header('etag', etagOf(result.row.version));
    for (const warning of warnings) c.header('warning', warningHeader(warning), { append: true });
    return c.json(present(kind, c, params, result.row), result.created ? 201 : 200);
  });

  app.openapi(routes.patch, async (c) => {
    const principal = authorize(
      c,
      c.var.principal.role === 'operator' && kind.operatorFields.length > 0 ? 'operate' : 'write',
    );
    const params = c.req.valid('param') as Params & { name: string };
    const patch = c.req.valid('json') as Record<string, unknown>;
    if (!can(principal.role, 'write')) {
      const denied = Object.keys(patch).filter((k) => !kind.operatorFields.includes(k));
      if (denied.length > 0)
        throw forbidden(
          `operators may change only ${kind.operatorFields.join(', ')}; not ${denied.join(', ')}`,
        );
    }
    let warnings: string[] = [];
    const { result: row, preview } = await writeSite(
      c.var.deps,
      params.site,
      actorName(principal),
      async (w) => {
        const { scope, existing } = await existingObject(
          w,
          kind,
          params,
          c.req.valid('header')['if-match'],
        );
        const merged = applyMergePatch(existing.spec, patch);
        if (merged === undefined)
          throw badRequest(`the patch nests deeper than ${MAX_PATCH_DEPTH} levels`);
        const spec = parseSpec(kind, merged);
        if (spec.name !== params.name)
          throw invalid([{ path: ['name'], message: 'names are immutable' }], ['body']);
        if (isDeepStrictEqual(existing.spec, spec)) return existing;
        warnings = reelectionWarnings(kind, existing.spec as Spec, spec);
        return (await commit(kind, w, scope, params, params.name, existing, spec))!;
      },
      dryRunOf(c),
    );
    if (preview) return previewWithWarnings(c, preview, warnings);
    c.header('etag', etagOf(row.version));
    for (const warning of warnings) c.header('warning', warningHeader(warning), { append: true });
    return c.json(present(kind, c, params, row), 200);
  });

  app.openapi(routes.delete, async (c) => {
    const principal = authorize(c, 'write');
    const params = c.req.valid('param') as Params & { name: string };
    const cascade = c.req.valid('query').cascade === 'true';
    const { preview } = await writeSite(
      c.var.deps,
      params.site,
      actorName(principal),
      async (w) => {
        const { scope, existing } = await existingObject(
          w,
          kind,
          params,
          c.req.valid('header')['if-match'],
        );
        const handled = await deleteWithDependents(w, kind, params, existing, cascade);
        if (!handled) await commit(kind, w, scope, params, params.name, existing, undefined);
      },
      dryRunOf(c),
    );
    if (preview) return c.json(preview, 200);
    return c.body(null, 204);
  });
}
