/**
 * @module Fleet views (permission `read`): the site's configuration joined with what its directors
 * last reported, weighed by store/report-evidence.ts: a director is stale when it never reported
 * or its report is older than twice its report interval plus a margin, stopped after its agent's
 * final report; stale and stopped directors never count as VRRP masters nor in connection
 * totals, and a mastership claim older than another member's takeover does not count either.
 * - `GET /v1/sites/{site}/vrrp-status`: per instance and member the reported state, split brain, no master;
 * - `GET /v1/sites/{site}/vrrp-transitions`: the reported state changes, newest first;
 * - `GET /v1/sites/{site}/directors-status`: applied revision (behind or not), NACKs, agent, errors,
 *   conditions (what a director cannot do of its document, per object);
 * - `GET /v1/sites/{site}/real-server-status`: per real server, each carrying director's view.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Context } from 'hono';
import {
  DirectorsStatusView,
  Name,
  RealServerStatusView,
  VrrpStatusView,
  VrrpTransitionList,
  matchesSelector,
  type VrrpState,
} from '../../contract/index.js';
import { directors, vrrpTransitions } from '../db/schema.js';
import { authorize } from '../http/auth.js';
import type { AppEnv } from '../http/context.js';
import { createRouter } from '../http/openapi.js';
import { notFound } from '../http/problem.js';
import { carriersOf } from '../store/fleet-status.js';
import { freshnessOf, weighInstance, type DirectorReport } from '../store/report-evidence.js';
import { findSite } from '../store/sites.js';
import { problemResponses, selectorParam } from './common.js';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });
const tags = ['fleet'];
const params = z.object({ site: Name });
const routes = {
  vrrpStatus: createRoute({
    method: 'get',
    path: '/v1/sites/{site}/vrrp-status',
    tags,
    summary: 'VRRP state of every instance and member, with split brain and no-master flags',
    request: { params },
    responses: {
      200: {
        description: 'Per instance',
        ...json(VrrpStatusView),
      },
      ...problemResponses(401, 403, 404),
    },
  }),
  transitions: createRoute({
    method: 'get',
    path: '/v1/sites/{site}/vrrp-transitions',
    tags,
    summary: 'Reported VRRP state changes, newest first',
    request: {
      params,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(1000).default(100),
        director: Name.optional(),
      }),
    },
    responses: {
      200: {
        description: 'Transitions',
        ...json(VrrpTransitionList),
      },
      ...problemResponses(400, 401, 403, 404),
    },
  }),
  directorsStatus: createRoute({
    method: 'get',
    path: '/v1/sites/{site}/directors-status',
    tags,
    summary: 'What each director applied, rejected and reported',
    request: { params },
    responses: {
      200: {
        description: 'Per director',
        ...json(DirectorsStatusView),
      },
      ...problemResponses(401, 403, 404),
    },
  }),
  realServerStatus: createRoute({
    method: 'get',
    path: '/v1/sites/{site}/real-server-status',
    tags,
    summary: "Each real server's health, weight and connections per director",
    request: {
      params,
      query: z.object({
        virtualServer: Name.optional(),
        selector: z
          .string()
          .max(1024)
          .optional()
          .meta({ description: 'Label selector on the real servers' }),
      }),
    },
    responses: {
      200: {
        description:
          'Per real server; connection totals count the directors whose reports are fresh (neither stale nor stopped)',
        ...json(RealServerStatusView),
      },
      ...problemResponses(400, 401, 403, 404),
    },
  }),
};

/** The site, its configuration snapshot and its directors' latest reports. */
async function loadView(c: Context<AppEnv>, siteName: string) {
  const { database, documents, bus, clock, reportStore } = c.var.deps;
  const site = await findSite(database.db, siteName);
  bus.noteRevision(site.id, site.revision); // so the shared snapshot is at least this new
  const snapshot = await documents.snapshot(site.id);
  if (!snapshot) throw notFound(`site ${siteName}`);
  const reports = await reportStore.latest(site.id);
  const now = clock.now();
  const reportOf = (director: string): DirectorReport | undefined =>
    reports.get(snapshot.directorIds.get(director) ?? '');
  const freshness = (latest: DirectorReport | undefined) => freshnessOf(latest, now);
  const header = { site: siteName, revision: snapshot.site.revision };
  return { snapshot, reportOf, freshness, header, now };
}

const byName = <T extends { name: string }>(a: T, b: T) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

export function fleetRoutes() {
  const app = createRouter();

  app.openapi(routes.vrrpStatus, async (c) => {
    authorize(c, 'read');
    const { snapshot, reportOf, header, now } = await loadView(c, c.req.valid('param').site);
    const instances = [...snapshot.vrrpInstances].sort(byName).map((instance) => {
      const weighed = weighInstance(
        instance.name,
        instance.members.map((m) => ({ director: m.director, latest: reportOf(m.director) })),
        now,
      );
      const members = weighed.members.map((m, i) => ({
        ...m,
        configuredPriority: instance.members[i]!.priority,
        maintenance: snapshot.maintenance?.has(m.director) ?? false,
      }));
      return { name: instance.name, vrid: instance.vrid, ...weighed, members };
    });
    return c.json({ ...header, instances }, 200);
  });

  app.openapi(routes.transitions, async (c) => {
    authorize(c, 'read');
    const { db } = c.var.deps.database;
    const { limit, director } = c.req.valid('query');
    const site = await findSite(db, c.req.valid('param').site);
    const where: SQL[] = [eq(vrrpTransitions.siteId, site.id)];
    if (director !== undefined) {
      const [row] = await db
        .select({ id: directors.id })
        .from(directors)
        .where(and(eq(directors.siteId, site.id), eq(directors.name, director)));
      if (!row) throw notFound(`director ${site.name}/${director}`);
      where.push(eq(vrrpTransitions.directorId, row.id));
    }
    const rows = await db
      .select({ transition: vrrpTransitions, director: directors.name })
      .from(vrrpTransitions)
      .innerJoin(directors, eq(directors.id, vrrpTransitions.directorId))
      .where(and(...where))
      .orderBy(desc(vrrpTransitions.at), desc(vrrpTransitions.id))
      .limit(limit);
    const items = rows.map(({ transition: t, director: name }) => ({
      id: t.id,
      director: name,
      instance: t.instance,
      from: t.fromState as VrrpState,
      to: t.toState as VrrpState,
      reason: t.reason,
      at: t.at.toISOString(),
    }));
    return c.json({ items }, 200);
  });

  app.openapi(routes.directorsStatus, async (c) => {
    authorize(c, 'read');
    const { snapshot, reportOf, freshness, header } = await loadView(c, c.req.valid('param').site);
    const list = [...snapshot.directors].sort(byName).map((director) => {
      const latest = reportOf(director.name);
      const appliedRevision = latest?.appliedRevision ?? null;
      return {
        name: director.name,
        address: director.address,
        maintenance: snapshot.maintenance?.get(director.name) ?? null,
        ...freshness(latest),
        appliedRevision,
        revision: header.revision,
        behind: appliedRevision === null || appliedRevision < header.revision,
        rejected: latest?.report.rejected ?? null,
        agent: latest?.report.agent ?? null,
        errors: latest?.report.errors ?? [],
        conditions: latest?.report.conditions ?? [],
        ipvsSync: latest?.report.ipvsSync ?? null,
      };
    });
    return c.json({ ...header, directors: list }, 200);
  });

  app.openapi(routes.realServerStatus, async (c) => {
    authorize(c, 'read');
    const query = c.req.valid('query');
    const selector = selectorParam(query.selector);
    const { snapshot, reportOf, freshness, header } = await loadView(c, c.req.valid('param').site);
    const servers = [...snapshot.virtualServers]
      .sort(byName)
      .filter((vs) => query.virtualServer === undefined || vs.name === query.virtualServer);
    if (query.virtualServer !== undefined && servers.length === 0)
      throw notFound(`virtual server ${header.site}/${query.virtualServer}`);
    const directorNames = snapshot.directors.map((d) => d.name).sort();
    const totals = { activeConnections: 0, inactiveConnections: 0 };
    const realServers = servers.flatMap((vs) =>
      [...vs.realServers]
        .sort(byName)
        .filter((rs) => matchesSelector(selector, rs.labels))
        .map((rs) => {
          const views = carriersOf(vs, snapshot.vrrpInstances, directorNames).map((director) => {
            const latest = reportOf(director);
            const entry = latest?.report.realServers.find(
              (r) => r.virtualServer === vs.name && r.realServer === rs.name,
            );
            return {
              director,
              ...freshness(latest),
              health: entry?.health ?? ('unknown' as const),
              weight: entry?.weight ?? null,
              activeConnections: entry?.activeConnections ?? null,
              inactiveConnections: entry?.inactiveConnections ?? null,
            };
          });
          const sums = { activeConnections: 0, inactiveConnections: 0 };
          for (const v of views.filter((view) => !view.stale && !view.stopped)) {
            sums.activeConnections += v.activeConnections ?? 0;
            sums.inactiveConnections += v.inactiveConnections ?? 0;
          }
          totals.activeConnections += sums.activeConnections;
          totals.inactiveConnections += sums.inactiveConnections;
          const { name, address, port, weight, adminState, labels } = rs;
          return {
            virtualServer: vs.name,
            name,
            address,
            port,
            weight,
            adminState,
            labels,
            directors: views,
            ...sums,
          };
        }),
    );
    return c.json({ ...header, realServers, totals }, 200);
  });

  return app;
}
