/**
 * @module The agent protocol (DESIGN.md "Desired-state document"):
 * - `GET /v1/agent/config`: the caller's compiled document, `ETag: "<revision>"`; with
 *   `If-None-Match` and `?wait=` it long-polls and answers as soon as a commit on any replica
 *   changes the site, or 304 when the wait runs out.
 * - `POST /v1/agent/status`: the latest report per director and a bounded transition history.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, lte } from 'drizzle-orm';
import { AgentStatus, DesiredState } from '../../contract/index.js';
import type { Tx } from '../db/database.js';
import { directors, vrrpTransitions } from '../db/schema.js';
import { DatabaseUnavailable } from '../db/unavailable.js';
import { publish } from '../events/bus.js';
import { authorize } from '../http/auth.js';
import { badRequest, invalid, notFound, Problem } from '../http/problem.js';
import { createRouter } from '../http/openapi.js';
import { readRevision } from '../store/site-snapshot.js';
import { problemResponses } from './common.js';

const configRoute = createRoute({
  method: 'get',
  path: '/v1/agent/config',
  tags: ['agent'],
  summary: "The calling director's desired state (long-poll with If-None-Match and wait)",
  request: {
    query: z.object({
      wait: z.coerce.number().int().min(0).max(3600).default(0).meta({
        description: 'Seconds to wait for a change (capped by the server, 60 by default)',
      }),
    }),
    headers: z.object({ 'if-none-match': z.string().optional() }),
  },
  responses: {
    200: {
      description: 'The document; ETag is its revision',
      content: { 'application/json': { schema: DesiredState } },
    },
    304: { description: 'Unchanged within the wait' },
    ...problemResponses(401, 403, 404),
  },
});

const statusRoute = createRoute({
  method: 'post',
  path: '/v1/agent/status',
  tags: ['agent'],
  summary: "Report the calling director's applied revision, VRRP state and real-server health",
  request: { body: { content: { 'application/json': { schema: AgentStatus } }, required: true } },
  responses: { 204: { description: 'Stored' }, ...problemResponses(401, 403, 413, 415, 422) },
});

/** Parses `"12"`, `W/"12"` or a list of them into revisions. */
function requestedRevisions(header: string | undefined): Set<number> {
  const revisions = new Set<number>();
  for (const tag of header?.split(',') ?? []) {
    const match = tag.trim().match(/^(?:W\/)?"(\d+)"$/);
    if (match?.[1]) revisions.add(Number(match[1]));
  }
  return revisions;
}

export function agentRoutes() {
  const app = createRouter();

  app.openapi(configRoute, async (c) => {
    const principal = authorize(c, 'agent');
    const director = principal.director;
    if (!director) throw notFound('the director of this token');
    const { documents, bus, options } = c.var.deps;
    const known = requestedRevisions(c.req.valid('header')['if-none-match']);
    const deadline = Date.now() + Math.min(c.req.valid('query').wait, options.maxWaitS) * 1000;
    let revision = await documents.currentRevision(director.siteId);
    while (revision !== undefined && known.has(revision) && Date.now() < deadline) {
      const seen = revision;
      await bus.waitFor(
        director.siteId,
        (e) => e.type === 'revision' && e.siteId === director.siteId && e.revision > seen,
        deadline - Date.now(),
        c.req.raw.signal,
      );
      if (c.req.raw.signal.aborted) break;
      revision = await documents.currentRevision(director.siteId);
    }
    if (revision !== undefined && known.has(revision)) {
      return c.body(null, 304, { etag: `"${revision}"` });
    }
    const document = await documents.document(director);
    if (!document) throw notFound(`director ${director.name}`);
    return c.body(document.body, 200, {
      'content-type': 'application/json',
      etag: `"${document.revision}"`,
      'cache-control': 'no-store',
    });
  });

  // Documented from statusRoute, but validated (and on PostgreSQL stored) by the status report
  // worker (report-intake.ts) rather than by the OpenAPI validator, which would parse ~20 MiB on
  // the request path.
  app.openAPIRegistry.registerPath(statusRoute);
  app.post(statusRoute.path, async (c) => {
    const principal = authorize(c, 'agent');
    const director = principal.director;
    if (!director) throw notFound('the director of this token');
    const { database, clock, options, documents, reports, reportStore } = c.var.deps;
    // The body guard's bytes, handed to the worker thread without another copy.
    const body = c.var.body ?? new Uint8Array(await c.req.arrayBuffer());
    const reportedAt = clock.now();
    const report = await reports.take(body, {
      directorId: director.id,
      siteId: director.siteId,
      reportedAtMs: reportedAt.getTime(),
      knownRevision: await documents.currentRevision(director.siteId),
    });
    if (!report.ok) {
      if (report.status === 400) throw badRequest(report.detail);
      if (report.status === 422)
        throw new Problem(
          422,
          'validation-failed',
          'Validation failed',
          'invalid body',
          report.errors,
        );
      if (report.status === 'ahead') throw revisionAhead(report.current);
      if (report.status === 'director-gone') throw notFound(`director ${director.name}`);
      const cause = Object.assign(new Error(report.message), { code: report.code });
      throw new DatabaseUnavailable('unknown', cause);
    }
    const json = report.json;
    if (
      json !== undefined &&
      report.appliedRevision !== null &&
      report.appliedRevision > ((await documents.currentRevision(director.siteId)) ?? 0)
    ) {
      // The bus may lag a commit made on another replica by a few ms: ask the database first.
      const current = await readRevision(database.db, director.siteId);
      if (current === undefined || report.appliedRevision > current) throw revisionAhead(current);
    }
    await c.var.deps.bus.transaction(async (tx) => {
      // The director may have been deleted since the token was checked: no orphan status rows.
      const [exists] = await tx
        .select({ id: directors.id })
        .from(directors)
        .where(eq(directors.id, director.id))
        .for('share');
      if (!exists) throw notFound(`director ${director.name}`);
      // Stored by the worker already unless it handed the report back (PGlite, or in-process).
      if (json !== undefined)
        await reportStore.save(tx, {
          directorId: director.id,
          siteId: director.siteId,
          reportedAt,
          appliedRevision: report.appliedRevision,
          json,
        });
      if (report.transitions.length > 0) {
        await tx.insert(vrrpTransitions).values(
          report.transitions.map((t) => ({
            directorId: director.id,
            siteId: director.siteId,
            instance: t.instance,
            fromState: t.from,
            toState: t.to,
            reason: t.reason,
            at: new Date(t.at),
          })),
        );
        await pruneTransitions(tx, director.id, options.transitionHistory);
      }
      await publish(tx, { type: 'status', siteId: director.siteId, directorId: director.id });
    });
    return c.body(null, 204);
  });

  return app;
}

/** A report claiming a revision its site never reached (it would end a drain wait early). */
function revisionAhead(current: number | undefined): Problem {
  return invalid(
    [
      {
        path: ['appliedRevision'],
        message: `the site is at revision ${current ?? 'none'}: an agent cannot have applied a later one`,
      },
    ],
    ['body'],
  );
}

/** Keeps the newest `keep` transitions of a director. */
async function pruneTransitions(tx: Tx, directorId: string, keep: number): Promise<void> {
  const [cutoff] = await tx
    .select({ id: vrrpTransitions.id })
    .from(vrrpTransitions)
    .where(eq(vrrpTransitions.directorId, directorId))
    .orderBy(desc(vrrpTransitions.id))
    .offset(keep)
    .limit(1);
  if (cutoff) {
    await tx
      .delete(vrrpTransitions)
      .where(and(eq(vrrpTransitions.directorId, directorId), lte(vrrpTransitions.id, cutoff.id)));
  }
}
